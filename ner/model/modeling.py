"""Creating and loading token-classification models; labels travel with the weights.

A model is named by a local folder or a Hugging Face id. Only a name shaped ``org/name`` whose first part
is no local folder is taken for a hub id, and it is looked up once (cache, then one quick request), so a
mistyped path fails at once instead of after the hub client's retries (``resolve_model``)."""
from __future__ import annotations

import pickle
import re
from pathlib import Path

from ner.errors import LabelMismatchError, NerError
from ner.labels import ENTITY_TYPES, iob2_tags, label_maps

HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")


def resolve_model(name: str) -> tuple[str, bool]:
    """``(name, local_files_only)`` for ``from_pretrained``: a local folder, or a hub id that is cached or
    reachable. Anything else is a NerError at once."""
    name = str(name)
    if Path(name).exists():
        if not Path(name).is_dir():
            raise NerError(f"{name}: not a folder; give a model folder (written by `ner train`, or a base encoder)")
        return name, True
    if not HUB_ID.fullmatch(name) or Path(name.split("/")[0]).is_dir():
        raise NerError(f"{name}: no such folder; check the path")
    from huggingface_hub import HfApi, constants, try_to_load_from_cache

    cached = isinstance(try_to_load_from_cache(name, "config.json"), str)
    if constants.HF_HUB_OFFLINE:
        if cached:
            return name, True
        raise NerError(f"{name}: no such folder, and not in the Hugging Face cache (HF_HUB_OFFLINE is set); check the path")
    try:
        HfApi().model_info(name, timeout=10)
    except Exception as e:  # noqa: BLE001 - any failure: unreachable, unknown id, private
        if cached:
            return name, True
        reason = str(e).splitlines()[0] if str(e) else e.__class__.__name__
        raise NerError(f"{name}: no such folder, nor a Hugging Face model that can be fetched ({reason[:120]}); "
                       "check the path") from None
    return name, False


def _from_pretrained(loader, name: str, local_files_only: bool, **kwargs):
    """``loader(name)`` with a one-line NerError for unreadable weights or config."""
    from safetensors import SafetensorError

    try:
        return loader(name, local_files_only=local_files_only, **kwargs)
    except SafetensorError as e:
        raise NerError(f"{name}: model.safetensors cannot be read ({str(e).splitlines()[0]}); the file is truncated "
                       "or corrupt: copy it again or train again") from None
    except pickle.UnpicklingError:
        raise NerError(f"{name}: pytorch_model.bin: a pickled checkpoint that torch refuses to load with weights_only "
                       "(it holds Python objects, not only tensors); if you trust it, load it yourself and re-save "
                       "it as safetensors (model.save_pretrained)") from None
    except (OSError, ValueError, RuntimeError) as e:
        raise NerError(f"{name}: cannot load the model ({str(e).splitlines()[0] if str(e) else e.__class__.__name__})") from None


def load_tokenizer(name_or_path: str):
    from transformers import AutoTokenizer

    name, local = resolve_model(name_or_path)
    try:
        tok = AutoTokenizer.from_pretrained(name, local_files_only=local)
    except (OSError, ValueError) as e:
        raise NerError(f"{name_or_path}: cannot load a tokenizer ({e.__class__.__name__}: {str(e).splitlines()[0]}); "
                       "give a local model folder or a Hugging Face model id") from None
    if not tok.is_fast:
        raise NerError(f"{name_or_path}: a fast tokenizer is needed for character offsets")
    return tok


def isolate_characters(tokenizer, pattern: str | None):
    """``tokenizer`` (fast) with every character that ``pattern`` matches split off as a pre-token of its own, after
    its own pre-tokenizer (the subwords it learnt never again merge such a character with its neighbours, so an
    entity edge beside one can always be tagged); unchanged when ``pattern`` is None or already applied (a
    tokenizer saved by an earlier stage). ``tokenizer.save_pretrained`` keeps the split in tokenizer.json."""
    import json

    from tokenizers import Regex, pre_tokenizers

    if not pattern:
        return tokenizer
    backend = tokenizer.backend_tokenizer
    current = backend.pre_tokenizer
    state = json.loads(backend.to_str()).get("pre_tokenizer") or {}
    last = (state.get("pretokenizers") or [state])[-1]
    if last.get("type") == "Split" and last.get("pattern", {}).get("Regex") == pattern:
        return tokenizer
    split = pre_tokenizers.Split(Regex(pattern), behavior="isolated")
    backend.pre_tokenizer = split if current is None else pre_tokenizers.Sequence([current, split])
    return tokenizer


