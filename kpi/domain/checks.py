"""One check per kind of record: what a goal, a KPI, an action, a month's value or a survey answer
must be, whether it is typed into a form or read from a file.

Pure. A check takes the record's fields as read (numbers as numbers, months and dates as dates,
empty as None) and what it must know of the store (`Known`), and returns every problem at once,
never only the first, so one round of corrections is enough. The import (kpi.store.importing)
and the forms (kpi.store.definitions, kpi.store.edits) call the same check, so what one refuses
the other refuses too, in the same words.

Rules decided once, for both ways in:
- A goal needs a KPI, a department, a target and a start month. Without a target or a start it
  has no status: it would sit grey ("no data") in every report and roll-up instead of being
  flagged, which is worse than being told at once what to add. Baseline, deadline and owner may
  come later; the SMART page asks for them.
- A goal's weight is more than zero (empty means `DEFAULT_WEIGHT`). A weight of 0 would take the
  goal out of its parent's roll-up, so a red part could hide under a green whole: the blind spot
  the cascade exists to show.
- A KPI's tolerance is a share of its target from 0 to 1 (empty means `DEFAULT_TOLERANCE`);
  targets, baselines and values stay within what the KPI's unit can reach (`UNIT_RANGES`).
- Every month and date lies in the window of `Known.window`, every number and text within the
  limits of `kpi.domain.bounds`: one absurd value must never reach the store, where it would
  break the pages of everyone.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from kpi.domain import bounds, company_events, identity, industry, validate, vocabulary
from kpi.domain.errors import Problem
from kpi.domain.model import (
    COMPARISONS,
    SURVEY_SCALES,
    SURVEY_UNITS,
    UNIT_RANGES,
    ActionStatus,
    Aggregation,
    Direction,
    JourneyPhase,
    Level,
    Role,
)

Fields = Mapping[str, object]
"""A record's fields by name, as read from a form or a file's row."""

CODE_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZÆØÅ0123456789_-")
"""What a code (of a goal, KPI, department, promise) may be made of, in its stored form
(`identity.code_key`: upper case), Danish letters included (`KØB`)."""

GOAL_REQUIRED = ("code", "title", "level", "kpi", "department", "target", "start")
KPI_REQUIRED = ("code", "name", "department", "unit", "direction", "aggregation")
ACTION_REQUIRED = ("goal", "title")
MEASUREMENT_REQUIRED = ("kpi", "month", "value")
ANSWER_REQUIRED = ("kpi", "date", "score")
TARGET_REQUIRED = ("kpi", "month", "target")
CHANGE_REQUIRED = ("kpi", "month")
PRIORITY_REQUIRED = ("code", "text", "kpi", "threshold", "comparison")


@dataclass(frozen=True)
class KnownKpi:
    unit: str
    aggregation: Aggregation
    direction: str = "higher"


@dataclass(frozen=True)
class Known:
    """What the store holds (with, on import, what the file adds) as far as a check needs it."""

    departments: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()
    """E-mail addresses."""
    promises: frozenset[str] = frozenset()
    priorities: frozenset[str] = frozenset()
    """Service priorities' codes."""
    kpis: Mapping[str, KnownKpi] = field(default_factory=dict)
    goals: Mapping[str, tuple[Level, str | None]] = field(default_factory=dict)
    """`code → (level, parent)` of every goal."""
    aims: Mapping[str, tuple[tuple[str, float, float], ...]] = field(default_factory=dict)
    """`kpi → (goal, baseline, target)` of each active goal asking its KPI to move: which way a
    KPI is better is kept while its goals ask it to move that way (see `kpi`)."""
    answered: frozenset[str] = frozenset()
    """Survey KPIs that have answers: they keep their kind (see `kpi`)."""
    measured: frozenset[str] = frozenset()
    """KPIs with monthly values in the store: they, and those `answered`, keep their unit."""
    fractional: frozenset[str] = frozenset()
    """KPIs with a monthly value that is not a whole number: a count of them stays a mean."""
    kpi_names: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    """`(department, name_key) → codes` of the current KPIs of that name, by their names in every
    language the store holds, as they will be (on import, the file's over the store's): a
    department's KPIs each have a name of their own (`_name_taken`)."""
    kpi_names_held: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    """… as the store holds them, a file aside: a KPI keeps a name it has (`_name_taken`)."""
    names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """`departments` and `kpis`: each one's name (`name_key`) → its code, to tell a file that
    names one by its name which code to write; `people`: each one's name → their e-mail address
    (an owner written as a name)."""
    window: bounds.Window = field(default_factory=lambda: bounds.Window.around(date.today()))
    """The months a month or date may lie in (the store reads it from the settings)."""
    retired: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Retired codes (`departments`, `goals`) and deactivated people (`people`): a record may
    keep naming one it already named, never newly name one (restore it first)."""
    department_parents: Mapping[str, str | None] = field(default_factory=dict)
    """`code → parent` of every department (with, on import, the file's), to find loops."""
    admins: frozenset[str] = frozenset()
    """The active administrators' e-mail addresses, as the store holds them."""
    hints: bool = False
    """Whether a refusal may name what the store holds (a code a name stands for, the one close
    to a typo, the departments' codes): for an administrator's import or form, who reads it all;
    never for a department head's (a head's action told them another department's KPI code)."""
    admins_kept: frozenset[str] | None = None
    """The active administrators once the rest of a file is in (None: `admins`): a file that
    promotes someone may demote the administrator before."""


Spellings = dict[str, dict[str, str]]
"""For each kind of code (`departments`, `kpis`, `goals`, `promises`, `priorities`): compared
form → spelling."""
_OWN = {
    "departments": "departments",
    "kpis": "kpis",
    "goals": "goals",
    "promises": "promises",
    "priorities": "priorities",
}
"""The kinds of record whose `code` is one of these codes."""
_PARENTS = {"departments": "departments", "goals": "goals"}
_REFERENCES = {
    "department": "departments",
    "kpi": "kpis",
    "goal": "goals",
    "promise": "promises",
    "priority": "priorities",
}
"""Fields that name a code of another record, by their name."""


def spellings(known: Known) -> Spellings:
    """Every code the store holds by its compared form (`identity.code_key`), as it is spelled."""
    codes: dict[str, Collection[str]] = {
        "departments": known.departments,
        "kpis": known.kpis.keys(),
        "goals": known.goals.keys(),
        "promises": known.promises,
        "priorities": known.priorities,
    }
    return {name: {identity.code_key(code): code for code in found} for name, found in codes.items()}


def spelled(kind: str, fields: Fields, index: Spellings) -> dict[str, object]:
    """`fields` with every code they name spelled as the store (or the file before) spells it, so
    `cs` in a file or form is the department `CS`, and a new code keeps the spelling it came with."""
    out = dict(fields)
    for name, value in fields.items():
        if name == "code":
            target = _OWN.get(kind)
        elif name == "parent":
            target = _PARENTS.get(kind)
        else:
            target = _REFERENCES.get(name)
        if target is not None and isinstance(value, str):
            out[name] = index[target].get(identity.code_key(value), value)
        elif name == "kpis" and kind == "events" and isinstance(value, str):
            # an event's KPIs, one text of codes: each as the store spells it (`cs_wait` is
            # CS_WAIT, as a department's code is matched; it was refused as not known)
            codes = company_events.kpi_codes(value)
            respelled = (index["kpis"].get(identity.code_key(code), code) for code in codes)
            out[name] = company_events.KPI_SEPARATOR.join(respelled)
    return out


def adopt(kind: str, fields: Fields, index: Spellings) -> None:
    """Add the record's own new code to `index`, so later records may name it in any case."""
    code, target = fields.get("code"), _OWN.get(kind)
    if target is not None and isinstance(code, str) and code:
        index[target].setdefault(identity.code_key(code), code)


Check = Callable[[Fields, Known], list[Problem]]
"""A kind's check: the record's fields and what the store knows → every problem."""


def is_code(text: str) -> bool:
    """Whether `text` is a code as typed: its letters plain (no look-alikes such as a dotless `ı`
    that upper-cases to `I`), its stored form of `CODE_CHARACTERS` only."""
    return not identity.lookalikes(text) and set(identity.code_key(text)) <= CODE_CHARACTERS


def department(fields: Fields, known: Known) -> list[Problem]:
    """Everything wrong with a department: no code or name, an unknown or retired parent, itself
    as one, or a parent under itself (a loop)."""
    problems = (
        _required(fields, ("code", "name"))
        + _code(fields)
        + _known(fields, "parent", known.departments, known=known, group="departments")
    )
    if not _empty(fields.get("parent")) and fields.get("parent") == fields.get("code"):
        problems.append(Problem("own_parent", "parent"))
    problems += _department_loop(fields, known.department_parents)
    problems += _retired(fields, "parent", known.retired.get("departments", frozenset()))
    return problems + bounds.text_problems(fields)


def person(fields: Fields, known: Known) -> list[Problem]:
    """Everything wrong with a person: no e-mail, name or role, a role or department the
    cockpit does not know, a retired department, a department head without a department (they
    would see nothing), the last administrator given another role."""
    problems = _required(fields, ("email", "name", "role")) + _one_of(fields, "role", [str(r) for r in Role])
    problems += _plain(fields, "email")
    problems += _known(fields, "department", known.departments, known=known)
    problems += _retired(fields, "department", known.retired.get("departments", frozenset()))
    if fields.get("role") == Role.DEPARTMENT_HEAD and _empty(fields.get("department")):
        problems.append(Problem("head_needs_department", "department"))
    return problems + _last_admin(fields, known) + bounds.text_problems(fields)


def _last_admin(fields: Fields, known: Known) -> list[Problem]:
    """An active administrator given another role while no other administrator remains: nobody
    would be left who can undo it."""
    email, role = fields.get("email"), fields.get("role")
    if email not in known.admins or _empty(role) or role == Role.ADMIN:
        return []
    kept = known.admins if known.admins_kept is None else known.admins_kept
    return [] if kept - {email} else [Problem("last_admin", "role")]


def _department_loop(fields: Fields, parents: Mapping[str, str | None]) -> list[Problem]:
    """A parent that sits, through its own parents, under the department itself: `A → B → A`.
    The hint names the loop, so the person sees which parent to change."""
    code, parent = fields.get("code"), fields.get("parent")
    if _empty(code) or _empty(parent) or parent == code:
        return []
    chain, current = [str(code)], str(parent)
    while current not in chain:
        chain.append(current)
        above = parents.get(current)
        if not above:
            return []
        current = above
    if current != code:  # a loop further up, not through this department: its own rows say so
        return []
    return [Problem("department_loop", "parent", (("loop", " → ".join([*chain, str(code)])),))]


def _retired(
    fields: Fields, name: str, retired: Collection[str], key: str = "retired_reference"
) -> list[Problem]:
    """A field naming a retired department or goal, or a deactivated person (`key`)."""
    value = fields.get(name)
    return [Problem(key, name, (("value", value),))] if not _empty(value) and value in retired else []


def promise(fields: Fields, known: Known) -> list[Problem]:
    """Everything wrong with a customer promise: no code or text, a code the cockpit cannot keep."""
    return _required(fields, ("code", "text")) + _code(fields) + bounds.text_problems(fields)


def service_priority(fields: Fields, known: Known) -> list[Problem]:
    """Everything wrong with a service priority: what is missing, an unknown KPI, a comparison
    that is not `<=` or `>=`, a threshold the KPI's unit cannot reach."""
    problems = _required(fields, PRIORITY_REQUIRED) + _code(fields)
    problems += _known(fields, "kpi", known.kpis, known=known)
    problems += _one_of(fields, "comparison", list(COMPARISONS))
    kpi = known.kpis.get(str(fields.get("kpi")))
    problems += _reachable(fields, "threshold", kpi.unit if kpi is not None else "")
    return problems + bounds.text_problems(fields)


def goal(fields: Fields, known: Known) -> list[Problem]:
    """Everything wrong with a goal: what is missing, unknown, misplaced in the tree or out of
    reach of its KPI, a deadline before the start, a weight that is not positive."""
    problems = _required(fields, GOAL_REQUIRED) + _code(fields)
    problems += _one_of(fields, "level", [str(level) for level in Level])
    problems += _tree(fields, known.goals)
    problems += _known(fields, "kpi", known.kpis, known=known) + _known(
        fields, "department", known.departments, known=known
    )
    problems += _known(fields, "owner", known.people, "unknown_person", known)
    problems += _known(fields, "promise", known.promises)
    problems += _no_retired(fields, known)
    kpi = known.kpis.get(str(fields.get("kpi")))
    if kpi is not None:
        problems += _reachable(fields, "baseline", kpi.unit) + _reachable(fields, "target", kpi.unit)
        problems += _the_right_way(fields, kpi)
    start, deadline = fields.get("start"), fields.get("deadline")
    if isinstance(start, date) and isinstance(deadline, date) and deadline <= start:
        problems.append(Problem("deadline_before_start", "deadline"))
    weight = fields.get("weight")
    if isinstance(weight, int | float) and weight <= 0:
        problems.append(Problem("weight_positive", "weight"))
    problems += _numbers(fields, ("weight",)) + _within(fields, ("start", "deadline"), known.window)
    # the day its owner accepted it has happened (a file set it to 31 Dec 9999, and the cascade
    # said "Accepted on 31 Dec 9999")
    problems += _within(fields, ("accepted",), known.window) or _happened(fields, "accepted", known.window)
    return problems + bounds.text_problems(fields)


def _the_right_way(fields: Fields, kpi: KnownKpi) -> list[Problem]:
    """A goal whose target lies on the worse side of its baseline asks its KPI to get worse: a
    waiting time from 60 to 140 seconds, better lower, was "On track" at 96 (an adversarial
    test). Holding the line (the target its baseline) is a goal too."""
    baseline, target = fields.get("baseline"), fields.get("target")
    if not (isinstance(baseline, int | float) and isinstance(target, int | float)):
        return []
    if not _asks_worse(baseline, target, kpi.direction):
        return []
    params = (("target", target), ("baseline", baseline), ("kpi", str(fields.get("kpi"))))
    return [Problem(f"goal_worse_{kpi.direction}", "target", params)]


def kpi(fields: Fields, known: Known) -> list[Problem]:
    """Everything wrong with a KPI: what is missing, a unit, direction, kind, journey phase or
    benchmark the cockpit does not know, a target its unit cannot reach, a tolerance that is not
    a share."""
    problems = _required(fields, KPI_REQUIRED) + _code(fields)
    problems += _known(fields, "department", known.departments, known=known)
    problems += _retired(fields, "department", known.retired.get("departments", frozenset()))
    problems += _one_of(fields, "unit", list(UNIT_RANGES))
    problems += _one_of(fields, "direction", [str(d) for d in Direction])
    problems += _one_of(fields, "aggregation", [str(a) for a in Aggregation])
    problems += _one_of(fields, "journey_phase", [str(p) for p in JourneyPhase])
    problems += _one_of(fields, "benchmark", list(industry.BENCHMARKS))
    problems += _reachable(fields, "target", str(fields.get("unit")))
    problems += _tolerance(fields.get("tolerance"))
    survey = _survey_unit(fields)  # where it speaks, `_unit_kept` would say the opposite of it
    problems += survey + _survey_kind_kept(fields, known) + ([] if survey else _unit_kept(fields, known))
    problems += _fractions_kept(fields, known)
    problems += _direction_kept(fields, known) + _name_taken(fields, known)
    return problems + bounds.text_problems(fields)


def _name_taken(fields: Fields, known: Known) -> list[Problem]:
    """A KPI named as another of its department is: the two read alike on its cards, charts and
    slides (a new company's "Leveringstid" twice, under two codes, was taken without a word).
    Departments may share a name (each call centre's "Wait time on the phone"). The other's code
    is named only to whom the store's names may be told (`Known.hints`)."""
    name, code, department = fields.get("name"), fields.get("code"), fields.get("department")
    if _empty(name) or _empty(code) or _empty(department):
        return []
    key = (str(department), name_key(str(name)))
    others = known.kpi_names.get(key, frozenset()) - {str(code)}
    # a KPI keeps a name it has, with the others that share it (a store from before this check,
    # a KPI restored beside one given its name): only a new name, or a new KPI, is refused
    if not others or code in known.kpi_names_held.get(key, frozenset()):
        return []
    other = min(others)
    if not known.hints:
        return [Problem("kpi_name_taken_anon", "name", (("value", name),))]
    return [Problem("kpi_name_taken", "name", (("value", name), ("code", other)))]


GOALS_NAMED = 5
"""Goals a refusal names one by one; more are marked with an ellipsis."""


def _direction_kept(fields: Fields, known: Known) -> list[Problem]:
    """A KPI keeps the direction its goals aim in: turned from better lower to better higher, a
    goal from 1.9 % churn to 1.5 % asked it to get worse and read "On track" the moment the
    file was in (an adversarial test), while the goal itself, imported again, was refused."""
    code, direction = str(fields.get("code") or ""), fields.get("direction")
    stored = known.kpis.get(code)
    if stored is None or _empty(direction) or str(direction) == str(stored.direction):
        return []
    against = [
        goal
        for goal, baseline, target in known.aims.get(code, ())
        if _asks_worse(baseline, target, direction)
    ]
    if not against:
        return []
    listed = ", ".join(sorted(against)[:GOALS_NAMED]) + (" …" if len(against) > GOALS_NAMED else "")
    return [Problem("direction_against_goals", "direction", (("code", code), ("goals", listed)))]


def _asks_worse(baseline: float, target: float, direction: object) -> bool:
    """Whether a goal from `baseline` to `target` asks a KPI better in `direction` to get worse:
    the one test of a goal's check (`_the_right_way`) and of a KPI's turn (`_direction_kept`)."""
    return target < baseline if str(direction) == str(Direction.HIGHER) else target > baseline


def _no_retired(fields: Fields, known: Known) -> list[Problem]:
    """A goal newly under a retired goal, in a retired department or owned by a deactivated
    person: retiring them is refused while active goals depend on them, and so is this."""
    retired = known.retired
    problems = _retired(fields, "parent", retired.get("goals", frozenset()))
    problems += _retired(fields, "department", retired.get("departments", frozenset()))
    return problems + _retired(fields, "owner", retired.get("people", frozenset()), "deactivated_reference")


TOLERANCE = (0.0, 1.0)
"""A tolerance is a share of the target from 0 to 1 (0.05 = 5 %)."""


def _tolerance(tolerance: object) -> list[Problem]:
    """A share of the target within `TOLERANCE`; one written as a percentage (`5` for 5 %) is
    told the share to write instead (`0.05`), so the hint leads to a value that is accepted."""
    low, high = TOLERANCE
    if not isinstance(tolerance, int | float) or low <= tolerance <= high:
        return []
    if 1 < tolerance <= 100:
        params = (("value", float(tolerance)), ("share", round(float(tolerance) / 100, 6)))
        return [Problem("tolerance_as_percent", "tolerance", params)]
    return [Problem("tolerance_share", "tolerance")]


def _survey_unit(fields: Fields) -> list[Problem]:
    """A survey KPI in another unit than its answers are turned into (`SURVEY_UNITS`): an NPS
    given "%" read "-50.0 %", a share below nothing, and a CES given "s" read "5 s" (a day-one
    trial)."""
    aggregation, unit = str(fields.get("aggregation")), fields.get("unit")
    if _empty(unit) or aggregation not in SURVEY_UNITS:
        return []
    wanted = SURVEY_UNITS[Aggregation(aggregation)]
    return (
        []
        if unit == wanted
        else [Problem("survey_unit", "unit", (("kind", aggregation.upper()), ("unit", wanted)))]
    )


def _survey_kind_kept(fields: Fields, known: Known) -> list[Problem]:
    """A survey KPI with answers keeps its kind: the answers were given on its scale (0-10 for
    NPS, 1-5 for CSAT), so another aggregation would silently change what its history means."""
    code, aggregation = str(fields.get("code") or ""), fields.get("aggregation")
    stored = known.kpis.get(code)
    if stored is None or not stored.aggregation.is_survey or code not in known.answered:
        return []
    if _empty(aggregation) or aggregation == stored.aggregation:
        return []
    return [
        Problem(
            "survey_kind_kept", "aggregation", (("code", code), ("kind", str(stored.aggregation).upper()))
        )
    ]


def _fractions_kept(fields: Fields, known: Known) -> list[Problem]:
    """A count with months that are not whole (a month's average, `mean`) keeps its aggregation:
    summed, each of those months would be refused as a count (`_whole`), while the month itself
    stood (an adversarial round changed one from mean to sum and kept 2.5 open cases)."""
    code, unit, aggregation = str(fields.get("code") or ""), fields.get("unit"), fields.get("aggregation")
    if unit != "count" or _empty(aggregation) or str(aggregation) == str(Aggregation.MEAN):
        return []
    if code not in known.fractional:
        return []
    return [Problem("fractions_kept", "aggregation", (("code", code),))]


def _unit_kept(fields: Fields, known: Known) -> list[Problem]:
    """A KPI with values keeps its unit: they were measured in it, and in another its history
    would mean something else (500 orders a month read as 500 on the 1-7 effort scale, shown
    "500.0 / 7 ✓ On target"; a count read as a share showed 99,999,999,999.5 %)."""
    code, unit = str(fields.get("code") or ""), fields.get("unit")
    stored = known.kpis.get(code)
    if stored is None or _empty(unit) or unit == stored.unit:
        return []
    if code not in known.measured and code not in known.answered:
        return []
    if stored.aggregation.is_survey and unit == SURVEY_UNITS[stored.aggregation]:
        return []  # its values are worked out from its answers: a wrong unit may be mended
    return [Problem("unit_kept", "unit", (("code", code), ("unit", stored.unit)))]


_CLOSED = frozenset(str(s) for s in ActionStatus if not s.is_open)


def action(fields: Fields, known: Known) -> list[Problem]:
    """Everything wrong with an action: no goal or title, an unknown goal or owner, a status
    that is not one of the plan's; an open action under a retired goal or owned by a deactivated
    person (a done one keeps both: it records what was done)."""
    problems = _required(fields, ACTION_REQUIRED)
    problems += _known(fields, "goal", known.goals) + _known(
        fields, "owner", known.people, "unknown_person", known
    )
    status = fields.get("status")
    if _empty(status) or str(status) not in _CLOSED:
        problems += _retired(fields, "goal", known.retired.get("goals", frozenset()))
        problems += _retired(
            fields, "owner", known.retired.get("people", frozenset()), "deactivated_reference"
        )
    problems += _within(fields, ("due", "go_live"), known.window) + bounds.text_problems(fields)
    problems += _one_of(fields, "direction", [str(d) for d in Direction])
    return problems + _one_of(fields, "status", [str(s) for s in ActionStatus]) + _initiative(fields, known)


INITIATIVE_FIELDS = ("go_live", "kpi", "direction")
"""An action is an initiative when it names all three: when it went live, the KPI it should
move and which way (kpi.domain.initiatives judges it); one or two of them alone say nothing."""


def _initiative(fields: Fields, known: Known) -> list[Problem]:
    given = [name for name in INITIATIVE_FIELDS if not _empty(fields.get(name))]
    problems = _known(fields, "kpi", known.kpis, known=known)
    if given and len(given) < len(INITIATIVE_FIELDS):
        missing = [name for name in INITIATIVE_FIELDS if name not in given]
        problems += [Problem("initiative_incomplete", name) for name in missing]
    return problems


def event(fields: Fields, known: Known) -> list[Problem]:
    """Everything wrong with a company event (`company_events.check`), against what the store
    knows; an unknown department is told as any record's is (`_known`: the code a name stands
    for, the one close to it, the departments' codes), not only "import or create it first"."""
    found = company_events.check(fields, known.kpis, known.departments, known.window)
    hinted = _known(fields, "department", known.departments, known=known)
    return [
        hinted[0] if hinted and p.field == "department" and p.key == "unknown_reference" else p for p in found
    ]


def measurement(fields: Fields, known: Known) -> list[Problem]:
    """Everything wrong with a month's value: an unknown KPI, a survey KPI (whose values come
    from its answers), a value its unit cannot reach."""
    problems = _required(fields, MEASUREMENT_REQUIRED) + _known(fields, "kpi", known.kpis, known=known)
    kpi = known.kpis.get(str(fields.get("kpi")))
    if kpi is not None and kpi.aggregation.is_survey:
        problems.append(Problem("survey_kpi", "kpi", (("kpi", fields["kpi"]),)))
    elif kpi is not None:
        problems += _reachable(fields, "value", kpi.unit) or _whole(fields, kpi)
    problems += _within(fields, ("month",), known.window) or _happened(fields, "month", known.window)
    return problems + bounds.text_problems(fields)


def _happened(fields: Fields, name: str, window: bounds.Window) -> list[Problem]:
    """A month's value or an answer is of what has happened: not of a month not begun, nor a day
    not come (`bounds.Window.not_yet`)."""
    value = fields.get(name)
    found = window.not_yet(value, name, is_month=name in MONTH_FIELDS) if isinstance(value, date) else None
    return [found] if found is not None else []


WHOLE_NOISE = 1e-6
"""How far from a whole number a count may lie and still be one: float noise, not a fraction (a
month's value here and `Known.fractional` in the store)."""


def _whole(fields: Fields, kpi: KnownKpi) -> list[Problem]:
    """A month's count of things is a whole number: 1.5 incidents is a typo or a share. Only a
    count that is the month's average (`mean`: open cases a day, 12.4) may have decimals."""
    value = fields.get("value")
    if kpi.unit != "count" or kpi.aggregation is Aggregation.MEAN or not isinstance(value, int | float):
        return []
    if abs(value - round(value)) < WHOLE_NOISE:  # a pulled 41.9999999 is 42
        return []
    params = (
        ("value", float(value)),
        ("kpi", fields["kpi"]),
        ("low", math.floor(value)),
        ("high", math.ceil(value)),
    )
    return [Problem("count_whole", "value", params)]


def month_target(fields: Fields, known: Known) -> list[Problem]:
    """Everything wrong with a KPI's target for one month: an unknown KPI, a target its unit
    cannot reach, a month outside the cockpit's window (2099-12 was taken; a plan's month far
    ahead needs no confirming, as a deadline's does, within the window)."""
    problems = _required(fields, TARGET_REQUIRED) + _known(fields, "kpi", known.kpis, known=known)
    kpi = known.kpis.get(str(fields.get("kpi")))
    if kpi is not None:
        problems += _reachable(fields, "target", kpi.unit)
    return problems + _within(fields, ("month",), known.window.confirming())  # a plan: no far-ahead box


def process_change(fields: Fields, known: Known) -> list[Problem]:
    """Everything wrong with a recorded process change: no KPI or month, an unknown KPI, a month
    outside the cockpit's window, a note too long or holding a control character."""
    return (
        _required(fields, CHANGE_REQUIRED)
        + _known(fields, "kpi", known.kpis, known=known)
        + _within(fields, ("month",), known.window.confirming())
        + bounds.text_problems(fields)
    )


def kpi_month(fields: Fields, known: Known) -> list[Problem]:
    """A KPI and a month to remove something of (a month's target, a process change): both
    given, the KPI known, and any month the store may hold, so a stray row outside the window
    can still be taken away."""
    return _required(fields, CHANGE_REQUIRED) + _known(fields, "kpi", known.kpis, known=known)


def answer(fields: Fields, known: Known) -> list[Problem]:
    """Everything wrong with a survey answer: an unknown KPI or one that is not a survey KPI, a
    score off its scale, a date outside the window, a text too long, a respondent that is not an
    id on one line (`ANSWER_RULES`, in order)."""
    return [found for _, rule in ANSWER_RULES for found in rule(fields, known)]


def _answer_kpi(fields: Fields, known: Known) -> list[Problem]:
    problems = _required(fields, ("kpi",)) + _known(fields, "kpi", known.kpis, known=known)
    kpi = known.kpis.get(str(fields.get("kpi")))
    if kpi is not None and not kpi.aggregation.is_survey:
        problems.append(Problem("not_survey_kpi", "kpi", (("kpi", fields["kpi"]),)))
    return problems + bounds.text_problems({"kpi": fields.get("kpi")})


def _answer_date(fields: Fields, known: Known) -> list[Problem]:
    outside = _within(fields, ("date",), known.window) or _happened(fields, "date", known.window)
    return _required(fields, ("date",)) + outside


def _answer_score(fields: Fields, known: Known) -> list[Problem]:
    problems = _required(fields, ("score",))
    kpi, score = known.kpis.get(str(fields.get("kpi"))), fields.get("score")
    if (
        kpi is not None
        and kpi.aggregation.is_survey
        and isinstance(score, int)
        and not on_scale(kpi.aggregation, score)
    ):
        low, high = SURVEY_SCALES[kpi.aggregation]
        kind = str(kpi.aggregation).upper()
        problems.append(
            Problem("off_scale", "score", (("score", score), ("kind", kind), ("low", low), ("high", high)))
        )
    return problems


def _text_of(name: str) -> Check:
    def rule(fields: Fields, known: Known) -> list[Problem]:
        return bounds.text_problems({name: fields.get(name)})

    return rule


def _answer_respondent(fields: Fields, known: Known) -> list[Problem]:
    """A respondent is the survey tool's id of one customer's answers in a month: at most
    `bounds.RESPONDENT` characters on one line, and not an e-mail address (it would name the
    customer on every screen that groups their answers)."""
    value = fields.get("respondent")
    if not isinstance(value, str):
        return []
    problems = []
    if len(value) > bounds.RESPONDENT:
        params = (("length", len(value)), ("limit", bounds.RESPONDENT))
        problems.append(Problem("respondent_too_long", "respondent", params))
    if bounds.BREAKS.search(value):  # what splits a line anywhere (`bounds.ONE_LINE`)
        problems.append(Problem("respondent_one_line", "respondent"))
    if "@" in value:
        problems.append(Problem("respondent_email", "respondent", (("value", value[:80]),)))
    return problems + bounds.control_problems({"respondent": value})


def _answer_comment(fields: Fields, known: Known) -> list[Problem]:
    """A comment holds at most `bounds.COMMENT` characters (what a survey's free-text box takes)."""
    value = fields.get("comment")
    if isinstance(value, str) and len(value) > bounds.COMMENT:
        params = (("length", len(value)), ("limit", bounds.COMMENT))
        return [Problem("comment_too_long", "comment", params)]
    return bounds.control_problems({"comment": value})


Rule = tuple[tuple[str, ...], Check]
"""A part of a kind's check and the fields it reads: a problem it finds depends on those alone."""

ANSWER_RULES: tuple[Rule, ...] = (
    (("kpi",), _answer_kpi),
    (("date",), _answer_date),
    (("kpi", "score"), _answer_score),
    (("segment",), _text_of("segment")),
    (("touchpoint",), _text_of("touchpoint")),
    (("respondent",), _answer_respondent),
    (("comment",), _answer_comment),
)
"""The survey answer's check (`answer`) in parts, each with the fields it reads. The cell-by-cell
import runs them all on each row; the column-wise one (kpi.store.bulk_answers) runs each once
per distinct value of its fields and names the rows that hold it: the same rules, read once."""


def confirmed_by_store(problems: list[Problem], row: Fields, stored: Fields) -> list[Problem]:
    """`problems` without the far-ahead months and retired references the store already holds:
    what was confirmed once (a deadline two years out) need not be confirmed again by every later
    edit or import, and a retired goal may keep naming the retired department it had."""
    kept = ("far_ahead", "retired_reference", "deactivated_reference")
    return [
        p
        for p in problems
        if not (p.key in kept and p.field in stored and stored.get(p.field) == row.get(p.field))
    ]


def on_scale(aggregation: Aggregation, score: int) -> bool:
    """Whether an answer is on the survey's scale (`SURVEY_SCALES`)."""
    low, high = SURVEY_SCALES[aggregation]
    return low <= score <= high


# --- the pieces -------------------------------------------------------------------------------------


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and identity.blank(value))


