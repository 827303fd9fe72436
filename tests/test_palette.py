"""One status vocabulary: colour, icon and word for every status, and a theme that matches."""

import tomllib

import pytest

from kpi.domain.model import GoalStatus, KpiStatus
from kpi.text import palette
from kpi.text.i18n import catalogue
from tests.conftest import ROOT


@pytest.mark.parametrize("status", [*KpiStatus, *GoalStatus])
def test_every_status_has_colour_icon_and_word(status):
    look = palette.look(status)
    assert look.colour.startswith("#") and look.icon and palette.word(status)
    assert palette.label(status).startswith(look.icon + " ")


def test_icons_tell_statuses_apart_without_colour():
    assert len({palette.look(s).icon for s in KpiStatus}) == len(KpiStatus)
    assert len({palette.look(s).icon for s in GoalStatus}) == len(GoalStatus)


def test_the_spec_icons_for_kpis():
    assert [palette.look(s).icon for s in KpiStatus] == ["✓", "!", "✕", "–"]


def test_streamlit_theme_uses_the_palette():
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
    for name, colour in palette.THEME_COLOURS.items():
        assert theme[f"{name}Color"].lower() == colour.lower()


@pytest.mark.parametrize("language", ["en", "da"])
def test_status_words_differ(language):
    words = [catalogue(language)[f"status.goal.{s}"] for s in GoalStatus]
    assert len(set(words)) == len(words)
