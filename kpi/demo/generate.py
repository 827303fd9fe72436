"""Generate the demo company's records for a given last month, deterministically.

Every random number comes from a generator seeded by (seed, KPI, month), so the same seed and
the same last month always give the same numbers, and a longer or shorter history does not
change the months both share. `scale` copies every department except the executive board (with
its KPIs and goals) to make the large companies the benchmark needs.
"""

from __future__ import annotations

import math
import random
import tomllib
from bisect import bisect
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import accumulate
from pathlib import Path
from typing import TypeVar

from kpi.domain import months, words
from kpi.domain.company_events import CompanyEvent, EventKind
from kpi.domain.model import (
    DEFAULT_TOLERANCE,
    DEFAULT_WEIGHT,
    SURVEY_SCALES,
    Action,
    ActionStatus,
    Aggregation,
    Commentary,
    Department,
    Direction,
    Goal,
    Kpi,
    Level,
    Measurement,
    Person,
    Promise,
    Response,
    Role,
    ServicePriority,
)

COMPANY_FILE = Path(__file__).with_name("company.toml")
COMMENTS_FILE = Path(__file__).with_name("comments.toml")
"""The bank of customers' own words the demo's comments are picked from."""
DEFAULT_SEED = 2026
_SEASON = {12: 1.0, 11: 0.6, 1: 0.3}
"""How much of a KPI's Christmas effect each month carries (the peak is December)."""
_TOUCHPOINTS = ("delivery", "customer_service", "webshop", "invoice", "returns")
_SEGMENTS = ("private", "business")
T = TypeVar("T")


def _odds(population: tuple[T, ...], weights: tuple[int, ...]) -> tuple[tuple[T, ...], tuple[int, ...]]:
    """What `_draw` picks from and the running totals of its weights."""
    return population, tuple(accumulate(weights))


def _draw(rng: random.Random, odds: tuple[tuple[T, ...], tuple[int, ...]]) -> T:
    """One pick from `odds` (`_odds`), each value as likely as its weight: the pick and the use of
    `rng` of `rng.choices(population, weights)[0]`, without working out the totals on every call
    (the demo draws some 300,000 times)."""
    population, totals = odds
    return population[bisect(totals, rng.random() * (totals[-1] + 0.0), 0, len(totals) - 1)]


_SEGMENT_ODDS = _odds(_SEGMENTS, (85, 15))
_PROMOTER_ODDS = _odds((9, 10), (6, 4))
_DETRACTOR_ODDS = _odds(tuple(range(7)), (1, 1, 2, 3, 5, 8, 10))
_SATISFIED_ODDS = _odds((4, 5), (55, 45))
_UNSATISFIED_ODDS = _odds((1, 2, 3), (1, 2, 4))


@dataclass(frozen=True)
class Translation:
    table: str
    key: str
    field: str
    language: str
    text: str


@dataclass(frozen=True)
class ProcessChange:
    kpi: str
    month: date
    note: str


@dataclass
class Company:
    """Everything the demo puts in a store, as domain records."""

    name: str
    end: date
    departments: list[Department] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    promises: list[Promise] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    measurements: list[Measurement] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    service_priorities: list[ServicePriority] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    commentary: list[Commentary] = field(default_factory=list)
    process_changes: list[ProcessChange] = field(default_factory=list)
    translations: list[Translation] = field(default_factory=list)
    events: list[CompanyEvent] = field(default_factory=list)
    """What happened to the company (kpi.domain.company_events), from company.toml's `[[events]]`."""


def load_spec() -> dict:
    with COMPANY_FILE.open("rb") as handle:
        return tomllib.load(handle)


def _copies(code: str, department: str, scale: int) -> list[tuple[str, str]]:
    """(code, department) for each copy; the executive board is never copied."""
    if department == "MGMT" or scale <= 1:
        return [(code, department)]
    return [(code, department)] + [(f"{code}_{i:02d}", f"{department}_{i:02d}") for i in range(2, scale + 1)]


def _month_offset(end: date, offset: int) -> date:
    return months.add(end, offset)


def _level(spec: dict, offset: int, strategy_start: int) -> float:
    """The KPI's true level in month `offset`: flat at `base` until the change starts, then a
    straight line to `now`, or through the `path` points ([offset, level], …) when given."""
    start = spec.get("from", strategy_start)
    points = [(start, float(spec["base"]))] + [(int(o), float(v)) for o, v in spec.get("path", [])]
    points.append((0, float(spec["now"])))
    if offset <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if offset <= x1:
            return y0 + (y1 - y0) * (offset - x0) / (x1 - x0)
    return points[-1][1]


def _season(spec: dict, month: date) -> float:
    return float(spec.get("season", 0.0)) * _SEASON.get(month.month, 0.0)


