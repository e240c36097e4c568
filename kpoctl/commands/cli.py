"""The command line of CLI.md.

Only typer is imported at start-up: pydantic, networkx and rich load inside the
commands, so `kpoctl --version` and `--help` stay fast. Every error a user can
cause is one line on stderr and exit 2; an unexpected exception is reported the
same way, naming the file being read, never as a traceback.
"""

from __future__ import annotations

import functools
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Callable, Iterable, Optional

import typer

from kpoctl import __version__
from kpoctl.common.errors import UsageError


def _click_errors() -> tuple[type, type]:
    """(UsageError, NoArgsIsHelpError) of the click that typer runs on: recent typer
    vendors its own click, older typer uses the click package, and click before 8.2
    has no NoArgsIsHelpError (a class never raised stands in for it)."""
    try:
        from typer._click import exceptions
    except ImportError:
        from click import exceptions
    no_args = getattr(exceptions, "NoArgsIsHelpError", None) or type("_NeverRaised", (Exception,), {})
    return exceptions.UsageError, no_args


class _OneLineErrors(typer.core.TyperGroup):
    """Usage errors (unknown option, bad value, unknown command) as one line and exit 2,
    as CLI.md asks, instead of click's usage block."""

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        usage_error, no_args_error = _click_errors()
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
            code = result if isinstance(result, int) else 0  # click returns the code of typer.Exit
        except no_args_error as exc:  # plain `kpoctl`: the help, not an error line
            sys.stdout.write(exc.ctx.get_help() + "\n")
            code = 2
        except usage_error as exc:
            command = exc.ctx.command_path if exc.ctx is not None else "kpoctl"
            message = " ".join(exc.format_message().split()).replace(": Value error, ", ": ")
            sys.stderr.write(f"kpoctl: error: {message} (see `{command} --help`)\n")
            code = 2
        except typer.Exit as exc:
            code = exc.exit_code
        except typer.Abort:
            sys.stderr.write("kpoctl: aborted\n")
            code = 130
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    name="kpoctl",
    cls=_OneLineErrors,
    help="Lint management scorecards: the KPO/KPI cascade, SMART rules, focus, and meeting reports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


class LintFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    junit = "junit"
    markdown = "markdown"


class DataFormat(str, Enum):
    text = "text"
    json = "json"


class _ReaderMayLeave:
    """stdout or stderr once its reader may have gone (`kpoctl lint | head`): from the
    broken pipe on, what is written goes to /dev/null (the recipe of Python's signal
    documentation), and the command runs to its end. So it exits with its own code, as if
    read to the end: 1 for findings still, whether the text came through rich or not."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def _reader_gone(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self._stream.fileno())
        os.close(devnull)

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._reader_gone()
            return len(text)

    def writelines(self, lines) -> None:  # export's hundreds of thousands of rows: in one call
        try:
            self._stream.writelines(lines)
        except BrokenPipeError:
            self._reader_gone()

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._reader_gone()

    def __getattr__(self, name: str):  # isatty, fileno, encoding: the stream's own
        return getattr(self._stream, name)


def _fail(message: str) -> None:
    sys.stderr.write(f"kpoctl: error: {message}\n")
    raise typer.Exit(2)


def guarded(command: Callable) -> Callable:
    """Turn every error into one line on stderr and exit 2."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except UsageError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        except Exception as exc:  # a bug: still one line, never a traceback
            _fail(f"internal error: {type(exc).__name__}: {exc} (please report this)")

    return run


