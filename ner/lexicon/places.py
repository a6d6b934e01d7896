"""The place gazetteer of the rules: administrative names (cpca's adcodes.csv) with their short forms,
macro regions and countries (CLDR through babel), optionally the address corpus's names; and the word
lists that decide which names count (suffixes, stop lists). ``ner.rules.places`` reads text with it,
``ner.rules.companies`` and ``ner.model.decode`` use it to find place names."""
from __future__ import annotations

import csv
import functools
import importlib.util
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ner.errors import InputError, NerError

_CJK = "\u4e00-\u9fff"

LEVELS = ("province", "city", "district", "zone", "town", "macro", "extra")
_LEVEL_RANK = {lvl: i for i, lvl in enumerate(LEVELS)}  # lower is more important when a name is ambiguous

MACRO_REGIONS = (
    "中国", "粤港澳大湾区", "长三角", "珠三角", "京津冀", "成渝", "港澳", "港澳台", "长江经济带",
    "长江三角洲", "珠江三角洲", "珠江口西岸", "华东", "华南", "华北", "华中", "西南", "西北", "东北",
)
# Short forms of countries and regions that news uses and CLDR does not list.
COUNTRY_SHORT_FORMS = ("印尼", "拉美", "阿联酋", "沙特", "澳洲", "新西兰", "中东", "北美", "南美", "西欧", "东欧", "欧美")
# CLDR names that are common words, parts of words or ambiguous in Chinese news: 中非 (China-Africa),
# 加纳 (增加纳税), 海地 (沿海地区), 多哥, 乍得, 马里, 汤加, 智利, 巴林 (巴林右旗), 世界; CLDR placeholders.
TERRITORY_STOP = frozenset(("世界", "中非", "加纳", "海地", "多哥", "乍得", "马里", "汤加", "智利", "巴林", "美洲北部",
                            "南部非洲", "未知地区", "伪地区", "伪双向语言地区", "大洋洲边远群岛"))
# Administrative suffixes stripped for short forms, longest first. The remainder must keep >= 2 chars.
ADMIN_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "省", "市", "区", "县", "旗", "盟")
ZONE_SUFFIXES = (
    "经济技术开发区", "高新技术产业开发区", "高新技术开发区", "经济开发区", "综合保税区", "自由贸易试验区",
    "经开区", "高新区", "保税区", "自贸区", "开发区", "工业园区", "工业园", "新区",
)
# Full names that are also generic words.
FULL_NAME_STOP = frozenset({"市辖区", "县", "城区", "郊区", "矿区", "东区", "西区", "新县", "南县", "和县", "高县",
                            "代县", "任县", "新市区", "省直辖县级行政区划", "自治区直辖县级行政区划"})
# Short forms that are common words or brands. Built by checking every county/district short form
# against a general Chinese word list (jieba's dictionary: entries with a non-place part of speech),
# then reviewed by hand; place names that happen to be mis-tagged there (桂林, 大连...) were kept.
SHORT_FORM_STOP = frozenset("""
资源 合作 和平 武功 比如 南部 解放 东方 前进 港口 公安 友好 通道 共和 城中 友谊 平安 中方 凤凰 安定 延长 新兴 运河
万年 东风 红旗 南岸 城北 城南 城东 城西 会同 工农 大名 富裕 清水 高明 前锋 复兴 长子 清新 宏伟 平定 芙蓉 洞口 阿里
太和 温泉 石门 向阳 振兴 三元 大方 互助 新华 建平 威信 莲花 平和 名山 黄龙 六合 龙泉 白云 全州 桃源 当阳 建华 三门
大观 永和 二七 台前 金山 方城 石棉 丰满 永福 永新 双桥 月湖 高台 九龙 二道 无为 河间 民权 小店 同心 宝塔 元宝 平房
太白 定远 白玉 灯塔 大兴 木兰 天涯 七星 海棠 博爱 同仁 回民 钟楼 红星 方正 黑水 安居 龙凤 鼓楼 大通 麒麟 富民 清流
水城 紫金 老城 新城 爱民 惠民 和顺 上高 天台 阳明 开化 天心 金沙 天元 方山 新会 宝山 五台 民乐 铜鼓 兴业 大厂 大安
金牛 三台 路南 白塔 古塔 石台 磐石 万全 三水 石鼓 官渡 光明 长安 朝阳 江南 江北 河东 河西 新市 市中 城关 先锋 胜利
建设 团结 红山 青山 东山 西山 南山 北山 日照 来宾 白银 长寿 安宁 新民 海港 开发 高新 中原 南沙 新区 港区
""".split())