def _measured_value(spec: dict, level: float, rng: random.Random) -> float:
    value = level + rng.gauss(0.0, float(spec.get("noise", 0.0)))
    if spec["unit"] == "%":
        value = min(max(value, 0.0), 100.0)
    if spec["unit"] == "count" or spec.get("whole"):  # counted things, or minutes of probes
        return float(max(round(value), 0))
    return round(max(value, 0.0), 3)


def _nps_score(level: float, rng: random.Random) -> int:
    passives = 0.3
    promoters = max(min((1 - passives + level / 100) / 2, 1.0), 0.0)
    detractors = max(1 - passives - promoters, 0.0)
    draw = rng.random()
    if draw < promoters:
        return _draw(rng, _PROMOTER_ODDS)
    if draw < promoters + detractors:
        return _draw(rng, _DETRACTOR_ODDS)
    return rng.choice((7, 8))


def _csat_score(level: float, rng: random.Random) -> int:
    if rng.random() < level / 100:
        return _draw(rng, _SATISFIED_ODDS)
    return _draw(rng, _UNSATISFIED_ODDS)


def _ces_score(level: float, rng: random.Random) -> int:
    low, high = SURVEY_SCALES[Aggregation.CES]
    return min(max(round(rng.gauss(level, 1.0)), low), high)


_SCORERS = {"nps": _nps_score, "csat": _csat_score, "ces": _ces_score}


def _answers(
    code: str, spec: dict, month: date, level: float, rng: random.Random, factor: float
) -> list[Response]:
    count = max(int(round(spec["answers"] * factor * rng.uniform(0.9, 1.1))), 1)
    last_day = months.end_of(month).day
    scorer = _SCORERS[spec["aggregation"]]
    segment_default = "business" if code.startswith("NPS_B2B") else None
    fixed = spec.get("touchpoint")
    return [
        Response(
            kpi=code,
            date=date(month.year, month.month, rng.randint(1, last_day)),
            score=scorer(level, rng),
            segment=segment_default or _draw(rng, _SEGMENT_ODDS),
            touchpoint=_touchpoint(fixed, rng),
        )
        for _ in range(count)
    ]


def _touchpoint(fixed: str | None, rng: random.Random) -> str:
    """The answer's touchpoint: the KPI's own, if it has one; the draw is made either way, so
    every later number of the month stays as it was."""
    drawn = rng.choice(_TOUCHPOINTS)
    return fixed or drawn


def _kpi_record(code: str, department: str, spec: dict) -> Kpi:
    return Kpi(
        code=code,
        name=spec["name"],
        department=department,
        unit=spec["unit"],
        direction=Direction(spec["direction"]),
        aggregation=Aggregation(spec["aggregation"]),
        target=float(spec["target"]),
        tolerance=float(spec.get("tolerance", DEFAULT_TOLERANCE)),
        journey_phase=spec.get("phase"),
        definition=spec["definition"],
        benchmark=spec.get("benchmark"),
    )


def _history(
    company: Company, spec: dict, events: list[dict], history: int, seed: int, answers_factor: float
) -> None:
    strategy_start = int(spec["_strategy_start"])
    if "rates" in spec:  # the ratings of another KPI's respondents (`_respondents`)
        return
    for code, _department in spec["_copies"]:
        for offset in range(-(history - 1), 1):
            month = _month_offset(company.end, offset)
            rng = random.Random(f"{seed}:{code}:{months.key(month)}")
            level = _level(spec, offset, strategy_start) + _season(spec, month)
            level += sum(e.get("changes", {}).get(spec["code"], 0.0) for e in events if e["month"] == offset)
            if Aggregation(spec["aggregation"]).is_survey:
                company.responses.extend(_answers(code, spec, month, level, rng, answers_factor))
            else:
                value = _measured_value(spec, level, rng)
                company.measurements.append(Measurement(code, month, value, "", "demo"))


def _strategy_change(company: Company, spec: dict, item: dict) -> None:
    """A process change where the strategy starts moving the KPI (see company.toml)."""
    if "from" in item or item.get("base") == item.get("now"):
        return
    month = _month_offset(company.end, int(spec["strategy_start"]))
    for code, _ in item["_copies"]:
        company.process_changes.append(ProcessChange(code, month, spec["strategy_note"]))


def _translate(company: Company, table: str, key: str, item: dict, fields: dict[str, str]) -> None:
    for spec_field, store_field in fields.items():
        text = item.get(f"{spec_field}_da")
        if text:
            company.translations.append(Translation(table, key, store_field, "da", text))