def _version(value: bool) -> None:
    if value:
        print(f"kpoctl {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Lint management scorecards kept as YAML."""


PathArg = Annotated[
    Path,
    typer.Argument(help="Scorecard folder, or one team file.", show_default="the current folder"),
]


NoCache = Annotated[bool, typer.Option("--no-cache", help="Read every file afresh; neither read nor write the cache.")]
Since = Annotated[Optional[str], typer.Option(metavar="DATE", help="History: only commits made on or after this date (YYYY-MM-DD).")]
Last = Annotated[Optional[int], typer.Option(min=1, metavar="N", help="History: only the last N commits.")]
Base = Annotated[Optional[str], typer.Option(metavar="REV", help="History: only the commits not in REV (a merge request's own: --base origin/main).")]


def _codes(values: list[str] | None) -> list[str]:
    """`--select KP1,KP2 --select KP3` -> [KP1, KP2, KP3]."""
    return [c.strip() for v in values or [] for c in v.split(",") if c.strip()]


def _read(path: Path, *, use_cache: bool = True, need_model: bool = True, actuals: bool = True, derive: tuple = (),
          findings: Iterable[str] | None = None):
    """The scorecard at PATH through the one read path (kpoctl.pipeline.reading), with a progress
    bar on a terminal's stderr when there is much to read. `actuals=False` for views that
    never read them; `derive`: the views' parts to work out as each file is read
    (kpoctl.pipeline.reading.read_scorecard); `findings`: the only codes the command shows."""
    from kpoctl.pipeline.reading import read_scorecard

    reading = read_scorecard(path, use_cache=use_cache, need_model=need_model, actuals=actuals,
                             progress=_progress_bar(), one_shot=True, derive=derive, findings=findings)
    _keep_collector_out()
    _say_not_read(reading)
    return _kept(reading)


def _say_not_read(read) -> None:
    """One line on stderr when a kpoctl.yaml in a folder below the scorecard's root is not
    read, so its settings do not apply here (a scorecard is one model, with one set of
    settings); one more when a link to a YAML file or a folder is not followed, so what
    it holds is not checked (FORMAT.md: links are skipped, never without a word).
    `read`: a Reading, or the Located of a command that reads no model."""
    from kpoctl.common.textsafe import plain

    below = read.settings_below
    if below:
        shown = _first_few([plain(name) for name in below])
        using = plain(str(read.settings_file)) if read.settings_file is not None else "none: the defaults"
        sys.stderr.write(f"kpoctl: {shown} not read: a scorecard takes its settings from the kpoctl.yaml at its root "
                         f"(here {using}); give a folder as PATH to check it with its own kpoctl.yaml\n")
    links = read.links_skipped
    if links:
        shown = _first_few([plain(name) for name in links])
        sys.stderr.write(f"kpoctl: {shown} not checked: kpoctl does not follow symbolic links "
                         "(name what a link points to as PATH, or copy it in)\n")


_KEPT: list | None = None  # in a real process (main): what a command built, freed by the process's end


def _kept(value):
    if _KEPT is not None:
        _KEPT.append(value)
    return value


def _progress_bar():
    """A rich progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def start(total: int):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(TextColumn("reading"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                       console=Console(file=sys.stderr), transient=True)
        task = bar.add_task("reading", total=total)
        bar.start()
        left = [total]

        def advance() -> None:
            bar.advance(task)
            left[0] -= 1
            if left[0] == 0:
                bar.stop()

        return advance

    return start


UNREAD_SHOWN = 3


def _say_unread(reading) -> bool:
    """A line on stderr naming what could not be read, one naming the second files of a
    team (the graph keeps the first), one naming the team files read in part (an entry or
    a field that does not validate is left out); True when the answer is partial."""
    unread, repeated, in_part = reading.unread, reading.repeated(), reading.read_in_part()
    if unread:
        folders = sum(u.folder for u in unread)
        counted = [_counted(n, "team file") for n in [len(unread) - folders] if n]
        counted += [_counted(n, "folder") for n in [folders] if n]
        _say_left_out(f"{' and '.join(counted)} not read, so this answer leaves {'it' if len(unread) == 1 else 'them'} out",
                      [(u.file, u.why) for u in unread])
    if repeated:
        _say_left_out(f"{_counted(len(repeated), 'team file')} left out, as an earlier file declares the same team",
                      [(file, f"KP003: team '{reading.levels[file][0]}' is already declared in {first}")
                       for file, first in repeated.items()])
    if in_part:
        _say_left_out(f"{_counted(len(in_part), 'team file')} read in part, so this answer leaves out what does not "
                      "validate", [(u.file, u.why) for u in in_part])
    return bool(unread or repeated or in_part)


def _say_left_out(what: str, files: list[tuple[str, str]]) -> None:
    sys.stderr.write(f"kpoctl: {what}: {_named(files)}; `kpoctl lint` shows every problem\n")


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def _named(items: list[tuple[str, str]]) -> str:
    """'a.yaml (why), b.yaml (why) and 2 more': what was not read, inert for the terminal."""
    from kpoctl.common.textsafe import plain

    return _first_few([f"{plain(file)} ({plain(why)})" for file, why in items])


def _first_few(shown: list[str]) -> str:
    """'a, b, c and 2 more': the first UNREAD_SHOWN of a list a line on stderr names."""
    listed = ", ".join(shown[:UNREAD_SHOWN])
    return listed + (f" and {len(shown) - UNREAD_SHOWN} more" if len(shown) > UNREAD_SHOWN else "")


def _keep_collector_out() -> None:
    """A command runs once and exits: what was loaded lives until then, and the graph and
    rules that follow make little cyclic garbage. Keep the collector out of the way
    (a policy for this process, not for library callers of load())."""
    import gc

    gc.freeze()
    gc.disable()


def _console():
    from kpoctl.output.reporters.text import console_for

    return console_for(sys.stdout)


def _print_json(data) -> None:
    from kpoctl.common.jsonout import write_json

    write_json(sys.stdout, data)


@app.command()
@guarded
def lint(
    path: PathArg = Path("."),
    select: Annotated[Optional[list[str]], typer.Option(metavar="CODES", help="Rule codes or prefixes to run, comma-separated (replaces the settings').")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option(metavar="CODES", help="Rule codes or prefixes to skip, comma-separated (added to the settings').")] = None,
    fail_on: Annotated[FailOn, typer.Option(help="Exit 1 when a finding is at or above this severity.")] = FailOn.error,
    output_format: Annotated[
        Optional[LintFormat],
        typer.Option("--format", "-f", help="Output format (github is the default inside GitHub Actions)."),
    ] = None,
    baseline: Annotated[Optional[Path], typer.Option(help="Report only findings not recorded in this baseline file.")] = None,
    write_baseline: Annotated[Optional[Path], typer.Option(help="Record today's findings in this file and exit 0.")] = None,
    no_cache: NoCache = False,
    statistics: Annotated[bool, typer.Option("--statistics", help="Count the findings per code instead of listing them (text, json or markdown).")] = False,
    summary: Annotated[bool, typer.Option("--summary", help="Per team: findings by rule family and a 0-100 health score (text, json or markdown).")] = False,
    history: Annotated[bool, typer.Option("--history", help="Also run the KP5xx rules over the scorecard's git history.")] = False,
    since: Since = None,
    last: Last = None,
    base: Base = None,
) -> None:
    """Check a scorecard against every rule of the catalogue."""
    from kpoctl.common.findings import Severity
    from kpoctl.output.reporters import RunInfo, reporter_for
    from kpoctl.rules.engine import finish, selection_from

    if statistics and summary:
        raise UsageError("--statistics and --summary are two views of the findings: choose one")
    if not history and (since, last, base) != (None, None, None):
        raise UsageError("--since, --last and --base choose the commits of --history: add --history")
    found = _read(path, use_cache=not no_cache, need_model=summary or history, actuals=history)
    selection = _without_history(selection_from(found.settings, _codes(select), _codes(ignore)), history,
                                 explicit=_codes(select))
    problems = found.problems
    if history:
        from kpoctl.commands.history import history_problems, window_of

        problems = problems + history_problems(found, selection.codes, window_of(since, last, base))
    findings = finish(problems, found.sites, selection)
    if found.only is not None:  # one file named: the whole scorecard analysed, that file's findings shown
        findings = [f for f in findings if f.file == found.only]
    gone: list[dict] = []
    if write_baseline is not None:
        from kpoctl.commands.baseline import write_baseline as save

        save(write_baseline, findings)
        sys.stderr.write(f"kpoctl: recorded {len(findings)} findings in {write_baseline}\n")
        raise typer.Exit(0)
    if baseline is not None:
        from kpoctl.commands.baseline import apply_baseline

        findings, gone = apply_baseline(baseline, findings)
    if output_format is None:
        output_format = _findings_format()
    info = RunInfo(
        root=found.root,
        files=(tuple(found.files) + tuple(u.file for u in found.unread if u.file not in found.files)
               if found.only is None else (found.only,)),
        version=__version__,
        baseline_gone=tuple(gone),
    )
    if statistics or summary:
        view = "--statistics" if statistics else "--summary"
        if output_format not in (LintFormat.text, LintFormat.json, LintFormat.markdown):
            raise UsageError(f"{view} prints text, json or markdown, not {output_format.value}")
        if statistics:
            from kpoctl.output.reporters import statistics as stats

            {LintFormat.json: lambda: stats.write_json(findings, sys.stdout),
             LintFormat.markdown: lambda: stats.write_markdown(findings, sys.stdout),
             LintFormat.text: lambda: stats.write_text(findings, sys.stdout, len(info.files))}[output_format]()
        else:
            from kpoctl.output.reporters import summary as per_team

            teams = {f.team.team: per_team.TeamSide(f.file, len(f.team.objectives) + len(f.team.indicators))
                     for f in found.scorecard().files if f.team is not None and (found.only is None or f.file == found.only)}
            rows = per_team.summary_rows(findings, teams)
            {LintFormat.json: per_team.write_json, LintFormat.markdown: per_team.write_markdown,
             LintFormat.text: per_team.write_text}[output_format](rows, sys.stdout)
    else:
        reporter_for(output_format.value).write(findings, info, sys.stdout)
    threshold = Severity(fail_on.value).rank
    raise typer.Exit(1 if any(f.severity.rank >= threshold for f in findings) else 0)


def _findings_format() -> "LintFormat":
    """Findings' default format: annotations inside GitHub Actions, text elsewhere."""
    return LintFormat.github if os.environ.get("GITHUB_ACTIONS") == "true" else LintFormat.text


def _without_history(selection, history: bool, explicit: list[str]):
    """Without --history the KP5xx rules cannot run: they leave the selection (so a
    suppression of one is not called unused), and asking for one by name is an error."""
    if history:
        return selection
    from dataclasses import replace

    from kpoctl.rules import REGISTRY
    from kpoctl.rules.base import HISTORY

    named = [c for c in explicit if c.upper() in REGISTRY and REGISTRY[c.upper()].scope == HISTORY]
    if named or any(c.upper() in ("KP5", "KP50") for c in explicit):
        raise UsageError(f"{(named or ['KP5'])[0].upper()} reads the git history: add --history")
    return replace(selection, codes=frozenset(c for c in selection.codes if REGISTRY[c].scope != HISTORY))


@app.command()
@guarded
def count(
    path: PathArg = Path("."),
    output_format: Annotated[DataFormat, typer.Option("--format", "-f", help="Output format.")] = DataFormat.text,
    no_cache: NoCache = False,
) -> None:
    """Per team: KPOs, POs, KPIs, PIs and context indicators, with the limits shown."""
    from kpoctl.output.views.count import render_count, rows_from_levels

    # the counts each file's record holds: no model built, no graph (a warm count reads the index only)
    reading = _read(path, use_cache=not no_cache, need_model=False, actuals=False, findings=())
    rows = rows_from_levels(reading.levels.values())
    if output_format is DataFormat.json:
        _print_json(rows)
    else:
        from kpoctl.model.profiles import profile_of

        render_count(rows, reading.settings.limits, _console(), profile_of(reading.settings.profile))
    raise typer.Exit(1 if _say_unread(reading) else 0)


@app.command()
@guarded
def orphans(
    path: PathArg = Path("."),
    output_format: Annotated[DataFormat, typer.Option("--format", "-f", help="Output format.")] = DataFormat.text,
    no_cache: NoCache = False,
) -> None:
    """The orphan KPIs (KP101) and PIs (KP102), with where they are. Exit 1 when there are any."""
    from kpoctl.output.reporters.base import RunInfo
    from kpoctl.output.views.orphans import ORPHAN_CODES, orphan_rows, orphans_part, render_orphans
    from kpoctl.output.views.parts import Teams

    reading = _read(path, use_cache=not no_cache, need_model=False, derive=(("orphans", orphans_part),),
                    findings=ORPHAN_CODES)
    rows = orphan_rows(Teams(reading.derived("orphans", actuals=False)), reading.problems, reading.sites)
    if output_format is DataFormat.json:
        _print_json(rows)
    else:
        render_orphans(rows, _console(), RunInfo(root=reading.root).display_path)
    partial = _say_unread(reading)
    raise typer.Exit(1 if rows or partial else 0)


class TreeFormat(str, Enum):
    text = "text"
    json = "json"
    mermaid = "mermaid"
    dot = "dot"


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


@app.command()
@guarded
def tree(
    path: PathArg = Path("."),
    team: Annotated[Optional[str], typer.Option(help="Start at this team.")] = None,
    depth: Annotated[
        Optional[int], typer.Option(min=1, help="Levels of teams to show (1: the start team only).")
    ] = None,
    output_format: Annotated[TreeFormat, typer.Option("--format", "-f", help="Output format.")] = TreeFormat.text,
    fence: Annotated[bool, typer.Option("--fence", help="Wrap mermaid or dot output in a markdown code fence.")] = False,
    no_cache: NoCache = False,
) -> None:
    """The cascade tree: each team's KPOs with their KPIs, POs with their PIs, then the teams below."""
    from kpoctl.output.views.parts import Teams
    from kpoctl.output.views.tree import render_tree, tree_part, tree_roots

    pictures = output_format in (TreeFormat.mermaid, TreeFormat.dot)  # coloured by status
    if fence and not pictures:
        raise UsageError("--fence goes with --format mermaid or dot")
    from kpoctl.output.views.report import build_report, report_part

    derive = (("tree", tree_part), ("report", report_part)) if pictures else (("tree", tree_part),)
    reading = _read(path, use_cache=not no_cache, need_model=False, derive=derive, findings=())
    teams = _kept(Teams(reading.derived("tree", actuals=False)))
    _check_team(teams.parts, team, path)
    roots = tree_roots(teams, team, depth)
    if output_format is TreeFormat.json:
        _print_json(roots)
    elif pictures:
        from kpoctl.output.views.tree import node_statuses, render_dot, render_mermaid

        reports = build_report(Teams(reading.derived("report")), [], [], notes=False)
        render = render_mermaid if output_format is TreeFormat.mermaid else render_dot
        picture = render(roots, node_statuses(teams, {(r.team, r.id): r.status for t in reports for r in t.rows}))
        sys.stdout.write(f"```{output_format.value}\n{picture}```\n" if fence else picture)
    else:
        from kpoctl.model.profiles import profile_of

        render_tree(roots, _console(), profile_of(reading.settings.profile).word)
    raise typer.Exit(1 if _say_unread(reading) else 0)


def _check_team(names, team: str | None, path: Path) -> None:
    """A team that is not among `names` (the scorecard's) is a usage error, with the closest name."""
    if team is not None and team not in names:
        import difflib

        close = difflib.get_close_matches(team, list(names), n=1)
        raise UsageError(f"no team {team!r} in {path}" + (f"; did you mean {close[0]!r}?" if close else ""))


@app.command()
@guarded
def report(
    path: PathArg = Path("."),
    team: Annotated[Optional[str], typer.Option(help="Only this team.")] = None,
    output_format: Annotated[
        Optional[ReportFormat],
        typer.Option("--format", "-f", help="Output format [default: text; with -o, taken from its extension].",
                     show_default=False),
    ] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout; with --format html, a folder gets a small site (index.html and a page per team).")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="PERIOD", help="The scorecard as it stood then: only actuals of periods ended by PERIOD (YYYY, YYYY-MM, YYYY-Qn, YYYY-Www or a date) count.")] = None,
    no_cache: NoCache = False,
) -> None:
    """The meeting report: each KPI/PI with target, latest actual, trend, status and owner;
    as HTML, a briefing book with a chart of each indicator's history."""
    from kpoctl.graph import CascadeGraph
    from kpoctl.output.views import report as view
    from kpoctl.output.views.parts import Teams

    # A site goes into a folder: one that exists, or a new name without an extension
    # given with --format html. Anything else is a file, as before.
    folder = output is not None and output.is_dir()
    if output_format is None:
        output_format = ReportFormat.html if folder else _format_of(output)
    if folder and output_format is not ReportFormat.html:
        raise UsageError(f"{output} is a folder: only --format html writes into one (a site)")
    site = folder or (output is not None and output_format is ReportFormat.html and not output.suffix
                      and not os.path.lexists(output))
    until = _as_of_end(as_of)

    html = output_format is ReportFormat.html
    now = until is None and not html  # today's rows: each team's part as the cache keeps it
    as_text = output_format is ReportFormat.text
    kind, part = ("reporttext", view.report_text_part) if as_text else ("report", view.report_part)
    reading = _read(path, use_cache=not no_cache, need_model=not now, derive=((kind, part),) if now else (),
                    findings=view.NOTE_CODES)
    if now:
        parts = reading.derived(kind)
    else:  # a past period's rows, or every actual for the charts: worked out for this run
        parts = {f.file: view.report_part(f, reading.settings, as_of=until, history=html, text=as_text)
                 for f in reading.scorecard().files if f.team is not None}
    if until is not None:
        _say_as_of_ahead(as_of, reading.settings.run_date())
    teams = _kept(Teams(parts))
    _check_team(teams.parts, team, path)
    reports = view.build_report(teams, reading.problems, reading.sites, team, notes=until is None,
                                settings=reading.settings)
    if output_format is ReportFormat.json:
        from kpoctl.common.jsonout import dumps

        text = dumps(view.report_rows(reports))
    elif output_format is ReportFormat.markdown:
        text = view.render_markdown(reports)
    elif html:
        from kpoctl.output.views.html import render_html, render_site
        from kpoctl.output.views.tree import node_statuses, tree_part, tree_roots

        graph = _kept(CascadeGraph(reading.scorecard()))
        view.link_objectives(reports, graph)
        book = _book(graph, reading, team, as_of, until)
        tree = Teams({f.file: tree_part(f, reading.settings) for f in reading.scorecard().files if f.team is not None})
        statuses = node_statuses(tree, {(r.team, r.id): r.status for report in reports for r in report.rows})
        roots = tree_roots(tree, team)
        if site:
            _write_site(output, render_site(reports, roots, statuses, book))
            raise typer.Exit(1 if _say_unread(reading) else 0)
        text = render_html(reports, roots, statuses, book)
    else:
        if output is not None:
            raise UsageError("--output takes json, markdown or html; text goes to the terminal")
        text = None
    if text is None:
        _render_text_report(view, reports, reading.cache, whole=team is None)
    elif output is None:
        sys.stdout.write(text)
    else:
        from kpoctl.common.atomic import write_text_atomic

        try:
            write_text_atomic(output, text)
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
        sys.stderr.write(f"kpoctl: wrote {output}\n")
    raise typer.Exit(1 if _say_unread(reading) else 0)


def _render_text_report(view, reports, cache, *, whole: bool) -> None:
    """The text report, each team's block laid out again only when what it shows changed
    (the blocks are kept in the cache beside the parts: only those of this run, or, for
    one --team, added to the others)."""
    from kpoctl.output.views.report_text import Blocks

    blocks = Blocks(cache.read_derived("reportblocks")) if cache is not None else Blocks(kept=False)
    view.render_text(reports, _console(), blocks)
    if cache is not None and blocks.used and blocks.used.keys() != blocks.stored.keys():
        cache.write_derived("reportblocks", blocks.used if whole else {**blocks.stored, **blocks.used})


def _say_as_of_ahead(as_of: str, today) -> None:
    """One line on stderr when --as-of names a period that has not begun (a year mistyped,
    most likely): every actual recorded counts, which the user did not ask for in so many words."""
    from kpoctl.model.periods import period_bounds

    if period_bounds(as_of)[0] > today:
        sys.stderr.write(f"kpoctl: --as-of {as_of} has not begun yet (today is {today.isoformat()}): "
                         "every actual recorded counts\n")


def _as_of_end(as_of: str | None):
    """The last day of the --as-of period, or None."""
    if as_of is None:
        return None
    from kpoctl.model import PERIOD_RE, period_in_calendar, period_meant
    from kpoctl.model.periods import period_bounds

    if not PERIOD_RE.match(as_of) or not period_in_calendar(as_of):
        meant = period_meant(as_of)
        raise UsageError(f"--as-of takes a period (YYYY, YYYY-MM, YYYY-Qn, YYYY-Www or a date); got {as_of!r}"
                         + (f" (write {meant})" if meant else ""))
    return period_bounds(as_of)[1]


def _book(graph, reading, team: str | None, as_of: str | None, until):
    """The briefing book's cover: the scorecard's name (its top team's), and as of when."""
    from kpoctl.output.views.html import Book

    tops = graph.top_teams
    name = graph.teams[team].team.name if team else (graph.teams[tops[0]].team.name if len(tops) == 1 else "Scorecard")
    today = reading.settings.run_date().isoformat()
    when = f"{as_of} (actuals of periods ended by {until.isoformat()})" if as_of else today
    return Book(f"Briefing book: {name}", when, f"kpoctl {__version__} on {today}", past=as_of is not None)


def _write_site(folder: Path, pages: dict[str, str]) -> None:
    """Each page written atomically into `folder` (made if missing); pages of teams no longer
    in the scorecard are left alone."""
    from kpoctl.common.atomic import write_text_atomic

    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in pages.items():
            write_text_atomic(folder / name, text)
    except OSError as exc:
        raise UsageError(f"cannot write {folder}: {exc.strerror or exc}") from None
    sys.stderr.write(f"kpoctl: wrote {len(pages)} pages into {folder} (open {folder / 'index.html'})\n")


REPORT_EXTENSIONS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".json": "json"}


