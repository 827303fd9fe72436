"""`python -m kpi …`: the command line, on the same store as the app.

Exit codes: 0 success, 1 refused or failed (nothing written), 2 usage error (also a bad setting),
3 store busy. Every refusal is a `CockpitError`, put into words and given its exit code in one
place (`main`). Every message goes through the translation function; `--lang` picks the language.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kpi import collector, settings
from kpi.domain import access, bounds, cycle, identity, months, validate
from kpi.domain.errors import (
    BadSetting,
    Busy,
    CockpitError,
    Denied,
    NotFound,
    Problem,
    Refused,
    Unavailable,
    Usage,
)
from kpi.domain.model import Person, Role
from kpi.domain.owed import REMIND_DAYS
from kpi.files import tables
from kpi.text import fmt, i18n, phrases, words
from kpi.text.i18n import t

if TYPE_CHECKING:  # the store (SQLAlchemy) loads only for real work, not for `--help`
    import sqlalchemy as sa

    from kpi.delivery import reminding, sending
    from kpi.store.pulling import Outcome

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 3
EXIT_CODES = ((BadSetting, EXIT_USAGE), (Usage, EXIT_USAGE), (Busy, EXIT_BUSY))
"""The errors with an exit code of their own; every other `CockpitError` exits 1."""
PACK_FORMATS = ("pptx", "pdf")
"""What `export` writes."""
IMPORT_KINDS = tuple(tables.KINDS)
"""In the order a company's data goes in (`tables.KINDS`)."""
CALENDAR_AROUND = (-1, 3)
"""`calendar` without `--month` lists the months from one before the last complete month to
three after it: the cycle just run and the ones being planned."""
OPERATOR = Person(access.OPERATOR, "operator", Role.ADMIN, None)
"""Who the command line acts as without `--as`: whoever can open the store file has it all."""


_ARGPARSE = {
    "usage: ": "argparse.usage",
    "positional arguments": "argparse.positional",
    "options": "argparse.options",
    "show this help message and exit": "argparse.help",
    "the following arguments are required: %s": "argparse.required",
    "unrecognized arguments: %s": "argparse.unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "argparse.invalid_choice",
    "%(prog)s: error: %(message)s\n": "argparse.error",
    "expected one argument": "argparse.expected_one",
    "argument %(argument_name)s: %(message)s": "argparse.argument",
}
"""argparse's own words, so `--help` and usage errors speak the chosen language too."""


def _argparse_text(message: str) -> str:
    key = _ARGPARSE.get(message)
    return t(key) if key else message


@contextmanager
def _argparse_speaking() -> Iterator[None]:
    """argparse's own words (usage, "options", its error messages) in the chosen language.

    argparse has no public way in: it translates through `gettext`, which reads compiled .mo
    catalogues of the process-wide text domain in the language of the process's environment,
    while ours is per run and lives in the TOML catalogues. argparse calls its module's `_` (the
    gettext function it imported) each time it writes a message, so we stand in for it while
    our parser is built and parses, and put it back after. tests/test_cli.py fails if a Python
    release stops looking the function up there or rewords a message we translate.
    """
    original = argparse._  # type: ignore[attr-defined]
    argparse._ = _argparse_text  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]


def _month(text: str | None) -> date:
    """`--month`, else the last complete month; a month outside the settings' window (year 1,
    9999) is a usage error, not a report of nothing."""
    month = _any_month(text) if text is not None else months.last_complete(settings.today())
    problem = settings.window(confirmed=True).problem(month, "--month", is_month=True)
    if problem is not None:
        raise Usage(problem)
    return month


def _any_month(text: str) -> date:
    """`--month` of `delete` and `correct`: any month, since a stray one is what they clean."""
    try:
        month = validate.month(text, "--month", required=True)
    except validate.Rejected as rejected:
        raise Usage(rejected.problems) from None
    assert month is not None
    return month


def _known(conn: sa.Connection, what: str, text: str, option: str, shown: access.Scope | None = None) -> str:
    """The code `text` names among the store's codes of `what` (a department, a KPI), as the store
    spells it, matched without regard to case. An unknown code is a usage error naming the
    known ones. A viewer who may see some departments only (`shown`) is told the same for a code
    that does not exist and for one that is not theirs, naming theirs: the answer must not tell
    them which other departments exist."""
    from kpi.store import known

    codes, key = known.codes(conn, what), "cli.unknown_code"
    if shown is not None and shown.departments is not None:
        codes, key = [c for c in codes if shown.allows(c)], "cli.unknown_code_yours"
    found = identity.match(text, codes)
    if found is not None:
        return found
    params = (("value", text), ("known", ", ".join(codes) or "–"))
    raise Usage(Problem(key, option, params))


def _common(parser: argparse.ArgumentParser, default: str | None) -> argparse.ArgumentParser:
    """Options every command takes, before or after the command's name."""
    parser.add_argument("--db", default=default, help=t("cli.db_help"))
    parser.add_argument(
        "--lang",
        type=str.lower,
        choices=i18n.languages(),
        default=default,
        help=t("cli.lang_help", languages=", ".join(i18n.languages())),
    )
    parser.add_argument("--as", dest="as_email", metavar="EMAIL", default=default, help=t("cli.as_help"))
    return parser