def _adcodes_path() -> Path:
    spec = importlib.util.find_spec("cpca")  # locate without importing: cpca's __init__ needs pkg_resources
    if spec is None or not spec.submodule_search_locations:
        raise NerError("the REGION gazetteer needs cpca's adcodes.csv; install it with `pip install cpca`")
    for loc in spec.submodule_search_locations:
        p = Path(loc) / "resources" / "adcodes.csv"
        if p.exists():
            return p
    raise NerError("cpca is installed but resources/adcodes.csv is missing; reinstall it with `pip install --force-reinstall cpca`")


def _ethnic_names(adcodes: Path) -> tuple[str, ...]:
    p = adcodes.parent / "56_nations.csv"
    names = [n.strip() for n in p.read_text(encoding="utf-8").splitlines() if n.strip()] if p.exists() else []
    return tuple(sorted(names, key=len, reverse=True)) or ("族",)


def _level_of(adcode: str) -> str:
    if adcode[2:] == "0" * (len(adcode) - 2):
        return "province"
    if adcode[4:] == "0" * (len(adcode) - 4):
        return "city"
    return "district"


def strip_endings(name: str, endings: Iterable[str], keep: int) -> str:
    """``name`` less any of ``endings`` at its end, again until none is left there, as long as ``keep``
    characters remain (广西壮族 -> 广西 with the ethnic names; 蒙古族 -> 蒙古: 1 character would be left)."""
    changed = True
    while changed:
        changed = False
        for e in endings:
            if name.endswith(e) and len(name) - len(e) >= keep:
                name, changed = name[: -len(e)], True
                break
    return name


def short_form(name: str, ethnic: Iterable[str] = ()) -> str | None:
    """湖南省 -> 湖南, 广西壮族自治区 -> 广西, 望城区 -> 望城; ``None`` when under 2 characters would remain."""
    for suffix in ADMIN_SUFFIXES:
        if name.endswith(suffix):
            rest = strip_endings(name[: -len(suffix)], ethnic, 2)
            return rest if len(rest) >= 2 else None
    return None


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    level: str


