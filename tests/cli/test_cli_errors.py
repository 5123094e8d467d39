"""The CLI's failure contract: documented exit codes, one line on stderr, nothing on stdout,
no traceback (unless ROLODEX_DEBUG=1), and nothing changed in the database.

Also: every command's --help, and the errors that come before the database is usable
(configuration, an unreadable file, a schema from a newer version).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
import typer.main

from rolodex.cli.app import app
from rolodex.errors import NotFound
from tests.cli.helpers import ADA, add_contact, as_json, assert_fails, cli, describe, ok

# ------------------------------------------------------------------ bad input changes nothing
USAGE, NOT_FOUND, AMBIGUOUS, CONFLICT, CONFIG, STORE = 2, 3, 4, 5, 7, 8

# Failures that depend on what the store finds (references, duplicates): on both backends.
STORE_BAD_INPUT = [
    # unknown references
    ("show-unknown", ["contact", "show", "nobody"], NOT_FOUND, ["nobody"]),
    ("edit-unknown", ["contact", "edit", "nobody", "--tag", "x"], NOT_FOUND, ["nobody"]),
    ("rm-unknown", ["contact", "rm", "nobody"], NOT_FOUND, ["nobody"]),
    ("restore-not-trashed", ["contact", "restore", "ada@example.com"], NOT_FOUND, []),
    ("note-unknown", ["note", "add", "nobody", "Hello"], NOT_FOUND, ["nobody"]),
    ("log-unknown", ["log", "nobody", "--via", "call", "Hi"], NOT_FOUND, ["nobody"]),
    ("timeline-unknown", ["timeline", "nobody"], NOT_FOUND, ["nobody"]),
    ("history-unknown", ["history", "nobody"], NOT_FOUND, ["nobody"]),
    ("followup-unknown", ["followup", "add", "nobody"], NOT_FOUND, ["nobody"]),
    ("task-contact-unknown", ["task", "add", "X", "--contact", "nobody"], NOT_FOUND, ["nobody"]),
    ("task-done-unknown", ["task", "done", "9999"], NOT_FOUND, ["9999"]),
    ("account-unknown", ["account", "show", "Initech"], NOT_FOUND, ["Initech"]),
    # ambiguous name fragments: the candidates are listed
    ("show-ambiguous", ["contact", "show", "ada"], AMBIGUOUS, ["Ada Lovelace", "Ada Byron"]),
    ("edit-ambiguous", ["contact", "edit", "ada", "--tag", "x"], AMBIGUOUS, ["Ada Byron"]),
    ("rm-ambiguous", ["contact", "rm", "ada"], AMBIGUOUS, ["Ada Lovelace", "Ada Byron"]),
    ("note-ambiguous", ["note", "add", "ada", "Hi"], AMBIGUOUS, ["Ada Lovelace"]),
    ("log-ambiguous", ["log", "ada", "--via", "call", "Hi"], AMBIGUOUS, ["Ada Byron"]),
    ("task-ambiguous", ["task", "add", "X", "--contact", "ada"], AMBIGUOUS, ["Ada Lovelace"]),
    ("followup-ambiguous", ["followup", "add", "ada"], AMBIGUOUS, ["Ada Lovelace"]),
    # duplicates
    ("duplicate-email", ["contact", "add", "King", "--email", "ada@example.com"], CONFLICT, []),
    ("duplicate-email-case", ["contact", "add", "King", "-e", "ADA@Example.com"], CONFLICT, []),
    ("demo-on-a-database-in-use", ["demo"], CONFLICT, ["--force"]),
]

# Failures found before the store is asked anything (parsing, usage): SQLite is enough.
PARSE_BAD_INPUT = [
    ("rm-tag-not-there", ["contact", "edit", "ada@example.com", "--rm-tag", "gold"], NOT_FOUND, []),
    ("bad-due", ["task", "add", "X", "--due", "fryday"], USAGE, ["fryday"]),
    ("bad-followup-due", ["followup", "add", "cb@example.com", "--due", "fryday"], USAGE, []),
    ("bad-when", ["log", "cb@example.com", "--when", "blursday", "Hi"], USAGE, ["blursday"]),
    ("bad-email", ["contact", "add", "Grace Hopper", "--email", "grace-at-navy"], USAGE, []),
    ("bad-email-edit", ["contact", "edit", "cb@example.com", "--email", "nope"], USAGE, ["nope"]),
    ("bad-stage", ["contact", "add", "Grace Hopper", "--stage", "famous"], USAGE, ["famous"]),
    ("bad-stage-edit", ["contact", "edit", "cb@example.com", "--stage", "x"], USAGE, ["stage"]),
    ("bad-birthday", ["contact", "add", "Grace", "--birthday", "1906-13-45"], USAGE, ["13-45"]),
    ("bad-phone", ["contact", "add", "Grace Hopper", "--phone", "x"], USAGE, ["phone"]),
    ("bad-set", ["contact", "edit", "cb@example.com", "--set", "novalue"], USAGE, ["novalue"]),
    ("bad-channel", ["log", "cb@example.com", "--via", "pigeon", "Hi"], USAGE, ["pigeon"]),
    ("bad-priority", ["task", "add", "X", "--priority", "urgent"], USAGE, ["urgent"]),
    ("bad-repeat", ["task", "add", "X", "--due", "today", "--repeat", "often"], USAGE, ["often"]),
    ("bad-due-filter", ["task", "list", "--due", "someday"], USAGE, ["someday"]),
    ("bad-followups-due", ["followups", "--due", "someday"], USAGE, ["someday"]),
    ("bad-status", ["task", "list", "--status", "maybe"], USAGE, ["maybe"]),
    ("unknown-field", ["contact", "list", "colour:red"], USAGE, ["colour"]),
    ("unknown-field-search", ["search", "colour:red"], USAGE, ["colour"]),
    ("bad-stage-in-query", ["contact", "list", "stage:famous"], USAGE, ["famous"]),
    ("empty-note", ["note", "add", "cb@example.com", ""], USAGE, []),
    ("empty-note-on-stdin", ["note", "add", "cb@example.com", "-"], USAGE, []),
    ("edit-without-terminal", ["contact", "edit", "cb@example.com"], USAGE, []),
    ("account-edit-nothing", ["account", "edit", "Analytical Engines"], USAGE, []),
    ("unknown-option", ["contact", "add", "Grace Hopper", "--colour", "red"], USAGE, ["--colour"]),
    ("unknown-root-option", ["--colour", "red"], USAGE, ["--colour"]),
    ("unknown-command", ["contcat", "list"], USAGE, ["contcat"]),
    ("missing-argument", ["note", "add", "cb@example.com"], USAGE, []),
    ("not-an-id", ["task", "done", "abc"], USAGE, []),
    ("negative-limit", ["contact", "list", "--limit", "-1"], USAGE, ["--limit"]),
    ("json-and-csv", ["contact", "list", "--json", "--csv"], USAGE, ["--json", "--csv"]),
    ("json-and-ndjson", ["task", "list", "--json", "--ndjson"], USAGE, []),
    ("ndjson-and-csv", ["search", "ada", "--ndjson", "--csv"], USAGE, []),
    ("trash-json-and-csv", ["trash", "--json", "--csv"], USAGE, []),
]


def _cases(table):
    return [pytest.param(args, code, frags, id=name) for name, args, code, frags in table]


@pytest.mark.parametrize(("args", "code", "fragments"), _cases(STORE_BAD_INPUT))
def test_store_errors_fail_cleanly_and_change_nothing(seeded, args, code, fragments) -> None:
    result = cli(seeded.target, *args)
    assert_fails(result, code, *fragments)
    seeded.unchanged()


@pytest.mark.parametrize("seeded", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("args", "code", "fragments"), _cases(PARSE_BAD_INPUT))
def test_bad_input_fails_cleanly_and_changes_nothing(seeded, args, code, fragments) -> None:
    result = cli(seeded.target, *args)
    assert_fails(result, code, *fragments)
    seeded.unchanged()


@pytest.mark.parametrize("seeded", ["sqlite"], indirect=True)
@pytest.mark.parametrize("fmt", ["--json", "--ndjson", "--csv"])
def test_a_bad_query_writes_nothing_to_stdout_in_any_format(seeded, fmt) -> None:
    result = cli(seeded.target, "contact", "list", "colour:red", fmt)
    assert_fails(result, USAGE, "colour")
    seeded.unchanged()


def test_an_ambiguous_fragment_lists_every_candidate_with_its_id(seeded) -> None:
    result = cli(seeded.target, "contact", "show", "ada")
    assert_fails(result, AMBIGUOUS)
    assert f"#{seeded.ada['id']} Ada Lovelace" in result.stderr
    assert f"#{seeded.byron['id']} Ada Byron" in result.stderr
    assert "Charles" not in result.stderr


def test_force_adds_a_contact_whose_email_is_taken(any_target) -> None:
    first = add_contact(any_target, "Ada Lovelace", "--email", "ada@example.com")
    assert_fails(
        cli(any_target, "contact", "add", "Augusta King", "--email", "ada@example.com"),
        CONFLICT,
        "ada@example.com",
    )
    second = add_contact(any_target, "Augusta King", "--email", "ada@example.com", "--force")
    assert second["id"] != first["id"]
    assert [e["address"] for e in second["emails"]] == ["ada@example.com"]
    # the email no longer names one contact: it is now an ambiguous reference
    assert_fails(cli(any_target, "contact", "show", "ada@example.com"), AMBIGUOUS)


def test_undo_with_nothing_to_undo_exits_3(sqlite_target) -> None:
    assert_fails(cli(sqlite_target, "undo"), NOT_FOUND, "nothing to undo")


def test_emptying_the_trash_needs_yes_without_a_terminal(sqlite_target) -> None:
    ok(sqlite_target, "contact", "add", "Ada Lovelace")
    ok(sqlite_target, "contact", "rm", "Ada Lovelace")
    assert_fails(cli(sqlite_target, "trash", "empty"), USAGE, "--yes")
    assert [t["display_name"] for t in as_json(sqlite_target, "trash")] == ["Ada Lovelace"]


# ------------------------------------------------------------------ debugging
def test_debug_lets_the_exception_and_its_traceback_through(sqlite_target) -> None:
    ok(sqlite_target, "contact", "add", "Ada Lovelace")
    with pytest.raises(NotFound, match="nobody"):
        cli(
            sqlite_target,
            "contact",
            "show",
            "nobody",
            env={"ROLODEX_DEBUG": "1"},
            catch_exceptions=False,
        )


def test_without_debug_the_same_error_is_one_line(sqlite_target) -> None:
    ok(sqlite_target, "contact", "add", "Ada Lovelace")
    result = cli(sqlite_target, "contact", "show", "nobody", env={"ROLODEX_DEBUG": "0"})
    assert_fails(result, NOT_FOUND, "nobody")


# ------------------------------------------------------------------ the store
def test_a_file_that_is_not_a_database_exits_8(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    content = os.urandom(8192)
    garbage.write_bytes(content)
    assert_fails(cli(str(garbage), "contact", "list", "--json"), STORE, str(garbage))
    assert_fails(cli(str(garbage), "contact", "add", "Ada Lovelace"), STORE)
    assert garbage.read_bytes() == content


def test_a_database_from_a_newer_version_is_refused(sqlite_target) -> None:
    ada = add_contact(sqlite_target, *ADA)

    def version(set_to: str | None = None) -> str:
        with sqlite3.connect(sqlite_target) as conn:
            if set_to is not None:
                conn.execute("UPDATE alembic_version SET version_num = ?", (set_to,))
            [(current,)] = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        conn.close()
        return current

    ours = version()
    version("9999")
    assert_fails(cli(sqlite_target, "contact", "list", "--json"), STORE, "9999")
    assert_fails(cli(sqlite_target, "contact", "add", "Grace Hopper"), STORE, "9999")
    assert_fails(cli(sqlite_target, "undo"), STORE)
    assert_fails(cli(sqlite_target), STORE)
    assert version() == "9999"  # not "migrated" backwards
    # nothing was written while it was refused
    version(ours)
    assert [c["id"] for c in as_json(sqlite_target, "contact", "list")] == [ada["id"]]
    assert len(as_json(sqlite_target, "history")) == 2  # Ada and her account


def test_an_unreachable_postgresql_server_exits_8() -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/rolodex?connect_timeout=2"
    assert_fails(cli(url, "contact", "list", "--json"), STORE)


# ------------------------------------------------------------------ configuration
@pytest.mark.parametrize(
    "content",
    [
        pytest.param('user = "Ada\nregion = [unclosed\n', id="bad-toml"),
        pytest.param('colour = "red"\n', id="unknown-key"),
        pytest.param("user = 42\n", id="not-a-string"),
        pytest.param(b"user = '\xff\xfe'\n", id="not-utf8"),
    ],
)
def test_a_bad_config_file_exits_7(sqlite_target, tmp_path: Path, content) -> None:
    config = tmp_path / "config.toml"
    if isinstance(content, bytes):
        config.write_bytes(content)
    else:
        config.write_text(content, encoding="utf-8")
    result = cli(sqlite_target, "contact", "list", "--json", env={"ROLODEX_CONFIG": str(config)})
    assert_fails(result, CONFIG, str(config))
    assert not Path(sqlite_target).exists()


def test_a_missing_config_file_named_by_rolodex_config_exits_7(sqlite_target, tmp_path) -> None:
    missing = tmp_path / "nowhere.toml"
    result = cli(sqlite_target, "contact", "list", env={"ROLODEX_CONFIG": str(missing)})
    assert_fails(result, CONFIG, str(missing))


def test_a_bad_rolodex_now_exits_7(sqlite_target) -> None:
    result = cli(sqlite_target, "contact", "list", env={"ROLODEX_NOW": "soon"})
    assert_fails(result, CONFIG, "ROLODEX_NOW")


def test_the_config_file_sets_the_database_and_the_user(tmp_path: Path) -> None:
    db = tmp_path / "from-config.db"
    config = tmp_path / "config.toml"
    config.write_text(f'db = "{db}"\nuser = "Grace"\n', encoding="utf-8")
    env = {"ROLODEX_CONFIG": str(config), "ROLODEX_USER": None}
    ok(None, "contact", "add", "Ada Lovelace", env=env)
    assert db.exists()
    history = as_json(str(db), "history", env=env)
    assert [(h["user"], h["summary"]) for h in history] == [("Grace", "added contact Ada Lovelace")]


def test_rolodex_db_selects_the_database(tmp_path: Path) -> None:
    db = tmp_path / "from-env.db"
    ok(None, "contact", "add", "Ada Lovelace", env={"ROLODEX_DB": str(db)})
    assert [c["display_name"] for c in as_json(str(db), "contact", "list")] == ["Ada Lovelace"]


# ------------------------------------------------------------------ help
def _command_paths() -> list[list[str]]:
    paths: list[list[str]] = []

    def walk(command, path: list[str]) -> None:
        paths.append(path)
        for name, sub in sorted((getattr(command, "commands", None) or {}).items()):
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "rolodex")
def test_every_command_has_help_with_examples(path: list[str], tmp_path: Path) -> None:
    db = tmp_path / "untouched.db"
    result = cli(str(db), *path, "--help")
    assert result.exit_code == 0, describe(result)
    assert "Usage:" in result.stdout
    assert "Examples" in result.stdout, f"'rolodex {' '.join(path)} --help' has no examples"
    assert result.stderr == ""
    assert not db.exists(), "--help must not open the database"


def test_the_command_tree_has_the_documented_commands() -> None:
    paths = {" ".join(p) for p in _command_paths()}
    for expected in (
        "contact add",
        "contact list",
        "contact show",
        "contact edit",
        "contact rm",
        "contact restore",
        "trash list",
        "trash empty",
        "account add",
        "account list",
        "account show",
        "account edit",
        "account rm",
        "note add",
        "log",
        "timeline",
        "task add",
        "task list",
        "task done",
        "followup add",
        "followups",
        "search",
        "history",
        "undo",
        "demo",
    ):
        assert expected in paths


def test_version() -> None:
    result = ok(None, "--version")
    assert result.stdout.startswith("rolodex ")
    assert result.stderr == ""


def _groups_that_need_a_subcommand() -> list[str]:
    root = typer.main.get_command(app)
    return sorted(
        name
        for name, command in root.commands.items()  # type: ignore[attr-defined]
        if getattr(command, "no_args_is_help", False)
    )


@pytest.mark.parametrize("group", _groups_that_need_a_subcommand())
def test_a_group_without_a_subcommand_shows_its_help(group: str, tmp_path: Path) -> None:
    result = cli(str(tmp_path / "x.db"), group)
    assert result.exit_code in (0, 2), describe(result)
    assert result.stdout == "" or result.exit_code == 0, "help for a usage error goes to stderr"
    lines = [line.strip() for line in result.output.splitlines()]
    assert any(line.startswith(f"Usage: rolodex {group}") for line in lines), describe(result)
    assert "Examples" in result.output
    root = typer.main.get_command(app)
    for sub in root.commands[group].commands:  # type: ignore[attr-defined]
        assert any(line.split()[:1] == [sub] for line in lines if line), describe(result)
