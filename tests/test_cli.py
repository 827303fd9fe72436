"""`python -m kpi`: init, status, exit codes, help, language."""

import json
import os

import pytest
import sqlalchemy as sa

from kpi import cli, settings
from kpi.demo import events
from kpi.demo.generate import load_spec
from kpi.domain.access import EVERYTHING
from kpi.domain.model import LOW_CONFIDENCE_N, Direction, KpiStatus
from kpi.domain.status import kpi_status
from kpi.output import cli_table
from kpi.store import engine, queries, schema
from tests.commands import in_a_process, in_process
from tests.conftest import table_counts
from tests.holding import run_on_held_store
from tests.test_serialize import GOAL_KEYS, KPI_KEYS

MONTH = "2026-10"


def run(*args, db=None):
    """`python -m kpi` in a process of its own: the entry point itself."""
    return in_a_process(*(["--db", db] if db else []), *args)


def test_init_demo_twice_leaves_the_store_unchanged(tmp_path, monkeypatch):
    """Also where the store lies outside the source folders (a store in /tmp): the demo's own
    events beside it are read, by `init --demo` and by a later `pull`."""
    monkeypatch.setenv("KPI_SOURCE_FOLDERS", os.pathsep.join(settings.SOURCE_FOLDERS))
    db = f"duckdb:///{tmp_path / 'x.duckdb'}"
    first = in_process("--db", db, "init", "--demo", "--demo-end", MONTH)  # the second: a process of its own
    assert first.returncode == 0, first.stderr
    with engine.reading(engine.create(db)) as conn:
        counts = table_counts(conn)
    second = run("init", "--demo", "--demo-end", MONTH, db=db)
    assert second.returncode == 0, second.stderr
    assert "0 new, 0 updated" in second.stdout
    with engine.reading(engine.create(db)) as conn:
        assert table_counts(conn) == counts
    spec = load_spec()  # the demo company's definition: every KPI and goal of it is loaded
    assert counts["kpi"] == len(spec["kpis"]) and counts["goal"] == len(spec["goals"])
    assert counts["response"] > 100_000
    assert counts["measurement"] == 36 * sum(
        k["aggregation"] not in ("nps", "csat", "ces") for k in spec["kpis"]
    )
    # six KPIs come from raw events beside the store, pulled through their recipe sources
    assert sorted(p.name for p in (tmp_path / "x.duckdb.events").iterdir()) == sorted(events.FILES.values())
    with engine.reading(engine.create(db)) as conn:
        kinds = dict(conn.execute(sa.select(schema.kpi_source.c.kpi, schema.kpi_source.c.kind)).all())
        m = schema.measurement
        pulled = conn.execute(
            sa.select(m.c.kpi, sa.func.count(), sa.func.count(m.c.denominator))
            .where(m.c.source.like("pull:recipe:%"))
            .group_by(m.c.kpi)
        ).all()
    assert kinds == dict.fromkeys(events.SOURCED, "recipe")
    assert sorted(pulled) == sorted((kpi, 36, 36) for kpi in events.SOURCED)
    again = in_process("--db", db, "pull", "--month", MONTH)
    assert again.returncode == 0, again.stderr
    assert f"{MONTH}: 7 sources, 0 new, 0 replaced, 7 unchanged" in again.stdout


def test_init_without_demo_creates_an_empty_store(tmp_path, capsys):
    db = f"duckdb:///{tmp_path / 'e.duckdb'}"
    assert cli.main(["--db", db, "init"]) == 0
    assert f"schema version {schema.SCHEMA_VERSION}" in capsys.readouterr().out
    with engine.reading(engine.create(db)) as conn:
        assert table_counts(conn)["kpi"] == 0


@pytest.mark.parametrize(
    "command", [[], ["init"], ["status"], ["delete"], ["correct"], ["sources"], ["pull"]]
)
def test_every_command_has_help(command):
    result = in_process(*command, "--help")
    assert result.returncode == 0 and result.stderr == ""
    assert "usage: python -m kpi" in result.stdout


