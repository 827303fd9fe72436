"""Nobody sees another department: every page, every Present slide and both packs, for every viewer.

The viewers are the head of each department, an executive, an administrator, a person the
store knows who heads no department (default deny gives them nothing) and a department head who
owns a goal in another department (ownership wins over department: they read that goal in full,
and every head reads the goals their goals serve, line of sight, and nothing more of them). The pages are whatever
`pages/` holds. What each viewer must not see (other departments' KPI names, goal titles,
department names, actions, comments, service priorities and the values of their KPIs) is read
from the store (tests/visible.py), and everything the page, slide or pack shows is searched for
it: texts, labels, the options of pickers, help texts, table cells and chart data. The command
line, the cached loaders, every mail `send` and alerts send (its text and attached pack) and
every department's webhook post are held to the same rule.
"""

import json
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi import cli, settings
from kpi.delivery import alerts, reminding, sending
from kpi.demo.generate import load_spec
from kpi.domain import access, attention, months
from kpi.domain.access import EVERYTHING
from kpi.domain.errors import Denied
from kpi.domain.model import Role
from kpi.output import pdf_pack, pptx_pack
from kpi.store import closing, corrections, decks, engine, importing, monthly, owing, queries, schema
from kpi.text import fmt
from kpi.text.i18n import t
from kpi.ui import data
from tests import postbox, visible
from tests.conftest import (
    APP_TIMEOUT,
    BACKENDS,
    DEMO_END,
    ROOT,
    _demo_copy,
    as_admin,
    reads_only,
    table_counts,
)
from tests.sharing import WHY_TABS, fingerprint, open_data_tab, open_folds, open_why_tab, shared_copy

PAGES = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "pages").glob("*.py"))
MONTH = DEMO_END
NOBODY = "no.one@havnhjem.example"
OWNER = "owner.elsewhere@havnhjem.example"
"""Heads marketing (MKT) and owns IT's goal O9 (the webshop stays up)."""
OWNED_ELSEWHERE = "O9"


def _viewers() -> dict[str, str]:
    """Who looks, by kind: `head-CS` … for every department head of the demo company."""
    people = load_spec()["people"]
    heads = {f"head-{p['department']}": p["email"] for p in people if p["role"] == "department_head"}
    first = {role: next(p["email"] for p in people if p["role"] == role) for role in ("executive", "admin")}
    return {**heads, **first, "nobody": NOBODY, "owner-elsewhere": OWNER}


VIEWERS = _viewers()

ON_POSTGRESQL = ("head-CS", "owner-elsewhere", "nobody", "executive")
"""The viewers a test of this module also runs on PostgreSQL: one of each shape of scope (a
department, a department and a goal owned elsewhere, nothing, everything). A viewer's scope is
the SQL the store builds from it (kpi.store.queries), the same statement on both backends: the
other heads (the same shape as head-CS) and the administrator (an executive's scope; the menu
that tells them apart is decided by role, kpi.domain.access.may_open) are read on DuckDB."""


def on_backends(viewers, duckdb_group: str = "") -> list:
    """(backend, viewer) cases: every viewer on DuckDB (in the xdist group `duckdb_group`, if
    named), those `ON_POSTGRESQL` also on PostgreSQL."""
    marks = [pytest.mark.xdist_group(duckdb_group)] if duckdb_group else []
    return [pytest.param("duckdb", who, id=f"duckdb-{who}", marks=marks) for who in viewers] + [
        pytest.param("postgresql", who, id=f"postgresql-{who}") for who in viewers if who in ON_POSTGRESQL
    ]


def _add_nobody(url: str) -> None:
    """A person the store knows, as a department head of no department: they may see nothing;
    and a head of marketing who owns a goal of IT's. Forms and imports now refuse a head without
    a department, so that row is written as a store made before the rule may hold it."""
    people = f"email,name,role,department\n{OWNER},Olga Owner,department_head,MKT\n".encode()
    store = engine.create(url)
    importing.run(store, "people", people, "people.csv", as_admin())
    with engine.writing(store) as conn:
        nobody = {"email": NOBODY, "name": "No One", "role": "department_head", "department": None}
        conn.execute(sa.insert(schema.person).values(**nobody))
        goal = schema.goal
        conn.execute(sa.update(goal).where(goal.c.code == OWNED_ELSEWHERE).values(owner=OWNER))
        _measure_by_events(conn)
        _plant_comments(conn)


def _viewed(request) -> str:
    """The store a test of this module reads on the backend it is parametrised with: for a test
    marked `reads_only`, the process's one copy of the demo with `_add_nobody`'s additions (made
    once, its fingerprint checked unchanged at the end of the module, the app's caches warm
    between its tests: every cached read is keyed by the store and the viewer's scope, so one
    viewer's warm reads are never another's); for any other test, a private copy of the demo."""
    if reads_only(request):
        return _no_leaks_copy(request, request.param)
    return _demo_copy(request)


def _no_leaks_copy(request, backend: str) -> str:
    url = shared_copy(request, backend, prepare=_add_nobody, variant="no-leaks")
    _SHARED_URLS.add(url)
    return url


_SHARED_URLS: set[str] = set()
"""The shared copies this process's tests read (fingerprinted unchanged at the end of the module)."""
_NOT_TO_BE_SEEN: dict[tuple[str, str], tuple[access.Scope, visible.Secrets, visible.Holdings]] = {}
"""`_what_may_not_be_seen` of a viewer on a shared copy, read once per process: the copy never
changes (or the module fails), so the matrix, the packs and the Why page ask it once per viewer."""