def save_tokenizer(tokenizer, folder: str | Path, isolate: str | None = None) -> None:
    """``tokenizer.save_pretrained(folder)``; with ``isolate`` (``isolate_characters``), tokenizer_config.json names
    the generic fast class, so that every loader (``AutoTokenizer``, a transformers pipeline, the exported backends)
    reads tokenizer.json as saved: a model-specific class (XLMRobertaTokenizer) rebuilds its pre-tokenizer on load
    and would drop the split the model was trained with."""
    import json

    tokenizer.save_pretrained(folder)
    path = Path(folder) / "tokenizer_config.json"
    settings = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    # transformers 5 names the generic class TokenizersBackend (a tokenizer loaded from such a folder, e.g. a second
    # stage's base): the older name loads on transformers 4 too
    if isolate or settings.get("tokenizer_class") == "TokenizersBackend":
        settings["tokenizer_class"] = "PreTrainedTokenizerFast"
        path.write_text(json.dumps(settings, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def check_labels(config, types: list[str], where: str) -> None:
    """Raise when a checkpoint's id2label is not the IOB2 tag set of ``types``."""
    expected = iob2_tags(types)
    found = [config.id2label[i] for i in sorted(config.id2label, key=int)]
    if found != expected:
        raise LabelMismatchError(
            f"{where}: the model's labels {found} differ from the configured labels {expected}; "
            "train a new model for these types or configure the types the model was trained with"
        )


def new_model(base: str, types: list[str]):
    """A token classifier on top of ``base`` with a fresh head for the IOB2 tags of ``types``."""
    from transformers import AutoConfig, AutoModelForTokenClassification

    id2label, label2id = label_maps(types)
    name, local = resolve_model(base)
    base_config = _from_pretrained(AutoConfig.from_pretrained, name, local)
    if _is_tagger(base_config):
        check_labels(base_config, types, base)  # continuing from a tagger: its labels must match
    return _from_pretrained(AutoModelForTokenClassification.from_pretrained, name, local,
                            num_labels=len(id2label), id2label=id2label, label2id=label2id)


def _is_tagger(config) -> bool:
    return any(a.endswith("ForTokenClassification") for a in (config.architectures or []))


def saved_types(model_dir: str | Path) -> list[str] | None:
    """``model.types`` of the training config saved beside a model by ``ner train`` (None: none saved)."""
    path = Path(model_dir) / "training_config.yaml"
    if not path.is_file():
        return None
    import yaml

    return ((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("model") or {}).get("types")


def load_trained(model_dir: str | Path, types: list[str] | None = None):
    """A trained tagger, its tokenizer and its types. Its labels must be the IOB2 tags of ``types``,
    by default of the types it was trained for (its saved config), else of ``ner.labels.ENTITY_TYPES``:
    a base encoder, a checkpoint with other labels, unreadable weights are each a NerError."""
    from transformers import AutoModelForTokenClassification

    _, tokenizer, types = load_config_tokenizer(model_dir, types)
    name, local = resolve_model(str(model_dir))
    model = _from_pretrained(AutoModelForTokenClassification.from_pretrained, name, local)
    return model, tokenizer, types


def load_config_tokenizer(model_dir: str | Path, types: list[str] | None = None):
    """A trained tagger's config (labels checked as ``load_trained`` checks them), tokenizer and types,
    without its weights (an exported backend brings its own)."""
    from transformers import AutoConfig

    model_dir = str(model_dir)
    name, local = resolve_model(model_dir)
    if local and not (Path(model_dir) / "config.json").exists():
        raise NerError(f"{model_dir}: no config.json; give a folder written by `ner train`")
    config = _from_pretrained(AutoConfig.from_pretrained, name, local)
    if not _is_tagger(config):
        raise NerError(f"{model_dir}: a base encoder ({', '.join(config.architectures or ['no architecture'])}), not a "
                       f"tagger: it has no trained token-classification head; train one on it "
                       f"(`ner train model.base={model_dir}`) and give the folder that writes")
    types = list(types if types is not None else saved_types(model_dir) or ENTITY_TYPES)
    check_labels(config, types, model_dir)
    return config, load_tokenizer(model_dir), types