def test_help_and_usage_errors_through_the_entry_point():
    """`python -m kpi` itself: help exits 0, a usage error 2 with argparse's words and no traceback."""
    helped = run("--help")
    assert helped.returncode == 0 and "usage: python -m kpi" in helped.stdout and helped.stderr == ""
    unknown = run("frobnicate")
    assert unknown.returncode == 2 and "usage: python -m kpi" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_usage_errors_exit_2():
    for argv in (["frobnicate"], ["status", "--json", "--bogus"]):
        refused = in_process(*argv)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr, argv


def test_a_malformed_month_exits_2(demo_duckdb_url, capsys):
    assert cli.main(["--db", demo_duckdb_url, "status", "--month", "2026-13"]) == 2
    assert "--month" in capsys.readouterr().err


def status_json(url, *extra):
    from contextlib import redirect_stdout
    from io import StringIO

    out = StringIO()
    with redirect_stdout(out):
        code = cli.main(["--db", url, "status", "--month", MONTH, "--json", *extra])
    assert code == 0
    return json.loads(out.getvalue())


def test_status_json_has_the_documented_shape(demo_url):
    data = status_json(demo_url)
    assert data["month"] == MONTH
    kpi_keys, goal_keys = set(KPI_KEYS), set(GOAL_KEYS)  # the documented shape, written once
    with engine.reading(engine.create(demo_url)) as conn:
        kpis, goals = queries.kpis(conn, EVERYTHING), queries.goals(conn, EVERYTHING)
    assert [k["code"] for k in data["kpis"]] == [k.code for k in kpis]
    assert sorted(g["code"] for g in data["goals"]) == sorted(g.code for g in goals)
    assert any(g["forecast"] is not None for g in data["goals"])
    for k in data["kpis"]:
        assert kpi_keys <= set(k)
        if k["code"] in {"NPS", "CES", "PROMISE"}:
            assert k["n"] > 30 and k["margin"] > 0
    smart_keys = {"specific", "measurable", "accepted", "realistic", "time_bound", "reasons"}
    for g in data["goals"]:
        assert set(g) >= goal_keys | {"smart"}
        assert set(g["smart"]) == smart_keys
        assert all(isinstance(g["smart"][k], bool) for k in smart_keys - {"reasons"})
        assert (not g["smart"]["reasons"]) == all(g["smart"][k] for k in smart_keys - {"reasons"})


def test_status_json_explains_the_weak_goals(demo_duckdb_url):
    goals = {g["code"]: g["smart"] for g in status_json(demo_duckdb_url)["goals"]}
    assert goals["O16"]["realistic"] is False
    assert any("best 6-month run" in r for r in goals["O16"]["reasons"])
    assert goals["T10"]["time_bound"] is False and "Time-bound: no deadline set" in goals["T10"]["reasons"]


def test_each_kpi_status_agrees_with_its_value_target_and_direction(demo_url):
    with engine.reading(engine.create(demo_url)) as conn:
        tolerance = {k.code: k.tolerance for k in queries.kpis(conn, cli.access.EVERYTHING)}
    for k in status_json(demo_url)["kpis"]:
        direction, share = Direction(k["direction"]), tolerance[k["code"]]
        expected = kpi_status(k["value"], k["target"], direction, share)
        if k.get("n") and k["n"] < LOW_CONFIDENCE_N:  # few answers: the status must hold across the margin
            edges = {kpi_status(k["value"] + d * k["margin"], k["target"], direction, share) for d in (-1, 1)}
            expected = expected if edges == {expected} else KpiStatus.AMBER
        assert k["status"] == expected, k


def test_the_green_parts_red_whole_goal_is_flagged(demo_duckdb_url):
    flagged = [g["code"] for g in status_json(demo_duckdb_url)["goals"] if g["green_parts_red_whole"]]
    assert flagged == ["S2"]


