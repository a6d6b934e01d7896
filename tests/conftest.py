"""Shared fixtures: in-memory tokenizers of both kinds and a tiny random BERT (hidden 32, 2 layers)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
ME5 = SHARED / "models" / "me5-small-zh"

TEXTS = [
    "湖南德赛电池储能电芯项目落户长沙市望城经开区，总投资75亿元，规划产能20GWh。",
    "浙江吉成先进陶瓷材料产业基地项目签约落户望城经开区，公司计划投资12亿元。",
    "大唐华银株洲2×100万千瓦扩能升级改造项目开工，一期投资80亿元。",
    "比亚迪项目年产智能手机4000万台，　华为 P30 在２０２３年投产 ABC公司。",
]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def _chars(texts):
    return sorted({c for t in texts for c in t if not c.isspace()})


@pytest.fixture(scope="session")
def char_tokenizer(tmp_path_factory):
    """A character-level Chinese BERT tokenizer (WordPiece, CJK split per character, digits in pieces)."""
    from transformers import BertTokenizerFast

    folder = tmp_path_factory.mktemp("char_tok")
    chars = _chars(TEXTS) + list("0123456789")
    vocab = SPECIALS + chars + [f"##{c}" for c in chars if not ("\u4e00" <= c <= "\u9fff")]
    (folder / "vocab.txt").write_text("\n".join(dict.fromkeys(vocab)) + "\n", encoding="utf-8")
    return BertTokenizerFast.from_pretrained(folder, do_lower_case=False, tokenize_chinese_chars=True)


@pytest.fixture(scope="session")
def piece_tokenizer(tmp_path_factory):
    """A SentencePiece-style (XLM-R like) Unigram tokenizer whose pieces often span several characters."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    pieces = ["湖南", "电池", "项目", "长沙", "亿元", "投资", "规划", "产能", "20", "75", "GW", "市望", "城经",
              "公司", "万千瓦", "100", "▁", "▁2023", "2023", "P3", "▁P30", "ABC", "▁ABC"]
    vocab = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    vocab += [(p, -1.0) for p in pieces] + [(c, -5.0) for c in _chars(TEXTS) + list("0123456789")]
    vocab = list(dict((p, s) for p, s in vocab).items())
    raw = Tokenizer(models.Unigram(vocab, unk_id=3, byte_fallback=False))
    raw.normalizer = normalizers.NFKC()
    raw.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    raw.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    tok = PreTrainedTokenizerFast(tokenizer_object=raw, bos_token="<s>", eos_token="</s>", cls_token="<s>",
                                  sep_token="</s>", pad_token="<pad>", unk_token="<unk>")
    folder = tmp_path_factory.mktemp("piece_tok")
    tok.save_pretrained(folder)
    return tok


def make_tiny_base(tokenizer, folder: Path) -> Path:
    """Save a tiny random BertModel + tokenizer as a 'pretrained base' folder."""
    import torch
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                     intermediate_size=64, max_position_embeddings=512, pad_token_id=tokenizer.pad_token_id or 0)
    BertModel(cfg).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory, char_tokenizer):
    return make_tiny_base(char_tokenizer, tmp_path_factory.mktemp("tiny_base"))


@pytest.fixture(scope="session")
def tiny_piece_base(tmp_path_factory, piece_tokenizer):
    return make_tiny_base(piece_tokenizer, tmp_path_factory.mktemp("tiny_piece_base"))


@pytest.fixture(scope="session")
def tiny_tagger(tmp_path_factory, tiny_base):
    """The tiny random BERT with a fresh (random) tagging head, saved as `ner train` saves a tagger."""
    import torch

    from ner.model.modeling import load_tokenizer, new_model

    torch.manual_seed(1)
    folder = tmp_path_factory.mktemp("tiny_tagger")
    new_model(str(tiny_base), ["REGION", "COMPANY", "AMOUNT", "CAPACITY"]).save_pretrained(folder)
    load_tokenizer(str(tiny_base)).save_pretrained(folder)
    return folder


def spans_by_find(text: str, items: list[tuple[str, str]]) -> list[dict]:
    """Entity dicts located with str.find (first occurrence after the previous one); never typed offsets."""
    out, pos = [], 0
    for surface, label in items:
        i = text.find(surface, pos)
        assert i >= 0, f"{surface!r} not in {text!r}"
        out.append({"start": i, "end": i + len(surface), "label": label, "text": surface})
        pos = i + len(surface)
    return out


