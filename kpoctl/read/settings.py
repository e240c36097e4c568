"""`kpoctl.yaml`: find it, read it, validate it.

An invalid settings file is a usage error (exit 2), not a finding: nothing can
be checked correctly with settings the user did not mean.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from kpoctl.common.errors import UsageError
from kpoctl.model import Settings
from kpoctl.read.validate import message_for
from kpoctl.read.yamlread import YamlError, decode, parse

SETTINGS_FILE = "kpoctl.yaml"


class SettingsError(UsageError):
    """The settings file cannot be used; the message is one line for stderr."""


def find_settings(start: Path) -> Path | None:
    """The `kpoctl.yaml` in `start` (a folder, or a file's folder) or its nearest parent."""
    folder = start if start.is_dir() else start.parent
    for candidate in [folder, *folder.resolve().parents]:
        path = candidate / SETTINGS_FILE
        if path.is_file():
            return path
    return None


def load_settings(path: Path | None) -> Settings:
    """Read and validate a settings file; no file means the defaults."""
    if path is None:
        return Settings()
    try:
        doc = parse(decode(path.read_bytes()))
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read settings: {exc.strerror or exc}") from None
    except YamlError as exc:
        raise SettingsError(f"{path}:{exc.line}:{exc.column}: invalid settings: {exc.message}") from None
    if doc.data is None:
        return Settings()
    try:
        return Settings.model_validate(doc.data)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        line, column = doc.locate(tuple(error["loc"]), key=error["type"] == "extra_forbidden")
        more = len(exc.errors()) - 1
        extra = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise SettingsError(f"{path}:{line}:{column}: invalid settings: {message_for(error, Settings, dotted=True, data=doc.data)}{extra}") from None


def invalid_setting(path: Path, where: tuple, message: str, *, key: bool = False) -> SettingsError:
    """A setting that validated but cannot be used (a rule code that names no rule), said at
    its line as a validation error is: the file is parsed again, only for this."""
    line, column = parse(decode(path.read_bytes())).locate(where, key=key)
    return SettingsError(f"{path}:{line}:{column}: invalid settings: {message}")
