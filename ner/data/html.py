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
                    "header", "footer", "table", "ul", "ol", "dd", "dt", "blockquote", "pre", "hr", "td", "th",
                    "center", "form", "nav", "aside", "main", "figcaption", "caption"})
SKIP = frozenset({"script", "style", "noscript", "template", "select", "textarea", "head", "svg", "iframe"})
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skip = 0
        self.title = ""
        self.h1: str | None = None
        self._in_title = self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        if tag in SKIP and tag != "head":
            self.skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in BLOCKS:
            self.lines.append("")
            if tag == "h1" and self.h1 is None:
                self._in_h1, self.h1 = True, ""

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCKS:
            self.lines.append("")

    def handle_endtag(self, tag):
        if tag in SKIP and tag != "head":
            self.skip = max(0, self.skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in BLOCKS:
            self.lines.append("")
            if tag == "h1":
                self._in_h1 = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self.skip:
            self.lines[-1] += data
            if self._in_h1:
                self.h1 += data


def _clean(line: str) -> str:
    return _SPACE.sub(" ", line.replace("\n", " ")).strip()


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
    then the item's HTML; ``data/pages``) -> its page text: the title, a blank line, one line per paragraph."""
    import yaml

    head, sep, body = post.lstrip("\ufeff\n").partition("\n---\n")
    if not head.startswith("---") or not sep:
        return page_text(post)
    meta = yaml.safe_load(head[3:]) or {}
    title = _clean(str(meta.get("title") or ""))
    text = page_text(body)
    return f"{title}\n\n{text}" if title and text else title or text
