"""Settings: a TOML file (``config.toml`` in the user config dir, or ``ROLODEX_CONFIG``)
plus the environment. Every key is optional::

    user = "Ada"            # who is recorded in the journal and as note author
    region = "GB"           # default region for phone numbers written without +CC
    db = "~/crm/rolodex.db" # or a SQLAlchemy URL, e.g. postgresql+psycopg://host/crm
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from dataclasses import dataclass, field
from pathlib import Path

from rolodex.errors import ConfigError

_KEYS = {"user", "region", "db"}


@dataclass(slots=True)
class Settings:
    db: str | None = None
    user: str = ""
    region: str | None = None
    now: dt.datetime | None = None  # a fixed clock (ROLODEX_NOW), for demos and tests
    config_file: Path | None = field(default=None, repr=False)

    def clock(self) -> dt.datetime:
        """The current local time, timezone-aware."""
        return self.now if self.now is not None else dt.datetime.now().astimezone()


def _region_from_locale() -> str | None:
    for var in ("LC_ALL", "LC_TELEPHONE", "LC_CTYPE", "LANG"):
        value = os.environ.get(var, "")
        lang = value.split(".")[0]
        if "_" in lang:
            region = lang.split("_", 1)[1][:2].upper()
            if region.isalpha() and len(region) == 2:
                return region
    return None


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers): still record something
        return "rolodex"


def load_settings(db: str | None = None) -> Settings:
    """Read the config file (if any) and the environment; ``db`` comes from ``--db``."""
    from rolodex.paths import config_path

    values: dict[str, object] = {}
    path: Path | None = None
    explicit = os.environ.get("ROLODEX_CONFIG")
    candidate = config_path()
    if candidate.exists():
        import tomllib

        path = candidate
        try:
            values = tomllib.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config {candidate}: {exc}") from None
        unknown = sorted(set(values) - _KEYS)
        if unknown:
            raise ConfigError(
                f"unknown setting {unknown[0]!r} in {candidate}; known: {', '.join(sorted(_KEYS))}"
            )
        for key, value in values.items():
            if not isinstance(value, str):
                raise ConfigError(f"setting {key!r} in {candidate} must be a string")
    elif explicit:
        raise ConfigError(f"config file {candidate} (ROLODEX_CONFIG) does not exist")

    now = None
    if os.environ.get("ROLODEX_NOW"):
        try:
            now = dt.datetime.fromisoformat(os.environ["ROLODEX_NOW"])
        except ValueError:
            raise ConfigError(
                f"ROLODEX_NOW={os.environ['ROLODEX_NOW']!r} is not an ISO date-time"
            ) from None
        if now.tzinfo is None:
            now = now.astimezone()

    region = os.environ.get("ROLODEX_REGION") or values.get("region") or _region_from_locale()
    cfg_db = values.get("db")
    return Settings(
        db=db or os.environ.get("ROLODEX_DB") or (str(cfg_db) if cfg_db else None),
        user=os.environ.get("ROLODEX_USER") or str(values.get("user") or "") or _default_user(),
        region=str(region).upper() if region else None,
        now=now,
        config_file=path,
    )
