"""`remind` against a real SMTP server on 127.0.0.1: each person mailed what they still owe for the
month (overdue, or due within `owed.REMIND_DAYS` days) from a small store built here, the expected
items computed from the store's own inputs (tests/test_cycle.py's company); at most once per item
per day, again the next day while still owed; a dry run sends nothing; a refused mail is named
(exit 1) while the others go; the Data page's Send tab previews and sends. That a head's reminder
holds nothing of other departments is tests/test_no_leaks.py's matrix."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from kpi import cli, settings
from kpi.domain import owed
from kpi.store import corrections, engine
from kpi.store import schema as s
from tests import postbox
from tests.conftest import as_admin, forget_app, load_company, new_app, point_app_at
from tests.sharing import open_data_tab
from tests.test_cycle import ADMIN, CEO, CS_HEAD, EVERY_ITEM, IT_HEAD, OCTOBER, TODAY, _company

MONTH = "2026-10"


@pytest.fixture
def owed_url(empty_url) -> str:
    return load_company(empty_url, _company())


@pytest.fixture
def mailserver(monkeypatch):
    with postbox.mailserver() as server:
        postbox.use(monkeypatch, server)
        yield server
    settings.forget()


@pytest.fixture
def clock(monkeypatch):
    """The company's today (`settings.today`, which the calendar's overdue and the delivery log's
    day both read), set by the test: `clock(day)`."""

    def on(day: date) -> None:
        monkeypatch.setattr(settings, "today", lambda clock=None: day)

    on(TODAY)
    return on


def _expected(day: date, extra: list | None = None) -> dict[str, list[tuple[str, str, bool]]]:
    """Per person, the (kind, subject, overdue) of the items a reminder on `day` names: the rule
    (overdue, or due within REMIND_DAYS days) applied to the store's own inputs (EVERY_ITEM)."""
    out: dict[str, list[tuple[str, str, bool]]] = {}
    for kind, email, _, subject, due, _ in EVERY_ITEM + (extra or []):
        overdue = day > due
        if overdue or due <= day + timedelta(days=owed.REMIND_DAYS):
            out.setdefault(email, []).append((kind, subject, overdue))
    return out


KINDS = {
    "value": "Value missing",
    "commentary": "Commentary owed",
    "acceptance": "Goal to accept",
    "action": "Action to finish",
}
SUBJECTS = {subject for _, _, _, subject, _, _ in EVERY_ITEM} | {"Open tickets"}


def _check(body: str, items: list[tuple[str, str, bool]]) -> None:
    """`body` names exactly `items`, each marked overdue or not, and no other owed subject."""
    listed = [line for line in body.splitlines() if line.startswith("- ")]
    assert len(listed) == len(items), body
    for kind, subject, overdue in items:
        line = next(line for line in listed if f": {subject}," in line)
        assert KINDS[kind] in line and line.startswith("- OVERDUE · ") == overdue, line
    for other in SUBJECTS - {subject for _, subject, _ in items}:
        assert other not in body


def _reminded(url: str) -> list[tuple[str, str, str]]:
    d = s.delivery
    with engine.reading(engine.create(url)) as conn:
        rows = conn.execute(sa.select(d.c.item, d.c.recipient, d.c.status).where(d.c.kind == "remind"))
        return sorted(tuple(r) for r in rows)


