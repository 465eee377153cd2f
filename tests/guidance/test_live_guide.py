"""The guide as it is shown while written: items appear as they are settled, a refused item stays struck
through with its reason, the item being written is in italics, nothing is taken back, and the final
Markdown has all four sections with the manual's lines marked."""

from __future__ import annotations

from station.domain.guidance import GuideItem
from station.services.guidance.live import LiveGuide


def test_items_are_shown_or_struck_and_never_taken_back() -> None:
    live = LiveGuide("en", "Written by a model.")
    live.show("status", GuideItem("Hole detected at the centre.", (), origin="station"))
    first = live.markdown(("cause", "Gas trapped in the"))
    assert "- *Gas trapped in the*…" in first and "## Action" not in first
    live.show("cause", GuideItem("Gas trapped in the melt during solidification", (1,)))
    live.strike("cause", GuideItem("A crack due to the molot", (1,)), ("unknown words: molot",))
    second = live.markdown(("action", ""))
    assert "- Gas trapped in the melt during solidification [1]" in second
    assert "- ~~A crack due to the molot~~ *(unknown words: molot)*" in second
    assert second.rstrip().endswith("- …")
    final = live.markdown(final=True)
    for line in second.splitlines()[:-1]:  # every settled line stays as it was shown
        assert line in final.splitlines()
    assert final.startswith("Written by a model.") and "## Prevention" in final and "…" not in final


def test_manual_and_untranslated_lines_are_marked() -> None:
    live = LiveGuide("en")
    live.show("cause", GuideItem("Blocked gas vents", (1,), origin="manual"))
    live.show("action", GuideItem("탈기 장치 점검", (2,), origin="untranslated"))
    text = live.markdown(final=True)
    assert "- ※ Blocked gas vents [1]" in text and "- ※ (untranslated) 탈기 장치 점검 [2]" in text
    korean = LiveGuide("ko")
    korean.strike("action", GuideItem("Check the vents", (2,)), ("not written in Korean",))
    assert "*(한국어로 쓰이지 않음)*" in korean.markdown()
