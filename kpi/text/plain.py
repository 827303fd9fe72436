"""People's words shown exactly as they typed them, wherever a screen would read markup.

Streamlit renders titles, captions, alerts and most labels as Markdown (GitHub's flavour plus
its own colours, badges, icons, emoji shortcodes and LaTeX between dollar signs). A goal title, a
name or a comment is data, not markup: a department head who types `[Bonus](https://…)` or `<b>`
must not put a link or bold type on the CEO's screen. `markdown()` makes a text safe inside
Markdown. Charts (ECharts) draw their words as text; a chart's label is a template of its own
(`kpi.output.charts.label_text`).
Messages from the catalogues stay Markdown; only what a person typed or imported goes through
here, on its own or as a message's parameter. Plain outputs (`st.text`, tables, the options of a
select box, PPTX, JSON, the command line) need nothing.

Escaping is not enough everywhere: Streamlit turns bare web and e-mail addresses, emoji
shortcodes and `:material/…:` icons into links and pictures after the Markdown is parsed, where
a backslash no longer counts. An invisible word joiner (U+2060) inside each such pattern keeps it
text; the eye sees the same characters.
"""

from __future__ import annotations

import re

from kpi.domain import bounds

WORD_JOINER = "\u2060"

_MARKUP = re.compile(r"([\\`*_\[\]<>#|~$]|:(?=[A-Za-z]))")
"""Characters that open links, images, HTML, headings, emphasis, code, tables, strikethrough,
LaTeX or Streamlit's directives (`:red[…]`, and `:red` alone) anywhere on a line."""
_ENTITY = re.compile(r"&(?=#?\w+;)")
"""`&amp;`, `&#60;`: an entity would show as the character it names."""
_LINE_START = re.compile(r"^(?:([-+=])|(\d{1,9})([.)]))")
"""A list item, a setext underline or a numbered item, which only count at the start of a line."""
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_AFTER_PARSING = re.compile(r"(?i)(?<=http)(?=s?:)|(?<=www)(?=\.)|(?=@)|(?<=:)(?=[\w+-]+:|material/)")
"""Where a word joiner breaks a bare address (`https://…`, `www.…`, `a@b.dk`), an emoji
shortcode (`:smile:`) or an icon (`:material/home:`)."""


def markdown(text: str) -> str:
    """`text` as Markdown that Streamlit shows literally, on one line.

    Line breaks and runs of spaces become one space (Markdown would collapse them on screen
    anyway, and a blank line would end the sentence the text stands in).
    """
    spaced = bounds.without_controls(_SPACES.sub(" ", text)).strip(" ")  # one kept from before the check
    one_line = _AFTER_PARSING.sub(WORD_JOINER, spaced)
    escaped = _ENTITY.sub(r"\\&", _MARKUP.sub(r"\\\1", one_line))
    return _LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(found: re.Match[str]) -> str:
    if found.group(1):
        return "\\" + found.group(1)
    return f"{found.group(2)}\\{found.group(3)}"


def shortened(text: str, limit: int) -> str:
    """`text`, or its first `limit` characters at most, cut after a whole word, ending in "…":
    an event's title on a chart's band, an action's title in a line about its number."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else head
    return cut.rstrip(" :,;-") + "…"
