"""A saved web page -> the text a reader sees: its title, a blank line, then one line per paragraph.

News about investment projects is often kept as the pages themselves (a folder of ``.html`` files saved from
a site, a crawler's output). ``page_text`` reads one with the standard library's HTML parser: the title (the
page's ``<h1>``, else its ``<title>``), then the text of each block (paragraphs, headings, list items, table
rows, line breaks) on its own line, entities decoded, spaces inside a line collapsed; scripts, styles,
forms and comments are left out. Menus and link lists stay in (they are text a reader sees): the record
builder reads them as page furniture (``docs/results.md``, "Records on whole pages").
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
                    "header", "footer", "table", "ul", "ol", "dd", "dt", "blockquote", "pre", "hr",
                    "center", "form", "nav", "aside", "main", "figcaption", "caption"})
CELLS = frozenset({"td", "th"})  # a table row is one line, its cells apart by a space
SKIP = frozenset({"script", "style", "noscript", "template", "select", "textarea", "svg", "iframe"})
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_CJK_BREAK = re.compile(r"(?<=[\u4e00-\u9fff，。、；：！？（）“”])\s*\n\s*(?=[\u4e00-\u9fff，。、；：！？（）“”])")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skip = 0
        self.title = ""
        self.h1: str | None = None
        self._in_title = self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            self.skip += 1
        elif self.skip:
            return  # an icon's <title>, an <h1> in <noscript>: not the page's
        elif tag == "title":
            self._in_title = True
        elif tag in CELLS:
            self.lines[-1] += " "
        elif tag in BLOCKS:
            self.lines.append("")
            if tag == "h1" and self.h1 is None:
                self._in_h1, self.h1 = True, ""

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCKS and not self.skip:
            self.lines.append("")

    def handle_endtag(self, tag):
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
        elif self.skip:
            return
        elif tag == "title":
            self._in_title = False
        elif tag in BLOCKS:
            self.lines.append("")
            if tag == "h1":
                self._in_h1 = False

    def handle_data(self, data):
        if self.skip:
            return
        if self._in_title:
            self.title += data
        else:
            self.lines[-1] += data
            if self._in_h1:
                self.h1 += data


def _clean(line: str) -> str:
    """One line: a break in the source between Chinese characters is none (宁德\n时代 is 宁德时代, as a browser shows
    it); other breaks and runs of spaces are one space."""
    return _SPACE.sub(" ", _CJK_BREAK.sub("", line).replace("\n", " ")).strip()


def page_text(html: str) -> str:
    """The page as text: its title, a blank line, one line per non-empty block; ``""`` when it holds none."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    lines = [c for c in (_clean(l) for l in reader.lines) if c]
    title = _clean(reader.h1 or "") or _clean(reader.title)
    if title in lines:  # the heading, read where it stands, is the page's first line
        lines.remove(title)
    if not title:
        return "\n".join(lines)
    return title + "\n\n" + "\n".join(lines) if lines else title


def hexo_post_text(post: str) -> str:
    """A blog-engine post as the RSS archive repositories keep news items (YAML front matter with ``title``,
    then the item's HTML; ``data/pages``) -> its page text: the title, a blank line, one line per paragraph. Front
    matter that YAML cannot read gives its ``title:`` line as written; a body without HTML keeps its lines."""
    import yaml

    post = post.replace("\r\n", "\n").lstrip("\ufeff\n")
    head, sep, body = post.partition("\n---\n") if post.startswith("---") else ("", "", post)
    if not sep:
        return page_text(post)
    try:
        meta = yaml.safe_load(head[3:])
    except yaml.YAMLError:
        meta = None
    if not isinstance(meta, dict):
        found = re.search(r"^title:\s*['\"]?(.*?)['\"]?\s*$", head, re.M)
        meta = {"title": found.group(1)} if found else {}
    title = _clean(str(meta.get("title") or ""))
    if "<" in body:
        text = page_text(body)
    else:  # markdown: a line is a line
        text = "\n".join(c for c in (_clean(line) for line in body.split("\n")) if c)
    lines = text.split("\n")
    if title and lines and _clean(lines[0]) == title:  # the body's own heading says the title again
        text = "\n".join(lines[1:]).lstrip("\n")
    return f"{title}\n\n{text}" if title and text else title or text
