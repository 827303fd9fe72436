"""A logo is opened when it is set, and a pack leaves out a stored one it cannot use.

A 76 kB PNG of 20,000 × 20,000 pixels passed the check of its first bytes and then stopped every
pack for everyone (Pillow refuses such a "decompression bomb"); so did the PNG signature followed
by text. Found by an adversarial test of the product.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pptx import Presentation

from kpi.output import deck, logo, pptx_pack
from kpi.store import company
from kpi.text import words


def png(width: int, height: int, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, format="PNG", optimize=True)
    return out.getvalue()


BOMB = png(20_000, 20_000, "1")
JUNK = b"\x89PNG\r\n\x1a\n" + b"not an image at all" * 10


def test_the_bomb_is_small_enough_to_pass_the_size_check():
    assert len(BOMB) < company.LOGO_MAX_BYTES


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (BOMB, "far too many pixels"),
        (png(2400, 300), "2,400 × 300 pixels"),
        (JUNK, "not a PNG or JPEG"),
        (png(40, 20)[:-30], "not a PNG or JPEG"),  # cut short: its header reads, its pixels do not
        (b"GIF89a" + b"\x00" * 40, "not a PNG or JPEG"),
    ],
)
def test_a_logo_no_pack_could_wear_is_refused_with_what_to_do(data, says):
    (problem,) = company.problems("Havn & Hjem", data, "#7A1F5C")
    assert problem.field == "company.logo" and says in words.message(problem)


def test_a_logo_of_a_slide_corner_s_size_is_taken():
    assert company.problems("Havn & Hjem", png(2000, 400), "#7A1F5C") == []
    assert logo.problem(png(40, 20)) is None


@pytest.mark.parametrize("stored", [BOMB, JUNK])
def test_a_pack_leaves_out_a_stored_logo_it_cannot_use(stored):
    """A store that took such a logo before it was opened still gets its packs, without it."""
    brand = deck.Brand("CX Cockpit · Havn & Hjem A/S · October 2026", "Havn & Hjem", "#7A1F5C", stored)
    slide = deck.Slide("title", "Customer experience — October 2026", lines=())
    made = Presentation(io.BytesIO(pptx_pack.render([slide], brand)))
    assert not [
        shape for page in made.slides for shape in page.shapes if shape.shape_type == 13
    ]  # no picture


def mpo() -> bytes:
    """A JPEG holding two pictures, as phones and cameras write them (Pillow calls it MPO)."""
    out = io.BytesIO()
    first, second = Image.new("RGB", (40, 20), (11, 110, 79)), Image.new("RGB", (40, 20), (200, 0, 0))
    first.save(out, format="MPO", save_all=True, append_images=[second])
    return out.getvalue()


def test_a_jpeg_of_several_pictures_is_taken_as_its_first_and_worn_by_the_packs(demo_duckdb_url):
    """Refused as "not a PNG or JPEG" (found by a review): its first picture is kept as a JPEG."""
    from kpi.store import engine
    from tests.conftest import as_admin

    data = mpo()
    assert (
        Image.open(io.BytesIO(data)).format == "MPO"
        and company.problems("Havn & Hjem", data, "#7A1F5C") == []
    )
    store = engine.create(demo_duckdb_url)
    with engine.writing(store) as conn:
        company.write(conn, as_admin("sofie.dahl@havnhjem.example"), "Havn & Hjem", data, "#7A1F5C")
    with engine.reading(store) as conn:
        kept = company.read(conn).logo
    assert kept is not None and Image.open(io.BytesIO(kept)).format == "JPEG"
    brand = deck.Brand("CX Cockpit · Havn & Hjem A/S · October 2026", "Havn & Hjem", "#7A1F5C", data)
    slide = deck.Slide("title", "Customer experience — October 2026", lines=())
    made = Presentation(io.BytesIO(pptx_pack.render([slide], brand)))
    assert [shape for page in made.slides for shape in page.shapes if shape.shape_type == 13]  # a picture


@pytest.mark.parametrize(
    ("colour", "refused"),
    [("#FFFFFF", True), ("#FFCC00", True), ("#FFD700", True), ("#FF6600", False), ("#1F4E79", False)],
)
def test_a_colour_too_light_to_read_on_white_is_refused_with_what_to_do(colour, refused):
    """The packs write their titles in the company's colour on white, and white on it: #FFFFFF
    made the title slide's title invisible (an adversarial test)."""
    found = company.problems("Havn & Hjem", None, colour)
    assert [p.key for p in found] == (["company.faint_colour"] if refused else [])
    if refused:
        said = words.problem(found[0])
        assert "too light" in said and "#1F4E79" in said and "at least 2 : 1" in said
    assert company.problems("Havn & Hjem", None, colour, kept=colour) == []  # a kept colour: not judged again
