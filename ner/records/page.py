"""Where a news page puts its article: the headline (past a menu, breadcrumb or byline above it) and the link lists
around the article (相关新闻, 上一篇：…), which name other articles. The record builder reads them here."""
from __future__ import annotations

import re

# Page furniture: the links a news page lists around its article

# a heading over a list of other articles' links (相关新闻：, 【推荐阅读】, 更多>为您推荐)
_LINKS_HEADING = re.compile(
    r"[\s【\[「《<·•>»|｜]*(?:更多\s*[>»]*\s*)?"
    r"(?:相关(?:新闻|阅读|文章|报道|推荐|资讯|稿件|专题)|(?:推荐|延伸|拓展|扩展)阅读|(?:热门|热文|热点|精彩|编辑|今日|专题)推荐"
    r"|为(?:您|你)推荐|猜你喜欢|(?:你|您)可能(?:还)?(?:感兴趣|喜欢)|(?:热门|热点|最新|更多|图片|推荐)(?:新闻|资讯|文章|阅读)"
    r"|(?:点击|阅读|浏览)排行|往期(?:回顾|推荐)|精彩放送|热读)"
    r"[\s】\]」》>»:：|｜]*(?:更多\s*[>»]*)?\s*"
)
# one link to the previous or the next article (上一篇：总投资30亿元！…项目开工)
_PREV_NEXT = re.compile(r"[\s【\[]*(?:上|下)一?(?:篇|条|则)\s*(?:[】\]]\s*[:：]?|[:：])")  # 下一条生产线… is prose
_LINK_LINE_MAX = 20  # a longer line with a full stop is prose: the article goes on, the list has ended


def _lines(text: str) -> list[tuple[int, str]]:
    """Each line of ``text`` with its end of line (``str.splitlines(keepends=True)``) and its start offset."""
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        out.append((pos, line))
        pos += len(line)
    return out