def _required(fields: Fields, names: Sequence[str]) -> list[Problem]:
    return [Problem("required", name) for name in names if _empty(fields.get(name))]


def _code(fields: Fields) -> list[Problem]:
    code = fields.get("code")
    if _empty(code) or is_code(str(code)):
        return []
    return _plain(fields, "code") or [Problem("bad_code", "code", (("value", code),))]


def _plain(fields: Fields, name: str) -> list[Problem]:
    """An identity or code written with look-alike characters (`lookalike`)."""
    return lookalike(fields.get(name), name)


def lookalike(value: object, field: str) -> list[Problem]:
    """The problem of `value` written with look-alike characters (`identity.lookalikes`, each
    named by `identity.named`): the one shape of it for files, forms and definitions."""
    chars = identity.lookalikes(value) if isinstance(value, str) else ""
    return (
        [Problem("lookalike", field, (("value", value), ("chars", identity.named(chars))))] if chars else []
    )


def _one_of(fields: Fields, name: str, allowed: Sequence[str]) -> list[Problem]:
    """A value outside `allowed`; one of an enumeration (`vocabulary.VALUES`) names it as
    `choices`, which the reader is told in their words (`kpi.text.words`), as a file's cell is."""
    value = fields.get(name)
    if _empty(value) or str(value) in allowed:
        return []
    if name in vocabulary.VALUES and tuple(allowed) == tuple(vocabulary.VALUES[name]):
        return [Problem("not_one_of", name, (("value", value), ("choices", name)))]
    return [Problem("not_one_of", name, (("value", value), ("allowed", ", ".join(allowed))))]


