"""The command line: the app by default, or a headless subcommand for scripts and tests."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from netdesk import __version__

SUBCOMMANDS = (
    "import",
    "export",
    "due",
    "calendar",
    "backup",
    "restore",
    "demo",
    "account",
    "sync",
)

DESCRIPTION = """\
NetDesk keeps your job-search network on your own machine and tells you who to
write to, and why.

  netdesk [FILE ...]        open the app (and the import preview for FILEs)
  netdesk COMMAND ...       run a command without the window (see below)
"""

EPILOG = """\
commands:
  import [--dry-run] [--json] FILE...    read vCard or CSV files into the store
  import ARCHIVE.zip                     a LinkedIn data archive: connections and history
  import --mail PATH [--me ADDRESS]      date your emails with contacts (headers only)
  export --format vcard|csv|json [-o F]  write the network out
  due [--json] [--at DATE]               list the follow-ups that are due
  backup [-o FILE]                       copy the store to a backup file
  restore FILE                           replace the store with a backup
  demo --contacts N [--seed S]           fill the store with a demo network
  account add URL [--user NAME]           sync with a CardDAV server (list, remove)
  account add URL --calendar NAME        ...and keep the follow-ups on a CalDAV calendar
  sync [--json]                          sync with the accounts added

Every command takes --data-dir DIR (or the NETDESK_DATA_DIR variable) to choose
the store. `netdesk COMMAND --help` tells more.
"""


class _Parser(argparse.ArgumentParser):
    """Usage errors exit 2 (argparse's habit); the message names the problem in one line."""


def _add_data_dir(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    # Given before the command (`netdesk --data-dir D import F`) or after it: a subcommand's
    # own default must not overwrite what the top level read, so only the top has one.
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None if top else argparse.SUPPRESS,
        help="the folder that holds the store (default: NETDESK_DATA_DIR, else the user data "
        "folder)",
    )


def gui_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="netdesk",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"NetDesk {__version__}")
    _add_data_dir(parser, top=True)
    parser.add_argument(
        "--demo", action="store_true", help="open on a fresh demo network in a throwaway folder"
    )
    parser.add_argument(
        "--background", action="store_true", help="start in the tray, without the window"
    )
    parser.add_argument(
        "--exit-after-launch",
        action="store_true",
        help="start, wait for the main window's first paint, and exit 0 (a smoke test)",
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="contact files to import")
    return parser


