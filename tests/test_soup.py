"""`ner soup`: the uniform weight average of taggers of one recipe."""
import json

import pytest
from click.testing import CliRunner

TYPES = ["REGION", "COMPANY", "AMOUNT", "CAPACITY"]


def tagger(base, folder, seed, types=TYPES):
    import torch

    from ner.model.modeling import load_tokenizer, new_model

    torch.manual_seed(seed)
    model = new_model(str(base), types)
    with torch.no_grad():  # members that moved apart, as fine-tuning with other seeds leaves them
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.01)
    model.save_pretrained(folder)
    load_tokenizer(str(base)).save_pretrained(folder)
    (folder / "training_config.yaml").write_text("model: {max_length: 64, overlap: 8}\ntag: {rules_only: [CAPACITY]}\n",
                                                 encoding="utf-8")
    return folder


def test_the_soup_is_the_mean_of_its_members_and_tags_as_one_model(tmp_path, tiny_base):
    import torch
    from safetensors.torch import load_file

    from ner import load

    members = [tagger(tiny_base, tmp_path / f"seed{k}", k) for k in (1, 2, 3)]
    out = tmp_path / "soup"
    result = CliRunner().invoke(__import__("ner.cli", fromlist=["main"]).main, ["soup", str(out), *map(str, members)])
    assert result.exit_code == 0, result.output
    assert "soup of 3 taggers" in result.output
    soup = load_file(str(out / "model.safetensors"))
    states = [load_file(str(m / "model.safetensors")) for m in members]
    for key, tensor in soup.items():
        if tensor.is_floating_point():
            torch.testing.assert_close(tensor, sum(s[key] for s in states) / 3)
    assert any(not torch.equal(soup[k], states[0][k]) for k in soup)
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8"))["members"] == 3
    assert (out / "training_config.yaml").read_text(encoding="utf-8") == (members[0] / "training_config.yaml").read_text(
        encoding="utf-8")  # the tag policy goes with it
    text = "湖南德赛电池项目落户长沙，总投资75亿元。"
    spans = load(str(out), backend="torch").tag([text])[0]
    assert all(text[s.start:s.end] == s.text for s in spans)


def test_a_soup_is_written_whole_over_an_old_one(tmp_path, tiny_base):
    from ner.model.soup import make_soup

    members = [tagger(tiny_base, tmp_path / f"seed{k}", k) for k in (1, 2)]
    out = tmp_path / "soup"
    make_soup(out, members)
    (out / "model.onnx").write_text("an export of an older soup", encoding="utf-8")
    make_soup(out, members)
    assert not (out / "model.onnx").exists()  # no stale export beside the new weights
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seed1", "seed2", "soup"]  # no temporary folder left


@pytest.mark.parametrize("differ, message", [
    ("labels", "labels differ"),
    ("policy", "tag policy"),
    ("alone", "two taggers or more"),
    ("weights", "no model.safetensors"),
    ("torn", "cannot be read"),
    ("yaml", "not YAML"),
])
def test_members_of_other_recipes_are_refused_naming_the_member(tmp_path, tiny_base, differ, message):
    from ner.errors import InputError
    from ner.model.soup import make_soup

    a = tagger(tiny_base, tmp_path / "a", 1)
    b = tagger(tiny_base, tmp_path / "b", 2, types=TYPES[:2] if differ == "labels" else TYPES)
    if differ == "policy":
        (b / "training_config.yaml").write_text("model: {max_length: 64, overlap: 8}\ntag: {}\n", encoding="utf-8")
    if differ == "weights":
        (b / "model.safetensors").unlink()
    if differ == "torn":
        (b / "model.safetensors").write_bytes((b / "model.safetensors").read_bytes()[:100])
    if differ == "yaml":
        (b / "training_config.yaml").write_text("model: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as e:
        make_soup(tmp_path / "soup", [a] if differ == "alone" else [a, b])
    if differ != "alone":
        assert str(b) in str(e.value)
    assert "\n" not in str(e.value)  # one line
    assert not (tmp_path / "soup").exists()


def test_a_soup_is_never_written_over_one_of_its_members(tmp_path, tiny_base):
    from ner.errors import InputError
    from ner.model.soup import make_soup

    a, b = (tagger(tiny_base, tmp_path / n, k) for n, k in (("a", 1), ("b", 2)))
    before = (a / "model.safetensors").read_bytes()
    with pytest.raises(InputError, match="is or holds one of the members"):
        make_soup(a, [a, b])
    assert (a / "model.safetensors").read_bytes() == before


def test_a_soup_is_never_written_over_a_folder_that_holds_members_or_no_soup(tmp_path, tiny_base):
    from ner.errors import InputError
    from ner.model.soup import make_soup

    runs = tmp_path / "runs"
    a, b = (tagger(tiny_base, runs / n, k) for n, k in (("a", 1), ("b", 2)))
    with pytest.raises(InputError, match="holds one of the members"):
        make_soup(runs, [a, b])
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(InputError, match="holds no soup"):
        make_soup(tmp_path / "other", [a, b])
    assert (a / "model.safetensors").exists() and (tmp_path / "other" / "notes.txt").exists()