def test_each_person_gets_what_they_owe_once_a_day_and_again_the_next(owed_url, mailserver, clock, capsys):
    expected = _expected(TODAY)
    assert set(expected) == {CS_HEAD.email, IT_HEAD.email, CEO.email}  # the acceptances are not due yet
    assert cli.main(["--db", owed_url, "remind", "--month", MONTH]) == cli.EXIT_OK
    assert sorted(r.to for r in mailserver.received) == sorted(expected)
    for received in mailserver.received:
        assert received.message["Subject"] == "Owed Ltd: what you still owe for October 2026"
        _check(received.body, expected[received.to])
        assert received.attachments == []
    wait = mailserver.to(CS_HEAD.email)[0].body
    assert "- OVERDUE · Value missing: Wait on the phone, was due 10 Nov 2026" in wait
    assert "values due 10 Nov 2026 · commentary due 13 Nov 2026" in wait
    assert "- Commentary owed: Callers answered, due 13 Nov 2026" in mailserver.to(CEO.email)[0].body
    logged = _reminded(owed_url)
    assert len(logged) == sum(len(items) for items in expected.values())
    assert all(item.endswith(":2026-11-12") and status == "sent" for item, _, status in logged)
    with engine.reading(engine.create(owed_url)) as conn:  # every send audited
        audited = conn.execute(
            sa.select(sa.func.count()).select_from(s.audit).where(s.audit.c.table_name == "delivery")
        ).scalar()
    assert audited == len(logged)

    capsys.readouterr()
    assert cli.main(["--db", owed_url, "remind", "--month", MONTH]) == cli.EXIT_OK  # the same day
    assert len(mailserver.received) == len(expected)
    out = capsys.readouterr().out
    assert "Reminders for 2026-10 on 2026-11-12: 0 sent, 0 failed." in out and "already sent" in out

    with engine.writing(engine.create(owed_url)) as conn:  # a new item the same day: only it is named
        corrections.delete(conn, as_admin(), OCTOBER, "TICKETS")
    assert cli.main(["--db", owed_url, "remind", "--month", MONTH]) == cli.EXIT_OK
    [fresh] = mailserver.received[len(expected) :]
    assert fresh.to == IT_HEAD.email
    _check(fresh.body, [("value", "Open tickets", True)])
    expected[IT_HEAD.email].append(("value", "Open tickets", True))
    sent_today = len(mailserver.received)

    tomorrow = TODAY + timedelta(days=1)
    clock(tomorrow)
    again = _expected(tomorrow, [("value", IT_HEAD.email, "IT", "Open tickets", date(2026, 11, 10), True)])
    assert ("acceptance", "Short waits", False) in again[CS_HEAD.email]  # due 16 Nov: now within reach
    assert cli.main(["--db", owed_url, "remind", "--month", MONTH]) == cli.EXIT_OK
    later = mailserver.received[sent_today:]
    assert sorted(r.to for r in later) == sorted(again)
    for received in later:
        _check(received.body, again[received.to])


