"""`send` and alerts against a real SMTP server on 127.0.0.1 and a local webhook receiver.

Who gets what, that the attached packs open, that sending twice sends nothing new, that a dry
run sends nothing, that a refused mail is named (exit 1, and on the Data page's Send tab) while
the others still go, and that an alert fires once per change of state. That no mail, pack or
webhook body holds another department's numbers is tests/test_no_leaks.py's matrix.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from kpi import cli, settings
from kpi.delivery import mail
from kpi.domain import access
from kpi.domain.access import EVERYTHING
from kpi.store import corrections, decks, engine, queries, schema
from tests import postbox
from tests.conftest import as_admin
from tests.sharing import open_data_tab
from tests.test_pages import texts

MONTH = "2026-10"
OCTOBER = date(2026, 10, 1)
ADMIN = "sofie.dahl@havnhjem.example"


@pytest.fixture
def mailserver(monkeypatch):
    with postbox.mailserver() as server:
        postbox.use(monkeypatch, server)
        yield server
    settings.forget()


def _cli(url: str, *args: str) -> int:
    return cli.main(["--db", url, *args])


def _readers(url: str) -> dict[str, int]:
    """Everyone who may read something, with the number of slides of their deck."""
    with engine.reading(engine.create(url)) as conn:
        links = queries.goal_links(conn)
        out = {}
        for person in queries.people(conn):
            scope = access.scope_for(person, links)
            if scope.departments is None or scope.departments or scope.goals:
                out[person.email] = len(decks.slides(conn, scope, OCTOBER, "en"))
        return out


def _deliveries(url: str) -> list[tuple]:
    d = schema.delivery
    with engine.reading(engine.create(url)) as conn:
        return [tuple(r) for r in conn.execute(sa.select(d.c.kind, d.c.item, d.c.recipient, d.c.status))]


def test_a_dry_run_sends_nothing_and_only_a_closed_month_is_sent(demo_duckdb_url, mailserver, capsys):
    assert _cli(demo_duckdb_url, "send", "--month", MONTH, "--dry-run") == 1
    assert "October 2026 is not closed: only a closed month is sent" in capsys.readouterr().err
    assert _cli(demo_duckdb_url, "close", "--month", MONTH, "--anyway") == 0
    capsys.readouterr()
    assert _cli(demo_duckdb_url, "send", "--month", MONTH, "--dry-run") == 0
    out = capsys.readouterr().out
    readers = _readers(demo_duckdb_url)
    assert all(f"{email}\twould be sent\tslides: {n} ·" in out for email, n in readers.items()), out
    assert f"Dry run: {len(readers)} mails would be sent; nothing was sent." in out
    assert mailserver.received == [] and _deliveries(demo_duckdb_url) == []
    # one person's mail read before it goes: its subject and text, found by the address in any case
    assert (
        _cli(
            demo_duckdb_url, "send", "--month", MONTH, "--dry-run", "--show", "Camilla.Berg@havnhjem.example"
        )
        == 0
    )
    shown = capsys.readouterr().out
    assert "Subject: Havn & Hjem A/S: October 2026" in shown and "Dear Camilla Berg" in shown
    assert "Attached: the month's pack as you may see it" in shown
    assert mailserver.received == [] and _deliveries(demo_duckdb_url) == []
    assert _cli(demo_duckdb_url, "send", "--month", MONTH, "--dry-run", "--show", "nobody@example.com") == 2
    assert (
        "--show: nobody with the e-mail nobody@example.com gets a mail of this month."
        in capsys.readouterr().err
    )


def test_without_a_mail_server_send_is_refused_and_names_the_settings(demo_duckdb_url, monkeypatch, capsys):
    monkeypatch.setenv("KPI_SMTP_HOST", "")
    settings.forget()
    assert _cli(demo_duckdb_url, "close", "--month", MONTH, "--anyway") == 0
    capsys.readouterr()
    assert _cli(demo_duckdb_url, "send", "--month", MONTH) == 1
    said = capsys.readouterr()
    assert "No mail server is configured: set KPI_SMTP_HOST and KPI_SMTP_FROM" in said.err
    assert "sending" not in said.out  # it listed everyone as "sending" before it said so
    assert _deliveries(demo_duckdb_url) == []
    assert _cli(demo_duckdb_url, "send", "--month", MONTH, "--dry-run") == 0  # a dry run needs no server
    settings.forget()


def test_send_mails_each_reader_their_pack_once_names_a_refused_mail_and_the_data_page_shows_it(
    app, app_url, mailserver, capsys
):
    """One send run with a refused mail, then the run that sends it: a send builds every reader's
    pack (the dearest step of this module), so one test per backend proves both what a good run
    sends (every reader their month and their own deck, once) and what a refused mail does (named,
    exit 1, the others still go, shown on the Data page, sent by the next run and nobody else)."""
    refused = "henrik.juul@havnhjem.example"
    mailserver.handler.refuse.add(refused)
    assert _cli(app_url, "close", "--month", MONTH, "--anyway") == 0
    assert _cli(app_url, "send", "--month", MONTH) == 1
    err = capsys.readouterr().err
    assert f"Not sent to {refused}: 550 5.1.1 mailbox unavailable" in err and "Traceback" not in err
    readers = _readers(app_url)
    assert refused in readers
    assert sorted(r.to for r in mailserver.received) == sorted(set(readers) - {refused})
    at = app(month=MONTH, **{"as": ADMIN})  # opened at its own address, as a link opens it
    open_data_tab(at.switch_page("pages/data.py"), "definitions.tab_send")
    assert not at.exception, at.exception
    failures = next(d.value for d in at.dataframe if "Why" in d.value.columns)
    assert list(failures["To"]) == [refused] and "550" in failures["Why"][0]
    assert list(failures["What"]) == ["Month"]
    assert "Mail goes through 127.0.0.1:" in texts(at).replace("\\", "")
    mailserver.handler.refuse.clear()
    assert _cli(app_url, "send", "--month", MONTH) == 0  # the failed one, and nobody else again
    assert [r.to for r in mailserver.received].count(refused) == 1
    assert sorted(r.to for r in mailserver.received) == sorted(readers)  # one mail each
    assert ("month", MONTH, refused, "sent") in _deliveries(app_url)
    for received in mailserver.received:
        assert received.message["Subject"] == "Havn & Hjem A/S: October 2026"
        [(name, pack)] = received.attachments
        assert name == "Havn-Hjem-A-S-October-2026.pptx"
        assert postbox.slides_in(pack) == readers[received.to]  # opens, and is their deck
        assert "October 2026 was closed on" in received.body
    head = mailserver.to("ida.krogh@havnhjem.example")[0].body  # heads marketing
    assert "Yours to look at (2):" in head and "- Off target: Campaign complaints · 1.2" in head
    # the goal on that number is told with it, not as a third item
    assert "\n  Also: Goal at risk: Fewer customers complain about campaigns · 1.2\xa0‰ (target 0.9" in head
    with engine.reading(engine.create(app_url)) as conn:
        audited = conn.execute(
            sa.select(sa.func.count())
            .select_from(schema.audit)
            .where(schema.audit.c.table_name == "delivery")
        ).scalar()
    assert audited == len(readers) + 1  # each send, and the one failure before it was sent
    capsys.readouterr()
    assert _cli(app_url, "send", "--month", MONTH) == 0  # again: nothing new
    assert len(mailserver.received) == len(readers)
    assert f"{MONTH}: 0 sent, 0 failed." in capsys.readouterr().out


@pytest.mark.parametrize("app_url", ["duckdb"], indirect=True)
def test_the_send_tab_previews_and_sends(app, app_url, mailserver):
    """On DuckDB only: the tab plans and sends with kpi.delivery.sending's prepare and deliver,
    the functions the command line's `send` runs, which the test above proves on PostgreSQL too
    (and the Data page on PostgreSQL with it)."""
    with engine.writing(engine.create(app_url)) as conn:
        from kpi.store import closing

        closing.close(conn, as_admin(), OCTOBER)
    at = app(month=MONTH, **{"as": ADMIN})  # opened at its own address, as a link opens it
    open_data_tab(at.switch_page("pages/data.py"), "definitions.tab_send")
    at.button(key="data.send.preview").click().run()
    assert not at.exception, at.exception
    plan = next(d.value for d in at.dataframe if "Comments owed" in d.value.columns)
    assert sorted(plan["E-mail"]) == sorted(_readers(app_url)) and set(plan["State"]) == {"To be sent"}
    assert mailserver.received == []  # a preview sends nothing
    at.selectbox(key="data.send.read_one").set_value("camilla.berg@havnhjem.example").run()
    letter = [x.value for x in at.text]  # one person's mail as it would go, as plain text
    assert "Subject: Havn & Hjem A/S: October 2026" in letter and any(
        "Dear Camilla Berg" in x for x in letter
    )
    at.button(key="data.send.send").click().run()
    assert not at.exception, at.exception
    assert f"Sent to {len(plan)} people." in [s.value for s in at.success]
    assert len(mailserver.received) == len(plan)


def _late_kpi(url: str, department: str) -> tuple[str, str]:
    """A KPI of `department` measured by a goal that has an owner: (code, name)."""
    with engine.reading(engine.create(url)) as conn:
        goals = [g for g in queries.goals(conn, EVERYTHING, "en") if g.department == department and g.owner]
        kpis = {k.code: k for k in queries.kpis(conn, EVERYTHING, "en") if not k.aggregation.is_survey}
    code = next(g.kpi for g in goals if g.kpi in kpis)
    return code, kpis[code].name


def test_alerts_fire_once_per_change_of_state(demo_url, mailserver, monkeypatch, capsys):
    with postbox.webhooks() as hooks:
        postbox.use(monkeypatch, mailserver, CS=f"{hooks.url}/cs")
        assert _cli(demo_url, "alerts", "--month", MONTH) == 0  # the states there are: each once
        first_mails, first_posts = len(mailserver.received), len(hooks.posts)
        assert first_mails > 0
        assert _cli(demo_url, "alerts", "--month", MONTH) == 0  # nothing changed: nothing sent
        assert (len(mailserver.received), len(hooks.posts)) == (first_mails, first_posts)
        code, name = _late_kpi(demo_url, "CS")
        with engine.writing(engine.create(demo_url)) as conn:  # its October value is taken back: late
            corrections.delete(conn, as_admin(), OCTOBER, code)
        capsys.readouterr()
        assert _cli(demo_url, "alerts", "--month", MONTH) == 0
        new_mails = mailserver.received[first_mails:]
        assert len(new_mails) == 1 and f"- Value late: {name}:" in new_mails[0].body
        assert new_mails[0].message["Subject"] == "Havn & Hjem A/S: 1 new alert"
        [(path, post)] = hooks.posts[first_posts:]
        assert path == "/cs" and post["text"].startswith(
            "Havn &amp; Hjem A/S, October 2026: 1 new alert\n"
        )  # as a chat shows "&"
        assert post["text"].count("\n- ") == 1 and f"- Value late: {name}:" in post["text"]
        assert _cli(demo_url, "alerts", "--month", MONTH) == 0  # the same state: never twice
        assert (len(mailserver.received), len(hooks.posts)) == (first_mails + 1, first_posts + 1)


def test_an_import_alerts_after_it_commits(demo_duckdb_url, mailserver, tmp_path, monkeypatch, capsys):
    code, name = _late_kpi(demo_duckdb_url, "CS")
    with engine.writing(engine.create(demo_duckdb_url)) as conn:
        corrections.delete(conn, as_admin(), OCTOBER, code)
    monkeypatch.setattr(settings, "today", lambda clock=None: date(2026, 11, 20))  # October complete, late
    notes = tmp_path / "departments.csv"
    notes.write_text("code,name\nCS,Customer service\n", encoding="utf-8")
    assert _cli(demo_duckdb_url, "import", "departments", str(notes)) == 0
    assert any(f"- Value late: {name}:" in r.body for r in mailserver.received)
    sent = len(mailserver.received)
    assert _cli(demo_duckdb_url, "import", "departments", str(notes)) == 0  # nothing new since
    assert len(mailserver.received) == sent


def test_a_webhook_is_https_or_this_machine_and_never_follows_a_redirect():
    assert mail.post("http://hooks.example.com/x", "hi").startswith("not https")
    assert mail.post("ftp://hooks.example.com/x", "hi").startswith("not https")
    with postbox.webhooks() as hooks:
        assert mail.post(f"{hooks.url}/ok", "hello") == ""
        assert hooks.to("/ok") == [{"text": "hello", "mrkdwn": False}]


def test_a_webhook_gets_what_people_typed_as_text_not_as_chat_markup():
    """A priority's text `<!channel> <https://evil.example/login|Sign in again> *URGENT*
    [x](https://evil.example)` went out as Slack's @channel, a disguised link and Markdown."""
    typed = "<!channel> <https://evil.example/login|Sign in again> *URGENT* [x](https://evil.example) A&B"
    with postbox.webhooks() as hooks:
        assert mail.post(f"{hooks.url}/cs", f"- Service priority broken: {typed}") == ""
        (sent,) = hooks.to("/cs")
    text = sent["text"]
    assert sent["mrkdwn"] is False and "<" not in text and ">" not in text
    assert "&lt;!channel&gt;" in text and "A&amp;B" in text
    assert "](" not in text and "*URGENT*" not in text  # no link and no emphasis forms
    assert mail.chat_text("App_Pool_01\x01") == "App_\u2060Pool_\u206001"  # Teams' italics, a kept control
    shown = text.replace("\u2060", "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert shown == f"- Service priority broken: {typed}"  # what a chat shows: the text as typed


def test_a_redirecting_webhook_is_a_failure_not_followed():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    asked: list[str] = []

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):
            asked.append(self.path)
            self.send_response(307)
            self.send_header("Location", "/elsewhere")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        why = mail.post(f"http://127.0.0.1:{server.server_address[1]}/hook", "secret text")
    finally:
        server.shutdown()
        server.server_close()
    assert why.startswith("HTTP 307") and asked == ["/hook"]


def test_mail_settings_come_from_the_environment_then_the_secrets_table():
    loaded = settings.load({"KPI_SMTP_PORT": "2525"}, {"host": "smtp.example", "port": 25, "starttls": False})
    assert (loaded.smtp_host, loaded.smtp_port, loaded.smtp_starttls) == ("smtp.example", 2525, False)
    assert settings.load({}).smtp_host == "" and settings.load({}).smtp_starttls is True
    with pytest.raises(Exception, match="KPI_SMTP_PORT"):
        settings.load({"KPI_SMTP_PORT": "99999"})
    assert settings.webhook_url("cs", {"KPI_WEBHOOK_CS": " https://x.example/h "}) == "https://x.example/h"
    assert settings.smtp_password({"KPI_SMTP_PASSWORD": "pw"}) == "pw"


@pytest.mark.parametrize("app_url", ["duckdb"], indirect=True)
def test_without_a_mail_server_the_send_tab_previews_but_cannot_send(app, app_url):
    """ "Send October 2026" stood enabled beside "No mail server is configured" (a trial)."""
    with engine.writing(engine.create(app_url)) as conn:
        from kpi.store import closing

        closing.close(conn, as_admin(), OCTOBER)
    at = app(month=MONTH, **{"as": ADMIN})
    open_data_tab(at.switch_page("pages/data.py"), "definitions.tab_send")
    assert not at.exception, at.exception
    assert at.button(key="data.send.send").disabled and at.button(key="data.remind.send").disabled
    assert not at.button(key="data.send.preview").disabled


def test_a_reader_of_every_department_is_told_the_most_severe_of_the_rest(demo_duckdb_url):
    """The CEO's mail named her own three items and none of the broken service priorities (a
    presenter's trial): a reader of every department gets the most severe of the rest too; a
    head's mail holds their own items only."""
    from kpi.delivery import sending
    from kpi.store import closing

    store = engine.create(demo_duckdb_url)
    with engine.writing(store) as conn:
        closing.close(conn, as_admin(), OCTOBER)
    with engine.reading(store) as conn:
        letters = {p.letter.to: p.letter.body for p in sending.plan(conn, OCTOBER, "en")}
    ceo, head = letters["mette.kjaer@havnhjem.example"], letters["camilla.berg@havnhjem.example"]
    rest = ceo.split("The most severe of the rest (", 1)[1]
    assert rest.splitlines()[1].startswith("- Service priority broken: ")  # the most severe first
    assert "most severe of the rest" not in head


def test_an_overdue_action_in_a_mail_says_its_due_date_as_such():
    """A closed month's mail read "Action overdue: Add a second payment provider: – (target due
    31 Oct 2026)" (an adversarial round)."""
    from kpi.domain import attention
    from kpi.text import phrases
    from kpi.text.i18n import use

    late = attention.Item(attention.Kind.LATE_ACTION, "4", "Second provider", "O9", "IT", detail="2026-10-31")
    with use("en"):
        kind, value, target, _ = phrases.attention_facts(late, {})
        assert phrases.numbers(late, value, target) == "due 31\xa0Oct\xa02026"  # a date never breaks
        red = attention.Item(
            attention.Kind.RED_KPI, "CS_WAIT", "Wait", None, "CS", value=96.0, target=60.0, unit="s"
        )
        kind, value, target, _ = phrases.attention_facts(red, {})
        assert phrases.numbers(red, value, target) == f"{value} (target {target})"


def test_a_number_owed_a_comment_is_told_once_with_its_numbers(demo_duckdb_url):
    """Henrik's mail named "Time to restore service" under "Yours to look at" as *Only a comment
    owed* and again under the numbers that went to the meeting without his comment (a trial):
    each number is told once, under the second, with its value and target. (A red number that
    also lacks its comment stays under both: the second says what is still missing of it.)"""
    from kpi.delivery import sending
    from kpi.store import closing

    store = engine.create(demo_duckdb_url)
    with engine.writing(store) as conn:
        closing.close(conn, as_admin(), OCTOBER)
    with engine.reading(store) as conn:
        planned = sending.plan(conn, OCTOBER, "en")
    with_numbers = 0
    for each in planned:
        body = each.letter.body
        if "without your comment:" not in body:
            continue
        owed = body.split("without your comment:\n", 1)[1].split("\n\n", 1)[0].splitlines()
        before = body.split("without your comment:", 1)[0]
        with_numbers += sum(" · " in line for line in owed)
        assert each.owed == len(owed)
        assert "Only a comment owed" not in before, each.letter.to
    assert with_numbers  # the demo's October has such a number, told with its numbers


def test_only_a_comment_owed_is_told_once_by_its_number_and_not_as_nothing_yours():
    """A reader whose only items owe a comment read "Nothing that needs attention is yours" over
    the numbers owed their comment (a review); and an item is matched to the number it owes by
    kind and code, not by name (a goal and a KPI may share one)."""
    from kpi.delivery import sending
    from kpi.domain import attention
    from kpi.text.i18n import use

    owes = attention.Item(
        attention.Kind.COMMENTARY_OWED, "IT_RESTORE", "Restore", None, "IT", value=1.6, unit="h"
    )
    due = [sending.Owed("kpi", "IT_RESTORE", "Restore")]
    assert sending.told_as_owed([owes], due) == [owes]
    assert sending.told_as_owed([owes], [sending.Owed("goal", "IT_RESTORE", "Restore")]) == []  # same name
    with use("en"):
        assert sending.yours([], [owes], 2, {}) == []  # told below, with its numbers
        assert sending.yours([], [], 2, {}) == [
            "Nothing that needs attention is yours; the pack lists all you may see (2)."
        ]