@pytest.fixture
def no_leaks_duckdb(request) -> str:
    """The process's shared DuckDB copy with `_add_nobody`'s additions, for a test that only reads."""
    return _no_leaks_copy(request, "duckdb")


@pytest.fixture(params=BACKENDS)
def app_url(request) -> str:
    return _viewed(request)


@pytest.fixture(params=BACKENDS)
def demo_url(request) -> str:
    return _viewed(request)


def planted(kpi: str) -> str:
    """The comment planted on `kpi`'s newest answer of the month: words no other KPI's answers hold."""
    return f"Only the answers to {kpi} hold these words"


def _plant_comments(conn: sa.Connection) -> None:
    """A comment of its own on each survey KPI's newest answer of the month in its worst group (the
    first a reader of its words sees), so that one department's customers' words are told from another's; the
    demo's comments come from one bank and repeat across departments."""
    from kpi.domain import words as score_groups
    from kpi.domain.model import Aggregation

    r, k = schema.response, schema.kpi
    survey = conn.execute(
        sa.select(k.c.code, k.c.aggregation).where(k.c.aggregation.in_(["nps", "csat", "ces"]))
    ).all()
    for code, aggregation in sorted(survey):
        kind = Aggregation(aggregation)  # the words open on the worst group: a comment of it
        low, high = score_groups.bounds(kind, score_groups.GROUPS[kind][0])
        newest = (
            sa.select(r.c.id)
            .where(r.c.kpi == code, r.c.date >= MONTH, r.c.date < months.add(MONTH, 1))
            .where(r.c.score.between(low, high))
            .order_by(r.c.date.desc(), r.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        conn.execute(sa.update(r).where(r.c.id == newest).values(comment=planted(code)))


MEASURED_QUEUE = "invoice-escalations"
"""Customer service's invoice priority (SP1) measured over call records, broken in the month:
its queue and files are customer service's words, and must show nowhere else."""


def _measure_by_events(conn: sa.Connection) -> None:
    """SP1 measured over call records, with the month as a pull would have counted it (issue 18)."""
    conn.execute(
        sa.insert(schema.priority_measure).values(
            priority="SP1", files="exports/cs-calls/*.parquet", queue=MEASURED_QUEUE, within_s=90, share=80
        )
    )
    month = {"answered_within": 613, "counted": 971, "worst_day": MONTH.replace(day=14), "worst_share": 41.5}
    conn.execute(
        sa.insert(schema.priority_month).values(
            priority="SP1",
            month=MONTH,
            source="pull:calls:exports/cs-calls/*.parquet",
            loaded_at=datetime.now(),
            **month,
        )
    )


def readable(person) -> frozenset[str] | None:
    """The departments `person` may read, as the product promises it (product.md §5), written
    out here rather than taken from kpi.domain.access, which is under test: executives,
    presenters and administrators everything (None), a department head their own department,
    anyone else nothing."""
    if person.role in (Role.EXECUTIVE, Role.PRESENTER, Role.ADMIN):
        return None
    return (
        frozenset({person.department})
        if person.role is Role.DEPARTMENT_HEAD and person.department
        else frozenset()
    )


def beyond(
    company: visible.Company, person, departments: frozenset[str] | None
) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The goals outside `departments` that `person` owns, those they own an action of, and
    those that any goal they read serves up the tree (line of sight), as the product promises it
    (issue 16)."""
    if departments is None:
        return frozenset(), frozenset(), frozenset()
    goals = company.goals
    parent = {g.code: g.parent for g in goals}
    elsewhere = {g.code for g in goals if g.department not in departments}
    owned = {g.code for g in goals if g.owner == person.email and g.code in elsewhere}
    acting = {  # an open action's owner reads its goal's actions (a done or dropped one's, nothing)
        a.goal
        for a in company.actions
        if a.owner == person.email and a.goal in elsewhere and a.status.is_open
    } - owned
    served: set[str] = set()
    for code in {g.code for g in goals} - elsewhere | owned | acting:
        up = parent.get(code)
        while up is not None:
            if up in elsewhere:
                served.add(up)
            up = parent.get(up)
    return frozenset(owned), frozenset(served - owned - acting), frozenset(acting)


Hidden = tuple[access.Scope, visible.Secrets, visible.Holdings]


def _what_may_not_be_seen(url: str, email: str) -> Hidden:
    """The scope the app gives the viewer, what they must not see and what their departments
    hold (which the pages must show). On a shared copy, read for every viewer at the first ask."""
    if url in _SHARED_URLS:
        if (url, email) not in _NOT_TO_BE_SEEN:
            for known, hidden in _hidden_from(url, {*VIEWERS.values(), email}).items():
                _NOT_TO_BE_SEEN[url, known] = hidden
        return _NOT_TO_BE_SEEN[url, email]
    return _hidden_from(url, [email])[email]


def _hidden_from(url: str, emails) -> dict[str, Hidden]:
    """`_what_may_not_be_seen` for each of `emails`, from one read of the whole company
    (visible.Company): the store as it is now, sorted by department for each viewer."""
    with engine.reading(engine.create(url)) as conn:
        company, links = visible.Company.read(conn), queries.goal_links(conn)
        hidden = {}
        for email in emails:
            person = queries.person(conn, email)
            departments = readable(person)
            owned, served, acting = beyond(company, person, departments)
            hidden[email] = (
                access.scope_for(person, links),
                visible.Secrets.within(company, departments, owned, served, acting),
                visible.Holdings.within(company, departments),
            )
        return hidden


def _person(url: str, email: str):
    with engine.reading(engine.create(url)) as conn:
        return queries.person(conn, email)


def _slide_count(url: str, scope: access.Scope) -> int:
    """The slides of the viewer's deck, as the Present page reads it (its cached loader, built
    once for the page and this count, keyed by the viewer's scope)."""
    return len(data.deck(url, scope, MONTH, "en", settings.today())[0])


def test_the_matrix_covers_every_page_and_every_kind_of_viewer():
    assert len(PAGES) >= 6 and "pages/present.py" in PAGES
    departments = {d["code"] for d in load_spec()["departments"]}
    heads = {kind.removeprefix("head-") for kind in VIEWERS if kind.startswith("head-")}
    assert heads == departments - {"MGMT"}  # the board is led by the executives
    assert {"executive", "admin", "nobody", "owner-elsewhere"} <= set(VIEWERS)


def _page_seen(at, page: str, person, query: dict) -> visible.Seen:
    """What `page` shows: through the navigation when the viewer's menu has it, else as a
    bookmark straight to the page's script (which must then refuse)."""
    if access.may_open(person, Path(page).stem):
        open_folds(at.switch_page(page).run())  # what a closed section holds is read too
        assert not at.exception, (page, at.exception)
        if page != "pages/why.py":
            return visible.in_app(at)
        seen = visible.Seen()
        for tab in WHY_TABS:  # only the open tab is drawn: open each in turn
            open_why_tab(at, tab)
            assert not at.exception, (page, tab, at.exception)
            drawn = visible.in_app(at)
            seen.texts += drawn.texts
            seen.numbers |= drawn.numbers
        return seen
    alone = AppTest.from_file(str(ROOT / page), default_timeout=APP_TIMEOUT)
    for key, value in query.items():
        alone.query_params[key] = value
    alone.run()
    assert not alone.exception and [i.value for i in alone.info] == [t("frame.page_denied")], page
    return visible.in_app(alone)


def _pages_seen(at, person, query: dict, slides: int) -> dict[str, visible.Seen]:
    """Every page once, then every slide of Present: what each showed."""
    seen = {page: _page_seen(at, page, person, query) for page in PAGES}
    at.switch_page("pages/present.py").run()
    for number in range(1, slides + 1):
        assert f"**{number} / {slides}**" in [m.value for m in at.markdown], number
        seen[f"present slide {number}"] = visible.in_app(at)
        if number < slides:
            at.button(key="present.next").click().run()
            assert not at.exception, (number, at.exception)
    return seen


@pytest.mark.reads_only
@pytest.mark.parametrize(("app_url", "who"), on_backends(VIEWERS), indirect=["app_url"])
def test_every_page_and_slide_shows_a_viewer_nothing_of_other_departments(app, app_url, who):
    scope, secrets, own = _what_may_not_be_seen(app_url, VIEWERS[who])
    query = {"month": f"{MONTH:%Y-%m}", "as": VIEWERS[who]}
    at = app(**query).run()
    seen = _pages_seen(at, _person(app_url, VIEWERS[who]), query, _slide_count(app_url, scope))
    leaks = {where: found for where, s in seen.items() if (found := secrets.found_in(s))}
    assert leaks == {}, who
    everything = " ".join(s.text for s in seen.values())
    kpi_names = own.words & _kpi_names(app_url)
    assert [name for name in kpi_names if name not in everything] == []  # the pages did show their own
    reads_everything = who in ("executive", "admin")
    assert bool(secrets.words) is bool(secrets.numbers) is not reads_everything  # a test with teeth
    if who in ("head-CS", "executive"):  # the priority measured over call records is said in words
        assert f"in the “{MEASURED_QUEUE}” queue answered within" in everything
    if who == "head-CS":  # the slides that count and judge were read too, for a department head
        month = t("deck.month_title", month=fmt.month_long(MONTH))
        assert month in everything and t("deck.priorities_title") in everything
    first_read = {"head-CS": "CS_CSAT", "head-LOG": "LOG_NPS", "head-ECOM": "ECOM_CES", "executive": "NPS"}
    if who in first_read:  # the Why page showed the viewer's own customers' words (and no one else's)
        assert planted(first_read[who]) in everything


def _kpi_names(url: str) -> set[str]:
    with engine.reading(engine.create(url)) as conn:
        return {visible.normalise(k.name) for k in queries.kpis(conn, EVERYTHING, "en")}


def _pack(url: str, scope: access.Scope) -> bytes:
    """The PowerPoint pack the Present page hands this viewer: made once per process on a shared
    copy (which never changes), where the PowerPoint test and the PDF packs both read it."""
    if url in _SHARED_URLS and (url, scope) in _PACKS:
        return _PACKS[url, scope]
    slides, brand = data.deck(url, scope, MONTH, "en", date.today())
    pack = pptx_pack.render(slides, brand)
    if url in _SHARED_URLS:
        _PACKS[url, scope] = pack
    return pack


_PACKS: dict[tuple[str, access.Scope], bytes] = {}


@pytest.mark.reads_only
@pytest.mark.parametrize(("demo_url", "who"), on_backends(VIEWERS, duckdb_group="pdf"), indirect=["demo_url"])
def test_the_powerpoint_pack_holds_nothing_of_other_departments(demo_url, who):
    scope, secrets, own = _what_may_not_be_seen(demo_url, VIEWERS[who])
    seen = visible.in_pptx(_pack(demo_url, scope))
    assert secrets.found_in(seen) == [], who
    departments = own.words & _department_names(demo_url)
    assert [name for name in departments if name not in seen.text] == []  # one slide per department


def _department_names(url: str) -> set[str]:
    with engine.reading(engine.create(url)) as conn:
        return {visible.normalise(d.name) for d in queries.departments(conn, EVERYTHING, "en")}


KEPT_FROM = [kind for kind in VIEWERS if kind not in ("executive", "admin")]
"""Viewers with something to keep from them: an executive's PDF has no secrets to hold."""


@pytest.fixture(scope="module")
def pdf_packs(request) -> dict[str, tuple[visible.Secrets, visible.Seen]]:
    """Each viewer's PDF pack as read, with what it must not hold; one LibreOffice run makes all.
    The packs are those the PowerPoint test read on the shared DuckDB copy (the same xdist group
    and process), made again only if it has not run there."""
    assert pdf_pack.soffice(), "LibreOffice is missing: make test installs it (Debian: libreoffice-impress)"
    url = _no_leaks_copy(request, "duckdb")
    secrets, packs = {}, []
    for who in KEPT_FROM:
        scope, secrets[who], _ = _what_may_not_be_seen(url, VIEWERS[who])
        packs.append(_pack(url, scope))
    pdfs = pdf_pack.convert(packs)
    return {who: (secrets[who], visible.in_pdf(pdf)) for who, pdf in zip(KEPT_FROM, pdfs, strict=True)}


@pytest.mark.reads_only
@pytest.mark.xdist_group("pdf")  # one process makes every viewer's PDF once
@pytest.mark.parametrize("who", KEPT_FROM)
def test_the_pdf_pack_holds_nothing_of_other_departments(pdf_packs, who):
    secrets, seen = pdf_packs[who]
    assert "October 2026" in seen.text  # the text layer was read
    assert secrets.found_in(seen) == [], who


@pytest.mark.reads_only
def test_a_bookmark_to_another_department_shows_ones_own(app, app_url):
    head = VIEWERS["head-CS"]
    _, secrets, own = _what_may_not_be_seen(app_url, head)
    at = app(month=f"{MONTH:%Y-%m}", department="IT", **{"as": head}).run()
    at.switch_page("pages/departments.py")
    at.query_params["department"] = "IT"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Customer service — October 2026"
    seen = visible.in_app(at)
    assert secrets.found_in(seen) == []
    assert [name for name in own.words & _kpi_names(app_url) if name not in seen.text] == []


def test_cached_loaders_keep_scopes_apart(demo_duckdb_url):
    st.cache_data.clear()
    month = date(2026, 10, 1)
    cs = data.month_report(demo_duckdb_url, access.Scope(frozenset({"CS"})), month, "en")
    it = data.month_report(demo_duckdb_url, access.Scope(frozenset({"IT"})), month, "en")
    again = data.month_report(demo_duckdb_url, access.Scope(frozenset({"CS"})), month, "en")
    assert {r.kpi.department for r in cs.kpis.values()} == {"CS"}
    assert {r.kpi.department for r in it.kpis.values()} == {"IT"}
    assert again.kpis.keys() == cs.kpis.keys()
    assert data.month_report(demo_duckdb_url, access.NOTHING, month, "en").kpis == {}
    st.cache_data.clear()


@pytest.mark.parametrize("who", [kind for kind in VIEWERS if kind.startswith("head-")])
def test_status_json_for_each_head_names_only_their_department(demo_duckdb_url, who, capsys):
    head = VIEWERS[who]
    department = who.removeprefix("head-")
    scope, secrets, _ = _what_may_not_be_seen(demo_duckdb_url, head)
    common = ["--db", demo_duckdb_url, "--as", head, "status", "--month", f"{MONTH:%Y-%m}"]
    assert cli.main([*common, "--json", "--department", department]) == 0
    out = capsys.readouterr().out
    assert {k["department"] for k in json.loads(out)["kpis"]} == {department}
    seen = visible.Seen()
    seen.add(out)
    assert secrets.found_in(seen) == []
    other = next(d["code"] for d in load_spec()["departments"] if not scope.allows(d["code"]))
    assert cli.main([*common, "--department", other]) == cli.EXIT_USAGE
    refusal = capsys.readouterr().err.replace(other, "‹code›")
    assert cli.main([*common, "--department", "NO_SUCH"]) == cli.EXIT_USAGE  # told alike: nothing learnt
    assert capsys.readouterr().err.replace("NO_SUCH", "‹code›") == refusal


OWING = [kind for kind in VIEWERS if kind.startswith("head-")] + ["owner-elsewhere"]
"""The viewers of the owed and late tests: the heads, and a head who owns a goal elsewhere."""


@pytest.fixture(scope="module")
def owed_store(demo_duckdb_file, tmp_path_factory):
    """The store the owed and late tests read, made once: the demo with `_add_nobody`'s additions
    and every measured value of the month removed, so every department owes values and has late
    ones. What each viewer must not see and where their values of the month before came from are
    read before the values go, as each test did on a copy of its own. The tests only read it: its
    fingerprint is checked unchanged when the last of them is done."""
    store = tmp_path_factory.mktemp("owing") / "store.duckdb"
    store.write_bytes(Path(demo_duckdb_file).read_bytes())
    url = f"duckdb:///{store}"
    _add_nobody(url)
    read = _hidden_from(url, [VIEWERS[who] for who in OWING])
    hidden = {who: read[VIEWERS[who]] for who in OWING}
    scopes = {who: data.scope(url, _person(url, VIEWERS[who])) for who in OWING}
    origins = {who: data.origins(url, scopes[who], months.add(MONTH, -1)) for who in OWING}
    with engine.writing(engine.create(url)) as conn:
        conn.execute(sa.delete(schema.measurement).where(schema.measurement.c.month == MONTH))
    made = fingerprint(url)
    yield url, hidden, origins
    assert fingerprint(url) == made, "a test of the owed or late values wrote to their store"


@pytest.mark.xdist_group("owing")  # one process makes their store (`owed_store`) once
@pytest.mark.parametrize("who", OWING)
def test_late_values_and_where_values_came_from_stay_in_the_viewers_departments(owed_store, who):
    """Every measured value of the month is removed, so every department has late values: a head
    learns of their own department's only, from the cards' loaders, the exception list and the
    deck alike; where a value came from (read before the values went) is told for their own
    KPIs only."""
    demo_duckdb_url, _, read_before = owed_store
    head = _person(demo_duckdb_url, VIEWERS[who])
    scope = data.scope(demo_duckdb_url, head)
    origins = read_before[who]
    store = engine.create(demo_duckdb_url)
    today = months.add(MONTH, 3)
    late = data.late(demo_duckdb_url, scope, MONTH, "en", today)
    with engine.reading(store) as conn:
        kpis = {k.code: k.department for k in queries.kpis(conn, EVERYTHING)}
        built = monthly.month_report(conn, scope, MONTH, "en")
        items = monthly.attention(conn, scope, built, "en", today)
        everyone = monthly.late(conn, monthly.month_report(conn, EVERYTHING, MONTH, "en"), today)
        slides = decks.slides(conn, scope, MONTH, "en", today)
    allowed = {code for code, department in kpis.items() if scope.allows(department) or code in scope.kpis}
    late_items = {i.code for i in items if i.kind is attention.Kind.LATE}
    own = {r.kpi.code for r in built.own(scope)[1]}  # her list: her own KPIs, not those she serves
    assert late and set(late) <= allowed and late_items == set(late) & own and late_items
    assert origins and set(origins) <= allowed
    assert set(everyone) - allowed  # other departments' values are late too: a test with teeth
    names = {k.code: k.name for k in queries_kpis(demo_duckdb_url)}
    shown = " ".join(f"{ln.label} {ln.value}" for sl in slides if sl.kind == "exceptions" for ln in sl.lines)
    assert [names[c] for c in set(everyone) - allowed if names[c] in shown] == []


def queries_kpis(url: str):
    with engine.reading(engine.create(url)) as conn:
        return queries.kpis(conn, EVERYTHING, "en")


@pytest.mark.parametrize("who", ["head-CS", "head-IT", "executive"])
@pytest.mark.parametrize(
    "command", [["sources"], ["sources", "--export"], ["pull", "--month", "2026-10", "--dry-run"]]
)
def test_sources_and_pulls_are_for_administrators_only(demo_duckdb_url, who, command, capsys):
    """A source's query names tables and KPIs of every department: listing, exporting or running
    them is administration, refused to everyone else before anything is read."""
    from kpi.store import sourcing

    sources = 'kpi = "CS_WAIT"\nkind = "files"\nquery = "SELECT 1 AS secret_query_text"\n'
    sourcing.load(
        engine.create(demo_duckdb_url),
        f"[[source]]\n{sources}".encode(),
        "s.toml",
        as_admin(),
        dry_run=False,
    )
    assert cli.main(["--db", demo_duckdb_url, "--as", VIEWERS[who], *command]) == cli.EXIT_REJECTED
    said = capsys.readouterr()
    assert "secret_query_text" not in said.out + said.err and "CS_WAIT" not in said.out + said.err
    assert cli.main(["--db", demo_duckdb_url, "--as", VIEWERS["admin"], "sources"]) == cli.EXIT_OK
    assert "secret_query_text" in capsys.readouterr().out  # the administrator sees it: the test has teeth


@pytest.mark.parametrize("who", ["head-CS", "executive"])
def test_the_store_refuses_sources_from_anyone_but_an_administrator(demo_url, who):
    """The data layer, not only the page or the command line, refuses a KPIs file with `source_*`
    columns and a definitions file from anyone but an administrator (a query names other
    departments' tables): Denied before anything is read, nothing written. The administrator's
    same files land: the test has teeth."""
    from kpi.store import sourcing

    query = "SELECT 1 AS secret_query_text"
    header = "code,name,department,unit,direction,aggregation,source_kind,source_query\n"
    kpis = f"{header}CS_WAIT,Wait,CS,s,lower,mean,files,{query}\n"
    definitions = '[[source]]\nkpi = "CS_WAIT"\nkind = "files"\nquery = "SELECT 2 AS secret_query_text"\n'
    store, person, before = engine.create(demo_url), _person(demo_url, VIEWERS[who]), fingerprint(demo_url)
    assert person is not None and person.role is not Role.ADMIN
    with pytest.raises(Denied):
        importing.run(store, "kpis", kpis.encode(), "kpis.csv", person)
    with pytest.raises(Denied):
        importing.run(store, "kpis", kpis.encode(), "kpis.csv", person, dry_run=True)
    with pytest.raises(Denied):
        sourcing.load(store, definitions.encode(), "sources.toml", person)
    assert fingerprint(demo_url) == before
    boss = _person(demo_url, VIEWERS["admin"])
    assert importing.run(store, "kpis", kpis.encode(), "kpis.csv", boss).sources == {"inserted": 1}
    assert sourcing.load(store, definitions.encode(), "sources.toml", boss)["updated"] == 1


def _impostors() -> dict[str, list[str]]:
    """Identity headers that must sign nobody in (header mode): look-alikes of real addresses
    (a Kelvin sign for k, a Cyrillic а, a full-width letter, a zero-width space) and a request
    that names two people (the header twice, or a list in one)."""
    admin, head = VIEWERS["admin"], VIEWERS["head-CS"]
    executive = VIEWERS["executive"]
    return {
        "kelvin-sign": [executive.replace("k", "\u212a", 1) if "k" in executive else "\u212a" + executive],
        "cyrillic-a": [admin.replace("a", "\u0430", 1)],
        "full-width": [chr(ord(admin[0]) + 0xFEE0) + admin[1:]],
        "zero-width": [admin.replace("@", "\u200b@")],
        "header-twice": [head, admin],
        "list-in-header": [f"{head}, {admin}"],
    }


IMPOSTORS = _impostors()


@pytest.mark.reads_only
@pytest.mark.parametrize("who", IMPOSTORS)
def test_a_lookalike_or_doubled_identity_sees_nothing_on_any_page(app, app_url, monkeypatch, who):
    from kpi import settings
    from kpi.ui import frame

    values = IMPOSTORS[who]
    monkeypatch.setenv("KPI_AUTH_MODE", "header")
    settings.forget()
    monkeypatch.setattr(frame, "identity_headers", lambda: list(values))
    with engine.reading(engine.create(app_url)) as conn:
        secrets = visible.Secrets.of(conn, frozenset())  # nothing is theirs: everything is a secret
    doubled = len(values) > 1 or "," in values[0]
    from kpi.text import plain

    # the address that came is named (a typo in it can be seen), as plain text
    named = t("frame.unknown_email", email=plain.markdown(values[0].strip()))
    expected = [t("frame.ambiguous_viewer") if doubled else named]
    at = app(month=f"{MONTH:%Y-%m}").run()
    assert not at.exception and [i.value for i in at.info] == expected, who
    seen = {"app": visible.in_app(at)}
    for page in PAGES:  # each page as a bookmark
        alone = AppTest.from_file(str(ROOT / page), default_timeout=APP_TIMEOUT)
        alone.query_params["month"] = f"{MONTH:%Y-%m}"
        alone.run()
        assert not alone.exception and [i.value for i in alone.info] == expected, page
        seen[page] = visible.in_app(alone)
    assert {where: found for where, s in seen.items() if (found := secrets.found_in(s))} == {}
    assert secrets.words and secrets.numbers  # a test with teeth


ADMINISTRATION = ("data.department", "data.person", "data.source", "data.pull")
"""What the keys of the administration editors' widgets start with (kpi.ui.views.organisation_view,
and the KPI sources' form and "Pull now", kpi.ui.views.sources_view)."""
SOURCE_QUERY = "SELECT 1 AS secret_source_query"
"""A KPI source's query: it names other departments' tables, so only an administrator sees it."""


def _editor_keys(at) -> list[str]:
    widgets = (*at.text_input, *at.selectbox, *at.button, *at.get("form_submit_button"))
    return [str(w.key) for w in widgets if str(w.key or "").startswith(ADMINISTRATION)]


def _administer_as(url: str, person) -> list[str]:
    """Every change the administration editors make, tried as `person`: the store's answers."""
    from kpi.domain.errors import Denied
    from kpi.store import organisation, pulling, sourcing

    club = {"code": "CLUB", "name": "Club", "parent": "CS"}
    own = {"email": person.email, "name": person.name, "role": "admin", "department": ""}
    changes = [
        (organisation.save_department, {"values": club, "is_new": True}),
        (organisation.save_department, {"values": {"code": "IT", "name": "Taken"}, "is_new": False}),
        (organisation.save_person, {"values": own, "is_new": False}),
        (organisation.retire_department, {"code": "MKT", "today": MONTH}),
        (organisation.retire_person, {"email": VIEWERS["admin"], "today": MONTH}),
        (sourcing.save, {"kpi": "CS_WAIT", "values": {"kind": "files", "query": "SELECT 2"}, "found": bool}),
        (sourcing.remove, {"kpi": "CS_WAIT"}),
    ]
    answers = []
    for change, arguments in changes:
        try:
            with engine.writing(engine.create(url)) as conn:
                change(conn, person, **arguments)
            answers.append("written")
        except Denied:
            answers.append("denied")
    for dry_run in (True, False):  # "Pull now": refused before any source runs
        try:
            pulling.pull_as(engine.create(url), person, MONTH, dry_run=dry_run)
            answers.append("pulled")
        except Denied:
            answers.append("denied")
    return answers


def test_the_administration_editors_show_no_one_but_an_admin_anything(app, app_url):
    """A department head, an executive and a person heading nothing find no Departments or People
    editor, neither in their menu nor behind a bookmark, see nothing of another department there,
    and the store refuses each of the editors' changes to them, writing nothing. The same holds
    for the KPI sources' form and "Pull now": no one but an admin sees a source's query, saves or
    removes a source, or pulls. On PostgreSQL, one viewer of each shape of scope (`ON_POSTGRESQL`):
    both the menu and the store's refusals are decided by role, on either backend."""
    from kpi.store import sourcing

    _add_nobody(app_url)
    entry = f'[[source]]\nkpi = "CS_WAIT"\nkind = "files"\nquery = "{SOURCE_QUERY}"\n'
    sourcing.load(engine.create(app_url), entry.encode(), "sources.toml", as_admin())
    with engine.reading(engine.create(app_url)) as conn:
        before = table_counts(conn)
    hidden = _hidden_from(app_url, VIEWERS.values())  # every change below is refused
    for who, email in VIEWERS.items():
        if who == "admin" or not (engine.is_duckdb(app_url) or who in ON_POSTGRESQL):
            continue
        person = _person(app_url, email)
        _, secrets, _ = hidden[email]
        at = app(month=f"{MONTH:%Y-%m}", **{"as": email}).run()
        at.switch_page("pages/data.py").run()  # out of their menu, at its address refused
        assert not at.exception and [i.value for i in at.info] == [t("frame.page_denied")], who
        assert _editor_keys(at) == [] and secrets.found_in(visible.in_app(at)) == [], who
        alone = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=APP_TIMEOUT)
        alone.query_params["month"] = f"{MONTH:%Y-%m}"
        alone.query_params["as"] = email
        alone.run()
        assert not alone.exception and [i.value for i in alone.info] == [t("frame.page_denied")], who
        assert _editor_keys(alone) == [] and secrets.found_in(visible.in_app(alone)) == [], who
        assert "secret_source_query" not in visible.in_app(alone).text + visible.in_app(at).text, who
        assert set(_administer_as(app_url, person)) == {"denied"}, who
    with engine.reading(engine.create(app_url)) as conn:
        assert table_counts(conn) == before
    admin = app(month=f"{MONTH:%Y-%m}", **{"as": VIEWERS["admin"]}).run()
    open_data_tab(admin.switch_page("pages/data.py"), "definitions.tab_kpis")
    admin.selectbox(key="data.kpi").set_value("CS_WAIT").run()
    _, secrets, _ = hidden[VIEWERS["head-CS"]]
    assert _editor_keys(admin) and secrets.found_in(visible.in_app(admin))  # a test with teeth
    assert "secret_source_query" in visible.in_app(admin).text  # the admin sees the source
    assert "data.source.CS_WAIT.query" in {str(w.key) for w in admin.text_area}
    open_data_tab(admin, "definitions.tab_pull")
    assert "data.pull.dry" in {str(w.key) for w in admin.button}


def _mail_seen(server: postbox.Mailserver, email: str) -> visible.Seen:
    """Everything the mails to `email` hold: subject, text and every attached pack."""
    seen = visible.Seen()
    for received in server.to(email):
        seen.add(str(received.message["Subject"]))
        seen.add(received.body)
        for _, pack in received.attachments:
            opened = visible.in_pptx(pack)
            seen.texts += opened.texts
            seen.numbers |= opened.numbers
    return seen


@pytest.fixture(scope="module")
def delivered(demo_duckdb_file, tmp_path_factory) -> dict[str, tuple[visible.Secrets, visible.Seen]]:
    """The closed month sent to everyone and the alerts sent to every owner and every department's
    webhook, through a real SMTP server and webhook receiver on 127.0.0.1, with what each viewer
    (`who`) or department's webhook (`webhook-CODE`) must not see. After the close every October
    value and answer is taken back, so every department has alerts (its values are late)."""
    store = tmp_path_factory.mktemp("send") / "store.duckdb"
    store.write_bytes(Path(demo_duckdb_file).read_bytes())
    url = f"duckdb:///{store}"
    _add_nobody(url)
    with engine.writing(engine.create(url)) as conn:
        closing.close(conn, as_admin(), MONTH)
        corrections.delete(conn, as_admin(), MONTH, None)
        corrections.delete(conn, as_admin(), MONTH, None, answers=True)
        codes = [d.code for d in queries.departments(conn, EVERYTHING, "en")]
    with pytest.MonkeyPatch.context() as patch, postbox.mailserver() as server, postbox.webhooks() as hooks:
        postbox.use(patch, server, **{code: f"{hooks.url}/{n}" for n, code in enumerate(codes)})
        sending.deliver(
            engine.create(url), as_admin(), sending.prepare(engine.create(url), as_admin(), MONTH, "en")
        )
        alerted = alerts.prepare(engine.create(url), MONTH, "en", date(2026, 11, 20))
        alerts.deliver(engine.create(url), "test", alerted)
    settings.forget()
    assert not alerted.failed and len(hooks.posts) == len(codes)  # every department has alerts
    hidden = _hidden_from(url, VIEWERS.values())
    out = {who: (hidden[email][1], _mail_seen(server, email)) for who, email in VIEWERS.items()}
    with engine.reading(engine.create(url)) as conn:
        company = visible.Company.read(conn)
    for n, code in enumerate(codes):
        seen = visible.Seen()
        for body in hooks.to(f"/{n}"):
            seen.add(body["text"])
        out[f"webhook-{code}"] = (visible.Secrets.within(company, frozenset({code})), seen)
    return out


@pytest.mark.xdist_group("sent")  # one process sends the month and the alerts once (`delivered`)
@pytest.mark.parametrize("who", VIEWERS)
def test_no_mail_or_pack_sent_holds_anything_of_other_departments(delivered, who):
    secrets, seen = delivered[who]
    assert secrets.found_in(seen) == [], who
    if who == "nobody":  # default deny: nothing to read, no mail
        assert seen.texts == []
    else:
        assert "October 2026 was closed on" in seen.text and "Attached: the month's pack" in seen.text


WEBHOOKS = [f"webhook-{d['code']}" for d in load_spec()["departments"]]


@pytest.mark.xdist_group("sent")
@pytest.mark.parametrize("hook", WEBHOOKS)
def test_a_department_s_webhook_gets_its_own_alerts_only(delivered, hook):
    secrets, seen = delivered[hook]
    assert "Value late" in seen.text  # its values were taken back: it was told
    assert secrets.found_in(seen) == [], hook


@pytest.mark.xdist_group("owing")
@pytest.mark.parametrize("who", OWING)
def test_who_owes_what_tells_a_head_only_of_their_own_departments(owed_store, who, capsys):
    """Every measured value of the month is removed, so every department owes values: the owed
    list a head reads (the Overview's loader and `owed --json`, text and JSON alike) holds their
    departments' items and those of goals they own elsewhere, and names nothing else."""
    demo_duckdb_url, hidden, _ = owed_store
    head = _person(demo_duckdb_url, VIEWERS[who])
    scope, secrets, _ = hidden[who]
    store = engine.create(demo_duckdb_url)
    today = months.add(MONTH, 3)
    found = data.owed(demo_duckdb_url, data.scope(demo_duckdb_url, head), MONTH, "en", today)
    with engine.reading(store) as conn:
        everyone = owing.owed_items(conn, EVERYTHING, MONTH, "en", today)
    assert found and all(
        scope.allows(i.department) or i.goal in scope.owned or (i.kind == "action" and i.goal in scope.acting)
        for i in found
    )
    assert {i.department for i in everyone} - (scope.departments or set())  # a test with teeth
    month = f"{MONTH:%Y-%m}"
    for extra in ([], ["--json"]):
        assert cli.main(["--db", demo_duckdb_url, "--as", head.email, "owed", "--month", month, *extra]) == 0
        seen = visible.Seen()
        seen.add(capsys.readouterr().out)
        assert secrets.found_in(seen) == [], (who, extra)


@pytest.fixture(scope="module")
def reminded(demo_duckdb_file, tmp_path_factory) -> dict[str, tuple[visible.Secrets, visible.Seen]]:
    """Every reminder of what is owed for the month, through a real SMTP server on 127.0.0.1,
    with what each viewer (`who`) must not see. Every value of the month is taken back and the
    day is three months on, so every department owes values and every item is overdue."""
    store = tmp_path_factory.mktemp("remind") / "store.duckdb"
    store.write_bytes(Path(demo_duckdb_file).read_bytes())
    url = f"duckdb:///{store}"
    _add_nobody(url)
    with engine.writing(engine.create(url)) as conn:
        corrections.delete(conn, as_admin(), MONTH, None)
    with pytest.MonkeyPatch.context() as patch, postbox.mailserver() as server:
        postbox.use(patch, server)
        done = reminding.deliver(
            engine.create(url),
            as_admin(),
            reminding.prepare(engine.create(url), as_admin(), MONTH, "en", months.add(MONTH, 3)),
        )
    settings.forget()
    assert not done.failed
    heads = [email for who, email in VIEWERS.items() if who.startswith("head-")]
    assert sum(1 for email in heads if server.to(email)) == len(heads)  # a test with teeth: every head owes
    hidden = _hidden_from(url, VIEWERS.values())
    return {who: (hidden[email][1], _mail_seen(server, email)) for who, email in VIEWERS.items()}


@pytest.mark.xdist_group("reminded")  # one process sends every reminder once (`reminded`)
@pytest.mark.parametrize("who", VIEWERS)
def test_no_reminder_holds_anything_of_other_departments(reminded, who):
    secrets, seen = reminded[who]
    assert secrets.found_in(seen) == [], who
    if who == "nobody":  # default deny: owes nothing it may see, no mail
        assert seen.texts == []


SURVEY_SLICES = [kind for kind in VIEWERS if kind.startswith("head-")] + [
    "owner-elsewhere",
    "nobody",
    "executive",
]


@pytest.mark.reads_only
@pytest.mark.parametrize("who", SURVEY_SLICES)
def test_answers_by_segment_and_their_split_stay_in_the_viewers_departments(no_leaks_duckdb, who):
    """The answers sliced by segment or touchpoint (issue 20) and the mix/rate split are read for
    the survey KPIs of the viewer's own departments only: a goal read by line of sight beyond them
    shows its KPI's value, never its answers. Read from the shared copy with warm caches: every
    cached read is keyed by the viewer's scope."""
    demo_duckdb_url = no_leaks_duckdb
    scope = data.scope(demo_duckdb_url, _person(demo_duckdb_url, VIEWERS[who]))
    surveys = {k.code: k.department for k in queries_kpis(demo_duckdb_url) if k.aggregation.is_survey}
    own = {code for code, department in surveys.items() if scope.allows(department)}
    first = months.add(MONTH, -12)
    for code in surveys:
        for by in ("segment", "touchpoint"):
            found = data.segment_counts(demo_duckdb_url, scope, code, first, MONTH, by)
            assert bool(found) is (code in own), (code, by)
    assert set(data.splits(demo_duckdb_url, scope, MONTH)) == own
    assert (who == "executive") is (own == set(surveys))  # a test with teeth: others' answers exist


@pytest.mark.reads_only
@pytest.mark.parametrize(
    ("app_url", "who"),
    on_backends([kind for kind in VIEWERS if kind.startswith("head-")] + ["owner-elsewhere"]),
    indirect=["app_url"],
)
def test_every_survey_kpi_a_head_may_slice_shows_nothing_of_other_departments(app, app_url, who):
    """Why it moved, every KPI in the head's picker, by segment and by touchpoint, against last
    month and last year: nothing of other departments."""
    _, secrets, _ = _what_may_not_be_seen(app_url, VIEWERS[who])
    at = app(month=f"{MONTH:%Y-%m}", **{"as": VIEWERS[who]}).run()
    at.switch_page("pages/why.py").run()
    assert not at.exception
    seen = [visible.in_app(at)]
    pickers = [s for s in at.selectbox if s.key == "kpi"]
    for index in range(len(pickers[0].options) if pickers else 0):
        at.selectbox(key="kpi").select_index(index).run()
        for by, against in (("touchpoint", "last_year"), ("segment", "last_month")):
            at.segmented_control(key="why.segments.by").set_value(by).run()
            at.segmented_control(key="why.segments.against").set_value(against).run()
            assert not at.exception
            seen.append(visible.in_app(at))
    assert [found for s in seen if (found := secrets.found_in(s))] == []
