"""LinkedIn data archives and mailboxes written for the tests, in the layouts LinkedIn and mail
programs publish: the archive of 2023 and later (profile addresses of every party, IS MESSAGE
DRAFT, the invitation profile addresses), the archive of 2019-2022 (SENDER PROFILE URL, no
recipient addresses, no draft column), and the older Messages.csv with its own Direction."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from email.header import Header
from email.utils import format_datetime
from pathlib import Path

OWNER = ("Sam", "Rivera", "https://www.linkedin.com/in/sam-rivera")
# Connections: first, last, profile, email, company, position, connected on.
CONNECTIONS = [
    ("Dana", "Lee", "https://www.linkedin.com/in/dana-lee-42", "dana@example.org", "Hooli",
     "Engineering Manager", "12 Jan 2026"),
    ("Omar", "Haddad", "https://www.linkedin.com/in/omarhaddad", "", "Initech", "Recruiter",
     "03 Feb 2026"),
    ("Zoë", "Martínez", "https://www.linkedin.com/in/zoe-m", "", "Acme", "Staff Engineer",
     "20 Feb 2026"),
    ("Priya", "Natarajan", "https://www.linkedin.com/in/priya-n", "", "Globex", "Designer",
     "01 Mar 2026"),
]
STRANGER = ("Chris", "Stranger", "https://www.linkedin.com/in/chris-stranger")

# Content with commas, quotes and new lines: written by csv as LinkedIn writes it.
TRICKY = 'Hi Sam, thanks for "the talk" at PyCon,\nlet\'s meet again.\r\nBest, Dana'


def _csv(rows: Sequence[Sequence[str]], preamble: str = "") -> bytes:
    out = io.StringIO()
    out.write(preamble)
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def _name(person: Sequence[str]) -> str:
    return f"{person[0]} {person[1]}"


def connections_csv() -> bytes:
    preamble = (
        "Notes:\n"
        '"When exporting your connection data, you may notice that some of the email '
        'addresses are missing. You will only see email addresses for connections who have '
        'allowed their connections to see or download their email address using this setting '
        'https://www.linkedin.com/psettings/privacy/email"\n\n'
    )
    header = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position",
              "Connected On"]
    return _csv([header, *[list(c) for c in CONNECTIONS]], preamble)


def profile_csv() -> bytes:
    header = ["First Name", "Last Name", "Maiden Name", "Address", "Birth Date", "Headline",
              "Summary", "Industry", "Zip Code", "Geo Location", "Twitter Handles", "Websites",
              "Instant Messengers"]
    return _csv([header, [OWNER[0], OWNER[1], "", "", "", "Engineer", "", "", "", "", "",
                          "", ""]])


DANA, OMAR, ZOE, PRIYA = CONNECTIONS


def messages_2023() -> bytes:
    header = ["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO",
              "RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER", "ATTACHMENTS",
              "IS MESSAGE DRAFT"]
    me = (_name(OWNER), OWNER[2])
    rows = [
        # Dana and Sam: Dana writes (commas, quotes, new lines), Sam answers.
        ["c-1", "", _name(DANA), DANA[2], me[0], me[1], "2026-03-10 09:15:00 UTC", "",
         TRICKY, "INBOX", "", "No"],
        ["c-1", "", me[0], me[1], _name(DANA), DANA[2], "2026-03-12 17:40:00 UTC", "",
         "Thanks Dana!\nSee you soon", "INBOX", "", "No"],
        # A draft to Dana: never sent, left out.
        ["c-1", "", me[0], me[1], _name(DANA), DANA[2], "2026-03-20 08:00:00 UTC", "",
         "Draft I never sent", "DRAFT", "", "Yes"],
        # A group conversation: Sam to Omar and Zoë at once, then Omar answers all.
        ["c-2", "Intro: Omar, Zoë", me[0], me[1], f"{_name(OMAR)},{_name(ZOE)}",
         f"{OMAR[2]};{ZOE[2]}", "2026-03-05 12:00:00 UTC", "Intro",
         "Omar, meet Zoë; Zoë, meet Omar.", "INBOX", "", "No"],
        ["c-2", "Intro: Omar, Zoë", _name(OMAR), OMAR[2], f"{me[0]},{_name(ZOE)}",
         f"{me[1]};{ZOE[2]}", "2026-03-06 08:30:00 UTC", "Re: Intro",
         "Great to meet you both", "INBOX", "", "No"],
        # Someone who is not a connection.
        ["c-3", "", _name(STRANGER), STRANGER[2], me[0], me[1], "2026-02-01 10:00:00 UTC",
         "Opportunity", "Hello, I have a role for you", "INBOX", "", "No"],
    ]
    return _csv([header, *rows])


def messages_2020() -> bytes:
    """The earlier layout: no recipient addresses, no draft column."""
    header = ["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO",
              "DATE", "SUBJECT", "CONTENT", "FOLDER"]
    me = _name(OWNER)
    rows = [
        ["c-1", "", _name(DANA), DANA[2], me, "2026-03-10 09:15:00 UTC", "", TRICKY, "INBOX"],
        ["c-1", "", me, OWNER[2], _name(DANA), "2026-03-12 17:40:00 UTC", "",
         "Thanks Dana!\nSee you soon", "INBOX"],
        ["c-2", "Intro", me, OWNER[2], f"{_name(OMAR)},{_name(ZOE)}",
         "2026-03-05 12:00:00 UTC", "Intro", "Omar, meet Zoë; Zoë, meet Omar.", "INBOX"],
        ["c-2", "Intro", _name(OMAR), OMAR[2], f"{me},{_name(ZOE)}",
         "2026-03-06 08:30:00 UTC", "Re: Intro", "Great to meet you both", "INBOX"],
        ["c-3", "", _name(STRANGER), STRANGER[2], me, "2026-02-01 10:00:00 UTC",
         "Opportunity", "Hello, I have a role for you", "INBOX"],
    ]
    return _csv([header, *rows])


def messages_2018() -> bytes:
    """The oldest layout: a Messages.csv that says each message's direction itself, with
    no conversation, no profile addresses and no sender beyond the name."""
    header = ["From", "To", "Date", "Subject", "Content", "Direction"]
    me = _name(OWNER)
    rows = [
        [_name(DANA), me, "3/10/26, 9:15 AM", "", TRICKY, "INCOMING"],
        [me, _name(DANA), "3/12/26, 5:40 PM", "", "Thanks Dana!\nSee you soon", "OUTGOING"],
        [_name(STRANGER), me, "2/1/26, 10:00 AM", "Opportunity",
         "Hello, I have a role for you", "INCOMING"],
    ]
    return _csv([header, *rows])


def invitations_2023() -> bytes:
    header = ["From", "To", "Sent At", "Message", "Direction", "inviterProfileUrl",
              "inviteeProfileUrl"]
    rows = [
        # Priya invited Sam with a note, and nobody wrote after: rule 2's follow-up.
        [_name(PRIYA), _name(OWNER), "3/1/26, 10:02 AM",
         "Great meeting you at the design meetup, \"let's stay in touch\"", "INCOMING",
         PRIYA[2], OWNER[2]],
        [_name(OWNER), _name(ZOE), "2/20/26, 4:15 PM", "", "OUTGOING", OWNER[2], ZOE[2]],
    ]
    return _csv([header, *rows])


def invitations_2020() -> bytes:
    header = ["From", "To", "Sent At", "Message", "Direction"]
    rows = [
        [_name(PRIYA), _name(OWNER), "3/1/26, 10:02 AM",
         "Great meeting you at the design meetup, \"let's stay in touch\"", "INCOMING"],
        [_name(OWNER), _name(ZOE), "2/20/26, 4:15 PM", "", "OUTGOING"],
    ]
    return _csv([header, *rows])


def recommendations_received() -> bytes:
    header = ["First Name", "Last Name", "Company", "Job Title", "Text", "Creation Date",
              "Status"]
    return _csv([header, [OMAR[0], OMAR[1], "Initech", "Recruiter",
                          "Sam is a thoughtful engineer, who \"gets things done\".",
                          "03/15/26, 11:00 AM", "VISIBLE"]])


def recommendations_given() -> bytes:
    header = ["First Name", "Last Name", "Company", "Job Title", "Text", "Creation Date",
              "Status"]
    return _csv([header, [ZOE[0], ZOE[1], "Acme", "Staff Engineer", "Zoë is a great lead.",
                          "03/16/26, 09:00 AM", "VISIBLE"]])


def endorsements_received() -> bytes:
    header = ["Endorsement Date", "Skill Name", "Endorser First Name", "Endorser Last Name",
              "Endorser Public Url", "Endorsement Status"]
    return _csv([header, ["2026/03/18 15:47:58 UTC", "Python", DANA[0], DANA[1],
                          DANA[2].removeprefix("https://"), "ACCEPTED"]])


def archive_files(layout: str) -> dict[str, bytes]:
    """The files of an archive in `layout` ("2023", "2020" or "2018")."""
    if layout == "2023":
        return {
            "Connections.csv": connections_csv(),
            "Profile.csv": profile_csv(),
            "messages.csv": messages_2023(),
            "Invitations.csv": invitations_2023(),
            "Recommendations_Received.csv": recommendations_received(),
            "Recommendations_Given.csv": recommendations_given(),
            "Endorsement_Received_Info.csv": endorsements_received(),
        }
    if layout == "2020":
        # No Profile.csv: the owner is the party present in every conversation.
        return {
            "Connections.csv": connections_csv(),
            "messages.csv": messages_2020(),
            "Invitations.csv": invitations_2020(),
        }
    if layout == "2018":
        return {"Connections.csv": connections_csv(), "Messages.csv": messages_2018()}
    raise ValueError(layout)


def write_archive(path: Path, layout: str, extra: dict[str, bytes] | None = None) -> Path:
    """A ZIP as LinkedIn sends it (files at the top, one folder for the jobs files)."""
    files = {**archive_files(layout), **(extra or {})}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        zf.writestr("Jobs/Saved Jobs.csv", b"Saved Date,Job Url,Job Title,Company Name\n")
    return path


def write_folder(path: Path, layout: str) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, data in archive_files(layout).items():
        (path / name).write_bytes(data)
    return path


# --- mail ------------------------------------------------------------------------------------


def mbox_message(
    sender: str,
    to: str,
    at: dt.datetime,
    subject: str,
    body: str = "Hello\n",
    *,
    message_id: str = "",
) -> bytes:
    """One message of an mbox, with its "From " line; a subject outside ASCII is written as
    an RFC 2047 encoded word, as mail programs write it."""
    try:
        subject.encode("ascii")
        encoded = subject
    except UnicodeEncodeError:
        encoded = Header(subject, "utf-8").encode()
    address = sender.split("<")[-1].rstrip(">")
    lines = [
        f"From {address} {at:%a %b %d %H:%M:%S %Y}",
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {encoded}",
        f"Date: {format_datetime(at)}",
    ]
    if message_id:
        lines.append(f"Message-ID: <{message_id}>")
    # A body line starting with "From " is quoted in an mbox.
    quoted = "\n".join(
        ">" + line if line.startswith("From ") else line for line in body.split("\n")
    )
    return ("\n".join(lines) + "\n\n" + quoted + "\n\n").encode("utf-8")