def _format_of(output: Path | None) -> "ReportFormat":
    """The format a file name asks for (report.md is markdown); text without one."""
    if output is None:
        return ReportFormat.text
    name = REPORT_EXTENSIONS.get(output.suffix.lower())
    if name is None:
        raise UsageError(f"cannot tell the format of {output} from its extension "
                           f"({', '.join(REPORT_EXTENSIONS)}); give --format")
    return ReportFormat(name)


class SchemaKind(str, Enum):
    team = "team"
    settings = "settings"


@app.command()
@guarded
def schema(
    kind: Annotated[
        Optional[SchemaKind], typer.Argument(help="team or settings; both (as one JSON object) when omitted.")
    ] = None,
    write: Annotated[
        Optional[Path], typer.Option(help="Write team.schema.json and settings.schema.json into this folder.")
    ] = None,
) -> None:
    """The JSON Schema of a team file and of kpoctl.yaml (as kept in schemas/)."""
    from kpoctl.output import schemas

    if write is not None:
        if not write.is_dir():
            raise UsageError(f"not a folder: {write}")
        for written in schemas.write_all(write):
            sys.stderr.write(f"kpoctl: wrote {written}\n")
        return
    if kind is not None:
        sys.stdout.write(schemas.render(kind.value))
    else:
        _print_json({k: schemas.schema_for(k) for k in schemas.FILES})


