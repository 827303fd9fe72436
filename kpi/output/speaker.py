"""A slide's speaker notes: what the presenter says beside what the room sees.

The notes carry, for everything the slide shows, why its status is what it is (the deck's
`why`, worded by kpi.text.phrases from the status rules), then the month's commentary on it, in
the reader's language. Plain text: people's words are never read as markup.
"""

from __future__ import annotations

import re

from kpi.output.deck import Line, Slide
from kpi.text import fmt, palette
from kpi.text.i18n import t


def notes(slide: Slide) -> str:
    """The speaker notes of `slide`, as plain text."""
    if slide.kind == "title":
        return "\n".join((slide.subtitle, *slide.notes)).strip()
    blocks: list[list[str]] = []
    if slide.why:
        blocks.append([t("speaker.heading_slide"), slide.why])
    reasons = [t("speaker.item", label=line.label, why=_why(line, slide.kind)) for line in slide.lines]
    if reasons:
        blocks.append([t("speaker.heading_reasons"), *reasons])
    if slide.notes:
        blocks.append([t("speaker.heading_commentary"), *slide.notes])
    return "\n\n".join("\n".join(block) for block in blocks) or t("speaker.nothing")


def _why(line: Line, kind: str) -> str:
    if line.why:
        return _stopped(line.why)
    flag = palette.attention_label(line.flag.kind, line.flag.word) if line.flag is not None else ""
    if kind == "actions":  # its state, flagged where overdue, as the slide shows it, and its verdict
        state = " · ".join(part for part in (flag or line.state, line.note) if part)
        if not state:  # a planned action has no note: "due 31 Dec 2026: ." stood in the notes
            return _stopped(t("speaker.action_bare", who=line.value, due=line.target))
        return _stopped(t("speaker.action", who=line.value, due=line.target, state=state))
    if flag:
        said = flag
    elif line.status is not None:
        said = palette.label(line.status)
    else:
        said = ""
    if line.flag is not None and line.flag.kind == "late_action":  # its due date, no value against it
        facts = _stopped(t("speaker.line_target", status=said, target=line.target))
    else:
        value, target = line.value or fmt.MISSING, line.target or fmt.MISSING
        facts = _stopped(t("speaker.line", status=said, value=value, target=target))
    said = line.full_note
    return f"{facts} {_stopped(t('speaker.line_note', text=said))}" if said else facts


_DOUBLED = re.compile(r"([.!?…])\.$")


def _stopped(sentence: str) -> str:
    """`sentence` with one full stop: a sentence ending in a unit written with one (`24,0 t.`,
    `69 sek.`) or a note that ends in its own read `24,0 t..`."""
    return _DOUBLED.sub(r"\1", sentence)
