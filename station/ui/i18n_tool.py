"""Translation upkeep (developer tool, run from the source tree)::

    python -m station.ui.i18n_tool          # lupdate -> fill from the glossary -> lrelease
    python -m station.ui.i18n_tool --check  # exit 1 when a UI string has no Korean translation

``pyside6-lupdate`` collects every ``tr()`` string of ``station/ui`` into ``resources/i18n/station_ko.ts``
(existing translations are kept; Qt Linguist can edit the file). Unfinished entries whose source text is
in ``resources/i18n/ko_glossary.json`` are filled from it, then ``pyside6-lrelease`` compiles the ``.qm``
that the application loads.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from station.resources import resources_dir

UI_DIR = Path(__file__).resolve().parent
I18N = resources_dir() / "i18n"
LANGUAGE = "ko"


def _tool(name: str) -> str:
    candidate = Path(sys.executable).with_name(name)
    found = str(candidate) if candidate.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PySide6 in this environment")
    return found


def sources() -> list[Path]:
    return sorted(p for p in UI_DIR.rglob("*.py") if p.name != "i18n_tool.py")


def run_lupdate(ts_file: Path) -> None:
    root = UI_DIR.parents[1]
    files = [str(p.relative_to(root)) for p in sources()]
    subprocess.run([_tool("pyside6-lupdate"), *files, "-ts", str(ts_file.resolve()), "-target-language", "ko_KR",
                    "-no-obsolete", "-locations", "none"], check=True, cwd=root, capture_output=True)


def check(ts_file: Path) -> list[str]:
    """UI strings without a translation, found on a scratch copy (the committed file is not touched)."""
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / ts_file.name
        shutil.copyfile(ts_file, scratch)
        run_lupdate(scratch)
        return untranslated(scratch)


def fill_from_glossary(ts_file: Path, glossary: dict[str, str]) -> list[str]:
    """Fills unfinished messages found in the glossary; returns the sources still untranslated."""
    tree = ET.parse(ts_file)
    missing: list[str] = []
    for message in tree.iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None:
            continue
        if translation.get("type") == "unfinished" or not (translation.text or "").strip():
            if source in glossary:
                translation.text = glossary[source]
                translation.attrib.pop("type", None)
            else:
                missing.append(source)
    tree.write(ts_file, encoding="utf-8", xml_declaration=True)
    return missing


def untranslated(ts_file: Path) -> list[str]:
    tree = ET.parse(ts_file)
    return [m.findtext("source") or "" for m in tree.iter("message")
            if (t := m.find("translation")) is not None and (t.get("type") == "unfinished" or not (t.text or "").strip())]


def release(ts_file: Path, qm_file: Path) -> None:
    subprocess.run([_tool("pyside6-lrelease"), str(ts_file), "-qm", str(qm_file)], check=True, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only report untranslated strings")
    args = parser.parse_args(argv)
    ts_file, qm_file = I18N / f"station_{LANGUAGE}.ts", I18N / f"station_{LANGUAGE}.qm"
    if args.check:
        missing = check(ts_file)
    else:
        run_lupdate(ts_file)
        glossary = json.loads((I18N / f"{LANGUAGE}_glossary.json").read_text(encoding="utf-8"))
        missing = fill_from_glossary(ts_file, glossary)
        release(ts_file, qm_file)
    for source in missing:
        print(f"untranslated: {source!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