def _known(
    fields: Fields,
    name: str,
    codes: Collection[str],
    key: str = "unknown_reference",
    known: Known | None = None,
    group: str | None = None,
) -> list[Problem]:
    """A code the store does not know; one that is the name of a record `known` holds
    (`_coded`) is told that record's code: "Kundeservice" was "not known: import or create it
    first" when the department Kundeservice was imported, as KS. One close to a code or a name
    it holds (a typo, a name shortened: "Webshoppen", "mette.kjar@…") is asked whether it meant
    that one (`_nearest`). `group` names the records' names where `name` is not one of `_NAMED`
    (a department's parent)."""
    value = fields.get(name)
    if _empty(value) or value in codes:
        return []
    if known is None or not known.hints:  # nothing of the store named to whom may not read it all
        return [Problem(key, name, (("value", value),))]
    group = group or _NAMED.get(name) or ("people" if key == "unknown_person" else None)
    return [_hint(name, value, codes, group, known) or Problem(key, name, (("value", value),))]


def _hint(
    field: str, value: object, codes: Collection[str], group: str | None, known: Known
) -> Problem | None:
    """What a value that is not one of `codes` is told of the records `group` names, when
    anything: the code of the record it is the name of (`_coded`), else the one it is close to
    (`_nearest`), else the departments' codes (`_among`). One sequence for a check's unknown
    code (`_known`) and a file's cell that is no code at all (`named_instead`)."""
    code = _coded(known, field, value, group)
    if code is not None:
        return Problem("named_not_coded", field, (("value", value), ("code", code)))
    if group is None:
        return None
    retired = known.retired.get(group, ())
    near = _nearest(value, codes, known.names.get(group, {}), retired)
    if near is not None:
        return Problem("unknown_near", field, (("value", value), ("code", near)))
    return _among(field, value, codes, group, retired)