GOLD = [
    (TEXTS[0], [("湖南德赛电池", "COMPANY"), ("长沙市望城经开区", "REGION"), ("75亿元", "AMOUNT"), ("20GWh", "CAPACITY")]),
    (TEXTS[1], [("浙江吉成", "COMPANY"), ("望城经开区", "REGION"), ("12亿元", "AMOUNT")]),
    (TEXTS[2], [("大唐华银", "COMPANY"), ("株洲", "REGION"), ("2×100万千瓦", "CAPACITY"), ("80亿元", "AMOUNT")]),
]


@pytest.fixture()
def gold_file(tmp_path) -> Path:
    path = tmp_path / "gold.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for k, (text, items) in enumerate(GOLD):
            f.write(json.dumps({"id": f"doc{k}", "text": text, "entities": spans_by_find(text, items)},
                               ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="session")
def seeds_path() -> Path:
    return REPO / "data" / "annotated" / "seeds.jsonl"


# ---------------------------------------------------------------------------------------------------------
# Real databases and a real browser, each started by the tests themselves and skipped when absent.


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin(name: str) -> str | None:
    import glob
    import shutil

    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    """A PostgreSQL server of our own: initdb into a temporary folder, pg_ctl start on a free port of
    127.0.0.1 (as the ``postgres`` user when we are root), dropped at the end. Skipped without the
    server binaries or the pg8000 driver."""
    import os
    import shutil
    import subprocess

    pytest.importorskip("sqlalchemy")
    pytest.importorskip("pg8000")
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not installed")
    as_user: list[str] = []
    folder = tmp_path_factory.mktemp("pg")
    if os.geteuid() == 0:
        import pwd

        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run the server as")
        runuser = shutil.which("runuser")
        if not runuser:
            pytest.skip("running as root without runuser")
        as_user = [runuser, "-u", "postgres", "--"]
        for p in (folder, *folder.parents):  # the server's user must reach its folder
            if p == Path(p.anchor):
                break
            os.chmod(p, os.stat(p).st_mode | 0o711)
        os.chown(folder, user.pw_uid, user.pw_gid)
    data, port = folder / "data", free_port()
    run = lambda *cmd: subprocess.run([*as_user, *cmd], check=True, capture_output=True, text=True, timeout=120)
    try:
        run(initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")
        run(pg_ctl, "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60", "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
    except subprocess.CalledProcessError as e:
        pytest.skip(f"could not start PostgreSQL: {e.stderr.strip()[-300:]}")
    from sqlalchemy import create_engine, text

    admin = create_engine(f"postgresql+pg8000://postgres@127.0.0.1:{port}/postgres", isolation_level="AUTOCOMMIT")
    counter = {"n": 0}

    def new_database() -> str:
        counter["n"] += 1
        name = f"ner_test_{counter['n']}"
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        return f"postgresql+pg8000://postgres@127.0.0.1:{port}/{name}"

    yield new_database
    admin.dispose()
    subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True, timeout=60)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A new, empty database: a SQLite file, and a database on our own PostgreSQL server."""
    pytest.importorskip("sqlalchemy")
    pytest.importorskip("alembic")
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'projects.db'}"
    return request.getfixturevalue("postgres_url")()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium driven by Selenium (Debian's chromium and chromium-driver); skipped without them."""
    import shutil

    webdriver = pytest.importorskip("selenium.webdriver")
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver_path = shutil.which("chromedriver")
    if not binary or not driver_path:
        pytest.skip("chromium and chromedriver not installed (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1400,1000", "--lang=zh-CN"):
        opts.add_argument(flag)
    try:
        driver = webdriver.Chrome(service=Service(driver_path), options=opts)
    except Exception as e:  # noqa: BLE001 - a browser that does not start is an environment problem
        pytest.skip(f"headless Chromium did not start: {str(e).splitlines()[0]}")
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def save_artefact(path: Path) -> None:
    """Copy a test's screenshot to outputs/ when that folder exists (the artefacts a run keeps)."""
    import shutil

    out = REPO / "outputs"
    if out.is_dir():
        shutil.copy(path, out / path.name)
