"""Readers of the public Chinese NER corpora in ``../shared/data/``: corpus -> list[Article].

None of them labels exactly our four types, so each reader takes a ``mapping`` from the corpus's labels
to ours (defaults below, as module constants) and sets ``Article.labelled`` to the types the article
is *completely* labelled for. A type that is not claimed is masked in training (an ``O`` there may be
anything); spans of an unclaimed type are still positive evidence. The rules, one per corpus:

CLUENER2020 (``company``, ``address``; offsets with INCLUSIVE ends, converted to half-open)
    ``company`` -> COMPANY, ``address`` -> REGION after ``is_region_mention`` (drops streets,
    buildings, villages, venues, relative locations). COMPANY is claimed. REGION is claimed only when
    (a) no address mention of the sentence was dropped (a dropped "北京市朝阳区和平里东土城路8号" holds a
    real region that would otherwise be taught as O), (b) the sentence has no mention of a type in
    ``CLUENER_PLACE_HOSTS`` (position, scene, book, movie: our guideline tags the place inside
    "重庆市长", "英国泰特美术馆", a title, where CLUENER tags the whole mention as something else) and
    (c) no name of ``default_region_names()`` (provinces, countries, the address corpus's cities and
    districts) occurs outside every CLUENER mention: the annotators left ~7% of such places unlabelled
    ("南京一位大户", "中国人"). Places inside government and organization mentions stay O, as in our
    guideline (望城区委 is a body).
FewFC (event arguments only)
    roles ``money``/``amount`` -> AMOUNT, trimmed to our boundaries (约为9742.92万元 -> 9742.92万元,
    310万元/年 -> 310万元). AMOUNT is claimed only when every money-looking string of the sentence
    (``MONEY_PATTERN``) lies inside an AMOUNT span: money that is no event argument is unlabelled.
    ``FEWFC_COMPANY_ROLES`` (org roles) can be added to the mapping for COMPANY positives; COMPANY is not
    claimed unless the caller says so (persons and funds fill some of those roles; other companies in
    the sentence are not arguments). ``share-org`` holds percentages in the data, not companies.
MSRA (IOB2, one character and a tab and a tag per line)
    LOC -> REGION through ``is_region_mention``; ORG and PER are not mapped, so ``labelled`` holds
    only REGION (the types not mapped are not claimed). REGION is claimed unless a LOC mention was
    dropped (rivers, mountains and streets are O for us, but the filter cannot tell 长江 from 青岛) or
    a region name occurs outside every MSRA entity (rule (c) above).
Address parsing corpus (WordPiece tokens and BMES tags; gazetteer material, not sentences)
    ``prov``, ``city``, ``district``, ``devzone``, ``town`` -> REGION, and adjacent parts merge into ONE
    span (our guideline: a chain of administrative names is one span, 山东省青岛市崂山区北宅街道).
    Roads, POIs, villages and rooms are O, as in our guideline. REGION is claimed unless the address has
    a ``redundant`` part (it splits 中国 into 中/国) or a non-region part containing a province or city
    name of the corpus gazetteer (杭州东站). Addresses whose region parts hold ``[UNK]`` are skipped.

Every reader takes ``path`` (the corpus folder, or one of its files), ``split``, ``mapping``, ``claim``
(the mapped types that may be claimed), ``limit`` and ``seed`` (``limit`` with a seed: a seeded random
sample; without: the first ones). Sentences that claim no type and hold no span teach nothing and are
left out. A corpus that is absent yields ``[]`` and one log line saying where to get it; nothing crashes.
"""
from __future__ import annotations

import hashlib
import logging
import os
import random
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from ner.data import io
from ner.data.bio import char_tags_to_spans
from ner.errors import AnnotationError, InputError
from ner.labels import ENTITY_TYPES
from ner.types import Article, Span, check_article

log = logging.getLogger(__name__)

# --- where the corpora live and come from -----------------------------------------------------------

CLUENER_URL = "https://github.com/CLUEbenchmark/CLUENER2020"
FEWFC_URL = "https://github.com/TimeBurningFish/FewFC"
MSRA_URL = "https://github.com/OYE93/Chinese-NLP-Corpus/tree/master/NER/MSRA (SIGHAN 2006 bakeoff 3)"
ADDRESS_URL = "https://github.com/SuperMap/address-matching"


