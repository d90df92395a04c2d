"""Shared by the outbox and reminders tests: where the .eml files go, reading
them back, actions made through the ORM, a closed port and a small SMTP server."""

from __future__ import annotations

import email
import email.policy
import socket
import socketserver
import threading
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from crm.actions.models import Action, ActionStatus
from crm.actions.services import next_reference
from crm.extensions import db
from crm.outbox.models import OutboxMessage

BASE_URL = "https://crm.example.org"
# 9am on Thursday 3 December 2026 in London (GMT).
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
TODAY = date(2026, 12, 3)


@pytest.fixture
def outbox_dir(app, tmp_path, monkeypatch):
    """The file transport, writing to a folder of this test's own, and links to BASE_URL."""
    directory = tmp_path / "outbox"
    monkeypatch.setitem(app.config, "CRM_OUTBOX_DIR", str(directory))
    monkeypatch.setitem(app.config, "CRM_SMTP_HOST", "")
    monkeypatch.setitem(app.config, "CRM_BASE_URL", BASE_URL)
    monkeypatch.setitem(app.config, "CRM_MAIL_FROM", "Partnership CRM <crm@example.org>")
    return directory


def emails(directory: Path) -> list[email.message.EmailMessage]:
    """The .eml files written, parsed back, in the order they were sent."""
    if not directory.exists():
        return []
    files = sorted(directory.glob("*.eml"), key=lambda path: int(path.name.split("-")[1]))
    return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in files]


def parts(message) -> tuple[str, str]:
    """The plain text and the HTML of a multipart/alternative message."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def to(message) -> str:
    return str(message["To"])


def add_action(app, owner, title, *, due_on=None, status=ActionStatus.OPEN, staff_lead=None, **fields) -> int:
    """An action of `owner`, through the ORM, with the next reference of 2026."""
    with app.app_context():
        action = Action(
            reference=next_reference("A-2026"),
            title=title,
            owner_id=owner.id,
            due_on=due_on,
            status=status,
            staff_lead_id=staff_lead.id if staff_lead else None,
            last_update_at=NOW,
            **fields,
        )
        db.session.add(action)
        db.session.commit()
        return action.id


def outbox_rows(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return rows


def closed_port() -> int:
    """A local port nothing listens on (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, MAIL, RCPT, DATA, RSET, QUIT."""

    timeout = 5

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 localhost test SMTP")
        recipients, lines, in_data = [], [], False
        while True:
            line = self.rfile.readline()
            if not line:
                return
            if in_data:
                if line == b".\r\n":
                    self.server.received.append((recipients, b"".join(lines)))
                    recipients, lines, in_data = [], [], False
                    self.reply("250 queued")
                    if self.server.one_message_per_connection:
                        return  # hang up, as a server limiting messages per connection does
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            command = line[:4].upper()
            if command == b"EHLO":
                self.reply("250-localhost")
                self.reply("250 8BITMIME")
            elif command == b"RCPT":
                address = line.decode().split(":", 1)[1].strip().strip("<>")
                if address.startswith("refused@"):
                    self.reply("550 no such mailbox")
                else:
                    recipients.append(address)
                    self.reply("250 OK")
            elif command == b"DATA":
                in_data = True
                self.reply("354 go ahead")
            elif command == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


@contextmanager
def smtp_server(*, one_message_per_connection=False):
    """A local SMTP server on 127.0.0.1 for one test: yields (port, received).
    It offers no STARTTLS."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
    server.daemon_threads = True
    server.received = []
    server.one_message_per_connection = one_message_per_connection
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], server.received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
