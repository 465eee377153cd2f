"""The bench's Manual tab on a real widget: the detected defect's sections only, the other sections behind
"show all", a citation of a hidden section opening them all, and everything when the type is unknown."""

from __future__ import annotations

from station.domain.guidance import ManualExcerpt
from station.ui.bench.guidance_panel import GuidePanel


def _excerpt(ref: int, code: str | None, kind: str, title: str) -> ManualExcerpt:
    return ManualExcerpt(ref=ref, section_id=ref, manual_id=1, manual_title="casting manual",
                         file_name="manual.md", defect_code=code, section_type=kind, title=title,
                         text=f"text of {title}", page=None, score=1.0 / ref,
                         reason="defect" if code else "related")


EXCERPTS = [_excerpt(1, "hole", "cause", "hole causes"), _excerpt(2, "hole", "action", "hole actions"),
            _excerpt(3, "burr", "cause", "burr causes"), _excerpt(4, "scratch", "action", "scratch actions"),
            _excerpt(5, None, "other", "general handling")]


def _listed(panel: GuidePanel) -> str:
    return panel.excerpts.toPlainText()


def test_the_manual_tab_lists_the_detected_defect_and_hides_the_others_behind_a_toggle(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = GuidePanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_excerpts(EXCERPTS, "hole")
    assert "hole causes" in _listed(panel) and "hole actions" in _listed(panel)
    assert "burr" not in _listed(panel) and "scratch" not in _listed(panel) and "general" not in _listed(panel)
    assert panel.show_all.isVisible() and "(3)" in panel.show_all.text()

    panel.show_all.setChecked(True)
    assert all(t in _listed(panel) for t in ("burr causes", "scratch actions", "general handling"))
    panel.show_all.setChecked(False)
    assert "burr" not in _listed(panel)

    assert panel.show_citation(3), "a cited section of another defect opens the full list"
    assert panel.show_all.isChecked() and "burr causes" in _listed(panel)

    panel.show_excerpts(EXCERPTS, "hole")  # the next part starts filtered again
    assert not panel.show_all.isChecked() and "burr" not in _listed(panel)


def test_an_unknown_type_or_a_defect_without_sections_lists_everything(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = GuidePanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_excerpts(EXCERPTS, None)
    assert all(t in _listed(panel) for t in ("hole causes", "burr causes", "general handling"))
    assert not panel.show_all.isVisible()
    panel.show_excerpts(EXCERPTS, "porosity")  # no section of its own: nothing to filter to
    assert "burr causes" in _listed(panel) and not panel.show_all.isVisible()
    panel.show_excerpts(EXCERPTS[:2], "hole")
    assert not panel.show_all.isVisible()
    panel.clear()
    assert not panel.show_all.isVisible()