def parser() -> argparse.ArgumentParser:
    root = _common(argparse.ArgumentParser(prog="python -m kpi", description=t("cli.description")), None)
    shared = _common(argparse.ArgumentParser(add_help=False), argparse.SUPPRESS)
    commands = root.add_subparsers(dest="command", required=True)
    init = commands.add_parser(
        "init", parents=[shared], help=t("cli.init_help"), description=t("cli.init_help")
    )
    init.add_argument("--demo", action="store_true", help=t("cli.demo_help"))
    init.add_argument("--demo-end", metavar="YYYY-MM", help=t("cli.demo_end_help"))
    company = commands.add_parser(
        "company", parents=[shared], help=t("cli.company_help"), description=t("cli.company_help")
    )
    company.add_argument("--name", help=t("cli.company_name_help"))
    company.add_argument("--logo", type=Path, help=t("cli.company_logo_help"))
    company.add_argument("--colour", metavar="#RRGGBB", help=t("cli.company_colour_help"))
    load = commands.add_parser(
        "import", parents=[shared], help=t("cli.import_help"), description=t("cli.import_description")
    )
    load.add_argument("kind", type=str.lower, choices=list(IMPORT_KINDS), help=t("cli.import_kind_help"))
    load.add_argument("file", type=Path, help=t("cli.import_file_help"))
    load.add_argument("--dry-run", action="store_true", help=t("cli.dry_run_help"))
    load.add_argument("--confirm-future", action="store_true", help=t("cli.confirm_future_help"))
    template = commands.add_parser(
        "template", parents=[shared], help=t("cli.template_help"), description=t("cli.template_help")
    )
    template.add_argument("kind", type=str.lower, choices=list(IMPORT_KINDS), help=t("cli.import_kind_help"))
    template.add_argument("--out", type=Path, required=True, help=t("cli.template_out_help"))
    close = commands.add_parser(
        "close", parents=[shared], help=t("cli.close_help"), description=t("cli.close_help")
    )
    close.add_argument("--month", metavar="YYYY-MM", required=True, help=t("cli.month_help"))
    close.add_argument("--anyway", action="store_true", help=t("cli.close_anyway_help"))
    reopen = commands.add_parser(
        "reopen", parents=[shared], help=t("cli.reopen_help"), description=t("cli.reopen_help")
    )
    reopen.add_argument("--month", metavar="YYYY-MM", required=True, help=t("cli.month_help"))
    reopen.add_argument("--reason", required=True, help=t("cli.reopen_reason_help"))
    export = commands.add_parser(
        "export", parents=[shared], help=t("cli.export_help"), description=t("cli.export_help")
    )
    export.add_argument("--month", metavar="YYYY-MM", help=t("cli.month_help"))
    export.add_argument("--format", type=str.lower, choices=PACK_FORMATS, help=t("cli.format_help"))
    export.add_argument("--out", type=Path, required=True, help=t("cli.out_help"))
    export.add_argument("--department", metavar="CODE", help=t("cli.department_help"))
    status = commands.add_parser(
        "status", parents=[shared], help=t("cli.status_help"), description=t("cli.status_help")
    )
    status.add_argument("--month", metavar="YYYY-MM", help=t("cli.month_help"))
    status.add_argument("--department", metavar="CODE", help=t("cli.department_help"))
    status.add_argument("--json", action="store_true", help=t("cli.json_help"))
    delete = commands.add_parser(
        "delete", parents=[shared], help=t("cli.delete_help"), description=t("cli.delete_help")
    )
    delete.add_argument("--month", metavar="YYYY-MM", required=True, help=t("cli.delete_month_help"))
    delete.add_argument("--kpi", metavar="CODE", help=t("cli.delete_kpi_help"))
    delete.add_argument("--answers", action="store_true", help=t("cli.delete_answers_help"))
    correct = commands.add_parser(
        "correct", parents=[shared], help=t("cli.correct_help"), description=t("cli.correct_help")
    )
    correct.add_argument("--kpi", metavar="CODE", required=True, help=t("cli.kpi_help"))
    correct.add_argument("--month", metavar="YYYY-MM", required=True, help=t("cli.delete_month_help"))
    correct.add_argument("--value", required=True, help=t("cli.correct_value_help"))
    defined = commands.add_parser(
        "sources", parents=[shared], help=t("cli.sources_help"), description=t("cli.sources_description")
    )
    defined.add_argument("--file", type=Path, help=t("cli.sources_file_help"))
    defined.add_argument("--dry-run", action="store_true", help=t("cli.dry_run_help"))
    defined.add_argument("--export", action="store_true", help=t("cli.sources_export_help"))
    pull = commands.add_parser(
        "pull", parents=[shared], help=t("cli.pull_help"), description=t("cli.pull_description")
    )
    pull.add_argument("--month", metavar="YYYY-MM", help=t("cli.month_help"))
    pull.add_argument("--from", dest="first", metavar="YYYY-MM", help=t("cli.pull_from_help"))
    pull.add_argument("--kpi", metavar="CODE", help=t("cli.pull_kpi_help"))
    pull.add_argument("--dry-run", action="store_true", help=t("cli.pull_dry_run_help"))
    send = commands.add_parser(
        "send", parents=[shared], help=t("cli.send_help"), description=t("cli.send_description")
    )
    send.add_argument("--month", metavar="YYYY-MM", required=True, help=t("cli.month_help"))
    send.add_argument("--dry-run", action="store_true", help=t("cli.send_dry_run_help"))
    send.add_argument("--show", metavar="EMAIL", help=t("cli.send_show_help"))
    remind = commands.add_parser(
        "remind",
        parents=[shared],
        help=t("cli.remind_help"),
        description=t("cli.remind_description", days=REMIND_DAYS),
    )
    remind.add_argument("--month", metavar="YYYY-MM", help=t("cli.month_help"))
    remind.add_argument("--dry-run", action="store_true", help=t("cli.send_dry_run_help"))
    remind.add_argument("--show", metavar="EMAIL", help=t("cli.send_show_help"))
    alerts = commands.add_parser(
        "alerts", parents=[shared], help=t("cli.alerts_help"), description=t("cli.alerts_description")
    )
    alerts.add_argument("--month", metavar="YYYY-MM", help=t("cli.month_help"))
    alerts.add_argument("--dry-run", action="store_true", help=t("cli.send_dry_run_help"))
    calendar = commands.add_parser(
        "calendar", parents=[shared], help=t("cli.calendar_help"), description=t("cli.calendar_description")
    )
    calendar.add_argument("--month", metavar="YYYY-MM", help=t("cli.calendar_month_help"))
    for name in cycle.DATES:
        option = "--" + name.replace("_", "-")
        calendar.add_argument(option, dest=name, metavar="YYYY-MM-DD", help=t(f"cli.calendar_{name}_help"))
    owed = commands.add_parser(
        "owed", parents=[shared], help=t("cli.owed_help"), description=t("cli.owed_help")
    )
    owed.add_argument("--month", metavar="YYYY-MM", help=t("cli.month_help"))
    owed.add_argument("--department", metavar="CODE", help=t("cli.department_help"))
    owed.add_argument("--json", action="store_true", help=t("cli.owed_json_help"))
    return root