def test_the_incident_month_shows_downtime_red(demo_duckdb_url):
    from contextlib import redirect_stdout
    from io import StringIO

    out = StringIO()
    with redirect_stdout(out):
        assert cli.main(["--db", demo_duckdb_url, "status", "--month", "2026-08", "--json"]) == 0
    downtime = next(k for k in json.loads(out.getvalue())["kpis"] if k["code"] == "IT_DOWNTIME")
    assert downtime["status"] == KpiStatus.RED and downtime["value"] > 200


def test_a_department_head_sees_only_their_department(demo_duckdb_url):
    """Their department, the goal they own on the board (T2) and the goals theirs serve (S2, S3:
    line of sight, tests/test_ownership.py), and no other number of the board's."""
    data = status_json(demo_duckdb_url, "--as", "camilla.berg@havnhjem.example")
    assert {k["code"] for k in data["kpis"] if k["department"] != "CS"} == {"FTR", "CES", "CHURN"}
    assert {g["code"] for g in data["goals"] if g["department"] != "CS"} == {"T2", "S2", "S3"}


def test_a_department_head_cannot_ask_for_another_department(demo_duckdb_url, capsys):
    code = cli.main(
        [
            "--db",
            demo_duckdb_url,
            "--as",
            "camilla.berg@havnhjem.example",
            "status",
            "--month",
            MONTH,
            "--department",
            "IT",
        ]
    )
    assert code == cli.EXIT_USAGE  # as for a code that does not exist (test_cli_codes)
    assert capsys.readouterr().err == "--department IT: not one of the departments you may ask for: CS.\n"


@pytest.mark.parametrize(
    "command",
    [["sources"], ["send", "--month", MONTH, "--dry-run"], ["remind", "--month", MONTH, "--dry-run"]],
)
def test_a_head_asking_for_an_administrator_s_list_is_told_why_not(demo_duckdb_url, capsys, command):
    """Listing sources or previewing mails reads across every department; the refusal said "Only
    administrators change definitions, targets and data", which none of these does (a trial)."""
    code = cli.main(
        ["--db", demo_duckdb_url, "--lang", "en", "--as", "henrik.juul@havnhjem.example", *command]
    )
    assert code == cli.EXIT_REJECTED  # refused, as a bad file is (test_cli_codes)
    assert capsys.readouterr().err == (
        "Only administrators may do this: mails, reminders, alerts and sources reach across every department.\n"
    )


def test_a_head_importing_values_is_told_imports_are_an_administrator_s(demo_duckdb_url, capsys, tmp_path):
    """The refusal spoke of mails, reminders, alerts and sources (two trials)."""
    values = tmp_path / "values.csv"
    values.write_text("kpi,month,value\nIT_INCIDENTS,2026-10,2\n")
    code = cli.main(
        [
            "--db",
            demo_duckdb_url,
            "--lang",
            "en",
            "--as",
            "henrik.juul@havnhjem.example",
            "import",
            "measurements",
            str(values),
        ]
    )
    assert code == cli.EXIT_REJECTED
    assert capsys.readouterr().err == "Only administrators change definitions, targets and data.\n"


def test_department_filter_for_an_executive(demo_duckdb_url):
    data = status_json(demo_duckdb_url, "--department", "IT")
    assert {k["department"] for k in data["kpis"]} == {"IT"}


