"""The hostile-input corpus, built by a script because some files are large.

`build(folder)` writes one scorecard folder per case (a valid top team plus the
hostile file) and returns what kpoctl must say about each: the exit code and, for
the hostile file, the finding code expected at it (None: the file is ignored).
Run `python -m tests.hostile.corpus DIR` to write it out and look at it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

TOP = "team: top\nname: Top team\n"


@dataclass(frozen=True)
class Case:
    name: str
    exit_code: int
    file: str | None = None  # the hostile file, relative to the case folder
    code: str | None = None  # the finding expected at it (None: no finding for it)
    line: int | None = None  # where the finding must be: behaviour, never a library's wording


def _bomb(levels: int = 9) -> str:
    lines = ["team: bomb", "name: Bomb", "parent: top", "a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels + 1):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    return "\n".join(lines) + "\n"


def build(folder: Path) -> list[Case]:
    cases: list[Case] = []

    def case(name: str, files: dict[str, bytes | str], expect: Case) -> None:
        target = folder / name
        target.mkdir(parents=True)
        (target / "top.yaml").write_text(TOP)
        for file, content in files.items():
            path = target / file
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode())
        cases.append(expect)

    case("alias-bomb", {"x.yaml": _bomb()}, Case("alias-bomb", 1, "x.yaml", "KP001", 8))
    case("nesting-10000", {"x.yaml": "team: deep\nname: D\nx: " + "[" * 10_000 + "]" * 10_000 + "\n"},
         Case("nesting-10000", 1, "x.yaml", "KP001", 3))
    case("block-nesting", {"x.yaml": "team: deep\nname: D\nx:\n" + "".join(" " * i + "- \n" for i in range(3000))},
         Case("block-nesting", 1, "x.yaml", "KP001", 103))
    big = "team: big\nname: Big\nparent: top\ndescription: |\n" + ("  " + "y" * 98 + "\n") * 500_000
    case("file-50mb", {"x.yaml": big}, Case("file-50mb", 1, "x.yaml", "KP001", 1))
    case("long-line", {"x.yaml": "team: long\nname: " + "x" * 5_000_000 + "\nparent: top\n"},
         Case("long-line", 0, "x.yaml", None))
    case("nul-bytes", {"x.yaml": b"team: nul\nname: N\x00ul\n"}, Case("nul-bytes", 1, "x.yaml", "KP001", 2))
    case("invalid-utf8", {"x.yaml": b"team: bad\nname: caf\xe9\n"}, Case("invalid-utf8", 1, "x.yaml", "KP001", 2))
    case("utf16-bom", {"x.yaml": "team: wide\nname: Wide\n".encode("utf-16")},
         Case("utf16-bom", 1, "x.yaml", "KP001", 1))
    case("utf8-bom", {"x.yaml": b"\xef\xbb\xbfteam: bom\nname: Bom\nparent: top\n"}, Case("utf8-bom", 0, "x.yaml", None))
    case("tabs", {"x.yaml": "team: tabs\nname: T\n\tparent: top\n"}, Case("tabs", 1, "x.yaml", "KP001", 3))
    case("crlf", {"x.yaml": b"team: crlf\r\nname: C\r\nparent: top\r\nmeeting: nope\r\n"},
         Case("crlf", 1, "x.yaml", "KP002", 4))
    case("several-documents", {"x.yaml": "team: one\nname: One\n---\nteam: two\nname: Two\n"},
         Case("several-documents", 1, "x.yaml", "KP001", 3))
    case("python-tag", {"x.yaml": "team: py\nname: !!python/object/apply:os.system ['touch pwned']\n"},
         Case("python-tag", 1, "x.yaml", "KP001", 2))
    case("unknown-tag", {"x.yaml": "team: t\nname: !vault |\n  secret\n"}, Case("unknown-tag", 1, "x.yaml", "KP001", 2))
    case("merge-keys", {"x.yaml": "team: m\nname: M\nparent: top\nbase: &b {owner: X}\n<<: *b\n"},
         Case("merge-keys", 1, "x.yaml", "KP002", 4))
    case("non-string-keys", {"x.yaml": "team: k\nname: K\nparent: top\n? [a, b]\n: x\n"},
         Case("non-string-keys", 1, "x.yaml", "KP001", 4))
    case("huge-integer", {"x.yaml": "team: h\nname: H\nparent: top\nindicators:\n  - {id: i, level: context, name: I, "
                                    "actuals: [{period: 2026, value: " + "9" * 5000 + "}]}\n"},
         Case("huge-integer", 1, "x.yaml", "KP002", 5))
    case("nan-target", {"x.yaml": "team: n\nname: N\nparent: top\nindicators:\n  - {id: i, level: KPI, name: I, "
                                  "target: {value: .nan, direction: at_least}}\n"},
         Case("nan-target", 1, "x.yaml", "KP002", 5))
    case("inf-target", {"x.yaml": "team: n\nname: N\nparent: top\nindicators:\n  - {id: i, level: KPI, name: I, "
                                  "target: {value: -.inf, direction: at_least}}\n"},
         Case("inf-target", 1, "x.yaml", "KP002", 5))
    case("impossible-date", {"x.yaml": "team: d\nname: D\nparent: top\nobjectives:\n  - {id: o, level: KPO, "
                                       "title: a b c d, due: 2026-02-30}\n"},
         Case("impossible-date", 1, "x.yaml", "KP002", 5))
    case("yaml11-booleans", {"x.yaml": "team: no\nname: No team\nparent: top\nobjectives:\n  - {id: on, level: KPO, "
                                       "title: Deliver 95% of orders on time, cascades_from: top/off}\n"},
         Case("yaml11-booleans", 1, "x.yaml", "KP004", 5))
    case("number-id", {"x.yaml": "team: 2024\nname: Year team\n"}, Case("number-id", 1, "x.yaml", "KP002", 1))
    case("list-at-top", {"x.yaml": "- team: x\n  name: X\n"}, Case("list-at-top", 0, None))
    case("empty-file", {"x.yaml": ""}, Case("empty-file", 0, None))
    case("dir-named-yaml", {"x.yaml/inner.txt": "not yaml"}, Case("dir-named-yaml", 0, None))
    case("fifo", {}, Case("fifo", 0, None))
    os.mkfifo(folder / "fifo" / "x.yaml")
    case("symlink-loop", {}, Case("symlink-loop", 0, None))
    os.symlink("b.yaml", folder / "symlink-loop" / "a.yaml")
    os.symlink("a.yaml", folder / "symlink-loop" / "b.yaml")
    os.symlink(".", folder / "symlink-loop" / "again")
    outside = folder / "outside-target"
    outside.mkdir()
    (outside / "secret.yaml").write_text("team: secret\nname: Outside\nname: twice\n")
    case("symlink-out", {}, Case("symlink-out", 0, None))
    os.symlink(outside / "secret.yaml", folder / "symlink-out" / "x.yaml")
    os.symlink(outside, folder / "symlink-out" / "linked")
    return cases


if __name__ == "__main__":
    target = Path(sys.argv[1])
    built = build(target)
    print(f"{len(built)} cases in {target}")
