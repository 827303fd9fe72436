"""The driver analysis drawn and worded: the importance × performance chart, its quadrants, and
the words of the tab and the slide in English and Danish."""

from __future__ import annotations

import numpy as np
import pytest

from kpi.domain import drivers
from kpi.domain.drivers import Quadrant
from kpi.output import driver_chart
from kpi.text import driver_words, i18n
from kpi.text.palette import RED


def _analysis() -> drivers.Analysis:
    rng = np.random.default_rng(4)
    mood = rng.normal(size=(2000, 1))
    x = np.clip(np.round(3.3 + 0.7 * mood + rng.normal(size=(2000, 4)) + [0.6, -0.6, 0.3, 0.0]), 1, 5)
    y = x @ np.array([0.2, 1.0, 0.6, 0.1]) + rng.normal(size=2000)
    return drivers.analyse(("delivery", "invoice", "<b>web</b>shop", "returns"), x, y, resamples=200)


def _points(chart: dict) -> dict[str, dict]:
    """Each touchpoint's point by its label."""
    return {s["name"]: s for s in chart["series"] if s.get("encode", {}).get("tooltip") == 2}


def test_each_touchpoint_is_a_point_with_its_interval_and_the_fix_first_quadrant_is_named():
    analysis = _analysis()
    chart = driver_chart.importance_performance(analysis, "What matters")
    points = _points(chart)
    assert len(points) == 4
    invoice = next(d for d in analysis.drivers if d.touchpoint == "invoice")
    assert invoice.quadrant is Quadrant.FIX_FIRST  # the heaviest weight on the worst-rated touchpoint
    point = points["▲ Invoice"]
    assert point["itemStyle"]["color"] == RED
    rating, share, hover = point["data"][0]
    assert rating == pytest.approx(invoice.performance) and share == pytest.approx(100 * invoice.share)
    assert hover.startswith("Invoice: ") and "▲ Fix first" in hover  # the hover's sentence
    whisker = next(s for s in chart["series"] if s["name"] == "▲ Invoice ·")
    assert [y for _, y in whisker["data"]] == pytest.approx(
        [100 * invoice.share_low, 100 * invoice.share_high]
    )
    areas = chart["series"][0]["markArea"]["data"]
    words = {area[0]["label"]["formatter"] for area in areas}
    assert {"▲ Fix first", "● Strength", "○ Low priority", "◇ Matters less"} == words
    assert any("<b>web</b>shop" in label for label in points)  # a typed code, drawn as text


def test_the_axes_are_labelled_in_the_reader_s_language():
    with i18n.use("da"):
        chart = driver_chart.importance_performance(_analysis(), "Alle kunder")
    ticks = {
        s["name"]: [text for _, _, text in s["data"]]
        for s in chart["series"]
        if s["name"].startswith("ticks")
    }
    assert any("," in text for text in ticks["ticks-x"]) and all("." not in text for text in ticks["ticks-x"])
    assert all(text.endswith("\u00a0%") for text in ticks["ticks"])
    assert chart["xAxis"]["axisLabel"]["show"] is False and chart["yAxis"]["axisLabel"]["show"] is False


@pytest.mark.parametrize(
    "language, share, interval, rating, quadrant",
    [("en", "38 %", "32–44 %", "3.4", "▲ Fix first"), ("da", "38 %", "32–44 %", "3,4", "▲ Ret først")],
)
def test_the_words_in_each_language(language, share, interval, rating, quadrant):
    driver = drivers.Driver("invoice", 0.19, 0.16, 0.22, 0.381, 0.321, 0.439, 3.42, Quadrant.FIX_FIRST, 1)
    with i18n.use(language):
        assert driver_words.share(driver) == share.replace(" ", "\u00a0")
        # the range breaks at neither its dash nor its unit
        assert driver_words.share_interval(driver) == interval.replace(" ", "\u00a0").replace(
            "–", "\u2060–\u2060"
        )
        assert driver_words.rating(driver) == rating
        assert driver_words.quadrant(driver.quadrant) == quadrant
        assert driver_words.name("invoice") == {"en": "Invoice", "da": "Faktura"}[language]
        assert driver_words.name("kiosk") == "kiosk"  # a code the catalogue does not know, as it is