def default_data_dir() -> Path:
    """``$NER_SHARED_DATA`` if set, else ``../shared/data`` beside the repository (``ner/..``)."""
    env = os.environ.get("NER_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[3] / "shared" / "data"


# --- default label mappings -------------------------------------------------------------------------

#: CLUENER2020 label -> our type. government, organization, name, position, game, book, movie, scene: unmapped.
CLUENER_LABELS: dict[str, str] = {"company": "COMPANY", "address": "REGION"}
#: CLUENER types whose mentions may hold a place our guideline tags (重庆市长 -> 重庆; 英国泰特美术馆 -> 英国).
CLUENER_PLACE_HOSTS: tuple[str, ...] = ("position", "scene", "book", "movie")

#: FewFC argument role -> our type (default: money only).
FEWFC_LABELS: dict[str, str] = {"money": "AMOUNT", "amount": "AMOUNT"}
#: Organisation roles, to add for COMPANY positives: ``{**FEWFC_LABELS, **FEWFC_COMPANY_ROLES}``.
FEWFC_COMPANY_ROLES: dict[str, str] = {
    "sub-org": "COMPANY", "obj-org": "COMPANY", "target-company": "COMPANY", "sub": "COMPANY", "obj": "COMPANY",
}
#: Roles that mark a span as a person: such a span never becomes COMPANY, whatever other role it has.
FEWFC_PERSON_ROLES: tuple[str, ...] = ("sub-per", "obj-per", "share-per")
#: Types FewFC is claimed to label completely (after the per-sentence money check).
FEWFC_CLAIMED: tuple[str, ...] = ("AMOUNT",)

#: MSRA tag type -> our type. ORG (companies mixed with government) and PER are unmapped.
MSRA_LABELS: dict[str, str] = {"LOC": "REGION"}

#: Address-corpus part -> our type; adjacent parts mapped to the same type merge into one span.
ADDRESS_LABELS: dict[str, str] = {
    "prov": "REGION", "city": "REGION", "district": "REGION", "devzone": "REGION", "town": "REGION",
}
GAZETTEER_LEVELS: tuple[str, ...] = ("prov", "city", "district", "devzone", "town")

# --- region filter ----------------------------------------------------------------------------------

#: A mention ending in one of these is an administrative unit or a zone: kept (unless a keyword below hits).
REGION_SUFFIXES: tuple[str, ...] = (
    "省", "市", "区", "县", "州", "旗", "盟", "镇", "乡", "街道", "自治区", "特别行政区", "新区", "开发区",
    "高新区", "经开区", "保税区", "自贸区", "试验区", "示范区",
)
#: A mention ending in one of these is a street, building, village, venue or natural feature: dropped.
NON_REGION_SUFFIXES: tuple[str, ...] = (
    "路", "街", "大道", "道", "巷", "弄", "胡同", "号", "村", "屯", "组", "社区", "小区", "大厦", "广场",
    "楼", "层", "室", "座", "栋", "单元", "苑", "园", "花园", "公寓", "别墅", "庭", "府", "居", "湾", "城",
    "酒店", "饭店", "宾馆", "会所", "馆", "医院", "学校", "大学", "学院", "中学", "小学", "站", "机场",
    "码头", "桥", "店", "超市", "商场", "中心", "寺", "庙", "宫", "塔", "墓", "公园", "景区", "基地",
    "厂", "场", "院", "所", "部", "处", "口", "地段", "地带", "一带", "附近", "周边", "对面", "旁",
    "侧", "内", "外", "前", "后", "上", "下", "山", "峰", "岭", "河", "江", "湖", "海", "岛", "滩",
    "洞", "泉", "瀑布", "沟", "坝", "楼盘", "项目", "线", "环", "米", "所在地", "栈", "厅", "关", "房", "坊",
    "地", "畔", "台", "漠", "丛林", "端", "游",
)
#: Names that end like a non-region but are regions (checked first).
REGION_EXCEPTIONS: frozenset[str] = frozenset(
    "上海 北海 珠海 威海 青海 临海 东海 南海 香港 台湾 青岛 浙江 黑龙江 镇江 九江 内江 湛江 丽江 阳江 吴江 "
    "晋江 松江 浦江 靖江 芜湖 巢湖 漯河 黑河 平谷 阳泉 酒泉 龙泉 河口 海口 汉口 营口 周口 张家口 佛山 中山 "
    "黄山 鞍山 唐山 乐山 昆山 舟山 萧山 保山 眉山 白山 鹤山 象山 房山 宝山 石景山 马鞍山 平顶山 井冈山 聊城 "
    "晋城 盐城 运城 诸城 邹城 宣城 襄城 海城 恭城 汉城 墨西哥城 四川 银川 桃园 潍坊 釜山 蔚山 旧金山 冰岛 广岛 "
    "龙口".split()
)
#: Anywhere in a mention, these make it a street address, a building, a relative location or a body.
_STRUCTURE = re.compile(
    r"[0-9０-９A-Za-zＡ-Ｚａ-ｚ·•、，,（(]|大厦|小区|广场|大楼|村|巷|弄|胡同|酒店|饭店|宾馆|医院|学校|大学|"
    r"附近|对面|旁边|门前|门口|楼下|以[东南西北]|之间|交汇|交叉|位于|.{2,}的|[路街桥](?:[东南西北](?!区)|口|边|旁|段)|"
    r"政府|委员会|项目|工地|高速|(?:[委局厅办]|街区|商务区|商业区|购物区|核心区|工业区|园区|景区|区域|地区|流域|"
    r"海域|水域|经济圈|经济带|超市|校区|功能区|片区|社区|汽配区|山脉)$"
)


def is_region_mention(mention: str) -> bool:
    """Whether a place mention is a region in our sense (country, province, city, district, county,
    town, named zone) rather than a street, building, village, venue or natural feature.

    The rule: a name of ``REGION_EXCEPTIONS`` (上海, 青岛, 佛山, ...: regions that end like non-regions)
    is kept; a mention holding a digit, a Latin letter or a structure keyword (大厦, 小区, 村, 附近, 的,
    政府, 局, a trailing 街区/商务区/地区/流域, ...) is dropped; then one ending in ``REGION_SUFFIXES`` or
    in an exception (广东佛山) is kept and one ending in ``NON_REGION_SUFFIXES`` (路, 街, 号, 楼, 山, 江,
    湖, ...) is dropped; anything else (美国, 巴黎, 长三角) is kept. Dropping a real region is cheap (the
    reader then stops claiming REGION for that sentence); keeping a street is noise in the labels.
    """
    m = mention.strip().strip("“”\"'《》（）()「」")
    if not m:
        return False
    if m in REGION_EXCEPTIONS:
        return True
    if _STRUCTURE.search(m):
        return False
    if any(m.endswith(s) for s in REGION_SUFFIXES) or any(m.endswith(x) for x in REGION_EXCEPTIONS):
        return True
    if any(m.endswith(s) for s in NON_REGION_SUFFIXES):
        return False
    return True


# --- region names: places a corpus may have left unlabelled -----------------------------------------

#: Province-level names (short forms) and world regions, always part of ``default_region_names()``.
BUILTIN_REGION_NAMES: frozenset[str] = frozenset(
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 "
    "贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 中国 美国 日本 英国 法国 德国 意大利 "
    "俄罗斯 韩国 朝鲜 印度 澳大利亚 加拿大 西班牙 巴西 墨西哥 越南 泰国 新加坡 马来西亚 印尼 菲律宾 伊朗 伊拉克 "
    "以色列 埃及 南非 荷兰 瑞士 瑞典 挪威 芬兰 丹麦 波兰 希腊 土耳其 乌克兰 亚洲 欧洲 非洲 美洲 大洋洲 中东 "
    "东南亚 长三角 珠三角 粤港澳大湾区 京津冀".split()
)


@lru_cache(maxsize=4)
def default_region_names(address_path: str | None = None) -> frozenset[str]:
    """``BUILTIN_REGION_NAMES`` plus, when the address corpus is present, its province and city names
    with their short forms (山东省, 山东, 青岛市, 青岛) and its district names of three or more characters."""
    gaz = gazetteer_from_address_corpus(address_path, splits=("train",))
    names = set(BUILTIN_REGION_NAMES) | _short_forms(gaz["prov"] | gaz["city"])
    names |= {n for n in gaz["district"] if len(n) >= 3}
    return frozenset(n for n in names if 2 <= len(n) <= 12)


def _unlabelled_name(text: str, covered: Sequence[bool], names: Collection[str], max_len: int) -> str | None:
    """The first name of ``names`` that occurs in ``text`` on characters no mention covers."""
    n = len(text)
    for i in range(n - 1):
        if covered[i]:
            continue
        for j in range(i + 2, min(n, i + max_len) + 1):
            if covered[j - 1]:
                break
            if text[i:j] in names:
                return text[i:j]
    return None


def _names(region_names: Collection[str] | None) -> tuple[Collection[str], int]:
    names = default_region_names() if region_names is None else region_names
    return names, max((len(x) for x in names), default=0)


# --- shared helpers ---------------------------------------------------------------------------------

def _missing(name: str, path: Path, url: str) -> list[Article]:
    log.warning("corpus %s not found at %s, skipped (get it from %s)", name, path, url)
    return []


def _resolve(path: str | Path | None, folder: str, files: Mapping[str, Sequence[str]], split: str,
             name: str) -> list[Path]:
    """The corpus files of ``split``: ``path`` may be the corpus folder or one file (then ``split`` is ignored)."""
    base = Path(path) if path is not None else default_data_dir() / folder
    if base.is_file():
        return [base]
    if split not in files:
        raise InputError(f"corpus {name}: unknown split {split!r}; choose one of {', '.join(files)}")
    return [base / f for f in files[split]]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _flat(spans: Iterable[Span]) -> tuple[list[Span], set[str]]:
    """Deduplicated, non-overlapping spans (the longest wins) and the labels of the spans dropped."""
    kept: list[Span] = []
    dropped: set[str] = set()
    taken: set[int] = set()
    for s in sorted(set(spans), key=lambda s: (-(s.end - s.start), s.start, s.label)):
        if any(i in taken for i in range(s.start, s.end)):
            dropped.add(s.label)
            continue
        kept.append(s)
        taken.update(range(s.start, s.end))
    return sorted(kept), dropped


def _finish(articles: Iterable[Article], limit: int | None, seed: int | None, name: str) -> list[Article]:
    """Leave out articles that teach nothing (no claimed type, no span), validate, then apply ``limit``:
    a seeded random sample with ``seed``, else the first ``limit`` (read no further)."""
    out: list[Article] = []
    useless = 0
    for a in articles:
        if not (a.entities or a.labelled is None or a.labelled):
            useless += 1
            continue
        problems = check_article(a)
        if problems:  # a bug in a reader, not in the user's data
            raise AnnotationError(f"corpus {name}: " + "; ".join(problems[:3]))
        out.append(a)
        if limit is not None and seed is None and len(out) >= limit:
            break
    if useless:
        log.info("corpus %s: %d sentences with no claimed type and no span left out", name, useless)
    if limit is not None and limit < len(out):
        out = random.Random(seed).sample(out, limit)
    return out


def _check_mapping(mapping: Mapping[str, str], name: str) -> None:
    bad = {k: v for k, v in mapping.items() if v not in ENTITY_TYPES}
    if bad:
        raise InputError(f"corpus {name}: mapping {bad} targets unknown type(s); ours are {', '.join(ENTITY_TYPES)}")


def _claimed(mapping: Mapping[str, str], claim: Sequence[str] | None) -> tuple[str, ...]:
    mapped = tuple(dict.fromkeys(mapping.values()))
    return mapped if claim is None else tuple(t for t in dict.fromkeys(claim) if t in mapped)


# --- CLUENER2020 ------------------------------------------------------------------------------------

CLUENER_FILES = {"train": ("train.json",), "dev": ("dev.json",)}


def read_cluener(
    path: str | Path | None = None,
    split: str = "train",
    mapping: Mapping[str, str] = CLUENER_LABELS,
    limit: int | None = None,
    seed: int | None = None,
    claim: Sequence[str] | None = None,
    place_hosts: Sequence[str] = CLUENER_PLACE_HOSTS,
    region_names: Collection[str] | None = None,
) -> list[Article]:
    """CLUENER2020 JSON lines ``{"text", "label": {type: {mention: [[start, end_INCLUSIVE], ...]}}}``.

    ``claim``: the mapped types said to be completely labelled (default: all mapped types), subject to
    the REGION rules in the module docstring. ``region_names``: names whose occurrence outside every
    mention stops the REGION claim (default ``default_region_names()``; ``()`` turns the check off)."""
    _check_mapping(mapping, "cluener")
    files = _resolve(path, "cluener2020", CLUENER_FILES, split, "cluener")
    if not all(f.exists() for f in files):
        return _missing("cluener", files[0].parent, CLUENER_URL)
    claimed = _claimed(mapping, claim)
    names, max_len = _names(region_names) if "REGION" in claimed else ((), 0)
    return _finish(_iter_cluener(files, mapping, claimed, place_hosts, names, max_len), limit, seed, "cluener")


def _iter_cluener(files, mapping, claimed, place_hosts, names, max_len) -> Iterable[Article]:
    for f in files:
        for n, obj in io.read_jsonl(f):
            where = f"{f}:{n}"
            text, labels = obj.get("text"), obj.get("label", {})
            if not isinstance(text, str) or not isinstance(labels, dict):
                raise AnnotationError(f"{where}: expected {{\"text\", \"label\": {{type: {{mention: [[s, e]]}}}}}}")
            spans, unclaim = [], set()
            covered = [False] * len(text)
            for ctype, mentions in labels.items():
                if ctype in place_hosts:
                    unclaim.add("REGION")
                ours = mapping.get(ctype)
                for mention, positions in mentions.items():
                    for pos in positions:
                        s, e = int(pos[0]), int(pos[1]) + 1  # inclusive end -> half-open
                        if text[s:e] != mention:
                            raise AnnotationError(
                                f"{where}: {ctype} [{pos[0]}, {pos[1]}] (inclusive end): text found {text[s:e]!r}, "
                                f"text expected {mention!r}; is this CLUENER2020 with inclusive end offsets?"
                            )
                        covered[s:e] = [True] * (e - s)
                        if ours is None:
                            continue
                        if ours == "REGION" and not is_region_mention(mention):
                            unclaim.add("REGION")
                            continue
                        s, e = _trim(text, s, e)
                        if s < e:
                            spans.append(Span(s, e, ours, text[s:e]))
            spans, dropped = _flat(spans)
            if "REGION" in claimed and "REGION" not in unclaim and names:
                if _unlabelled_name(text, covered, names, max_len):
                    unclaim.add("REGION")
            labelled = tuple(t for t in claimed if t not in unclaim | dropped)
            yield Article(f"cluener/{f.stem}/{n}", text, spans, labelled)


# --- FewFC ------------------------------------------------------------------------------------------

FEWFC_FILES = {
    "train": ("train_base.json", "train_trans.json"),
    "test": ("test_base.json", "test_trans.json"),
    "train_base": ("train_base.json",), "train_trans": ("train_trans.json",),
    "test_base": ("test_base.json",), "test_trans": ("test_trans.json",),
}
_NUM = "0-9０-９"
_CN_NUM = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
_CURRENCY = r"(?:人民币|美元|欧元|港元|港币|日元|英镑|元)"
#: Money-looking strings: digits (or Chinese numerals with a magnitude) + optional magnitude + currency.
MONEY_PATTERN = re.compile(
    rf"[{_NUM}][{_NUM},，.．]*(?:多|余)?(?:万亿|千万|百万|亿|万|千)?{_CURRENCY}"
    rf"|[{_CN_NUM}]*[十百千万亿][{_CN_NUM}]*(?:多|余)?{_CURRENCY}"
)


def trim_amount(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Our AMOUNT boundaries inside ``text[start:end]``: from the first number to the last 元
    (约为9742.92万元 -> 9742.92万元; 5亿元人民币 -> 5亿元; 310万元/年 -> 310万元; 超过3亿元 -> 3亿元).
    Without 元, the span ends at the last number or magnitude. ``None``: the mention holds no number."""
    piece = text[start:end]
    first = re.search(f"[{_NUM}]", piece) or re.search(f"[{_CN_NUM}]", piece)
    if not first:
        return None
    ends = [m.end() for m in re.finditer("元", piece)] or [m.end() for m in re.finditer(f"[{_NUM}{_CN_NUM}]", piece)]
    s, e = start + first.start(), start + ends[-1]
    return (s, e) if s < e else None


def read_fewfc(
    path: str | Path | None = None,
    split: str = "train",
    mapping: Mapping[str, str] = FEWFC_LABELS,
    limit: int | None = None,
    seed: int | None = None,
    claim: Sequence[str] | None = FEWFC_CLAIMED,
) -> list[Article]:
    """FewFC JSON lines ``{"id", "content", "events": [{"type", "mentions": [{"word", "span", "role"}]}]}``
    (``span`` is half-open). ``claim``: the mapped types said to be completely labelled (AMOUNT, after
    the per-sentence money check); for COMPANY positives use ``{**FEWFC_LABELS, **FEWFC_COMPANY_ROLES}``."""
    _check_mapping(mapping, "fewfc")
    files = _resolve(path, "fewfc", FEWFC_FILES, split, "fewfc")
    if not all(f.exists() for f in files):
        return _missing("fewfc", files[0].parent, FEWFC_URL)
    return _finish(_iter_fewfc(files, mapping, _claimed(mapping, claim)), limit, seed, "fewfc")


def _iter_fewfc(files, mapping, claimed) -> Iterable[Article]:
    for f in files:
        for n, obj in io.read_jsonl(f):
            where = f"{f}:{n}"
            text = obj.get("content")
            if not isinstance(text, str):
                raise AnnotationError(f"{where}: expected {{\"id\", \"content\", \"events\"}}")
            roles: dict[tuple[int, int], set[str]] = {}
            for ev in obj.get("events") or []:
                for m in ev.get("mentions") or []:
                    try:
                        s, e = (int(x) for x in m["span"])
                    except (KeyError, TypeError, ValueError):
                        raise AnnotationError(f"{where}: mention {m!r} needs a 'span' [start, end]") from None
                    if text[s:e] != m.get("word"):
                        raise AnnotationError(f"{where}: role {m.get('role')} [{s}, {e}): text found {text[s:e]!r}, "
                                              f"text expected {m.get('word')!r}")
                    roles.setdefault((s, e), set()).add(m.get("role"))
            spans, unclaim = [], set()
            for (s, e), rs in roles.items():
                ours = {mapping[r] for r in rs if r in mapping}
                if rs & set(FEWFC_PERSON_ROLES):
                    ours.discard("COMPANY")
                if len(ours) > 1:  # one span, two of our types: trust neither
                    unclaim |= ours
                    continue
                for label in ours:
                    ts, te = (trim_amount(text, s, e) or (s, s)) if label == "AMOUNT" else _trim(text, s, e)
                    if ts < te:
                        spans.append(Span(ts, te, label, text[ts:te]))
                    else:
                        unclaim.add(label)
            spans, dropped = _flat(spans)
            if "AMOUNT" in claimed:
                covered = [(sp.start, sp.end) for sp in spans if sp.label == "AMOUNT"]
                for m in MONEY_PATTERN.finditer(text):
                    if not any(a < m.end() and m.start() < b for a, b in covered):
                        unclaim.add("AMOUNT")
                        break
            labelled = tuple(t for t in claimed if t not in unclaim | dropped)
            yield Article(f"fewfc/{f.stem}/{obj.get('id') or n}", text, spans, labelled)


# --- MSRA -------------------------------------------------------------------------------------------

MSRA_FILES = {"train": ("msra_train_bio",), "test": ("msra_test_bio",)}


def _token_blocks(path: Path, sep: str) -> Iterable[tuple[int, list[tuple[str, str]]]]:
    """``(first line, [(token, tag), ...])`` per blank-line-separated block of a one-token-per-line file."""
    block: list[tuple[str, str]] = []
    first = 0
    for n, line in enumerate(io.read_text(path).split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            if block:
                yield first, block
            block = []
            continue
        token, s, tag = line.rpartition(sep)
        if not s or not token:
            shown = "<TAB>" if sep == "\t" else "<SPACE>"
            raise AnnotationError(f"{path}:{n}: expected TOKEN{shown}TAG, got {line!r}")
        if not block:
            first = n
        block.append((token, tag.strip()))
    if block:
        yield first, block


def read_msra(
    path: str | Path | None = None,
    split: str = "train",
    mapping: Mapping[str, str] = MSRA_LABELS,
    limit: int | None = None,
    seed: int | None = None,
    claim: Sequence[str] | None = None,
    region_names: Collection[str] | None = None,
) -> list[Article]:
    """MSRA (SIGHAN 2006): one character, a tab and an IOB2 tag (B-LOC, I-ORG, ...) per line. ``labelled``
    holds the mapped types only (default: REGION); ``region_names`` as in ``read_cluener``."""
    _check_mapping(mapping, "msra")
    files = _resolve(path, "msra", MSRA_FILES, split, "msra")
    if not all(f.exists() for f in files):
        return _missing("msra", files[0].parent, MSRA_URL)
    claimed = _claimed(mapping, claim)
    names, max_len = _names(region_names) if "REGION" in claimed else ((), 0)
    return _finish(_iter_msra(files, mapping, claimed, names, max_len), limit, seed, "msra")


def _iter_msra(files, mapping, claimed, names, max_len) -> Iterable[Article]:
    for f in files:
        for k, (first, block) in enumerate(_token_blocks(f, "\t"), 1):
            where = f"{f}: sentence at line {first}"
            bad = next((tok for tok, _ in block if len(tok) != 1), None)
            if bad is not None:
                raise AnnotationError(f"{where}: token {bad!r} is not one character")
            text = "".join(tok for tok, _ in block)
            tags = [tag for _, tag in block]
            for tag in tags:
                prefix, _, typ = tag.partition("-")
                if tag != "O" and (prefix not in ("B", "I") or not typ):
                    raise AnnotationError(f"{where}: tag {tag!r} is not IOB2 (O, B-TYPE, I-TYPE)")
            spans, unclaim = [], set()
            covered = [t != "O" for t in tags]
            for sp in char_tags_to_spans(text, tags):
                ours = mapping.get(sp.label)
                if ours is None:
                    continue
                if ours == "REGION" and not is_region_mention(sp.text):
                    unclaim.add("REGION")
                    continue
                s, e = _trim(text, sp.start, sp.end)
                if s < e:
                    spans.append(Span(s, e, ours, text[s:e]))
            spans, dropped = _flat(spans)
            if "REGION" in claimed and "REGION" not in unclaim and names:
                if _unlabelled_name(text, covered, names, max_len):
                    unclaim.add("REGION")
            labelled = tuple(t for t in claimed if t not in unclaim | dropped)
            yield Article(f"msra/{f.stem}/{k}", text, spans, labelled)


# --- address parsing corpus -------------------------------------------------------------------------

ADDRESS_FILES = {"train": ("train.txt",), "dev": ("dev.txt",), "test": ("test.txt",)}
UNKNOWN_TOKEN = "[UNK]"


def _address_parts(block: list[tuple[str, str]], where: str) -> list[tuple[str, str]]:
    """``[(part text, part label), ...]`` from BMES-tagged WordPiece tokens (``##`` continuations joined).
    A tag that does not continue the open part (M- after E-, a new label) starts a new part."""
    parts: list[list] = []  # [text, label, closed]
    for token, tag in block:
        prefix, _, label = tag.partition("-")
        if prefix not in ("B", "M", "E", "S") or not label:
            raise AnnotationError(f"{where}: tag {tag!r} is not BMES (B-x, M-x, E-x, S-x)")
        token = token[2:] if token.startswith("##") and len(token) > 2 else token
        if prefix in ("M", "E") and parts and parts[-1][1] == label and not parts[-1][2]:
            parts[-1][0] += token
        else:
            parts.append([token, label, False])
        parts[-1][2] = prefix in ("E", "S")
    return [(p[0], p[1]) for p in parts]


def _address_blocks(files: Sequence[Path]) -> Iterable[tuple[Path, int, list[tuple[str, str]]]]:
    for f in files:
        for k, (first, block) in enumerate(_token_blocks(f, " "), 1):
            yield f, k, _address_parts(block, f"{f}:{first}")


def _gazetteer(parts_iter: Iterable[list[tuple[str, str]]], levels: Sequence[str]) -> dict[str, set[str]]:
    gaz: dict[str, set[str]] = {lvl: set() for lvl in levels}
    for parts in parts_iter:
        for text, label in parts:
            if label in gaz and len(text) >= 2 and UNKNOWN_TOKEN not in text and "#" not in text:
                gaz[label].add(text)
    return gaz


_ADMIN_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "地区", "盟", "省", "市")


def _short_forms(names: Iterable[str]) -> set[str]:
    """Each name and its form without the administrative suffix (山东省 -> 山东, 青岛市 -> 青岛)."""
    out = set()
    for name in names:
        out.add(name)
        for suf in _ADMIN_SUFFIXES:
            if name.endswith(suf) and len(name) - len(suf) >= 2:
                out.add(name[: -len(suf)])
                break
    return out


def gazetteer_from_address_corpus(
    path: str | Path | None = None, splits: Sequence[str] = ("train", "dev", "test"),
) -> dict[str, set[str]]:
    """Names by level (``prov``, ``city``, ``district``, ``devzone``, ``town``) from the address corpus,
    as written there (山东省, 青岛市, 崂山区, 郑州高新技术产业开发区, 北宅街道; a few are noisy). Names of one
    character or holding ``[UNK]`` are left out. Empty sets (and one log line) when the corpus is absent."""
    base = Path(path) if path is not None else default_data_dir() / "address_parsing"
    files = list(dict.fromkeys(
        f for s in splits for f in _resolve(base, "address_parsing", ADDRESS_FILES, s, "address")))
    if not all(f.exists() for f in files):
        _missing("address", base, ADDRESS_URL)
        return {lvl: set() for lvl in GAZETTEER_LEVELS}
    return _gazetteer((parts for *_, parts in _address_blocks(files)), GAZETTEER_LEVELS)


def read_address(
    path: str | Path | None = None,
    split: str = "train",
    mapping: Mapping[str, str] = ADDRESS_LABELS,
    limit: int | None = None,
    seed: int | None = None,
    claim: Sequence[str] | None = None,
) -> list[Article]:
    """Address parsing corpus: one token, a space and a BMES tag per line, blank line between addresses.
    Adjacent parts mapped to the same type merge into one span (a chain of administrative names)."""
    _check_mapping(mapping, "address")
    files = _resolve(path, "address_parsing", ADDRESS_FILES, split, "address")
    if not all(f.exists() for f in files):
        return _missing("address", files[0].parent, ADDRESS_URL)
    blocks = list(_address_blocks(files))
    gaz = _gazetteer((parts for *_, parts in blocks), ("prov", "city"))
    places = frozenset(_short_forms(gaz["prov"] | gaz["city"]))
    return _finish(_iter_address(blocks, mapping, _claimed(mapping, claim), places), limit, seed, "address")


def _iter_address(blocks, mapping, claimed, places) -> Iterable[Article]:
    max_len = max((len(p) for p in places), default=0)
    skipped = 0
    for f, k, parts in blocks:
        if any(UNKNOWN_TOKEN in t for t, label in parts if label in mapping):
            skipped += 1
            continue
        text = "".join(t for t, _ in parts)
        spans: list[Span] = []
        unclaim: set[str] = set()
        pos, prev = 0, None
        for t, label in parts:
            ours = mapping.get(label)
            if ours is not None and ours == prev and spans and spans[-1].end == pos:
                start = spans.pop().start
                spans.append(Span(start, pos + len(t), ours, text[start:pos + len(t)]))
            elif ours is not None:
                spans.append(Span(pos, pos + len(t), ours, t))
            elif label == "redundant" or _unlabelled_name(t, [False] * len(t), places, max_len):
                unclaim.add("REGION")
            prev = ours
            pos += len(t)
        yield Article(f"address/{f.stem}/{k}", text, spans, tuple(t for t in claimed if t not in unclaim))
    if skipped:
        log.info("corpus address: %d addresses with [UNK] inside a region part left out", skipped)


# --- whole documents without labels (texts for whole-article gold and weak labelling) --------------

NEWS_ARTICLES_URL = "../shared/data/news_articles (Rock-Candy-Tea/RSSHUB-PAGE, hajeekn/RSSHUB-PAGE)"
DUEE_FIN_URL = "https://github.com/HuipengXu/DuEE-fin-ChatGLM-6B (DuEE_fin/)"


def news_article_texts(path: str | Path | None = None) -> dict[str, str]:
    """``{id: text}`` of the whole news pages in ``news_articles/articles.jsonl`` (title, blank line,
    one paragraph per line, as stored). Absent: ``{}`` with the usual notice."""
    f = Path(path) if path is not None else default_data_dir() / "news_articles" / "articles.jsonl"
    if not f.is_file():
        _missing("news_articles", f, NEWS_ARTICLES_URL)
        return {}
    return {str(obj["id"]): obj["text"] for _, obj in io.read_jsonl(f)}


def duee_fin_id(source_id: str) -> str:
    """Our id of a DuEE-fin document: ``duee_`` and the first 12 hex digits of its id."""
    return "duee_" + source_id[:12]


def duee_fin_texts(path: str | Path | None = None) -> dict[str, str]:
    """``{duee_fin_id(id): title + "\\n\\n" + text}`` of DuEE-fin's dev documents: the page as a reader sees
    it, headline first, as news_articles store it. DuEE-fin is for non-commercial research only: it is
    read for evaluation and never by the default training config."""
    f = Path(path) if path is not None else default_data_dir() / "duee_fin" / "duee_fin_dev.json"
    if not f.is_file():
        _missing("duee_fin", f, DUEE_FIN_URL)
        return {}
    return {duee_fin_id(str(obj["id"])): f"{obj.get('title', '')}\n\n{obj['text']}" for _, obj in io.read_jsonl(f)}


#: Unlabelled whole-document sources a reference may point at: name -> ``{id: text}`` reader.
TEXT_SOURCES: dict[str, Callable[..., dict[str, str]]] = {
    "news_articles": news_article_texts,
    "duee_fin": duee_fin_texts,
}


# --- gold annotations of corpus sentences, stored by reference --------------------------------------

def text_digest(text: str) -> str:
    """The fingerprint a reference stores to prove it points at the text that was annotated."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def referenced_ids(paths: Sequence[str | Path]) -> set[str]:
    """The sentence ids that reference files (``data/heldout/*.refs.jsonl``) name, all parts; the corpus
    texts are not read. A missing file is an ``InputError``."""
    ids: set[str] = set()
    for path in paths:
        if not Path(path).is_file():
            raise InputError(f"{path}: no such reference file (data.holdout); give the path of a .refs.jsonl "
                             "file such as data/heldout/investment_news.refs.jsonl, or remove the entry")
        for line, row in io.read_jsonl(path):
            if "id" not in row:
                raise AnnotationError(f"{path}:{line}: missing key 'id'")
            ids.add(row["id"])
    return ids


def read_referenced(path: str | Path, part: str | None = None) -> list[Article]:
    """Gold articles whose text lives in a public corpus (``data/heldout/``): each line of ``path`` is
    ``{"id": "msra/msra_train_bio/21077", "corpus": "msra", "split": "train", "sha1": ..., "entities": [...]}``
    with entities in our guideline (all four types labelled). The corpus texts are not copied into the
    repository; they are read from ``default_data_dir()`` and must hash to ``sha1``. Lines whose corpus
    is absent are skipped with the usual one-line notice. ``part``: only the lines with that ``"part"``
    (``dev``, ``test``)."""
    rows = [(line, row) for line, row in io.read_jsonl(path) if part is None or row.get("part") == part]
    wanted: dict[tuple[str, str], set[str]] = {}
    for line, row in rows:
        missing = [k for k in ("id", "corpus", "split", "sha1") if k not in row]
        if missing:
            raise AnnotationError(f"{path}:{line}: missing key(s) {missing}")
        wanted.setdefault((row["corpus"], row["split"]), set()).add(row["id"])
    texts: dict[str, str] = {}
    present = set()
    for (corpus, split), ids in wanted.items():
        if corpus in TEXT_SOURCES:
            found = TEXT_SOURCES[corpus]()
        else:
            found = {a.id: a.text for a in load_corpus(corpus, split=split)}
        if found:
            present.add((corpus, split))
        texts.update((i, t) for i, t in found.items() if i in ids)
    out = []
    for line, row in rows:
        where = f"{path}:{line}"
        if (row["corpus"], row["split"]) not in present:
            continue
        if row["id"] not in texts:
            raise AnnotationError(f"{where}: {row['id']} is not in corpus {row['corpus']}:{row['split']}; "
                                  "the corpus copy in ../shared/data differs from the one annotated (data/heldout/README.md)")
        text = texts[row["id"]]
        if text_digest(text) != row["sha1"]:
            raise AnnotationError(f"{where}: the text of {row['id']} does not match its sha1; the corpus copy in "
                                  "../shared/data differs from the one annotated (data/heldout/README.md)")
        article = Article.from_dict({"id": row["id"], "text": text, "entities": row.get("entities", [])}, where)
        problems = check_article(article)
        if problems:
            raise AnnotationError(f"{where}: " + "; ".join(problems[:3]))
        out.append(article)
    return out


def read_referenced_corpus(path: str | Path | None = None, split: str = "all", limit: int | None = None,
                           seed: int | None = None) -> list[Article]:
    """``read_referenced`` as a training corpus: ``path`` is the ``.refs.jsonl`` file, ``split`` the part
    to read (``dev``; ``all`` for every line). Its articles are fully labelled, like the seeds."""
    if path is None:
        raise InputError("corpus referenced: give path, the .refs.jsonl file (e.g. data/heldout/investment_news.refs.jsonl)")
    if not Path(path).is_file():
        raise InputError(f"corpus referenced: {path} is not a file; give the .refs.jsonl file")
    articles = read_referenced(path, part=None if split == "all" else split)
    if not articles and split != "all" and not any(row.get("part") == split for _, row in io.read_jsonl(path)):
        raise InputError(f"corpus referenced: {path} has no line with part {split!r}")
    return _finish(articles, limit, seed, f"referenced {path}")


# --- registry ---------------------------------------------------------------------------------------

CORPORA: dict[str, Callable[..., list[Article]]] = {
    "cluener": read_cluener,
    "fewfc": read_fewfc,
    "msra": read_msra,
    "address": read_address,
    "referenced": read_referenced_corpus,
}


def load_corpus(
    name: str,
    path: str | Path | None = None,
    split: str = "train",
    limit: int | None = None,
    seed: int | None = None,
    mapping: Mapping[str, str] | None = None,
    claim: Sequence[str] | None = None,
) -> list[Article]:
    """Read a public corpus by name (``cluener``, ``fewfc``, ``msra``, ``address``, or ``referenced``: our
    gold annotations of corpus sentences, see ``read_referenced_corpus``). With ``limit`` and
    a ``seed``, a seeded random sample of that many sentences; with ``limit`` alone, the first ones.
    ``mapping``/``claim`` override the corpus's defaults."""
    if name not in CORPORA:
        raise InputError(f"unknown corpus {name!r}; choose one of {', '.join(CORPORA)}")
    kwargs: dict = {}
    if mapping is not None:
        kwargs["mapping"] = mapping
    if claim is not None:
        kwargs["claim"] = claim
    return CORPORA[name](path=path, split=split, limit=limit, seed=seed, **kwargs)
