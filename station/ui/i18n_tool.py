"""Translation upkeep (developer tool, run from the source tree)::

    python -m station.ui.i18n_tool          # lupdate -> fill from the glossary -> lrelease
    python -m station.ui.i18n_tool --check  # exit 1 when a UI string has no Korean translation

``pyside6-lupdate`` collects every ``tr()`` string of ``station/ui`` into ``resources/i18n/station_ko.ts``
(existing translations are kept; Qt Linguist can edit the file). Strings passed to a module's own
translation helper (``def _t(text): return QCoreApplication.translate("Context", text)``), which lupdate
does not see, are added to the helper's context. Unfinished entries whose source text is
in ``resources/i18n/ko_glossary.json`` are filled from it, then ``pyside6-lrelease`` compiles the ``.qm``
that the application loads.
"""

from __future__ import annotations

import argparse
import ast
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


def _helper_context(function: ast.FunctionDef) -> str | None:
    """The context of a one-line helper ``return QCoreApplication.translate("Context", text)``, else None."""
    body = [node for node in function.body
            if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or not isinstance(body[0].value, ast.Call):
        return None
    call = body[0].value
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "translate" and len(call.args) == 2):
        return None
    context, text = call.args
    params = [a.arg for a in function.args.args]
    if (isinstance(context, ast.Constant) and isinstance(context.value, str)
            and isinstance(text, ast.Name) and params[:1] == [text.id]):
        return context.value
    return None


def helper_strings(files: list[Path] | None = None) -> list[tuple[str, str]]:
    """(context, source) of every literal passed to a module-level translation helper, in source order."""
    found: list[tuple[str, str]] = []
    for path in files if files is not None else sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        helpers = {node.name: ctx for node in tree.body if isinstance(node, ast.FunctionDef)
                   and (ctx := _helper_context(node)) is not None}
        if not helpers:
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                item = (helpers[node.func.id], node.args[0].value)
                if item not in found:
                    found.append(item)
    return found


def translations(ts_file: Path) -> dict[tuple[str, str], str]:
    """Finished translations by (context, source)."""
    result: dict[tuple[str, str], str] = {}
    for context in ET.parse(ts_file).iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is not None and translation.get("type") is None and (translation.text or "").strip():
                result[(name, message.findtext("source") or "")] = translation.text or ""
    return result


def add_helper_strings(ts_file: Path, known: dict[tuple[str, str], str]) -> None:
    """Adds the helpers' strings that lupdate left out, with their earlier translation where there was one."""
    tree = ET.parse(ts_file)
    root = tree.getroot()
    contexts = {c.findtext("name") or "": c for c in root.iter("context")}
    for name, source in helper_strings():
        context = contexts.get(name)
        if context is None:
            context = ET.SubElement(root, "context")
            ET.SubElement(context, "name").text = name
            contexts[name] = context
        if any(m.findtext("source") == source for m in context.iter("message")):
            continue
        message = ET.SubElement(context, "message")
        ET.SubElement(message, "source").text = source
        translation = ET.SubElement(message, "translation")
        if (name, source) in known:
            translation.text = known[(name, source)]
        else:
            translation.set("type", "unfinished")
    tree.write(ts_file, encoding="utf-8", xml_declaration=True)


def update(ts_file: Path) -> None:
    """lupdate, then the translation helpers' strings."""
    known = translations(ts_file)
    run_lupdate(ts_file)
    add_helper_strings(ts_file, known)


def check(ts_file: Path) -> list[str]:
    """UI strings without a translation, found on a scratch copy (the committed file is not touched)."""
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / ts_file.name
        shutil.copyfile(ts_file, scratch)
        update(scratch)
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
        update(ts_file)
        glossary = json.loads((I18N / f"{LANGUAGE}_glossary.json").read_text(encoding="utf-8"))
        missing = fill_from_glossary(ts_file, glossary)
        release(ts_file, qm_file)
    for source in missing:
        print(f"untranslated: {source!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