AMONG = 20
"""A company with at most this many departments is told them all when a file names none of them."""


def _among(
    field: str, value: object, codes: Collection[str], group: str | None, retired: Collection[str] = ()
) -> Problem | None:
    """A department none of whose codes or names is `value`, nor close to one: the codes to
    choose from (those in use), where they are few ("Butik Aarhus" was told the letters a code
    may hold)."""
    active = sorted(code for code in codes if code not in retired)
    if group != "departments" or not active or len(active) > AMONG:
        return None
    return Problem("unknown_among", field, (("value", value), ("codes", ", ".join(active))))


NEAR = 0.8
"""How alike (difflib's ratio, 0 to 1) a value must be to a code or name to be offered as the
one meant: "Kunde service" to Kundeservice 0.96, "Webshoppen" to Webshop 0.82, a letter missed
in an e-mail address 0.98; "Butik Aarhus" to Butikker (0.5) is offered nothing."""


NEAR_SHORTEST = 4
"""A value shorter than this is offered nothing: "CS" typed for a KPI was offered CES (0.8)."""


def _nearest(
    value: object, codes: Collection[str], names: Mapping[str, str], retired: Collection[str] = ()
) -> str | None:
    """The code of the record whose code or name `value` is closest to, when close enough; never
    a retired one (the hint would lead to a refusal)."""
    if not isinstance(value, str) or len(name_key(value)) < NEAR_SHORTEST:
        return None
    active = [code for code in codes if code not in retired]
    candidates = {name_key(code): code for code in active} | {
        k: c for k, c in names.items() if c in codes and c not in retired
    }
    found = difflib.get_close_matches(name_key(value), list(candidates), n=1, cutoff=NEAR)
    return candidates[found[0]] if found else None


