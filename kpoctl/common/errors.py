"""The one kind of error a user can cause: what was asked cannot be done as asked.

Every command turns a UsageError into one line on stderr and exit 2 (CLI.md). The
subclasses (SettingsError, SelectionError, NoTeamFiles) say where it came from; the
CLI catches only this base, and anything else is a bug reported as one."""


class UsageError(Exception):
    """A problem with what the user asked for: one line on stderr, exit 2."""