def _pre_language(argv: list[str]) -> None:
    """Pick the language before building help texts, so `--help` speaks it too."""
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            i18n.set_language(argv[index + 1].lower())
        elif arg.startswith("--lang="):
            i18n.set_language(arg.split("=", 1)[1].lower())


class _Shown:
    """A terminal stream that writes text without control characters (`bounds.CONTROL`): what
    the store held before they were refused never reaches a terminal or a cron log as an escape
    sequence (an event's title with ESC [2J cleared the screen of whoever ran `status`)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(bounds.without_controls(text))

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    collector.tune()
    _pre_language(argv)
    out, err = sys.stdout, sys.stderr
    # JSON is for programs, and escapes the control characters a terminal would act on itself
    sys.stdout, sys.stderr = (out if "--json" in argv else _Shown(out)), _Shown(err)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _main(argv: list[str]) -> int:
    try:
        return _run(argv)
    except CockpitError as error:
        print(words.said(error), file=sys.stderr)
        if any(found.file for found in error.problems):  # a file's problems: say that none of it went in
            from kpi.sources.failing import SourceFailed

            key = "cli.pull_rejected" if isinstance(error, SourceFailed) else "cli.import_rejected"
            print(t(key, count=len(words.grouped(error.problems))), file=sys.stderr)
        return exit_code(error)
    except BrokenPipeError:  # the reader stopped reading (`status | head`): nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # the process's own output: nor at exit's flush
        return EXIT_OK
    except OSError as error:  # a file that cannot be read or written (a full disk): one line
        print(t("cli.os_error", detail=_one_line(error)), file=sys.stderr)
        return EXIT_REJECTED
    except Exception as error:  # the store failing half-way (a full disk under DuckDB): one line
        from sqlalchemy.exc import SQLAlchemyError

        if not isinstance(error, SQLAlchemyError):
            raise
        print(t("cli.store_failed", detail=_one_line(error)), file=sys.stderr)
        return EXIT_REJECTED


def _one_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error)
    return " ".join(text.split())[:300]


def exit_code(error: CockpitError) -> int:
    return next((code for kind, code in EXIT_CODES if isinstance(error, kind)), EXIT_REJECTED)


def _run(argv: list[str]) -> int:
    try:
        i18n.set_default(settings.current().language)
        broken: BadSetting | None = None
    except BadSetting as error:  # --help and usage errors still answer; any real work says this
        broken = error
    try:
        with _argparse_speaking():
            args = parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if broken is not None:
        raise broken
    if args.command == "template":  # a file to fill in: no store needed, nor opened
        return _template(args)
    from kpi.store import engine, setup  # the store (SQLAlchemy) loads only for real work

    store = engine.create(engine.resolve_url(args.db), must_exist=args.command != "init")
    if args.command != "init":
        setup.ensure(store)  # an older store is upgraded before any command reads it
    handler = {
        "init": _init,
        "company": _company,
        "status": _status,
        "import": _import,
        "close": _close,
        "reopen": _reopen,
        "export": _export,
        "delete": _delete,
        "correct": _correct,
        "sources": _sources,
        "pull": _pull,
        "send": _send,
        "remind": _remind,
        "alerts": _alerts,
        "calendar": _calendar,
        "owed": _owed,
    }[args.command]
    return handler(args, store)


def _viewer(args: argparse.Namespace, conn: sa.Connection) -> Person:
    from kpi.store import queries

    if args.as_email is None:
        return OPERATOR
    email = args.as_email.strip()
    found = queries.person(conn, email) if email and not identity.lookalikes(email) else None
    if not email:  # never the operator's full access for an empty --as ("the e-mail  in", two spaces)
        raise Usage(Problem("cli.empty_as", "--as"))
    if found is None:  # nor for an unknown one
        raise Usage(Problem("cli.unknown_person", "--as", (("email", email),)))
    return found


def _init(args: argparse.Namespace, store: sa.Engine) -> int:
    from kpi.demo.generate import generate
    from kpi.store import demo_store, setup

    version = setup.ensure(store)
    print(t("cli.store_ready", url=store.url.render_as_string(hide_password=True), version=version))
    if not args.demo:
        _next_steps(store)
        return EXIT_OK
    end = _month(args.demo_end)
    company = generate(end)
    total = demo_store.load(store, store.url.render_as_string(hide_password=False), company)
    print(
        t(
            "cli.demo_loaded",
            company=company.name,
            month=months.key(end),
            kpis=len(company.kpis),
            goals=len(company.goals),
            values=len(company.measurements),
            answers=len(company.responses),
        )
    )
    print(t("cli.demo_changes", **{o: total[o] for o in demo_store.OUTCOMES}))
    return EXIT_OK


def _next_steps(store: sa.Engine) -> None:
    """What a new company does next, in the order its data goes in (the app's first-run steps)."""
    from kpi.store import company, engine

    with engine.reading(store) as conn:
        done, named = company.progress(conn), company.read(conn).name
    if named and all(company.is_done(k, n) for k, n in done.items()):
        return
    print(t("cli.next_steps"))
    state = t("firstrun.step_named", name=named) if named else t("firstrun.step_to_do")
    command = "python -m kpi company --name NAME [--logo FILE] [--colour #RRGGBB]"
    print(t("cli.step", number=1, what=t("cli.step_company"), state=state, command=command))
    for number, (kind, _) in enumerate(company.STEPS, start=2):
        finished = company.has_data(kind, done[kind])
        waiting = "firstrun.step_optional" if kind in company.OPTIONAL else "firstrun.step_to_do"
        state = t("firstrun.step_done", count=done[kind]) if finished else t(waiting)
        command = f"python -m kpi import {kind} {kind}.csv"
        print(t("cli.step", number=number, what=t(f"imports.kind_{kind}"), state=state, command=command))
        print("     " + t(f"firstrun.step_{kind}", responses="responses"))  # the kind as the command names it
        print("     " + t("cli.step_columns", columns=", ".join(c.name for c in tables.KINDS[kind])))
    print(t("cli.next_steps_after"))


def _company(args: argparse.Namespace, store: sa.Engine) -> int:
    from kpi.store import company, engine

    logo = args.logo.read_bytes() if args.logo is not None else None
    with engine.writing(store) as conn:
        kept = company.read(conn)
        name = args.name if args.name is not None else kept.name
        if name is None:  # the colour or logo alone may change once the company has a name
            raise Usage(Problem("cli.company_name_first", "--name"))
        colour = company.written_colour(args.colour) if args.colour else kept.colour
        company.write(conn, _viewer(args, conn), name, logo, colour)
    print(t("cli.company_set", name=name.strip(), colour=colour))
    return EXIT_OK


def _import(args: argparse.Namespace, store: sa.Engine) -> int:
    from kpi.store import engine, importing

    if not args.file.is_file():
        raise NotFound(Problem("cli.no_file", "file", (("file", args.file),)))
    with engine.reading(store) as conn:
        viewer = _viewer(args, conn)
    summary = importing.run(  # refuses anyone but an administrator (Denied)
        store,
        args.kind,
        args.file.read_bytes(),
        args.file.name,
        viewer,
        dry_run=args.dry_run,
        confirm_future=args.confirm_future,
    )
    print(summary.text() + (" " + t("cli.dry_run_done") if args.dry_run else ""))
    if summary.unusual:  # imported all the same: a real month may be far from usual too
        print(phrases.to_check(summary.unusual))
    if summary.doubts:  # read as written, and maybe not meant so: a decimal comma cut off
        print("\n".join(summary.doubted()))
    if summary.moved:  # as a correction of the same values says it
        print(phrases.targets_moved_by_file(summary.moved))
    if args.dry_run:
        return EXIT_OK
    return _alert(store, viewer, months.last_complete(settings.today()), dry_run=False, after=True)


def _scope(args: argparse.Namespace, conn: sa.Connection) -> access.Scope:
    """The viewer's scope, narrowed by --department (never widened); rejects what they may not see."""
    viewer = _viewer(args, conn)
    who = viewer.email if args.as_email is not None else t("cli.operator")
    from kpi.store import queries

    links = queries.goal_links(conn)
    scope = access.scope_for(viewer, links)
    if args.department is not None:
        department = _known(conn, "department", args.department, "--department", scope)
        scope = access.department_scope(scope, department, links)
    if scope.departments is not None and not scope.departments:
        raise Denied(Problem("cli.nothing_visible", "", (("who", who),)))
    return scope


def _export(args: argparse.Namespace, store: sa.Engine) -> int:
    from kpi.output import pdf_pack, pptx_pack
    from kpi.store import decks, engine

    asked = _month(args.month) if args.month is not None else None
    chosen = _pack_format(args.format, args.out)
    if not args.out.parent.is_dir():  # said before the pack is made, not after
        raise Usage(Problem("cli.no_folder", "--out", (("folder", args.out.parent),)))
    if args.out.is_dir():  # a folder named PACK.pptx: said before the pack is made, not after
        raise Usage(Problem("cli.out_is_folder", "--out", (("path", args.out),)))
    with engine.reading(store) as conn:
        scope = _scope(args, conn)
        month = _pack_month(conn, scope, asked)
        slides = decks.slides(conn, scope, month, i18n.current())
        brand = decks.brand(conn, month, scope, i18n.current())
    content = pptx_pack.render(slides, brand)
    if chosen == "pdf":
        content = pdf_pack.from_pptx(content)
    _write(args.out, content)
    print(t("cli.exported", path=args.out, count=len(slides)))
    return EXIT_OK


def _pack_month(conn: sa.Connection, scope: access.Scope, asked: date | None) -> date:
    """The month a pack is of: `asked`, else the month the app shows first (`months.settled`);
    refused where the viewer's KPIs hold no value in it, the latest month where they do named:
    `export --month 2026-12` wrote "29 slides" of "– No data" and "0 of 0", which a presenter
    who typed the wrong month would have handed out (a presenter's trial)."""
    from kpi.store import queries

    today = settings.today()
    span = queries.data_months(conn, settings.window(confirmed=True).first, months.first_of(today))
    if span is None:
        raise Usage(Problem("cli.no_values_at_all", "--month"))
    month = asked or max(months.settled(span[1], today), span[0])
    if queries.month_values(conn, scope, month, month):
        return month
    held = {v.month for v in queries.month_values(conn, scope, *span)}
    if not held:
        raise Usage(Problem("cli.no_values_at_all", "--month"))
    latest = max(held)  # the viewer's own latest, not another department's
    raise Usage(
        Problem(
            "cli.no_values_month", "--month", (("month", months.key(month)), ("latest", months.key(latest)))
        )
    )


def _pack_format(given: str | None, out: Path) -> str:
    """The pack's format: `--format`, else what `--out` ends in (`export --out pack.pptx` was
    refused for want of `--format`: an administrator's trial); a pack whose name says the other
    format is refused, as a template not named .xlsx is."""
    named = out.suffix.lower().lstrip(".")
    if given is None and named not in PACK_FORMATS:
        raise Usage(Problem("cli.format_unknown", "--format", (("path", out),)))
    if given is not None and named in PACK_FORMATS and named != given:
        raise Usage(Problem("cli.format_named", "--out", (("path", out), ("format", given))))
    return given or named


def _template(args: argparse.Namespace) -> int:
    """The import template of a kind as an Excel workbook in the reader's language, as the app's
    next steps and Data page offer it: a company set up from the command line alone had none."""
    from kpi.files import templates

    if args.out.suffix.lower() != ".xlsx":  # a workbook named k.csv opens as nonsense
        raise Usage(Problem("cli.template_xlsx", "--out", (("path", args.out),)))
    if not args.out.parent.is_dir():
        raise Usage(Problem("cli.no_folder", "--out", (("folder", args.out.parent),)))
    _write(args.out, templates.workbook(args.kind, i18n.current()))
    print(t("cli.template_written", path=args.out, kind=t(f"imports.kind_{args.kind}")))
    return EXIT_OK


def _write(out: Path, content: bytes) -> None:
    """`content` into `out` whole or not at all: written beside it first, then moved into place,
    so a full disk leaves neither a 0-byte nor a half pack behind (and an older pack stays)."""
    partial = out.with_name(f".{out.name}.partial")
    try:
        partial.write_bytes(content)
        partial.replace(out)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise Unavailable(
            Problem("cli.write_failed", "--out", (("path", out), ("detail", _one_line(error))))
        ) from None


def _close(args: argparse.Namespace, store: sa.Engine) -> int:
    from kpi import settings
    from kpi.domain import owed
    from kpi.domain.access import EVERYTHING
    from kpi.store import closing, cycle, engine, owing, queries

    month = _month(args.month)
    today = settings.today()
    with engine.reading(store) as conn:  # as the Data page says it; read before the store is held
        closing.may_close(conn, _viewer(args, conn), month)  # before anything of the month is said
        found = owing.owed_items(conn, EVERYTHING, month, i18n.current(), today)
        left = owed.left_out(found, cycle.read(conn, month), today)
        names = {p.email: p.name for p in queries.people(conn)}
    if left and not args.anyway:  # as the Data page waits for "close it now anyway" (a day-one trial
        # closed November nine days early, seven comments owed, and was told so only after)
        raise Refused(Problem("cli.close_left_out", "--anyway", (("left", phrases.left_out(left, names)),)))
    with engine.writing(store) as conn:
        when = closing.close(conn, _viewer(args, conn), month)
    if left:
        print(phrases.left_out(left, names))
    print(t("cli.closed", month=fmt.month_long(month), when=fmt.moment(when)))
    return EXIT_OK


def _reopen(args: argparse.Namespace, store: sa.Engine) -> int:
    from kpi.store import closing, engine

    month = _any_month(args.month)  # any month: a closed one may lie outside today's window
    with engine.writing(store) as conn:
        when = closing.reopen(conn, _viewer(args, conn), month, args.reason)
    print(t("cli.reopened", month=fmt.month_long(month), when=fmt.moment(when)))
    return EXIT_OK


def _delete(args: argparse.Namespace, store: sa.Engine) -> int:
    from kpi.store import corrections, engine

    month = _any_month(args.month)
    with engine.writing(store) as conn:
        viewer = _viewer(args, conn)
        corrections.check_admin(viewer)  # before a code is looked up: its refusal names every KPI's
        kpi = _known(conn, "kpi", args.kpi, "--kpi") if args.kpi is not None else None
        done = corrections.delete(conn, viewer, month, kpi, answers=args.answers)
    print(phrases.deletion(done.values, done.answers, kpi, month))
    moved = phrases.targets_said(done.moved, done.moved_kpis, month)
    if moved:
        print(moved)
    return EXIT_OK


def _correct(args: argparse.Namespace, store: sa.Engine) -> int:
    from kpi.store import corrections, engine

    month = _any_month(args.month)
    with engine.writing(store) as conn:
        viewer = _viewer(args, conn)
        corrections.check_admin(viewer)  # before a code is looked up: its refusal names every KPI's
        kpi = _known(conn, "kpi", args.kpi, "--kpi")
        done = corrections.correct(conn, viewer, kpi, month, args.value)
    unchanged = done.outcome == "unchanged"
    print(phrases.correction(unchanged, kpi, month, done.value, done.unit, done.before, done.closed))
    moved = phrases.targets_said(done.moved, 0, month)
    if moved:
        print(moved)
    if done.unusual:  # corrected all the same: the person typed it
        print(phrases.to_check(done.unusual))
    return EXIT_OK


def _status(args: argparse.Namespace, store: sa.Engine) -> int:
    from kpi.domain import attention
    from kpi.output.cli_table import print_report
    from kpi.output.serialize import report_dict
    from kpi.store import engine, monthly, queries

    month = _month(args.month)
    with engine.reading(store) as conn:
        scope = _scope(args, conn)
        result = monthly.month_report(conn, scope, month, i18n.current())
        forecasts = monthly.forecasts(conn, scope, result)
        assessments = monthly.smart_assessments(conn, scope, month) if args.json else None
        exceptions = attention.by_measure(monthly.attention(conn, scope, result, i18n.current()))
        owners = {p.email: p.name for p in queries.people(conn)}
    if args.json:
        shape = report_dict(result, forecasts, assessments, exceptions)
        print(json.dumps(shape, ensure_ascii=False, indent=2))
    else:
        print_report(result, forecasts, exceptions, owners)
    return EXIT_OK


def _definer(args: argparse.Namespace, store: sa.Engine, refused: str = "edit.denied_define") -> Person:
    """Who acts, when they may define KPIs (and so their sources and values); else `refused`."""
    from kpi.store import engine

    with engine.reading(store) as conn:
        viewer = _viewer(args, conn)
    if not access.may_define(viewer):
        raise Denied(Problem(refused))
    return viewer


def _sources(args: argparse.Namespace, store: sa.Engine) -> int:
    """Load a definitions file (`--file`), print them as one (`--export`), or list them."""
    from kpi.store import engine, sourcing

    viewer = _definer(args, store, "edit.denied_administration")  # its queries name every department's tables
    if args.file is None:
        with engine.reading(store) as conn:
            found = sourcing.read(conn)
            text = sourcing.export(conn)
        if args.export:
            print(text, end="")
        elif not found:
            print(t("cli.no_sources"))
        for source in [] if args.export else found:
            where = source.connection or source.url or ""
            query = " ".join(source.query.split())
            print(f"{source.kpi}\t{source.kind}\t{where}\t{source.timeout:g} s\t{query[:70]}")
        return EXIT_OK
    if not args.file.is_file():
        raise NotFound(Problem("cli.no_file", "file", (("file", args.file),)))
    counts = sourcing.load(store, args.file.read_bytes(), args.file.name, viewer, dry_run=args.dry_run)
    summary = t("cli.sources_loaded", **{k: counts[k] for k in ("inserted", "updated", "unchanged")})
    print(summary + (" " + t("cli.dry_run_done") if args.dry_run else ""))
    return EXIT_OK


def _pull(args: argparse.Namespace, store: sa.Engine) -> int:
    """Run the month's sources (or every month's `--from` a month on: a backfill) and write their
    values, all or nothing."""
    from kpi.store import engine, pulling

    month = _month(args.month)
    first = _month(args.first) if args.first is not None else month
    if first > month:
        raise Usage(
            Problem(
                "cli.pull_from_after", "--from", (("first", months.key(first)), ("month", months.key(month)))
            )
        )
    viewer = _definer(args, store)
    with engine.reading(store) as conn:
        kpi = _known(conn, "kpi", args.kpi, "--kpi") if args.kpi is not None else None
    wanted = months.between(first, month)
    for done in pulling.pull_months(store, wanted, viewer.email, kpi=kpi, dry_run=args.dry_run):
        _said_pulled(done, args.dry_run, several=len(wanted) > 1)
    return EXIT_OK if args.dry_run else _alert(store, viewer, month, dry_run=False, after=True)


def _send(args: argparse.Namespace, store: sa.Engine) -> int:
    """Mail the closed month to each person as they may see it, with their pack; again, only to
    those who have not had it. A letter refused is named, the rest still go, and the exit is 1."""
    from kpi.delivery import sending
    from kpi.store import engine

    month = _month(args.month)
    with engine.reading(store) as conn:
        viewer = _viewer(args, conn)
    outcome = sending.prepare(store, viewer, month, i18n.current())
    if not args.dry_run:
        _mail_ready(outcome.planned)
    for one in outcome.planned:
        state = (
            t("cli.send_already") if one.already else t("cli.send_would" if args.dry_run else "cli.send_to")
        )
        counts = t("cli.send_counts", slides=len(one.slides), items=one.items, owed=one.owed)
        print("\t".join([one.letter.to, state, counts]))
    if args.show:
        _show_one(outcome.planned, args.show)
    if args.dry_run:
        print(t("cli.send_dry_run", count=sum(1 for p in outcome.planned if not p.already)))
        return EXIT_OK
    sending.deliver(store, viewer, outcome)
    for email, why in outcome.failed.items():
        print(t("cli.send_failed", email=email, detail=why), file=sys.stderr)
    print(t("cli.send_summary", sent=len(outcome.sent), failed=len(outcome.failed), month=months.key(month)))
    return EXIT_REJECTED if outcome.failed else EXIT_OK


def _show_one(
    planned: Sequence[sending.Planned] | Sequence[reminding.Planned],
    email: str,
    nobody: str = "cli.send_nobody",
) -> None:
    """One person's mail of `planned` as it would go, its subject and text (`--show`); `nobody`
    says it of an address that gets none."""
    by_email = {p.letter.to: p for p in planned}
    found = identity.match(email, by_email)
    if found is None:
        raise Usage(Problem(nobody, "--show", (("email", email),)))
    one = by_email[found]
    if one.already:  # nothing goes to them again: said, not an empty letter
        print(f"\n{t('cli.show_already', email=found)}\n")
        return
    print(f"\n{t('send_tab.subject')}: {one.letter.subject}\n\n{one.letter.body}\n")


def _mail_ready(planned: Sequence[sending.Planned] | Sequence[reminding.Planned]) -> None:
    """Before a send lists whom it mails: without a mail server nothing goes, so it says so first
    (it listed eleven people as "sending" and then said no server was configured: an
    administrator's trial). `planned` are a send's or a reminder's prepared mails."""
    from kpi.delivery import mail

    missing = mail.missing()
    if missing is not None and any(not one.already for one in planned):
        raise Unavailable(missing)


def _remind(args: argparse.Namespace, store: sa.Engine) -> int:
    """Mail each person what they still owe for the month (the last complete one unless
    `--month`) on the company's today, each item at most once a day. A letter refused is named,
    the rest still go, and the exit is 1."""
    from kpi.delivery import reminding
    from kpi.store import engine

    month = _month(args.month)
    with engine.reading(store) as conn:
        viewer = _viewer(args, conn)
    outcome = reminding.prepare(store, viewer, month, i18n.current(), settings.today())
    if not args.dry_run:
        _mail_ready(outcome.planned)
    for one in outcome.planned:
        state = (
            t("cli.send_already") if one.already else t("cli.send_would" if args.dry_run else "cli.send_to")
        )
        print(
            "\t".join([one.letter.to, state, t("cli.remind_counts", count=len(one.items), new=len(one.new))])
        )
    if args.show:  # what a reminder names: its counts alone did not say (an administrator's trial)
        _show_one(outcome.planned, args.show, "cli.remind_nobody")
    if args.dry_run:
        print(t("cli.remind_dry_run", count=sum(1 for p in outcome.planned if not p.already)))
        return EXIT_OK
    reminding.deliver(store, viewer, outcome)
    for email, why in outcome.failed.items():
        print(t("cli.send_failed", email=email, detail=why), file=sys.stderr)
    summary = t(
        "cli.remind_summary",
        month=months.key(month),
        day=outcome.today.isoformat(),
        sent=len(outcome.sent),
        failed=len(outcome.failed),
    )
    print(summary)
    return EXIT_REJECTED if outcome.failed else EXIT_OK


def _alerts(args: argparse.Namespace, store: sa.Engine) -> int:
    from kpi.store import engine

    month = _month(args.month)
    with engine.reading(store) as conn:
        viewer = _viewer(args, conn)
    return _alert(store, viewer, month, dry_run=args.dry_run)


def _alert(store: sa.Engine, viewer: Person, month: date, *, dry_run: bool, after: bool = False) -> int:
    """The alerts of `month` (`alerts`, or `after` a pull or an import, then only where a mail
    server or a webhook is configured): each recipient's digest of new states; a failed one is
    named and the exit is 1."""
    from kpi.delivery import alerts
    from kpi.store import engine

    if not access.may_define(viewer):
        raise Denied(Problem("edit.denied_administration"))
    if after:
        with engine.reading(store) as conn:
            if not alerts.configured(conn):
                return EXIT_OK
    outcome = alerts.prepare(store, month, i18n.current())
    for digest in outcome.digests:
        print("\t".join([digest.recipient, t("cli.alerts_states", count=len(digest.items))]))
    if dry_run:
        return EXIT_OK
    alerts.deliver(store, viewer.email, outcome)
    if outcome.skipped:
        print(t("cli.alerts_no_mail", count=len(outcome.skipped)))
    for recipient, why in outcome.failed.items():
        print(t("cli.send_failed", email=recipient, detail=why), file=sys.stderr)
    if outcome.digests:
        print(t("cli.alerts_summary", sent=len(outcome.sent), failed=len(outcome.failed)))
    return EXIT_REJECTED if outcome.failed else EXIT_OK


def _said_pulled(done: Outcome, dry_run: bool, *, several: bool) -> None:
    """A month's pull: a line per source and priority (the month first when several were
    pulled), then its summary."""
    for line in done.lines:
        value = fmt.number(line.value, 2) if line.value is not None else ""
        before = fmt.number(line.before, 2) if line.before is not None else ""
        outcome = t(f"cli.pull_{line.outcome}", value=value, before=before)
        print("\t".join([months.key(done.month)] * several + [line.kpi, outcome, line.source]))
    counts = {o: done.count(o) for o in ("inserted", "updated", "unchanged", "missing")}
    summary = t("cli.pull_summary", month=months.key(done.month), count=len(done.lines), **counts)
    kept = done.count("kept")
    summary += " " + t("cli.pull_kept_note", count=kept) if kept else ""
    print(summary + (" " + t("cli.dry_run_done") if dry_run else ""))
    if done.unusual:  # written all the same: a real month may be far from usual too
        print(phrases.to_check(done.unusual))


def _calendar(args: argparse.Namespace, store: sa.Engine) -> int:
    """List the months' calendars, or set one month's dates (administrators): dates not given
    keep the month's calendar as it is (set, or by the default rule); the whole is checked."""
    from kpi.output import owed_text
    from kpi.store import cycle as calendars
    from kpi.store import engine

    given = {name: getattr(args, name) for name in cycle.DATES if getattr(args, name) is not None}
    if not given:
        last = months.last_complete(settings.today())
        first, until = (months.add(last, n) for n in CALENDAR_AROUND)
        if args.month is not None:
            first = until = _month(args.month)
        with engine.reading(store) as conn:
            for calendar in calendars.listing(conn, first, until):
                print(owed_text.calendar_line(calendar))
        return EXIT_OK
    if args.month is None:
        raise Usage(Problem("cli.calendar_needs_month", "--month"))
    month = _month(args.month)
    with engine.writing(store) as conn:
        viewer = _viewer(args, conn)
        now = calendars.read(conn, month)
        typed = {name: now.due(name).isoformat() for name in cycle.DATES} | given
        outcome = calendars.write(conn, viewer, {"month": months.key(month), **typed})
        done = calendars.read(conn, month)
    print(t(f"cli.calendar_{outcome}", month=fmt.month_long(month)))
    print(owed_text.calendar_line(done))
    return EXIT_OK


def _owed(args: argparse.Namespace, store: sa.Engine) -> int:
    """Who still owes what for the month, as the viewer may see it (`--as`, `--department`)."""
    from kpi.output import owed_text
    from kpi.store import closing, engine, owing, queries
    from kpi.store import cycle as calendars

    month, today = _month(args.month), settings.today()
    with engine.reading(store) as conn:
        scope = _scope(args, conn)
        found = owing.owed_items(conn, scope, month, i18n.current(), today)
        calendar = calendars.read(conn, month)
        closed = closing.closed(conn, month)
        names = {p.email: p.name for p in queries.people(conn, include_retired=True)}
    if args.json:
        print(json.dumps(owed_text.as_dict(month, today, calendar, found), ensure_ascii=False, indent=2))
        return EXIT_OK
    # a person's dates, as the Overview says them: the calendar command's line is what is typed back
    print(phrases.calendar_said(calendar, closed.closed_at.date() if closed else None))
    # "0 items still owed" ("mangler der stadig 0 punkter") read oddly
    print(
        t("cli.owed_count", month=fmt.month_long(month), count=len(found))
        if found
        else t("cli.owed_none", month=fmt.month_long(month))
    )
    for line in owed_text.lines(found, names):
        print(line)
    return EXIT_OK
