"""Regenerate tests/expected/: the small site that test_expected_site compares builds against.

Run with ``make expected`` and review the diff like code: it shows exactly what a change
does to the HTML.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "site"
EXPECTED = HERE / "expected"
#: Output that is the same for every site and is covered elsewhere.
SKIP = ("theme/", "pagefind/", "places/")


def build_fixture(output: Path) -> Path:
    sys.path.insert(0, str(HERE.parent / "plugins"))
    from tests.conftest import build

    # No flyer PDFs: their bytes depend on the machine's fonts; tests/exports/test_flyers.py checks them.
    return build(FIXTURE, output, DIRECTORY={"languages": ["en"], "sample": False, "flyer_pdfs": False})


def site_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.relative_to(root).as_posix().startswith(SKIP)}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        files = site_files(build_fixture(Path(tmp) / "output"))
    shutil.rmtree(EXPECTED, ignore_errors=True)
    for name, data in files.items():
        path = EXPECTED / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"wrote {len(files)} files to {EXPECTED.relative_to(Path.cwd()) if EXPECTED.is_relative_to(Path.cwd()) else EXPECTED}")


if __name__ == "__main__":
    main()
