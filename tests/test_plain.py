"""What people type is shown as they typed it (kpi.text.plain), never read as Markdown or HTML.

The escaped text is rendered with a CommonMark parser (markdown-it, with GitHub's tables and
strikethrough): it must come out as one paragraph of exactly the typed characters. What Streamlit
adds after parsing (bare addresses as links, emoji shortcodes, icons) is checked on the text.
"""

import html
import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from kpi.text import plain

COMMONMARK = MarkdownIt("commonmark").enable(["table", "strikethrough"])
STREAMLIT_MARKUP = re.compile(r"(?i)https?:|www\.|\w@\w|:[\w+-]+:|:material/|(?<!\\):[a-z]")
"""What Streamlit makes a link, an emoji or an icon after the Markdown is parsed, and the start of
its directives (`:red[…]`, `:blue-badge[…]`), which CommonMark does not know."""


def rendered(text: str) -> str:
    return COMMONMARK.render(plain.markdown(text))


def seen(text: str) -> str:
    """What a reader sees of the typed text: its words, one space between them."""
    return " ".join(text.split())


def shows_as_typed(text: str) -> None:
    out = rendered(text).replace(plain.WORD_JOINER, "")
    body = re.fullmatch(r"<p>(.*)</p>\n", out, re.S)
    assert body, out  # one paragraph: no heading, list, quote, table, code block or rule
    assert "<" not in body.group(1), out  # no element inside it: no link, image, emphasis, code, HTML
    assert html.unescape(body.group(1)) == seen(text)


@pytest.mark.parametrize(
    "typed",
    [
        "[Bonus](https://evil.example/pay)",
        "![logo](https://evil.example/i.png)",
        "<b>bold</b> <script>alert(1)</script> <img src=x onerror=alert(1)>",
        "<https://evil.example>",
        "# Heading",
        "### Heading ###",
        "*emphasis* **strong** _under_ __score__",
        "`code` and ```fence```",
        "~~struck~~ and ~single~",
        "a | b\n--|--\n1 | 2",
        "1. first\n2. second",
        "7) seventh",
        "- dash item",
        "+ plus item",
        "> quoted",
        "---",
        "Title\n===",
        "    indented like code",
        "first line\n\n# a heading after a blank line",
        "&amp; &lt;b&gt; &#60;",
        "$x^2$ and $$y$$",
        "[ref]: https://evil.example\n[ref]",
        "back\\slash\\",
        ":red[coloured] :blue-badge[badge]",
    ],
)
def test_markup_shows_as_the_characters_typed(typed):
    shows_as_typed(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "Kunderne anbefaler os – også de nye",
        "Færre kunder forlader os",
        "ÆØÅ æøå é",
        "Tilfredshed over 50 %",
        "Wait time under 90 s (target: 60 s)",
        "NPS, B2B customers",
        "Map the hand-offs between departments",
        "Sofie Dahl",
        "Q3 2026, 10:30",
    ],
)
def test_ordinary_text_is_left_as_it_is(typed):
    assert plain.markdown(typed) == typed
    shows_as_typed(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "see https://evil.example/pay",
        "see http://evil.example",
        "see www.evil.example",
        "mail boss@evil.example",
        ":smile: :+1: :material/warning:",
        ":red[coloured] :blue-badge[badge] Note:violet",
    ],
)
def test_addresses_emoji_icons_and_directives_stay_text(typed):
    shown = plain.markdown(typed)
    assert not STREAMLIT_MARKUP.search(shown)
    shows_as_typed(typed)


@given(st.text(alphabet=string.printable + "æøåÆØÅ–é€«»", min_size=1).filter(lambda text: text.split()))
def test_any_text_shows_as_typed(typed):
    shows_as_typed(typed)


def test_a_control_character_kept_from_before_the_check_is_left_out():
    """A title with U+202E turned the page's own text after it backwards."""
    assert plain.markdown("Ring \u202ekunden\x01 op") == "Ring kunden op"


def test_a_css_string_holds_its_words_and_nothing_can_end_it():
    """The uploader's words go into a style element as CSS strings (`widgets.css_string`): a
    quote, a backslash, a line end or `</style>` in them would end the string or the element."""
    from kpi.ui.widgets import css_string

    text = 'Højst 200\u00a0MB · "CSV"\\ </style><script>x</script>\nnæste'
    quoted = css_string(text)
    inner = quoted[1:-1]
    assert quoted[0] == quoted[-1] == '"' and not set('"<>\n') & set(inner)
    assert re.sub(r"\\([0-9a-f]+) ", lambda m: chr(int(m.group(1), 16)), inner) == text