def test_a_department_reads_its_goals_measured_by_another_department_s_kpi(demo_duckdb_url):
    """A new company's board goal measured by customer service's NPS read "No data" for
    `--department` (and on the board's page): the KPI was another department's. It reads the
    goal's value now, with that one KPI and nothing else of customer service."""
    from kpi.store import engine, schema

    store = engine.create(demo_duckdb_url)
    with store.begin() as conn:
        moved = schema.kpi.c.code.in_(["NPS", "CES"])  # the board's S1 and S2 measured by CS's KPIs
        conn.execute(sa.update(schema.kpi).where(moved).values(department="CS"))
    whole = {g["code"]: g for g in status_json(demo_duckdb_url)["goals"]}
    board = status_json(demo_duckdb_url, "--department", "MGMT")
    goals = {g["code"]: g for g in board["goals"]}
    assert goals["S1"]["value"] == whole["S1"]["value"] is not None
    assert goals["S1"]["status"] == whole["S1"]["status"] != "no_data"
    assert {k["code"] for k in board["kpis"] if k["department"] == "CS"} == {"NPS", "CES"}
    assert {g["department"] for g in board["goals"]} == {"MGMT"}
    # an item's owner is the same however it is read: the whole company, customer service alone,
    # or customer service's head (a trial: "owner: Lars" became "owner: Sofie" under --department)
    readings = [
        status_json(demo_duckdb_url),
        status_json(demo_duckdb_url, "--department", "CS"),
        status_json(demo_duckdb_url, "--as", "camilla.berg@havnhjem.example"),
        board,
    ]
    owners: dict[tuple[str, str], set[str]] = {}
    for data in readings:
        for item in (each for lead in data["attention"] for each in (lead, *lead["also"])):
            owners.setdefault((item["kind"], item["code"]), set()).add(item["owner"])
    assert owners[("red_kpi", "CES")] == {"camilla.berg@havnhjem.example"}  # its department's
    assert {key: found for key, found in owners.items() if len(found) > 1} == {}


def test_a_word_on_another_department_s_kpi_explains_it_where_it_measures_a_goal(demo_duckdb_url):
    """A new company's board goal measured by customer service's NPS: its head's word on the NPS
    explained it on the Overview, and the board's page still said the number owed one (a
    trial). A department reads the words on the KPIs measuring its goals; a department whose
    goals it does not measure does not."""
    from datetime import date, datetime

    from kpi.domain import access
    from kpi.store import engine, queries, schema

    october = date(2026, 10, 1)
    store = engine.create(demo_duckdb_url)
    with store.begin() as conn:
        conn.execute(sa.update(schema.kpi).where(schema.kpi.c.code == "NPS").values(department="CS"))
        said = {"kpi": "NPS", "month": october, "author": "camilla.berg@havnhjem.example"}
        conn.execute(
            sa.insert(schema.commentary).values(
                **said, text="Fewer promoters in the queue.", written_at=datetime(2026, 11, 3)
            )
        )
    with engine.reading(store) as conn:
        links = queries.goal_links(conn)

        def words(department):
            scope = access.department_scope(access.EVERYTHING, department, links)
            return [c.text for c in queries.commentary(conn, scope, october, october) if c.kpi == "NPS"]

        assert words("MGMT") == words("CS") == ["Fewer promoters in the queue."]
        assert words("IT") == []
    with store.begin() as conn:  # a retired goal of IT's on the NPS brings IT no word on it (a review)
        retired = schema.goal.c.code == "O10"
        conn.execute(sa.update(schema.goal).where(retired).values(kpi="NPS", retired_at=datetime(2026, 6, 1)))
    with engine.reading(store) as conn:
        links = queries.goal_links(conn)
        assert words("IT") == [] and words("MGMT") == ["Fewer promoters in the queue."]


