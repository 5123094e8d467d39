"""Every failure a user can cause has a class here, and each class its exit code.

The CLI prints ``str(error)`` as one line on stderr and exits with ``error.exit_code``;
``ROLODEX_DEBUG=1`` adds the traceback.
"""

from __future__ import annotations

from collections.abc import Sequence


class RolodexError(Exception):
    """Base class: an error the user can act on."""

    exit_code = 1


class UsageError(RolodexError):
    """Arguments that cannot be understood (a bad date, an unknown field, a bad option)."""

    exit_code = 2


class NotFound(RolodexError):
    exit_code = 3


class Ambiguous(RolodexError):
    """A reference that matches several records; the candidates are listed."""

    exit_code = 4

    def __init__(self, ref: str, candidates: Sequence[str]) -> None:
        self.ref = ref
        self.candidates = list(candidates)
        shown = "; ".join(self.candidates[:10])
        more = f" (and {len(self.candidates) - 10} more)" if len(self.candidates) > 10 else ""
        super().__init__(
            f"{ref!r} matches {len(self.candidates)} records: {shown}{more}. "
            "Use an id, a UID or an email address."
        )


class Conflict(RolodexError):
    """A duplicate or a change that clashes with what is stored."""

    exit_code = 5


class BadInput(RolodexError):
    """Data that cannot be parsed (a file, a field value)."""

    exit_code = 6


class ConfigError(RolodexError):
    exit_code = 7


class StoreError(RolodexError):
    """The database cannot be opened, read or migrated."""

    exit_code = 8
