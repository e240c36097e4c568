"""Fuzz one file's way through kpoctl: bytes in, findings out, never an exception.

    python fuzz/fuzz_loader.py --seconds 300            # atheris (coverage-guided) if installed,
                                                         # else a hypothesis byte fuzzer
    python fuzz/fuzz_loader.py --seconds 300 --hypothesis

Each input goes through `read_team_bytes` (parse and validate, as every command reads
a file), then the team-scoped rules (`analyse_file`), and its findings are written as
terminal text, JSON and JUnit XML, as lint would. Any exception is a crash, and so is
output that is not valid UTF-8 or XML: the input is saved under tests/fuzz_regressions/
(which the test suite replays for ever after) and the run stops with exit 1.
Seeds: the examples and the hostile corpus.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REGRESSIONS = ROOT / "tests" / "fuzz_regressions"
_target = None  # (read_team_bytes, settings), imported late so atheris can instrument kpoctl


def _load_target() -> None:
    global _target
    from kpoctl.model import Settings
    from kpoctl.read.load import read_team_bytes

    _target = (read_team_bytes, Settings(max_nodes=20_000, today="2026-11-21"))


def _analyse_and_write(result, settings) -> None:
    """The team-scoped rules over the file, and its findings in three formats."""
    import xml.etree.ElementTree as ET

    from kpoctl.common.jsonout import dumps
    from kpoctl.common.textsafe import plain, xml_text
    from kpoctl.rules.engine import analyse_file

    analysed = analyse_file(result, settings, settings.run_date())
    for code, problem in analysed.team_problems:
        assert problem.location.line >= 1 and problem.location.column >= 1, (code, problem)
        plain(problem.message).encode("utf-8")
        dumps({"code": code, "message": problem.message, "team": problem.team, "id": problem.id})
        ET.fromstring(f"<m>{xml_text(problem.message).replace('&', '&amp;').replace('<', '&lt;')}</m>")


def one_input(data: bytes) -> None:
    """What the fuzzers call: must never raise."""
    read_team_bytes, settings = _target
    try:
        result = read_team_bytes(data, "fuzz.yaml", settings)
        if result is not None:
            _analyse_and_write(result, settings)
    except Exception:
        name = hashlib.sha1(data).hexdigest()[:16] + ".yaml"
        REGRESSIONS.mkdir(parents=True, exist_ok=True)
        (REGRESSIONS / name).write_bytes(data)
        sys.stderr.write(f"crash saved as tests/fuzz_regressions/{name}\n")
        raise
    if result is not None:
        for _, problem in result.problems:
            assert problem.location.line >= 1 and problem.location.column >= 1


def seeds() -> list[bytes]:
    files = sorted((ROOT / "examples").rglob("*.yaml"))
    return [f.read_bytes() for f in files if f.stat().st_size < 20_000]


def run_atheris(seconds: int) -> None:
    import atheris

    corpus = ROOT / "fuzz" / "corpus"
    corpus.mkdir(exist_ok=True)
    for index, seed in enumerate(seeds()):
        (corpus / f"seed-{index}.yaml").write_bytes(seed)
    with atheris.instrument_imports(include=["kpoctl"]):
        _load_target()
    atheris.Setup([sys.argv[0], f"-max_total_time={seconds}", "-max_len=4096", "-rss_limit_mb=2048", str(corpus)],
                  one_input)
    atheris.Fuzz()


def run_hypothesis(seconds: int) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    pieces = st.sampled_from([b"team: x\n", b"name: N\n", b"objectives:\n", b"  - ", b"id: a\n", b"{", b"}", b"[",
                              b"]", b"&a ", b"*a", b"<<: ", b"!!", b"---\n", b"\t", b"\xff", b"\x00", b": ", b"- ",
                              b"'", b'"', b"2026-02-30", b".nan", b"9" * 400, b"\r\n", b"\xef\xbb\xbf", b"# kpoctl: ignore",
                              b"indicators:\n", b"level: KPI\n", b"actuals:\n", b"period: ", b"value: 1\n",
                              b"2027-W53", b"2026-W53", b"9999-12", b"9999-W52", b"0000-01", b"frequency: weekly\n",
                              b"target: {value: 9, direction: at_most}\n", b"[/]", b"[link=x]", b"\x1b[31m",
                              b'"\\udc80"', b'"\\x1b]8;;x\\x07"', "\u2028".encode(), b"\xc2\x85", b"<b>", b"|"])
    inputs = st.one_of(st.binary(max_size=512), st.lists(pieces, max_size=40).map(b"".join),
                       st.sampled_from(seeds()).flatmap(lambda s: st.tuples(st.just(s), st.binary(max_size=16),
                                                                            st.integers(0, len(s))))
                       .map(lambda t: t[0][: t[2]] + t[1] + t[0][t[2]:]))
    _load_target()
    deadline = time.monotonic() + seconds
    count = 0

    @settings(max_examples=10**9, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(inputs)
    def fuzz(data: bytes) -> None:
        nonlocal count
        count += 1
        if time.monotonic() > deadline:
            raise _Done
        one_input(data)

    try:
        fuzz()
    except BaseException as exc:  # noqa: BLE001 - the deadline, however hypothesis wraps it
        if not _only_done(exc):
            raise
    print(f"hypothesis fuzzer: {count} inputs in {seconds} s, no crash")


class _Done(Exception):
    pass


def _only_done(exc: BaseException) -> bool:
    """The time is up, and nothing else: recent hypothesis replays a failing example and,
    the deadline being past either way, reports _Done inside a (flaky) exception group."""
    if isinstance(exc, _Done):
        return True
    if isinstance(exc, BaseExceptionGroup):
        return all(_only_done(inner) for inner in exc.exceptions)
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--hypothesis", action="store_true", help="use the hypothesis fuzzer even if atheris is there")
    args = parser.parse_args()
    try:
        import atheris  # noqa: F401
    except ImportError:
        args.hypothesis = True
    if args.hypothesis:
        run_hypothesis(args.seconds)
    else:
        run_atheris(args.seconds)


if __name__ == "__main__":
    main()