def test_another_department_s_kpi_on_a_head_s_goal_is_told_with_her_goal_not_as_hers(demo_duckdb_url):
    """Customer service's goal O22 measured by the credit department's complaints KPI: the head's
    list named that KPI's red item hers, owned by herself, where everyone else's named the credit
    department's owner (a code review). Its number is told with her goal; its own item is the
    credit department's, the same for whoever is told it."""
    from kpi.store import engine, schema

    with engine.create(demo_duckdb_url).begin() as conn:
        conn.execute(sa.update(schema.goal).where(schema.goal.c.code == "O22").values(kpi="CRED_COMPLAINTS"))
    camilla = status_json(demo_duckdb_url, "--as", "camilla.berg@havnhjem.example")
    whole = status_json(demo_duckdb_url)
    assert {g["code"]: g["value"] for g in camilla["goals"]}["O22"] is not None

    def told(data):
        return {(i["kind"], i["code"]): i for i in data["attention"] for i in (i, *i["also"])}

    hers, everyone = told(camilla), told(whole)
    assert not [key for key in hers if key[1] == "CRED_COMPLAINTS"]
    assert [key for key in everyone if key[1] == "CRED_COMPLAINTS"]  # red or owing: it is listed
    for key, item in hers.items():  # and whoever is told an item, its owner is the same
        assert item["owner"] == everyone[key]["owner"], key


def test_a_department_with_nothing_yet_says_so(demo_duckdb_url, capsys):
    """`status --department` of a new department printed the headers of two empty tables (a trial)."""
    from kpi.store import engine, schema

    with engine.create(demo_duckdb_url).begin() as conn:
        conn.execute(sa.insert(schema.department).values(code="PR", name="Press office"))
    assert cli.main(["--db", demo_duckdb_url, "status", "--month", MONTH, "--department", "PR"]) == 0
    out = capsys.readouterr().out
    assert "No KPIs here." in out and "No goals here." in out and "KPI  " not in out


def test_readable_table_in_danish(demo_duckdb_url, capsys):
    assert cli.main(["--db", demo_duckdb_url, "--lang", "da", "status", "--month", MONTH]) == 0
    out = capsys.readouterr().out
    assert "KPI'er — oktober 2026" in out
    assert "Forladte kurve" in out and "Målværdi nået" in out
    assert "grønne dele, rødt hele" in out
    assert "Målværdi nå…" not in out  # a status is never cut, however long its word


def test_long_names_end_in_an_ellipsis_and_other_columns_fit_their_words():
    long = "Customers calling about a delivery get a first answer quickly"
    lines = cli_table.table(["KPI", "Status"], [[long, "Langt fra målværdi"], ["Short", "Målværdi nået"]])
    cut = long[: cli_table.NAME_WIDTH - 1] + "…"
    assert lines[1] == f"{cut}  Langt fra målværdi"
    assert lines[2] == "Short".ljust(len(cut)) + "  Målværdi nået"
    assert lines[0].index("Status") == lines[1].index("Langt")  # aligned under the header


def test_argparse_still_takes_its_words_from_the_function_we_stand_in_for():
    """kpi.cli translates argparse's own messages by standing in for argparse's private `_`
    while it parses: this fails when a Python release stops calling it, or rewords a message
    we translate, before a Danish user meets English."""
    import argparse
    import contextlib
    import gettext

    seen = []
    original = argparse._

    def record(message):
        seen.append(message)
        return original(message)

    argparse._ = record
    try:
        for argv in (
            ["--help"],
            ["status", "--help"],
            [],
            ["frobnicate"],
            ["status", "--month"],
            ["status", "--json", "--bogus"],
        ):
            with contextlib.suppress(SystemExit):
                cli.parser().parse_args(argv)
    finally:
        argparse._ = original
    assert sorted(set(cli._ARGPARSE) - set(seen)) == []
    assert argparse._ is gettext.gettext  # and kpi.cli leaves argparse as it found it:
    assert cli.main(["--lang", "da", "status", "--help"]) == 0
    assert argparse._ is gettext.gettext


def test_a_busy_store_exits_3(tmp_path, not_kept):  # `init` in this process, as its own
    path = tmp_path / "busy.duckdb"
    assert cli.main(["--db", f"duckdb:///{path}", "init"]) == 0
    result = run_on_held_store(path, ["--db", f"duckdb:///{path}", "status", "--month", MONTH])
    assert result.returncode == 3
    assert "busy" in result.stderr and "Traceback" not in result.stderr
