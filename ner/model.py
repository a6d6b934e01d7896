"""Creating and loading token-classification models; labels travel with the weights."""
from __future__ import annotations

from pathlib import Path

from ner.errors import LabelMismatchError, NerError
from ner.labels import iob2_tags, label_maps


def load_tokenizer(name_or_path: str):
    from transformers import AutoTokenizer

    try:
        tok = AutoTokenizer.from_pretrained(name_or_path)
    except (OSError, ValueError) as e:
        raise NerError(f"{name_or_path}: cannot load a tokenizer ({e.__class__.__name__}: {str(e).splitlines()[0]}); "
                       "give a local model folder or a Hugging Face model id") from None
    if not tok.is_fast:
        raise NerError(f"{name_or_path}: a fast tokenizer is needed for character offsets")
    return tok


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
    try:
        base_config = AutoConfig.from_pretrained(base)
    except (OSError, ValueError) as e:
        raise NerError(f"{base}: cannot load the base model ({str(e).splitlines()[0]}); "
                       "give a local model folder or a Hugging Face model id") from None
    if any(a.endswith("ForTokenClassification") for a in (base_config.architectures or [])):
        check_labels(base_config, types, base)  # continuing from a tagger: its labels must match
    return AutoModelForTokenClassification.from_pretrained(
        base, num_labels=len(id2label), id2label=id2label, label2id=label2id
    )


def load_trained(model_dir: str | Path, types: list[str] | None = None):
    """A trained tagger and its tokenizer. With ``types``, a checkpoint with other labels is an error."""
    from transformers import AutoModelForTokenClassification

    model_dir = str(model_dir)
    if Path(model_dir).is_dir() and not (Path(model_dir) / "config.json").exists():
        raise NerError(f"{model_dir}: no config.json; give a folder written by `ner train`")
    try:
        model = AutoModelForTokenClassification.from_pretrained(model_dir)
    except (OSError, ValueError) as e:
        raise NerError(f"{model_dir}: cannot load the model ({str(e).splitlines()[0]})") from None
    trained_types = [t.split("-", 1)[1] for t in model.config.id2label.values() if t != "O"]
    trained_types = list(dict.fromkeys(trained_types))
    check_labels(model.config, types if types is not None else trained_types, model_dir)
    return model, load_tokenizer(model_dir), (types if types is not None else trained_types)