def generate(
    end: date,
    *,
    seed: int = DEFAULT_SEED,
    scale: int = 1,
    history: int | None = None,
    answers_factor: float = 1.0,
) -> Company:
    """The demo company with `history` months of data ending with `end` (a month)."""
    spec = load_spec()
    history = history or int(spec["history_months"])
    company = Company(name=spec["company"], end=end)
    for item in spec["departments"]:
        for code, _ in _copies(item["code"], item["code"], scale):
            suffix = code[len(item["code"]) :]
            company.departments.append(Department(code, item["name"] + suffix.replace("_", " ")))
            _translate(
                company,
                "department",
                code,
                {"name_da": item.get("name_da", "") + suffix.replace("_", " ")},
                {"name": "name"},
            )
    for item in spec["people"]:
        company.people.append(Person(item["email"], item["name"], Role(item["role"]), item.get("department")))
    for item in spec["promises"]:
        company.promises.append(Promise(item["code"], item["text"]))
        _translate(company, "promise", item["code"], item, {"text": "text"})
    for item in spec["kpis"]:
        item["_copies"] = _copies(item["code"], item["department"], scale)
        item["_strategy_start"] = spec["strategy_start"]
        for code, department in item["_copies"]:
            company.kpis.append(_kpi_record(code, department, item))
            _translate(company, "kpi", code, item, {"name": "name", "definition": "definition"})
        _history(company, item, spec.get("events", []), history, seed, answers_factor)
        _strategy_change(company, spec, item)
    _respondents(company, spec, history, seed)
    _comments(company, spec, seed)
    _goals(company, spec, scale)
    _priorities_actions_commentary(company, spec)
    _events(company, spec)
    return company


def _events(company: Company, spec: dict) -> None:
    """Each `[[events]]` entry as a company event: from its `day` of its month for `days` days,
    scoped to the KPIs it changes (or its `kpis`, or its `department`, or everyone)."""
    for number, item in enumerate(spec.get("events", []), start=1):
        month = _month_offset(company.end, int(item["month"]))
        start = month.replace(day=int(item.get("day", 1)))
        end = date.fromordinal(start.toordinal() + int(item.get("days", 1)) - 1)
        kpis = tuple(item.get("kpis", item.get("changes", {})))
        company.events.append(
            CompanyEvent(
                number, item["name"], EventKind(item["kind"]), start, end, item.get("department"), kpis
            )
        )
        _translate(company, "company_event", str(number), item, {"name": "title"})


def _respondents(company: Company, spec: dict, history: int, seed: int) -> None:
    """Respondents whose touchpoint ratings drive their NPS, by the model documented at
    [respondents] in company.toml: a share of each month's NPS answers gets a respondent, their
    ratings (answers to the rating KPI) and, in the order of their index, the month's NPS scores."""
    model = spec["respondents"]
    outcome = next(k for k in spec["kpis"] if k["code"] == model["outcome"])
    touchpoints, weights = model["touchpoints"], model["weights"]
    loading, noise, share, skip = (float(model[k]) for k in ("mood", "noise", "share", "skip"))
    by_month: dict[date, list[int]] = defaultdict(list)
    for index, answer in enumerate(company.responses):
        if answer.kpi == outcome["code"]:
            by_month[months.first_of(answer.date)].append(index)
    span = float(outcome["now"]) - float(outcome["base"])
    for month, indices in sorted(by_month.items()):
        rng = random.Random(f"{seed}:{model['rating']}:{months.key(month)}")
        offset = months.diff(company.end, month)
        progress = (_level(outcome, offset, int(spec["strategy_start"])) - float(outcome["base"])) / span
        chosen = [i for i in indices if rng.random() < share]
        people = []
        for number, index in enumerate(chosen, start=1):
            answer = company.responses[index]
            mood = rng.gauss(0.0, 1.0)
            ratings = {
                tp: min(
                    max(
                        round(
                            float(tp_spec["mean"])
                            + float(tp_spec["drift"]) * progress
                            + loading * mood
                            + math.sqrt(1 - loading**2) * rng.gauss(0.0, 1.0)
                        ),
                        1,
                    ),
                    5,
                )
                for tp, tp_spec in touchpoints.items()
            }
            tilt = weights[answer.segment]
            drive = sum(float(tilt[tp]) * r for tp, r in ratings.items()) + noise * rng.gauss(0.0, 1.0)
            rated = {tp: r for tp, r in ratings.items() if rng.random() >= skip}
            people.append((drive, index, f"HH-{month:%Y%m}-{number:04d}", ratings, rated))
        scores = sorted(company.responses[index].score for _, index, *_ in people)
        for score, (_, index, respondent, ratings, rated) in zip(
            scores, sorted(people, key=lambda p: (p[0], p[1])), strict=True
        ):
            answer = company.responses[index]
            tilt = weights[answer.segment]
            pick = max if score >= 9 else min
            mattered = pick(
                ratings, key=lambda tp: (ratings[tp], float(tilt[tp]) * (1 if score >= 9 else -1))
            )
            company.responses[index] = replace(
                answer, score=score, touchpoint=mattered, respondent=respondent
            )
            company.responses.extend(
                Response(model["rating"], answer.date, r, answer.segment, tp, respondent)
                for tp, r in rated.items()
            )


