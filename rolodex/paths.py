"""Where Rolodex keeps its files. Nothing is created at import time.

``ROLODEX_DB`` and ``ROLODEX_CONFIG`` override the defaults; ``--db`` overrides both.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "rolodex"


def data_dir() -> Path:
    import platformdirs  # only when no --db / ROLODEX_DB is given

    return platformdirs.user_data_path(APP_NAME)


def default_db_path() -> Path:
    return data_dir() / "rolodex.db"


def config_path() -> Path:
    override = os.environ.get("ROLODEX_CONFIG")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def db_target(cli_value: str | None = None) -> str:
    """The database to open: ``--db``, then ``ROLODEX_DB``, then the default path."""
    for value in (cli_value, os.environ.get("ROLODEX_DB")):
        if value:
            return value if "://" in value else str(Path(value).expanduser())
    return str(default_db_path())
