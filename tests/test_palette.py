"""One status vocabulary: colour, icon and word for every status, and a theme that matches."""

import shutil
import subprocess
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


ALL_LOOKS = [
    *palette.KPI_LOOKS.values(),
    *palette.GOAL_LOOKS.values(),
    *palette.ATTENTION_LOOKS.values(),
    *palette.VARIATION_LOOKS.values(),
    *palette.ASSURANCE_LOOKS.values(),
]


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig is not installed")
@pytest.mark.parametrize("icon", sorted({look.icon for look in ALL_LOOKS}))
def test_every_chip_icon_is_in_the_plain_fonts(icon):
    """A chip's icon must be drawn by a font a plain Linux machine has (DejaVu Sans), or Chromium
    shows an empty box: the overdue action's ⌛ did, at 390 px in Danish."""
    found = subprocess.run(
        ["fc-list", f":charset={ord(icon):x}", "family"], capture_output=True, text=True, check=True
    ).stdout
    assert "DejaVu Sans" in found, f"{icon} (U+{ord(icon):04X}) is in no DejaVu Sans font"


def test_a_broken_priority_has_its_own_icon():
    """A priority is kept or broken, not on or off target: its icon is not the red KPI's."""
    assert palette.ATTENTION_LOOKS["broken_priority"].icon != palette.look(KpiStatus.RED).icon
    assert palette.attention_label("broken_priority", "Broken") == "⚠ Broken"