def _driver(touchpoint: str, share: float, rating: float, quadrant: Quadrant, rank: int) -> drivers.Driver:
    return drivers.Driver(
        touchpoint, share / 2, share / 2 - 0.02, share / 2 + 0.02, share, share - 0.04, share + 0.04,
        rating, quadrant, rank,
    )  # fmt: skip


def test_a_label_never_covers_a_neighbours_point():
    """The demo's November: customer service and webshop lie close together, so webshop's label
    goes to the right, where no point is, instead of across customer service's point."""
    found = drivers.Analysis(
        1379,
        0.53,
        (
            _driver("delivery", 0.33, 3.90, Quadrant.STRENGTH, 1),
            _driver("customer_service", 0.24, 3.68, Quadrant.STRENGTH, 2),
            _driver("webshop", 0.225, 3.78, Quadrant.STRENGTH, 3),
            _driver("returns", 0.11, 3.38, Quadrant.LOW_PRIORITY, 4),
            _driver("invoice", 0.10, 2.97, Quadrant.LOW_PRIORITY, 5),
        ),
    )
    chart = driver_chart.importance_performance(found, "All customers")
    places = {name.split(" ", 1)[1]: point["label"]["position"] for name, point in _points(chart).items()}
    assert places == {
        "Delivery": "left",
        "Customer service": "top",  # every free place crosses the average rating: centred above
        "Webshop": "right",
        "Returns": "left",  # on its side of the average rating: to the right it ran across it
        "Invoice": "right",
    }
    crowded = drivers.Analysis(  # close neighbours on both sides: above and below instead
        500,
        0.4,
        (
            _driver("delivery", 0.34, 3.50, Quadrant.STRENGTH, 1),
            _driver("webshop", 0.33, 3.60, Quadrant.STRENGTH, 2),
            _driver("invoice", 0.33, 3.40, Quadrant.FIX_FIRST, 3),
        ),
    )
    places = [
        p["label"]["position"] for p in _points(driver_chart.importance_performance(crowded, "")).values()
    ]
    assert places[0] == "top"


def test_a_label_stays_on_its_point_s_side_of_the_average_rating_where_it_can():
    """A strength's label stood in the red "fix first" area across the average rating (a CX
    director's trial): a label goes away from that divider where it fits, towards it only
    where it does not cross it, and across it only where no other place is free."""
    points = [(3.3, 30.0, "▲ Invoice"), (3.62, 20.0, "● Customer service"), (3.9, 10.0, "◇ Delivery")]
    places = driver_chart.label_positions(points, 2.9, 4.2, 40.0, divider=3.55)
    assert places[0] == "left"  # away from the divider, left of it
    assert places[1] == "right"  # just right of the divider: to its right, not back across it
    for (x, _, label), place in zip(points, places, strict=True):
        reach = (4.2 - 2.9) * min(1.0, len(label) / driver_chart.LABEL_CHARACTERS)
        low, high = {"right": (x, x + reach), "left": (x - reach, x)}.get(
            place, (x - reach / 2, x + reach / 2)
        )
        assert not low < 3.55 < high, (label, place)


def test_a_label_that_must_cross_the_divider_stands_centred_over_its_point():
    """The demo's November: "Customer service" just right of the average rating, Webshop's point
    to its right and the chart's edge beyond: its label stood wholly left of the divider, in the
    "fix first" area (a presenter's trial); where every free place crosses, it stands above its
    point, centred."""
    points = [(3.9, 33.0, "Delivery"), (3.68, 24.0, "Customer service"), (3.78, 22.5, "Webshop")]
    places = driver_chart.label_positions(points, 2.7, 4.2, 45.0, divider=3.55)
    assert places[1] == "top"