@app.command()
@guarded
def explain(
    code: Annotated[Optional[str], typer.Argument(help="A rule code, e.g. KP101; or `score` (lint --summary's health score) or `status` (how the report judges an indicator).")] = None,
    list_rules: Annotated[bool, typer.Option("--list", help="List every rule.")] = False,
) -> None:
    """A rule's rationale with a bad and a good example."""
    from kpoctl.output.explain import render_list, render_rule
    from kpoctl.rules import get

    if list_rules or code is None:
        render_list(_console())
        return
    if code.lower() == "score":
        from kpoctl.output.explain import render_prose
        from kpoctl.output.reporters.summary import FORMULA

        render_prose("The health score of `kpoctl lint --summary`", FORMULA, _console())
        return
    if code.lower() == "status":
        from kpoctl.model.status import EXPLAINED
        from kpoctl.output.explain import render_prose

        render_prose("Status: on track, at risk, off track, no target, no data", EXPLAINED, _console())
        return
    try:
        rule = get(code)
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    render_rule(rule, _console())


@app.command()
@guarded
def init(
    path: Annotated[Path, typer.Argument(help="Folder for the new scorecard.")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that already exist.")] = False,
    top: Annotated[str, typer.Option(help="Id of the top team.")] = "company",
) -> None:
    """A new scorecard: a top team, one cascaded team and kpoctl.yaml, which lints clean."""
    import re

    from kpoctl.commands.scaffold import init as scaffold

    # the other files init writes: a top team of either name would be written over them
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", top) or top in ("operations", "kpoctl"):
        raise UsageError(f"--top must be a slug other than 'operations' and 'kpoctl'; got {top!r}")
    for written in scaffold(path, force=force, top=top):
        sys.stderr.write(f"kpoctl: wrote {written}\n")
    sys.stderr.write(f"kpoctl: next: edit the files, then `kpoctl lint {path}`\n")


@app.command()
@guarded
def record(
    indicator: Annotated[Optional[str], typer.Argument(metavar="TEAM/INDICATOR", help="e.g. unit-1/otif-rate (with --from: the scorecard's PATH).", show_default=False)] = None,
    value: Annotated[Optional[str], typer.Argument(metavar="VALUE", help="The measured value, a number.", show_default=False)] = None,
    path: PathArg = Path("."),
    period: Annotated[
        Optional[str], typer.Option(help="YYYY, YYYY-MM, YYYY-Qn, YYYY-Www or a date; default: the current period.")
    ] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Change the value of a period already recorded.")] = False,
    from_csv: Annotated[Optional[Path], typer.Option("--from", metavar="CSV", help="Record every row of this CSV (columns: indicator as TEAM/ID, or team and indicator; period; value; note): all checked first, nothing written if one is refused.")] = None,
) -> None:
    """Add an actual to an indicator in its file, in time order, leaving every other byte as
    it was (or, with --from, every actual of a CSV file)."""
    from kpoctl.commands.record import parse_value, refuse_ambiguous
    from kpoctl.commands.record import record as write_actual
    from kpoctl.common.numbers import number_text

    if from_csv is not None:
        if value is not None or period is not None:
            raise UsageError("with --from, give only the scorecard's PATH: indicators, periods and values come from the CSV")
        _record_csv(from_csv, Path(indicator) if indicator is not None else Path("."), replace)
        return
    if indicator is None or value is None:
        raise UsageError("usage: kpoctl record TEAM/INDICATOR VALUE [PATH], or kpoctl record --from CSV [PATH]")
    number = parse_value(value)
    if indicator.count("/") != 1:
        raise UsageError(f"name the indicator as TEAM/INDICATOR; got {indicator!r}")
    team_id, indicator_id = indicator.split("/")
    # which file declares the team, from the read path's record of each file: no model is
    # needed of any file but the one written, which record reads itself, under its lock
    reading = _read(path, need_model=False, actuals=False)
    declared = reading.declared()
    refuse_ambiguous(team_id, declared.get(team_id, []))
    if team_id not in declared:
        _say_unread(reading)
    _check_team(declared, team_id, path)
    team_file = reading.root / declared[team_id][0]
    done = write_actual(team_file, team_id, indicator_id, number, period=period, replace=replace,
                        today=reading.settings.run_date(), settings=reading.settings)
    verb = "replaced" if done.replaced else "recorded"
    sys.stderr.write(f"kpoctl: {verb} {indicator} = {number_text(done.value)} for {done.period} in {team_file}\n")


def _record_csv(csv_path: Path, path: Path, replace: bool) -> None:
    """Every row of a CSV into the scorecard at `path`, or nothing (kpoctl.commands.bulk)."""
    from kpoctl.commands import bulk
    from kpoctl.commands.record import declared_teams

    raw = bulk.read_csv(csv_path)
    reading = _read(path, actuals=True)
    scorecard = reading.scorecard()
    teams = declared_teams(scorecard.files)
    rows, refused = bulk.check_rows(raw, teams, replace)
    try:
        if refused:
            raise bulk.Refused(refused)
        done = bulk.record_rows(scorecard.root, teams, rows, replace=replace, today=scorecard.today,
                                settings=scorecard.settings)
    except bulk.Refused as exc:
        from kpoctl.common.textsafe import plain

        sys.stderr.writelines(f"kpoctl: {plain(reason)}\n" for reason in exc.reasons)
        _say_unread(reading)
        _fail(f"nothing written: {len(exc.reasons)} of {len(raw)} rows refused" if refused
              else f"nothing written: {len(exc.reasons)} files cannot take their rows")
    replaced = sum(d.replaced for d in done)
    files = len({d.file for d in done})
    sys.stderr.write(f"kpoctl: recorded {len(done) - replaced} and replaced {replaced} actuals in {files} "
                     f"file{'s' if files != 1 else ''} from {csv_path}\n")


class DiffFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
@guarded
def diff(
    revisions: Annotated[
        list[str], typer.Argument(help="REV [REV2] [PATH]: compare REV with REV2 (default: the working tree).")
    ],
    output_format: Annotated[DiffFormat, typer.Option("--format", "-f", help="Output format.")] = DiffFormat.text,
) -> None:
    """What changed in the scorecard between two git revisions: entries, targets (interim ones too), cascades and links, roles, owners, levels, cadences."""
    from kpoctl.commands import diff as differ
    from kpoctl.read.settings import find_settings, load_settings

    if not 1 <= len(revisions) <= 3:
        raise UsageError("usage: kpoctl diff REV [REV2] [PATH]")
    path = Path(".")
    if len(revisions) > 1 and Path(revisions[-1]).exists():
        path = Path(revisions[-1])
        revisions = revisions[:-1]
    if not path.exists():
        raise UsageError(f"path does not exist: {path}")
    settings = load_settings(find_settings(path))
    old_rev = revisions[0]
    read_old = differ.at_revision(old_rev, path, settings)
    if len(revisions) == 2:
        new_rev = revisions[1]
        new_side = differ.at_revision(new_rev, path, settings)()
    else:
        new_rev = "working tree"
        new_side = differ.teams_now(path)
        _say_not_read(new_side)
    # after the working tree: what it had serves the files left as they were
    old_side = read_old(known=new_side.known, work_tree=new_side if len(revisions) == 1 else None)
    _keep_collector_out()
    old, new = differ.comparable(old_side, new_side)
    changes = differ.compare(old, new)
    if output_format is DiffFormat.json:
        _print_json([c.to_dict() for c in changes])
    elif output_format is DiffFormat.markdown:
        sys.stdout.write(differ.render_markdown(changes, old_rev, new_rev))
    else:
        differ.render_text(changes, _console(), old_rev, new_rev)
    from kpoctl.common.textsafe import plain

    partial = False
    for rev, side in ((old_rev, old_side), (new_rev, new_side)):
        for left_out, how in ((side.unread, "not read whole, their teams not compared"),
                              (side.repeated, "not compared, as an earlier file declares the same team")):
            if left_out:
                sys.stderr.write(f"kpoctl: at {plain(rev)}, {_counted(len(left_out), 'team file')} {how}: "
                                 f"{_named(list(left_out.items()))}\n")
                partial = True
    raise typer.Exit(1 if partial else 0)


@app.command()
@guarded
def history(
    target: Annotated[Optional[list[str]], typer.Argument(metavar="[TEAM/ID] [PATH]", help="PATH: check the scorecard's history (KP5xx); TEAM/ID: that indicator through the commits.", show_default=False)] = None,
    since: Since = None,
    last: Last = None,
    base: Base = None,
    fail_on: Annotated[FailOn, typer.Option(help="Exit 1 when a finding is at or above this severity.")] = FailOn.error,
    output_format: Annotated[
        Optional[LintFormat],
        typer.Option("--format", "-f", help="Output format (a TEAM/ID's timeline: text or json)."),
    ] = None,
) -> None:
    """Honesty over time: targets lowered after a miss, off-track entries removed, actuals rewritten, dues pushed back."""
    from kpoctl.commands import history as past
    from kpoctl.common.findings import Severity
    from kpoctl.rules.engine import finish, selection_from

    indicator, path = past.split_target(list(target or []))
    window = past.window_of(since, last, base)
    if output_format is None:
        output_format = _findings_format() if indicator is None else LintFormat.text
    if indicator is not None:
        _timeline(path, indicator, window, output_format)
        return
    checked = _kept(past.check(path, window))
    _keep_collector_out()
    _say_not_read(checked.located)
    selection = selection_from(checked.located.settings, ["KP5"], [])
    findings = finish(checked.problems, checked.sites, selection)
    only = checked.located.only
    if only is not None:  # one file named: its teams' findings
        findings = [f for f in findings if f.file == only]
    from kpoctl.output.reporters import RunInfo, reporter_for

    info = RunInfo(root=checked.located.root, files=checked.files if only is None else (only,), version=__version__)
    reporter_for(output_format.value).write(findings, info, sys.stdout)
    threshold = Severity(fail_on.value).rank
    raise typer.Exit(1 if any(f.severity.rank >= threshold for f in findings) else 0)


def _timeline(path: Path, indicator: tuple[str, str], window, output_format: "LintFormat") -> None:
    from kpoctl.commands.history import git_read, say_walked, today
    from kpoctl.graph import CascadeGraph
    from kpoctl.output.views.history import render_timeline, timeline_json
    from kpoctl.pipeline.history import indicator_timeline, uncommitted_changes
    from kpoctl.pipeline.reading import locate_checked
    from kpoctl.rules.engine import Selection, finish

    if output_format not in (LintFormat.text, LintFormat.json):
        raise UsageError(f"a TEAM/ID's timeline prints text or json, not {output_format.value}")
    team, indicator_id = indicator
    located = locate_checked(path)
    _say_not_read(located)
    steps, walked, team_file = git_read(indicator_timeline, located.root, located.settings, team, indicator_id,
                                        window)
    if team_file is None:  # no commit in the window read the team: where the work tree declares it now
        from kpoctl.pipeline.reading import read_scorecard

        declared = read_scorecard(path, progress=_progress_bar(), one_shot=True, findings=()).declared()
        team_file = declared[team][0] if team in declared else None
    scorecard = today(located, {team_file} if team_file else set())
    graph = CascadeGraph(scorecard)
    if not steps and f"{team}/{indicator_id}" not in graph.entries:
        raise UsageError(f"no indicator {team}/{indicator_id} in the scorecard now or in the commits checked")
    say_walked(walked)
    from kpoctl.pipeline.history import place

    findings = finish(place(walked.problems, graph), [f.suppression_site() for f in scorecard.files],
                      Selection.build(["KP5"], []))
    pending = git_read(uncommitted_changes, located.root, located.settings, team_file, indicator_id) if team_file else ()
    if output_format is LintFormat.json:
        _print_json(timeline_json(team, indicator_id, steps, findings, pending))
    else:
        render_timeline(team, indicator_id, steps, findings, walked.commits, _console(), pending)


class SheetFormat(str, Enum):
    csv = "csv"
    xlsx = "xlsx"


@app.command("import")
@guarded
def import_(
    sheet: Annotated[Path, typer.Argument(metavar="FILE", help="A .csv or .xlsx sheet: one row per team, objective, indicator or actual (README: Spreadsheets).", show_default=False)],
    into: Annotated[Path, typer.Option("--into", metavar="DIR", help="Folder for the team files (one per team, named after it).")] = Path("."),
    partial: Annotated[bool, typer.Option("--partial", help="Write the teams whose rows were all read, even when others were refused.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace team files that already exist.")] = False,
) -> None:
    """Turn a scorecard sheet into team files: every row read first, nothing written while one is refused."""
    from kpoctl.commands import transfer
    from kpoctl.common.textsafe import plain
    from kpoctl.read.settings import find_settings, load_settings

    settings = load_settings(find_settings(into if into.exists() else Path(".")))
    try:
        done = transfer.import_sheet(sheet, into, max_mb=settings.max_file_mb, partial=partial, force=force)
    except transfer.ImportRefused as exc:
        sys.stderr.writelines(f"kpoctl: {plain(line)}\n" for line in exc.lines)
        _fail(str(exc))
    sys.stderr.writelines(f"kpoctl: {plain(note)}\n" for note in done.notes)
    said = {kind: f"{n} {kind[:-1] if n == 1 else kind}" for kind, n in done.counts.items()}
    sys.stderr.write(f"kpoctl: imported {said['teams']} ({said['objectives']}, {said['indicators']}, "
                     f"{said['actuals']}) into {into}"
                     + (f"; not written: {', '.join(done.skipped_teams)}" if done.skipped_teams else "") + "\n")
    raise typer.Exit(1 if done.skipped_teams else 0)


@app.command()
@guarded
def export(
    path: PathArg = Path("."),
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file (atomically); the format from its extension (.csv or .xlsx).")] = None,
    output_format: Annotated[Optional[SheetFormat], typer.Option("--format", "-f", help="csv or xlsx [default: from -o, else csv].")] = None,
    template: Annotated[bool, typer.Option("--template", help="Write a sheet to fill in (one row of each kind) instead of a scorecard's.")] = False,
    no_cache: NoCache = False,
) -> None:
    """The whole scorecard as one sheet (and each indicator's status), in the columns `kpoctl import` reads."""
    from kpoctl.commands import transfer
    from kpoctl.graph import CascadeGraph

    if output_format is None:
        suffix = output.suffix.lower().lstrip(".") if output is not None else "csv"
        if suffix not in ("csv", "xlsx"):
            raise UsageError(f"cannot tell the format from {output}: give --format csv or xlsx")
        output_format = SheetFormat(suffix)
    if output_format is SheetFormat.xlsx and output is None:
        raise UsageError("an xlsx workbook is written to a file: give -o FILE.xlsx")
    if template:
        rows = transfer.template_rows()
        if output is None:
            sys.stdout.write(transfer.csv_text(rows))
        else:
            transfer.write_export(rows, output, output_format.value)
            sys.stderr.write(f"kpoctl: wrote a template of {len(rows)} rows to {output}\n")
        return
    if output_format is SheetFormat.csv:  # each team's rows from its own file: no model held, as the views
        reading = _read(path, use_cache=not no_cache, need_model=False, derive=(("exportcsv", transfer.export_csv_part),),
                        findings=())
        count, sheet = transfer.csv_sheet(reading.derived("exportcsv"), reading.declared())
        if output is None:
            sys.stdout.writelines(sheet)
        else:
            transfer.write_csv(output, sheet)
    else:
        reading = _read(path, use_cache=not no_cache, need_model=True, actuals=True, findings=())
        scorecard = reading.scorecard()
        rows = transfer.export_rows(scorecard, CascadeGraph(scorecard))
        count = len(rows)
        transfer.write_export(rows, output, output_format.value)
    if output is not None:
        sys.stderr.write(f"kpoctl: wrote {count} rows to {output}\n")
    raise typer.Exit(1 if _say_unread(reading) else 0)


def main() -> None:
    """Console-script entry point. The process ends without tearing the model down:
    freeing a large scorecard's millions of objects one by one took most of a second of a
    warm report at 10,000 teams, for nothing (what `_read` and the views built is kept
    until here, so it is not freed on the way out of the command either)."""
    global _KEPT
    _KEPT = []
    sys.stdout, sys.stderr = _ReaderMayLeave(sys.stdout), _ReaderMayLeave(sys.stderr)
    try:
        app()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    except KeyboardInterrupt:
        code = 130
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # a full disk or a closed terminal: nothing more can be said
            pass
    os._exit(code)