_NAMED = {"department": "departments", "kpi": "kpis"}
"""The columns that name a record by its code, and the records' names they may be told of."""


_ADDRESSED = ("owner",)
"""The columns that name a person by their e-mail address, where a person's name is told theirs."""


def all_named_instead(problems: Iterable[Problem], known: Known) -> list[Problem]:
    """`named_instead` of each problem, worked out once per distinct problem: a file of a
    million rows naming one unknown code asks for its nearest match once, not a million times."""
    told: dict[tuple[str, str, tuple[tuple[str, object], ...]], Problem] = {}
    out = []
    for problem in problems:
        same = (problem.key, problem.field, problem.params)
        if same not in told:
            told[same] = named_instead(problem, known)
        found = told[same]
        out.append(found if found is problem else replace(found, file=problem.file, row=problem.row))
    return out


def named_instead(problem: Problem, known: Known) -> Problem:
    """A code refused as not one (`bad_code`: "Customer service" holds a space) that is the name
    of a record the store knows, told that record's code instead; an owner refused as not an
    e-mail address (`bad_email`: "Louise Vang") that is a person's name, told their address: the
    hint leads to a value that is accepted."""
    value = dict(problem.params).get("value")
    if not known.hints:
        return problem
    if problem.key == "bad_email" and problem.field in _ADDRESSED and isinstance(value, str):
        email = known.names.get("people", {}).get(name_key(value))
        if email is not None:
            return replace(problem, key="named_not_addressed", params=(("value", value), ("email", email)))
    if problem.key != "bad_code":
        return problem
    group = _NAMED.get(problem.field)  # a name, or one close to a code or name ("Kunde service")
    codes = {"departments": known.departments, "kpis": frozenset(known.kpis)}.get(group or "", frozenset())
    hint = _hint(problem.field, value, codes, group, known)
    return problem if hint is None else replace(problem, key=hint.key, params=hint.params)