def command_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="netdesk", description="NetDesk's headless commands.")
    _add_data_dir(parser, top=True)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "import",
        help="read vCard or CSV files, a LinkedIn data archive, or (--mail) a mailbox into "
        "the store",
    )
    _add_data_dir(p)
    p.add_argument("files", nargs="*", metavar="FILE")
    p.add_argument(
        "--mail",
        metavar="PATH",
        help="a local mailbox (an mbox file, a Maildir, or a folder of them such as "
        "Thunderbird's profile folder): read its headers only, never sent anywhere, to date "
        "your emails with your contacts",
    )
    p.add_argument(
        "--me",
        action="append",
        default=[],
        metavar="ADDRESS",
        help="one of your own email addresses (with --mail; also found from Sent folders)",
    )
    p.add_argument("--dry-run", action="store_true", help="show the plan, write nothing")
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    p.add_argument(
        "--duplicates",
        choices=("merge", "keep", "skip"),
        default="merge",
        help="what to do with a likely duplicate (same name, same company): merge it into "
        "the contact it resembles (the default; nothing is overwritten), keep both, or skip",
    )

    p = sub.add_parser("export", help="write the network out")
    _add_data_dir(p)
    p.add_argument("--format", choices=("vcard", "csv", "json"), default="json")
    p.add_argument("--vcard-version", choices=("4.0", "3.0"), default="4.0")
    p.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout)")

    p = sub.add_parser("due", help="list the follow-ups that are due")
    _add_data_dir(p)
    p.add_argument("--json", action="store_true")
    p.add_argument("--at", metavar="ISO-DATE", help="as if it were this date (YYYY-MM-DD[THH:MM])")
    p.add_argument(
        "--upcoming", type=int, default=0, metavar="DAYS", help="also those due within DAYS"
    )

    p = sub.add_parser("calendar", help="write the open follow-ups as a calendar (.ics)")
    _add_data_dir(p)
    p.add_argument("--ics", required=True, metavar="FILE", help="file to write ('-': stdout)")
    p.add_argument(
        "--days", type=int, default=None, metavar="N", help="only those due within N days"
    )
    form = p.add_mutually_exclusive_group()
    form.add_argument("--todos", dest="form", action="store_const", const="todo",
                      help="follow-ups as tasks (the default unless Preferences says otherwise)")
    form.add_argument("--events", dest="form", action="store_const", const="event",
                      help="follow-ups as all-day events (for calendars without tasks)")
    detail = p.add_mutually_exclusive_group()
    detail.add_argument("--full", dest="detail", action="store_const", const="full",
                        help="say why and what to do")
    detail.add_argument("--brief", dest="detail", action="store_const", const="name_only",
                        help='say only "Follow up with" and the name')
    p.add_argument("--alarm", metavar="HH:MM", help="the alarm's time of day (default 09:00)")
    p.add_argument("--birthdays", action=argparse.BooleanOptionalAction, default=None,
                   help="add everyone's birthday as a yearly event")  # fmt: skip

    p = sub.add_parser("backup", help="copy the store to a backup file")
    _add_data_dir(p)
    p.add_argument("-o", "--output", metavar="FILE", help="default: the store's backups folder")

    p = sub.add_parser("restore", help="replace the store with a backup (taking one first)")
    _add_data_dir(p)
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--wait",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long to wait for a running import to finish before giving up (default 30)",
    )

    p = sub.add_parser("demo", help="fill the store with a generated demo network")
    _add_data_dir(p)
    p.add_argument("--contacts", type=int, default=300, metavar="N")
    p.add_argument("--seed", type=int, default=1, metavar="S")
    p.add_argument(
        "--interactions", type=int, default=None, metavar="K", help="exactly K per contact"
    )

    p = sub.add_parser("account", help="add, list or remove CardDAV accounts to sync with")
    _add_data_dir(p)
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    a = actions.add_parser("add", help="add an account (its address books are found from URL)")
    _add_data_dir(a)
    a.add_argument("url", metavar="URL", help="the server, e.g. https://dav.example.com")
    a.add_argument("--user", metavar="NAME", help="user name (none for a server without one)")
    a.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin (else NETDESK_PASSWORD, else a "
        "prompt); it is kept in the system keyring",
    )
    a.add_argument(
        "--address-book",
        action="append",
        metavar="NAME",
        help="sync only this address book (repeat for more; default: all found)",
    )
    a.add_argument(
        "--calendar",
        metavar="NAME",
        help="also keep the follow-ups on this calendar of the account (made when the server "
        'has none by that name, e.g. --calendar "NetDesk follow-ups")',
    )
    a = actions.add_parser("list", help="the accounts, what they sync, when they last did")
    _add_data_dir(a)
    a.add_argument("--json", action="store_true")
    a = actions.add_parser("remove", help="forget an account (contacts stay)")
    _add_data_dir(a)
    a.add_argument("account", metavar="ACCOUNT", help="its number (see `account list`) or URL")

    p = sub.add_parser("sync", help="sync with the accounts added")
    _add_data_dir(p)
    p.add_argument("--json", action="store_true", help="print what was done as JSON")
    p.add_argument(
        "--confirm-deletions",
        action="store_true",
        help="go on even when the sync deletes many contacts or cards at once",
    )
    return parser


def _first_positional(argv: Sequence[str]) -> str | None:
    skip_next = False
    for arg in argv:
        if skip_next:
            skip_next = False
            continue
        if arg == "--data-dir":
            skip_next = True
            continue
        if arg == "--":
            return None
        if not arg.startswith("-"):
            return arg
    return None


def _unknown_command(word: str | None) -> str | None:
    """The usage error for a first word that is neither a command nor a file: a typo
    (`netdesk exprot`) must not open the window on a file that does not exist."""
    if word is None or Path(word).exists():
        return None
    if os.sep in word or (os.altsep and os.altsep in word) or Path(word).suffix:
        return None  # a path to a missing file: the import preview names it
    import difflib

    close = difflib.get_close_matches(word, SUBCOMMANDS, n=1)
    hint = f" Did you mean `netdesk {close[0]}`?" if close else ""
    return (
        f"{word!r} is not a command (choose from {', '.join(SUBCOMMANDS)}) "
        f"nor an existing file.{hint}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    first = _first_positional(args_list)
    if first in SUBCOMMANDS:
        from netdesk import commands

        return commands.run(command_parser().parse_args(args_list))
    parser = gui_parser()
    problem = _unknown_command(first)
    if problem is not None:
        parser.error(problem)  # exits 2, on stderr, before any window
    args = parser.parse_args(args_list)
    from netdesk import app

    return app.run(args)


if __name__ == "__main__":
    sys.exit(main())
