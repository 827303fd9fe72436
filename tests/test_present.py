"""The Present page's address and pack buttons."""

import pytest

from kpi.ui.views import present_view

PRESENT = "pages/present.py"


@pytest.mark.parametrize(
    "requested, count, expected",
    [
        ("1", 17, 0),
        ("3", 17, 2),
        ("17", 17, 16),
        ("99", 17, 16),  # past the end: the last slide
        ("0", 17, 0),
        ("-1", 17, 0),
        ("²", 17, 0),  # a digit to str.isdigit, not to int()
        ("٣", 17, 0),  # an Arabic-Indic three
        ("x", 17, 0),
        ("", 17, 0),
        ("2", 1, 0),
    ],
)
def test_slide_index(requested, count, expected):
    assert present_view.slide_index(requested, count) == expected


@pytest.mark.parametrize(
    "slide, first", [("²", True), ("1e3", True), ("%F0%9F%98%80", True), ("9" * 400, False)]
)
@pytest.mark.reads_only
def test_a_strange_slide_address_opens_the_first_or_last_slide(app, slide, first):
    at = app(month="2026-10", slide=slide).run()
    at.switch_page(PRESENT).run()
    assert not at.exception, at.exception
    assert (at.query_params["slide"] == "1") is first


@pytest.mark.reads_only
def test_the_powerpoint_pack_is_made_on_request_and_offered(app):
    at = app(month="2026-10").run()
    at.switch_page(PRESENT).run()
    assert not list(at.get("download_button"))  # nothing is made before it is asked for
    [b for b in at.button if b.key == "present.pptx"][0].click().run()
    assert not at.exception, at.exception
    assert [b for b in at.get("download_button") if b.proto.label == present_view.t("present.download_pptx")]