def _coded(known: Known, field: str, value: object, group: str | None = None) -> str | None:
    """The code of the record `value` names by its name, where `field` names one (`_NAMED`, or
    `group`)."""
    group = group or _NAMED.get(field)
    if group is None or not isinstance(value, str):
        return None
    return known.names.get(group, {}).get(name_key(value))


def name_key(text: str) -> str:
    """A name as names are matched to codes: case and runs of spaces aside."""
    return " ".join(text.split()).casefold()


def _numbers(fields: Fields, names: Sequence[str]) -> list[Problem]:
    """Numbers no field can hold (`bounds.number_problem`): not finite, or far too large."""
    found = []
    for name in names:
        value = fields.get(name)
        problem = bounds.number_problem(float(value), name) if isinstance(value, int | float) else None
        if problem is not None:
            found.append(problem)
    return found


MONTH_FIELDS = frozenset({"month", "start"})
"""Fields that hold a month (kept as its first day), not a day."""


def _within(fields: Fields, names: Sequence[str], window: bounds.Window) -> list[Problem]:
    """Months and dates inside the window (`bounds.Window`)."""
    found = []
    for name in names:
        value = fields.get(name)
        problem = (
            window.problem(value, name, is_month=name in MONTH_FIELDS) if isinstance(value, date) else None
        )
        if problem is not None:
            found.append(problem)
    return found