def furniture_ranges(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of the page's link lists, which name other articles, not this one: from a links
    heading (相关新闻, 推荐阅读, 为您推荐 …) over the lines that follow while they read as links (no full stop,
    or very short), and each previous/next link line (上一篇：…, 下一篇：…)."""
    out: list[tuple[int, int]] = []
    listing = None
    for lo, line in _lines(text):
        body = line.strip()
        if listing is not None:
            if not body or len(body) <= _LINK_LINE_MAX or "。" not in body:
                continue
            out.append((listing, lo))
            listing = None
        if _LINKS_HEADING.fullmatch(body):
            listing = lo
        elif (link := _PREV_NEXT.match(body)) and link.end() < len(body):
            out.append((lo, lo + len(line)))
    if listing is not None:
        out.append((listing, len(text)))
    trailing = _trailing_links(text)
    if trailing and not any(a <= trailing[0] < b for a, b in out):
        out.append(trailing)
    return sorted(out)


_LINK_TITLE = re.compile(r"[·•\-–>»\s]*(?![（(]?[一二三四五六七八九十\d]+[、.．)）])(?![\u4e00-\u9fff]{2,6}[：:])[^。\n]{12,50}")
_LINK_TITLE_MAX = 50  # a longer line is prose (with or without a full stop): the article, not a link
_MIN_TRAILING_LINKS = 2
_PAGE_NOTICE = re.compile(r"版权|免责|声明|转载|ICP|本网|本站|联系电话|侵权")  # a footer's notice is no article prose


def _trailing_links(text: str) -> tuple[int, int] | None:
    """The lines after the article's last paragraph of prose (a line of over 50 characters, or one with a full
    stop, not a footer's notice: 版权所有, 免责声明, 本网转载…), from the first that reads as another article's
    headline (12 to 50 characters, no full stop, no list number, no field label such as 建设地点：), where at
    least two do: a link list with no heading over it. Not where that paragraph ends with a colon (…如下：): the
    lines after it are the article's own list."""
    lines = [(lo, line.strip()) for lo, line in _lines(text)]
    last_prose = max((k for k, (_, body) in enumerate(lines) if not _PAGE_NOTICE.search(body)
                      and (len(body) > _LINK_TITLE_MAX or ("。" in body and len(body) > _LINK_LINE_MAX))), default=None)
    if last_prose is None:
        return None
    if lines[last_prose][1].endswith(("：", ":")):
        return None  # 本次签约的部分重点项目如下：… the lines after are the article's list
    titles = [lo for lo, body in lines[last_prose + 1:] if _LINK_TITLE.fullmatch(body)]
    return (titles[0], len(text)) if len(titles) >= _MIN_TRAILING_LINKS else None


# A line above the headline that is the page's, not the article's: a breadcrumb or menu (当前位置：首页 > 资讯 >
# 正文; 首页 | 要闻 | 财经), a short button or label (立即下载), a dateline or byline (2019-09-24 14:55 来源：…).
_MENU_LINE = re.compile(r".*(?:当前|现在的|您的|所在)位置.*|\s*(?:网站)?(?:首页|主页)\s*[|｜>»].*")
_MENU_SEP = re.compile(r"[|｜>»]")
_MENU_ITEM_MAX = 8  # a menu's or breadcrumb's items are short (重磅｜总投资100亿元｜…开工 is a headline)
_BYLINE = re.compile(r"\s*(?:\d{4}\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}|(?:发布)?(?:时间|日期)\s*[:：]|(?:文章)?来源\s*[:：]"
                     r"|(?:作者|责任编辑|编辑|字号)\s*[:：]|记者\s|(?:本报|本网|本台)讯).*")
_SHORT_LINE = 4  # 立即下载, APP, 分享: no headline is this short
_HEAD_LINES = 5  # the headline is among the first non-empty lines
_HEAD_MAX = 80  # a longer line, or one with a full stop inside, is prose: the text has no headline


def _is_menu(body: str) -> bool:
    items = _MENU_SEP.split(body)
    return bool(_MENU_LINE.fullmatch(body)) or (len(items) >= 3 and all(len(x.strip()) <= _MENU_ITEM_MAX for x in items))


def _is_prose(body: str) -> bool:
    """A paragraph, not a headline: long, or a full stop inside; a menu is never prose."""
    return (len(body) > _HEAD_MAX or "。" in body[:-1]) and not _is_menu(body)


def is_page_line(line: str) -> bool:
    """A line of the page's, not the article's: a breadcrumb or menu, a short label or button, a dateline or
    byline (2019-09-24 来源：…, 来源 :电车汇2023-11-06), but not prose that opens like one (本报讯（记者 王磊）近日，
    亿纬锂能发布公告，…。; 2023年5月10日，…。)."""
    body = line.strip()
    return len(body) <= _SHORT_LINE or _is_menu(body) or (bool(_BYLINE.match(body)) and not _is_prose(body))


def headline_range(text: str) -> tuple[int, int]:
    """``[start, end)`` of the article's headline: its first line, or, on a page that opens with a menu,
    a breadcrumb, a short label or a byline, the first line after them (among the first few). ``(0, 0)``
    where a text of several lines opens with prose (a paragraph: no headline); a text of one line is its
    own headline."""
    first = text.find("\n")
    first = len(text) if first < 0 else first
    seen = 0
    for lo, line in _lines(text):
        body = line.strip()
        if not body:
            continue
        seen += 1
        if seen > _HEAD_LINES:
            break
        if not is_page_line(body):
            if first < len(text) and _is_prose(body):
                return 0, 0
            return lo, lo + len(line.rstrip("\r\n"))
    return 0, first


def headline_apart(text: str) -> tuple[int, int] | None:
    """``headline_range`` where a body follows the headline: None for a text that opens with prose or is only its
    headline (one line, trailing blank lines and spaces ignored)."""
    start, end = headline_range(text)
    return (start, end) if start < end < len(text.rstrip()) else None
