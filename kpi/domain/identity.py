"""Who and what a text names: e-mail addresses and codes in the one form they are compared in.

Pure. Unicode lets two different texts look alike, and case folding with `lower()`/`upper()`
made some of them the same: the Kelvin sign `K` lowers to `k`, so `mette.Kjaer@…` acted as
Mette; a dotless `ı` uppers to `I`, so a department `ıT` overwrote `IT`; `ß` and the ligature
`ﬁ` collided with `ss` and `fi`. So:

- every e-mail is compared and stored as `email_key` (Unicode NFKC, then case-folded); every
  code is compared as `code_key` (NFKC, then upper case) and keeps the spelling it was first
  given (`spelling`): a department created as `Kundeservice` stays `Kundeservice`, and `KUNDESERVICE`
  in a file, a form, a link or an option names it;
- a text holding a character that only looks like a plain one (`lookalikes`: one that stands
  for ASCII letters, digits or signs once normalised or case-changed, a Cyrillic or Greek letter
  drawn like a Latin one, or an invisible one) is
  refused as an identity or a code, wherever it comes from: an import, a form, a sign-in header
  or `--as`. Such a text is either a mistake or an attempt to pass for someone else.

The Danish letters Æ, Ø and Å (and æ, ø, å) are letters of their own, not look-alikes: codes such
as `KØB` are fine.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

DANISH = frozenset("ÆØÅæøå")
HOMOGLYPHS = frozenset("аеорсухіјѕԁԛԝѡһӏАВЕКМНОРСТХІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧοναι")
"""Cyrillic and Greek letters drawn like Latin ones (`а` and `a`), which no normalisation maps:
refused too, so `аnne.holm@…` with a Cyrillic а cannot stand beside Anne as a second person."""


def header_text(value: str) -> str:
    """A request header's value as its sender wrote it: HTTP servers read a header's bytes as
    Latin-1, so a proxy's UTF-8 `camilla.nø@…` arrived as `camilla.nÃ¸@…`, a person nobody
    knows. Bytes that are not UTF-8 stay as they were read."""
    if value.isascii():
        return value
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:  # not Latin-1 (already text) or not UTF-8 underneath: as it came
        return value


def email_key(text: str) -> str:
    """The form an e-mail address is stored and compared in."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


_ADDRESS = re.compile(
    r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"  # the name: no spaces, quotes or brackets
    r"@(?:[^\W_](?:[\w-]{0,61}[^\W_])?)(?:\.[^\W_](?:[\w-]{0,61}[^\W_])?)*"  # the domain's labels
)
"""One e-mail address as people write them: a name of letters, digits and the signs an address
may hold between dots, an @, and a domain of labels of letters, digits and inner hyphens (Danish
letters are letters). No spaces, commas, angle brackets, quotes or line breaks: a person's
address `a@b.example>,victim@x.example` was taken, and the monthly pack went to both."""


def is_email(text: str) -> bool:
    """Whether `text` is one e-mail address (`_ADDRESS`, at most 254 characters) in the form it
    is stored and mailed in (`email_key`): a Danish letter pasted decomposed (`a` and a ring)
    is one, and `İnge@x.dk`, whose stored form holds a combining dot, is not."""
    key = email_key(text)
    return len(key) <= 254 and _ADDRESS.fullmatch(key) is not None


_BRACKETED = re.compile(r"<([^<>]*)>")
"""An address in angle brackets after a name, as a mail program copies it."""


def address_inside(text: str) -> str | None:
    """The address of `Peter Nielsen <peter@cykelhuset.dk>`, as a mail program copies a person,
    to suggest; None unless `text` holds one pair of angle brackets around one address (a part
    of a mistyped address, `b@x.example` of `a..b@x.example`, is no suggestion)."""
    found = _BRACKETED.findall(text)
    return email_key(found[0]) if len(found) == 1 and is_email(found[0]) else None


def code_key(text: str) -> str:
    """The form codes (and actions' titles) are compared in: `cs`, `Cs` and `CS` are one code,
    and a title with a zero-width space in it is the one without (`UNSEEN`)."""
    return unicodedata.normalize("NFKC", text.translate(UNSEEN)).strip().upper()


def spelling(text: str) -> str:
    """A new code as it is stored: as its author spelled it (normalised, trimmed). Every later
    mention of it, in any case, is matched to this spelling (`match`)."""
    return unicodedata.normalize("NFKC", text).strip()


def lookalikes(text: str) -> str:
    """The characters of `text` that only look like plain ones (in order, each once); empty
    when there are none."""
    if text.isascii():  # most are: plain letters cannot look like anything else
        return ""
    found: dict[str, None] = {}
    for char in text:
        if _looks_alike(char):
            found[char] = None
    return "".join(found)


def named(chars: str) -> str:
    """Look-alike characters as a message names them: each with its code point, an invisible one
    by its code point alone (`ｃ (U+FF43), U+200B`): a hint that quoted a zero-width space
    showed nothing. No quotation marks: the message around it is in either language, each
    quoting its own way."""
    return ", ".join(
        f"U+{ord(c):04X}" if unicodedata.category(c) in INVISIBLE else f"{c} (U+{ord(c):04X})" for c in chars
    )


INVISIBLE = ("Cf", "Cc", "Zs", "Zl", "Zp", "Mn")
"""Unicode's categories of characters that show as nothing or as a space (or only on another)."""


FILLERS = frozenset("\u3164\u115f\u1160\uffa0\u2800")
"""Letters and signs drawn as nothing at all: the Hangul fillers and the blank Braille pattern
(an action titled only "\u3164" was listed as a blank line)."""

UNSEEN_CHARS = "\u200b\u2060\ufeff\u00ad\u200e\u200f"
"""Characters a title never needs and a reader never sees: the zero-width space, the word joiner,
the byte-order mark, the soft hyphen and the left-to-right and right-to-left marks
(`unseen_removed`). Joiners that shape letters or emoji stay."""
UNSEEN = str.maketrans("", "", UNSEEN_CHARS)


def blank(text: str) -> bool:
    """Whether `text` shows nothing: only spaces, `INVISIBLE` characters (zero-width spaces,
    joiners) and `FILLERS`. A commentary of two zero-width spaces counted as the number's
    explanation, and a department named so as a name (an adversarial trial)."""
    return all(char.isspace() or unicodedata.category(char) in INVISIBLE or char in FILLERS for char in text)


def unseen_removed(text: str) -> str:
    """`text` without the characters of `UNSEEN`: "Hire agents for the\u200b Christmas peak" was a
    second action beside "… the Christmas peak", alike to every eye and never merged by an import."""
    return text.translate(UNSEEN)


def _looks_alike(char: str) -> bool:
    if char.isascii():
        return False
    if char in DANISH:
        return False
    if char in HOMOGLYPHS:
        return True
    if unicodedata.category(char) in INVISIBLE:
        return True  # invisible: a zero-width space, a joiner, a combining mark
    forms = (unicodedata.normalize("NFKD", char), char.upper(), char.lower(), char.casefold())
    return any(c.isascii() and c.isprintable() for form in forms for c in form)


def match(text: str, codes: Iterable[str]) -> str | None:
    """The code of `codes` that `text` names, compared without regard to case (`code_key`), as
    the store spells it; None when none does, or when `text` holds look-alike characters."""
    if lookalikes(text):
        return None
    wanted = code_key(text)
    return next((code for code in codes if code_key(code) == wanted), None)