def _reachable(fields: Fields, name: str, unit: str) -> list[Problem]:
    """A level of the KPI (target, baseline, value) within what its unit can reach, and a number
    the cockpit can hold (`bounds`)."""
    value = fields.get(name)
    if not isinstance(value, int | float):
        return []
    unfit = bounds.number_problem(float(value), name)
    if unfit is not None:
        return [unfit]
    if unit not in UNIT_RANGES:
        return []
    low, high = UNIT_RANGES[unit]
    if low <= value <= high:
        return []
    if math.isinf(high):
        return [Problem("below_minimum", name, (("value", float(value)), ("low", low)))]
    return [Problem("out_of_range", name, (("value", float(value)), ("low", low), ("high", high)))]


_LEVELS = frozenset(str(level) for level in Level)


def _tree(fields: Fields, goals: Mapping[str, tuple[Level, str | None]]) -> list[Problem]:
    """The goal's place in the tree (`validate.goal_tree`), once its code and level are known."""
    code, level, parent = fields.get("code"), fields.get("level"), fields.get("parent")
    if _empty(code) or str(level) not in _LEVELS:
        return []
    # `goals` may hold the goal itself (its old place): goal_tree never reads it, since the goal
    # starts the walk up its ancestors. Copying the tree without it for every row made a file's
    # check quadratic (8,000 goals took 10-13 s).
    return validate.goal_tree(str(code), Level(str(level)), str(parent) if parent else None, goals)