def _comments(company: Company, spec: dict, seed: int) -> None:
    """Comments on a share of the survey answers, each a sentence of the bank (comments.toml)
    picked by the answer's touchpoint, sentiment and language ([comments] in company.toml)."""
    with COMMENTS_FILE.open("rb") as handle:
        bank = tomllib.load(handle)
    chances = spec["comments"]
    kinds = {k.code: _sentiments(k.aggregation) for k in company.kpis if k.aggregation.is_survey}
    rating = spec["respondents"]["rating"]
    groups: dict[tuple[str, date], list[int]] = defaultdict(list)
    for index, answer in enumerate(company.responses):
        if answer.kpi != rating:  # a rating's words are in its respondent's NPS comment
            groups[(answer.kpi, months.first_of(answer.date))].append(index)
    for (kpi, month), indices in sorted(groups.items()):
        rng = random.Random(f"{seed}:{kpi}:{months.key(month)}:comments")
        for index in indices:
            answer = company.responses[index]
            sentiment = kinds[kpi][answer.score]
            if rng.random() >= float(chances[sentiment]) or answer.touchpoint not in bank:
                continue
            language = "da" if rng.random() < float(chances["danish"]) else "en"
            text = rng.choice(bank[answer.touchpoint][sentiment][language])
            company.responses[index] = replace(answer, comment=text)


def _sentiments(aggregation: Aggregation) -> dict[int, str]:
    """Each score's sentiment, negative, mixed or positive, by its score group (kpi.domain.words)."""
    low, high = SURVEY_SCALES[aggregation]
    said = ("negative", "mixed", "positive")
    groups = words.GROUPS[aggregation]
    return {s: said[groups.index(words.score_group(aggregation, s))] for s in range(low, high + 1)}


def _goals(company: Company, spec: dict, scale: int) -> None:
    kpi_department = {k["code"]: k["department"] for k in spec["kpis"]}
    goal_department = {g["code"]: g.get("department") for g in spec["goals"]}
    for item in spec["goals"]:
        for code, department in _copies(item["code"], item.get("department") or "MGMT", scale):
            suffix = code[len(item["code"]) :]
            parent = item.get("parent")
            if parent and suffix and goal_department.get(parent) not in (None, "MGMT"):
                parent = parent + suffix
            kpi = item.get("kpi")
            if kpi and suffix and kpi_department.get(kpi) != "MGMT":
                kpi = kpi + suffix
            company.goals.append(_goal_record(company.end, item, code, department, parent, kpi))
            _translate(company, "goal", code, item, {"title": "title", "description": "description"})


def _goal_record(
    end: date, item: dict, code: str, department: str, parent: str | None, kpi: str | None
) -> Goal:
    accepted = item.get("accepted")
    return Goal(
        code=code,
        level=Level(item["level"]),
        title=item["title"],
        kpi=kpi,
        department=department,
        owner=item.get("owner"),
        parent=parent,
        description=item.get("description", ""),
        baseline=item.get("baseline"),
        target=item.get("target"),
        start=_month_offset(end, item["start"]) if "start" in item else None,
        deadline=months.end_of(_month_offset(end, item["deadline"])) if "deadline" in item else None,
        weight=float(item.get("weight", DEFAULT_WEIGHT)),
        accepted_at=_month_offset(end, accepted).replace(day=10) if accepted is not None else None,
        promise=item.get("promise"),
    )


def _priorities_actions_commentary(company: Company, spec: dict) -> None:
    for item in spec["service_priorities"]:
        company.service_priorities.append(
            ServicePriority(
                item["code"], item["text"], item["kpi"], float(item["threshold"]), item["comparison"]
            )
        )
        _translate(company, "service_priority", item["code"], item, {"text": "text"})
    for number, item in enumerate(spec["actions"], start=1):
        due = months.end_of(_month_offset(company.end, item["due"]))
        live = _month_offset(company.end, item["go_live"]) if "go_live" in item else None
        direction = Direction(item["direction"]) if "direction" in item else None
        company.actions.append(
            Action(
                number,
                item["goal"],
                item["title"],
                item["owner"],
                due,
                ActionStatus(item["status"]),
                live,
                item.get("kpi"),
                direction,
            )
        )
        _translate(company, "action", str(number), item, {"title": "title"})
    for number, item in enumerate(spec["commentary"], start=1):
        month = _month_offset(company.end, item["month"])
        company.commentary.append(
            Commentary(
                number, month, item["author"], item["text"], kpi=item.get("kpi"), goal=item.get("goal")
            )
        )
        _translate(company, "commentary", str(number), item, {"text": "text"})
