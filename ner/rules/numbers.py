"""Numbers as the rules read them: character classes and number patterns shared by the AMOUNT and
CAPACITY recognisers (``ner.rules.amounts``, ``ner.rules.capacities``)."""
from __future__ import annotations

_CJK = "\u4e00-\u9fff"
_DIGITS = "0-9０-９"
# A middle dot between digits is a decimal point in older print (４·３亿美元, １·５万吨).
_NUM_ARABIC = rf"[{_DIGITS}]+(?:,[{_DIGITS}]{{3}}(?![{_DIGITS}]))*(?:[.．·・][{_DIGITS}]+)?"
_CN_DIGITS = "零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟"  # with the formal numerals of contracts
_NUM_CHINESE = rf"[数几]?[{_CN_DIGITS}]+(?:[万亿][{_CN_DIGITS}]+)*"  # 三万六千六百九十八
_APPROX = "[多余]"
_RANGE_SEP = r"\s?[-－—–~～至到]\s?"
_NOT_AFTER_NUMBER = rf"(?<![{_DIGITS}.．A-Za-z×xX*{_CN_DIGITS}])(?<![{_DIGITS}][·・])"
