"""Screenshots of the briefing book of every bundled example, to look at with your own eyes.

    python tools/screenshots.py [OUT]     # default: benchmarks/out/screenshots

Renders `kpoctl report --format html` of each example and of its site's index, then asks
headless Chromium (Debian's `chromium`) for a full-width PNG of each. The suite checks the
pages' structure in the same browser (tests/test_report.py); this is for people.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "benchmarks" / "out" / "screenshots"
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("screenshots: chromium is not installed (apt-get install chromium)")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for example in sorted(p for p in (ROOT / "examples").iterdir() if p.is_dir()):
            page = Path(scratch) / f"{example.name}.html"
            subprocess.run([sys.executable, "-m", "kpoctl", "report", str(example), "-o", str(page)], cwd=ROOT)
            shot = out / f"{example.name}.png"
            subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                            f"--user-data-dir={Path(scratch) / 'profile'}", f"--screenshot={shot}",
                            "--window-size=1280,3000", page.as_uri()], capture_output=True, timeout=120)
            print(f"{shot} ({shot.stat().st_size // 1024} KB)" if shot.exists() else f"{shot}: not written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