def test_a_dry_run_lists_who_would_get_what_and_sends_nothing(owed_url, mailserver, clock, capsys):
    assert cli.main(["--db", owed_url, "remind", "--month", MONTH, "--dry-run"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    for email, items in _expected(TODAY).items():
        count = f"{len(items)} item{'s' * (len(items) > 1)}"
        assert f"{email}\twould be sent\t{count} · new today: {len(items)}" in out
    assert "Dry run: 3 reminders would be sent; nothing was sent." in out
    assert mailserver.received == [] and _reminded(owed_url) == []
    # what one person's reminder names, before it goes: the counts alone did not say
    show = ["--db", owed_url, "remind", "--month", MONTH, "--dry-run", "--show", IT_HEAD.email.upper()]
    assert cli.main(show) == cli.EXIT_OK
    letter = capsys.readouterr().out
    assert all(subject in letter for _, subject, _ in _expected(TODAY)[IT_HEAD.email])
    assert mailserver.received == [] and _reminded(owed_url) == []
    nobody = ["--db", owed_url, "remind", "--month", MONTH, "--dry-run", "--show", "nobody@example.com"]
    assert cli.main(nobody) == cli.EXIT_USAGE  # said as a reminder's, not as the month's mail
    assert "nobody@example.com owes nothing to be reminded of today" in capsys.readouterr().err


def test_a_refused_reminder_is_named_the_others_go_and_it_is_tried_again(owed_url, mailserver, clock, capsys):
    mailserver.handler.refuse.add(IT_HEAD.email)
    assert cli.main(["--db", owed_url, "remind", "--month", MONTH]) == cli.EXIT_REJECTED
    err = capsys.readouterr().err
    assert f"Not sent to {IT_HEAD.email}: 550 5.1.1 mailbox unavailable" in err and "Traceback" not in err
    assert sorted(r.to for r in mailserver.received) == sorted({CS_HEAD.email, CEO.email})
    failed = [row for row in _reminded(owed_url) if row[2] == "failed"]
    assert {who for _, who, _ in failed} == {IT_HEAD.email} and len(failed) == len(
        _expected(TODAY)[IT_HEAD.email]
    )
    mailserver.handler.refuse.clear()
    assert cli.main(["--db", owed_url, "remind", "--month", MONTH]) == cli.EXIT_OK
    assert [r.to for r in mailserver.received[2:]] == [IT_HEAD.email]
    capsys.readouterr()  # reminded today: --show says so, not "nobody gets a mail" nor an empty letter
    assert cli.main(["--db", owed_url, "remind", "--month", MONTH, "--dry-run", "--show", IT_HEAD.email]) == 0
    assert (
        f"{IT_HEAD.email} has had this mail already: nothing goes to them again." in capsys.readouterr().out
    )


def test_only_an_administrator_reminds_and_without_a_server_it_is_refused(
    owed_url, clock, monkeypatch, capsys
):
    assert cli.main(["--db", owed_url, "--as", CS_HEAD.email, "remind", "--month", MONTH]) != cli.EXIT_OK
    assert "Traceback" not in capsys.readouterr().err
    monkeypatch.setenv("KPI_SMTP_HOST", "")
    settings.forget()
    assert cli.main(["--db", owed_url, "remind", "--month", MONTH]) == cli.EXIT_REJECTED
    said = capsys.readouterr()
    assert "No mail server is configured" in said.err
    assert said.out == ""  # nobody listed as being sent to before it says so
    assert _reminded(owed_url) == []
    settings.forget()


@pytest.mark.parametrize("empty_url", ["duckdb"], indirect=True)
def test_the_send_tab_previews_and_sends_the_reminders(owed_url, mailserver, clock, monkeypatch):
    point_app_at(monkeypatch, owed_url)
    postbox.use(monkeypatch, mailserver)
    try:
        at = new_app(month=MONTH, **{"as": ADMIN.email}).run()
        open_data_tab(at.switch_page("pages/data.py"), "definitions.tab_send")
        at.button(key="data.remind.preview").click().run()
        assert not at.exception, at.exception
        plan = next(d.value for d in at.dataframe if "New today" in d.value.columns)
        assert sorted(plan["E-mail"]) == sorted(_expected(TODAY))
        at.selectbox(key="data.remind.read_one").set_value(IT_HEAD.email).run()  # what it names
        letter = " ".join(x.value for x in at.text)
        assert all(subject in letter for _, subject, _ in _expected(TODAY)[IT_HEAD.email])
        assert mailserver.received == []
        at.button(key="data.remind.send").click().run()
        assert not at.exception, at.exception
        assert "Reminders sent to 3 people." in [m.value for m in at.success]
        assert len(mailserver.received) == 3
        at.button(key="data.remind.send").click().run()
        assert "Everyone has been reminded today: nothing new to send." in [m.value for m in at.info]

        clock(TODAY + timedelta(days=1))  # the next day: Carl's server refuses, the others go
        mailserver.handler.refuse.add(CS_HEAD.email)
        at.button(key="data.remind.send").click().run()
        assert not at.exception, at.exception
        assert "Reminders sent to 2 people." in [m.value for m in at.success]
        failures = next(d.value for d in at.dataframe if "Why" in d.value.columns)
        assert list(failures["To"]) == [CS_HEAD.email]  # one line for the mail, not one per item
        assert list(failures["Why"]) == ["550 5.1.1 mailbox unavailable"]

        clock(TODAY + timedelta(days=2))  # a day on, it goes: the failure is made good
        mailserver.handler.refuse.clear()
        at.button(key="data.remind.send").click().run()
        assert not at.exception, at.exception
        assert not any("Why" in d.value.columns for d in at.dataframe)
    finally:
        forget_app()


def test_a_reminder_made_good_within_the_second_of_its_failure_is_no_longer_shown_failed():
    """The log keeps whole seconds: a failure one day and its success the next, logged within
    one second (as a test's clock or a quick retry does), must leave no failure, in either
    order the store returns them."""
    from datetime import datetime

    from kpi.delivery import reminding
    from kpi.store.deliveries import FAILED, SENT, Delivery
    from kpi.ui.views.send_view import _still_failed

    at = datetime(2026, 11, 14, 9, 30, 5)
    failed = Delivery(reminding.KIND, "2026-10:value:CS_WAIT:2026-11-13", CS_HEAD.email, FAILED, at, "550")
    sent = Delivery(reminding.KIND, "2026-10:value:CS_WAIT:2026-11-14", CS_HEAD.email, SENT, at, "")
    assert _still_failed([failed, sent]) == [] and _still_failed([sent, failed]) == []
    later = Delivery(reminding.KIND, "2026-10:value:CS_WAIT:2026-11-15", CS_HEAD.email, FAILED, at, "550")
    assert _still_failed([later, sent, failed]) == [later]  # failing again the day after: shown
