"""Typed training config: YAML file + dotted command-line overrides, unknown keys rejected."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ner.errors import ConfigError
from ner.labels import ENTITY_TYPES


# Defaults that other modules read from here (one source): the window a model is trained and tags with.
MAX_LENGTH = 256  # tokens per window, special tokens included
OVERLAP = 64  # tokens shared by consecutive windows


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ModelConfig(Strict):
    base: str = "../shared/models/me5-small-zh"  # any Hugging Face id or local path
    # A first stage: the config that trains ``base`` (its output_dir must be ``base``). `ner train` trains it
    # first when ``base`` holds no finished model, and reuses it (a rerun, the next cv fold) when it does.
    base_config: str | None = None
    max_length: int = Field(MAX_LENGTH, ge=16, le=4096)  # tokens per window, special tokens included
    overlap: int = Field(OVERLAP, ge=0)  # tokens shared by consecutive windows
    types: list[str] = list(ENTITY_TYPES)
    # Characters the tokenizer keeps as tokens of their own (a regex of single characters; none: the encoder's own
    # tokenizer). A subword that runs over an entity's edge (在中国, 是中国, （4 in （4GWh）) leaves that edge out of reach;
    # ner.model.modeling.isolate_characters splits them off, and the tokenizer saved with the model keeps doing so.
    isolate: str | None = None

    @field_validator("isolate")
    @classmethod
    def _one_character_pattern(cls, pattern: str | None) -> str | None:
        """A regex the tokenizer compiles that matches no empty string (else every character would split off)."""
        if pattern is None:
            return None
        import regex
        from tokenizers import Regex

        try:
            Regex(pattern)
            empty = regex.fullmatch(pattern, "") is not None
        except Exception as e:  # tokenizers raises a bare Exception for a bad pattern
            raise ValueError(f"model.isolate {pattern!r} is no regex ({str(e).splitlines()[0]}); give a character class "
                             "such as '[在是与]'") from None
        if empty:
            raise ValueError(f"model.isolate {pattern!r} matches the empty string; give characters, e.g. '[在是与]'")
        return pattern


class CorpusConfig(Strict):
    name: str  # cluener | fewfc | msra | address | referenced (see ner.data.corpora)
    # path: a folder (default ../shared/data/<folder>) or one file; for referenced, the .refs.jsonl file
    path: str | None = None
    split: str = "train"
    limit: int | None = Field(None, ge=1)  # at most this many sentences (sampled with the seed)
    types: list[str] | None = None  # use only these of the corpus's labelled types
    # Types the corpus leaves unlabelled that the rule pre-annotator fills in as silver labels
    # (e.g. AMOUNT and CAPACITY in MSRA news). Silver spans never overwrite the corpus's own.
    silver: list[str] = []
    # Keep only sentences with at least one span of these types (after silver labelling).
    require: list[str] = []


class AugmentConfig(Strict):
    """Mention replacement (ner.data.augment): gold articles seen again with other names and figures."""

    copies: int = Field(0, ge=0)  # replaced copies of each gold training passage per epoch, drawn afresh
    p: float = Field(0.8, ge=0.0, le=1.0)  # chance that a distinct surface is replaced
    cluener: str | None = None  # CLUENER2020 folder for company names; default ../shared/data/cluener2020
    real_companies: float = Field(0.5, ge=0.0, le=1.0)  # chance a company becomes a CLUENER name, not a composed one


class DataConfig(Strict):
    gold: str | None = "data/annotated/seeds.jsonl"  # null: public corpora only (a first stage, configs/pretrain.yaml)
    exclude: list[str] = []  # article ids held out (cross-validation)
    corpora: list[CorpusConfig] = []
    # Evaluation sets stored by reference (.refs.jsonl, data/heldout): their sentences are dropped from every
    # public corpus above, so a sample of MSRA or FewFC cannot hand a held-out sentence to training. A
    # ``referenced`` corpus entry still trains on the parts it names. A file that is absent is an error.
    holdout: list[str] = []
    dev_fraction: float = Field(0.15, ge=0.0, lt=1.0)  # gold passages held out for early stopping
    passage_chars: int = Field(180, ge=20)  # gold articles are cut at line ends into passages up to this size (~1 window)
    augment: AugmentConfig = AugmentConfig()


class TrainConfig(Strict):
    epochs: int = Field(20, ge=1)
    batch_size: int = Field(8, ge=1)
    batch_tokens: int | None = Field(None, ge=16)  # if set, batches fill this many padded tokens instead
    lr: float = Field(1e-4, gt=0)
    head_lr: float = Field(1e-3, gt=0)  # the fresh classification layer learns faster
    weight_decay: float = 0.01
    warmup_ratio: float = Field(0.1, ge=0, lt=1)
    seed: int = 13
    patience: int = Field(4, ge=1)  # evaluations without dev improvement before stopping (select: best)
    # Which epoch's weights are kept: "best" (the best dev F1; early stopping on patience) or "last" (every epoch
    # runs, the learning rate decays to 0, and the last weights are kept; dev F1 is still logged). With a dev set of a
    # dozen passages, "best" can pick an early epoch on one or two entities' difference (docs/results.md).
    select: Literal["best", "last"] = "best"
    # With select: last, keep the mean of the weights at the ends of the last N epochs (checkpoint averaging; 1: the
    # last epoch's weights alone). The learning rate decays to 0 over those epochs, so they lie near each other.
    average_last: int = Field(1, ge=1)
    max_minutes: float | None = Field(None, gt=0)  # wall-clock budget, checked after each epoch
    # A run stopped by max_minutes has *settled* when it completed at least settle_epochs epochs (at most
    # train.epochs) and its last epoch did not raise the best dev F1 by more than settle_delta. An unsettled
    # run saves its model, marks it in metrics.json ("settled": false) and fails (`ner train` exits 3)
    # unless accept_unsettled (or `ner train --accept-unsettled`). Runs that end by epochs or patience settle.
    settle_epochs: int = Field(3, ge=1)
    settle_delta: float = Field(0.01, ge=0)
    accept_unsettled: bool = False
    threads: int | None = Field(None, ge=1)  # torch CPU threads (default: torch's choice)
    device: str = "auto"  # auto (CUDA when present), cpu, cuda, cuda:N; bf16/fp16 autocast on a GPU
    gold_repeat: int = Field(1, ge=1)  # gold windows appear this many times per epoch
    # Keep the word embeddings as model.base has them (the rest of the encoder and the head still learn): words
    # the training data never shows keep their place beside those it shows, and a step costs less.
    freeze_embeddings: bool = False

    @model_validator(mode="after")
    def _average_over_last_epochs(self) -> "TrainConfig":
        """train.average_last averages the last epochs of a run that keeps its last weights, and no more epochs than run."""
        if self.average_last > 1 and self.select != "last":
            raise ValueError(f"train.average_last={self.average_last} needs train.select=last (the best epoch's weights "
                             "are kept alone)")
        if self.average_last > self.epochs:
            raise ValueError(f"train.average_last={self.average_last} is more than train.epochs={self.epochs}")
        return self


class TagConfig(Strict):
    """How the saved tagger combines the model with the rule pre-annotator (``ner.combine.finalize``).

    Saved with the model, so ``ner tag`` and ``ner.load`` use it, and ``ner cv`` scores it as the hybrid.
    """

    rules_only: list[str] = []  # types decided by the rules alone (a rule span also wins any overlap)
    rules_first: list[str] = []  # types where model and rule spans both count, a rule span winning an overlap
    rules_fill: list[str] = []  # types where rule spans are added only where the model found nothing
    # Per type, model spans scoring below this (the mean probability of their tokens' tags) are dropped;
    # rule spans have no score and are kept.
    min_score: dict[str, float] = {}
    # Model spans held to the forms ANNOTATION.md gives (ner.model_spans.model_shapes): amounts cut back to their
    # currency or magnitude, dropped without a number, a unit, or (with no 万/亿) below 100,000; a role
    # written after a company name (控股股东, 董事, （领投）) cut off.
    shapes: bool = True

    def check(self, where: str) -> TagConfig:
        """This policy, or a ``ConfigError`` naming ``where`` for an unknown type or a floor outside [0, 1]."""
        for key in ("rules_only", "rules_first", "rules_fill", "min_score"):
            unknown = set(getattr(self, key)) - set(ENTITY_TYPES)
            if unknown:
                raise ConfigError(f"{where}: tag.{key} has unknown type(s) {sorted(unknown)}; known: {list(ENTITY_TYPES)}")
        bad = {t: v for t, v in self.min_score.items() if not 0 <= v <= 1}
        if bad:
            raise ConfigError(f"{where}: tag.min_score must be probabilities between 0 and 1, got {bad}")
        return self


def tag_policy(policy: Any, where: str) -> TagConfig:
    """The typed, checked rule policy from a ``TagConfig`` or a mapping of its keys (``finalize``'s keyword
    arguments, the ``tag`` section of a saved config); a ``ConfigError`` naming ``where`` otherwise."""
    if isinstance(policy, TagConfig):
        return policy.check(where)
    try:
        built = TagConfig.model_validate({k: list(v) if isinstance(v, tuple) else v for k, v in dict(policy).items()})
    except ValidationError as e:
        first = e.errors()[0]
        loc = ".".join(str(x) for x in first["loc"])
        raise ConfigError(f"{where}: tag.{loc}: {first['msg']}") from None
    return built.check(where)


class Config(Strict):
    output_dir: str = "runs/default"
    model: ModelConfig = ModelConfig()
    data: DataConfig = DataConfig()
    train: TrainConfig = TrainConfig()
    tag: TagConfig = TagConfig()


def _set_dotted(tree: dict, dotted: str, value: Any, where: str) -> None:
    keys = dotted.split(".")
    node = tree
    for k in keys[:-1]:
        node = node.setdefault(k, {})
        if not isinstance(node, dict):
            raise ConfigError(f"{where}: {dotted!r} goes through a non-section key {k!r}")
    node[keys[-1]] = value


def load_config(path: str | Path | None = None, overrides: list[str] | tuple[str, ...] = ()) -> Config:
    """Load ``path`` (or the built-in defaults) and apply ``key.sub=value`` overrides (values parsed as YAML)."""
    tree: dict = {}
    where = str(path) if path else "defaults"
    if path:
        path = Path(path)
        if not path.exists():
            raise ConfigError(f"{path}: config file not found; see configs/ for examples")
        tree = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(tree, dict):
            raise ConfigError(f"{path}: a config must be a YAML mapping")
    for item in overrides:
        if "=" not in item:
            raise ConfigError(f"override {item!r}: expected key.sub=value, e.g. train.epochs=3")
        key, value = item.split("=", 1)
        _set_dotted(tree, key.strip(), yaml.safe_load(value), where)
    try:
        cfg = Config.model_validate(tree)
    except ValidationError as e:
        first = e.errors()[0]
        loc = ".".join(str(x) for x in first["loc"])
        raise ConfigError(f"{where}: {loc}: {first['msg']} ({len(e.errors())} problem(s) in all)") from None
    if cfg.model.overlap >= cfg.model.max_length - 2:
        raise ConfigError(f"{where}: model.overlap ({cfg.model.overlap}) must be smaller than model.max_length - 2")
    unknown = set(cfg.model.types) - set(ENTITY_TYPES)
    if unknown:
        raise ConfigError(f"{where}: model.types has unknown type(s) {sorted(unknown)}; known: {list(ENTITY_TYPES)}")
    cfg.tag.check(where)
    return cfg


def dump_config(cfg: Config) -> str:
    return yaml.safe_dump(cfg.model_dump(), allow_unicode=True, sort_keys=False)
