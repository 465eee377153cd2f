"""The guide tab while a guide is written, with real widgets: each update replaces the text shown, a
refused item is drawn struck through with its reason beside it, the item being written in italics, and
the finished guide is exactly the text the panel keeps."""

from __future__ import annotations

from PySide6.QtGui import QTextDocument

from station.ui.bench.guidance_panel import GuidePanel

UPDATE = ("Written by a model.\n\n## Cause\n- Gas trapped in the melt [1]\n"
          "- ~~A crack due to the molot~~ *(unknown words: molot)*\n\n## Action\n- *Check the degassing*…")
FINAL = ("Written by a model.\n\n## Cause\n- Gas trapped in the melt [1]\n"
         "- ~~A crack due to the molot~~ *(unknown words: molot)*\n\n## Action\n- Check the degassing unit [2]")


def _fragments(document: QTextDocument) -> dict[str, tuple[bool, bool]]:
    """Each text fragment -> (struck out, italic)."""
    out = {}
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            out[fragment.text().strip()] = (fragment.charFormat().fontStrikeOut(), fragment.charFormat().fontItalic())
            it += 1
        block = block.next()
    return out


def test_updates_replace_the_text_and_struck_items_stay_visible(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = GuidePanel()
    qtbot.addWidget(panel)
    panel.start_guide("Writing the guide…")
    panel.show_progress("Written by a model.\n\n## Cause\n- *Gas trapped*…")
    panel.show_progress(UPDATE)
    qtbot.waitUntil(lambda: "molot" in panel.guide.toPlainText(), timeout=5000)
    assert panel.guide_text() == UPDATE and "Gas trapped*" not in panel.guide.toPlainText()
    shown = _fragments(panel.guide.document())
    assert shown["A crack due to the molot"] == (True, False)
    assert shown["(unknown words: molot)"] == (False, True)
    assert shown["Check the degassing"][1], "the item being written is in italics"
    panel.finish_guide(FINAL, "Done")
    assert panel.guide_text() == FINAL
    finished = _fragments(panel.guide.document())
    assert finished["A crack due to the molot"] == (True, False) and "Check the degassing unit [2]" in \
        panel.guide.toPlainText().replace("\u2029", "\n")