class Gazetteer:
    """Place names -> level (province, city, district, zone, town, macro, extra). Immutable.

    ``Gazetteer.default()`` is cpca's administrative names with their short forms, plus macro regions.
    Combine with ``|``: ``Gazetteer.default() | Gazetteer({"湘江新区": "zone"})``.
    """

    def __init__(self, names: Mapping[str, str] | None = None):
        clean: dict[str, str] = {}
        for name, level in (names or {}).items():
            if level not in _LEVEL_RANK:
                raise ValueError(f"gazetteer name {name!r}: unknown level {level!r}; expected one of {', '.join(LEVELS)}")
            if len(name) >= 2:
                _keep_best(clean, name, level)
        self.names: Mapping[str, str] = MappingProxyType(clean)
        self._lengths = sorted({len(n) for n in clean}, reverse=True)

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __len__(self) -> int:
        return len(self.names)

    def __or__(self, other: Gazetteer) -> Gazetteer:
        merged = dict(self.names)
        for name, level in other.names.items():
            _keep_best(merged, name, level)
        return Gazetteer(merged)

    def level(self, name: str) -> str | None:
        return self.names.get(name)

    @classmethod
    @functools.cache
    def default(cls) -> Gazetteer:
        return cls.from_adcodes() | cls({m: "macro" for m in MACRO_REGIONS}) | cls.from_territories()

    @classmethod
    def from_territories(cls) -> Gazetteer:
        """Countries, continents and world regions in Chinese (CLDR through ``babel``: 美国, 印度尼西亚,
        拉丁美洲, 加勒比地区), plus ``COUNTRY_SHORT_FORMS``; level ``macro`` (they never chain with
        administrative names). Names that are also common words or ambiguous (``TERRITORY_STOP``) are left out."""
        from babel import Locale

        names = {re.sub(r"[（(].*", "", n): "macro" for n in Locale.parse("zh_Hans_CN").territories.values()}
        names.update(dict.fromkeys(COUNTRY_SHORT_FORMS, "macro"))
        return cls({n: lvl for n, lvl in names.items() if n not in TERRITORY_STOP})

    @classmethod
    def from_adcodes(cls, path: str | Path | None = None) -> Gazetteer:
        """Names from an ``adcode,name,...`` CSV (cpca's by default), full and short forms."""
        path = Path(path) if path else _adcodes_path()
        ethnic = _ethnic_names(path)
        names: dict[str, str] = {}
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                code, name = (row.get("adcode") or "").strip(), (row.get("name") or "").strip()
                if not code.isdigit() or not name or name in FULL_NAME_STOP:
                    continue
                level = _level_of(code)
                _keep_best(names, name, level)
                short = short_form(name, ethnic)
                if short and short not in SHORT_FORM_STOP:
                    _keep_best(names, short, level)
        return cls(names)

    @classmethod
    def from_address_corpus(cls, path: str | Path, base: Gazetteer | None = None) -> Gazetteer:
        """``base`` (default: ``Gazetteer.default()``) plus full names from the address-parsing corpus
        (prov, city, district, devzone, town). ``path``: the corpus folder (``../shared/data/address_parsing``,
        all splits) or one of its files."""
        path = Path(path)
        if not path.exists():
            raise InputError(f"{path}: address corpus not found; pass the address_parsing folder or its train.txt")
        extra = cls({n: lvl for n, lvl in _address_corpus_names(path).items() if n not in SHORT_FORM_STOP})
        return (base or cls.default()) | extra

    def prefix_levels(self, text: str) -> list[str]:
        """The levels of every name that ``text`` begins with (长沙县… -> the county and the city 长沙)."""
        return [self.names[text[:n]] for n in self._lengths if n <= len(text) and text[:n] in self.names]

    def find(self, text: str) -> list[Match]:
        """Leftmost-longest matches of any name, non-overlapping, no context checks."""
        out, i, n = [], 0, len(text)
        while i < n:
            for length in self._lengths:
                if i + length <= n and text[i:i + length] in self.names:
                    out.append(Match(i, i + length, self.names[text[i:i + length]]))
                    i += length
                    break
            else:
                i += 1
        return out


def _keep_best(names: dict[str, str], name: str, level: str) -> None:
    if name not in names or _LEVEL_RANK[level] < _LEVEL_RANK[names[name]]:
        names[name] = level


_ADDRESS_LEVELS = {"prov": "province", "city": "city", "district": "district", "devzone": "zone", "town": "town"}


def _address_corpus_names(path: Path) -> dict[str, str]:
    """Full names by level from ``ner.data.corpora.gazetteer_from_address_corpus`` (levels prov, city, district,
    devzone, town), filtered to plausible place names."""
    from ner.data.corpora import gazetteer_from_address_corpus

    base = Gazetteer.default()
    names: dict[str, str] = {}
    for level, found in gazetteer_from_address_corpus(path).items():
        if level not in _ADDRESS_LEVELS:
            continue
        for name in found:
            if _plausible_place(name) and _ADDRESS_NAME_OK[level](name, base):
                _keep_best(names, name, _ADDRESS_LEVELS[level])
    return names


def _starts_with_place(name: str, gaz: Gazetteer) -> bool:
    first = gaz.find(name)
    return bool(first) and first[0].start == 0 and first[0].end < len(name)


# The corpus is noisy (园区, 全区, 产业园 and fragments such as 次办 are tagged as places): keep a name only
# when its shape is that of its level.
_ADDRESS_NAME_OK = {
    "prov": lambda n, g: n.endswith(("省", "自治区", "市", "特别行政区")),
    "city": lambda n, g: n.endswith(("市", "州", "盟", "地区")),
    "district": lambda n, g: n.endswith(("区", "县", "市", "旗")) and not n.startswith("全"),
    "devzone": lambda n, g: n.endswith(ZONE_SUFFIXES) and _starts_with_place(n, g),
    "town": lambda n, g: len(n) >= 3 and n.endswith(("镇", "乡", "街道")),
}


def _plausible_place(name: str) -> bool:
    return (isinstance(name, str) and 2 <= len(name) <= 15 and re.fullmatch(f"[{_CJK}]+", name) is not None
            and name not in ZONE_SUFFIXES and name not in FULL_NAME_STOP)
