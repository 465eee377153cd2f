"""A guide as the worker sees it while the model writes it, and as it is stored when it ends.

Each item the model finishes is checked at once and then shown, or struck through with the reason in
the worker's language; the item being written shows in italics until it is finished. Nothing shown is
taken back: the Markdown when the guide ends is the Markdown stored, with the manual's own lines added
(marked) where too few of the model's items passed and the original line marked where a translation
was refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from station.domain.guidance import GUIDE_SECTIONS, GuideItem, Language
from station.services.guidance.markdown import MANUAL_MARK, UNTRANSLATED_MARK, section_heading
from station.services.guidance.text import cite

# the first matching problem prefix gives the reason a struck item shows
_REASONS: tuple[tuple[str, str, str], ...] = (
    ("empty item", "empty", "빈 항목"),
    ("cut off", "cut off when writing stopped", "작성이 멈춰 끊김"),
    ("ends mid-phrase", "ends mid-phrase", "문장이 중간에 끊김"),
    ("starts mid-phrase", "starts mid-sentence", "문장 중간부터 시작함"),
    ("unknown words", "unknown words: {detail}", "알 수 없는 단어: {detail}"),
    ("mixed script", "mixed script: {detail}", "다른 문자가 섞임: {detail}"),
    ("untranslated Korean", "not written in English", "영어로 쓰임"),
    ("not written in Korean", "not written in Korean", "한국어로 쓰이지 않음"),
    ("names another defect", "about another defect {detail}", "다른 결함 {detail}에 대한 내용"),
    ("cites another defect", "cites another defect's section", "다른 결함의 구역을 인용"),
    ("invented citation", "cites no excerpt given", "주어진 발췌를 인용하지 않음"),
    ("cites no excerpt", "cites no excerpt given", "주어진 발췌를 인용하지 않음"),
    ("bare heading", "a heading, not content", "내용 없는 제목"),
    ("not supported", "not what the cited manual lines say", "인용한 매뉴얼 내용과 다름"),
)


def struck_reason(problems: tuple[str, ...], language: Language) -> str:
    """The reason a worker reads for a refused item (its first problem), in ``language``."""
    for problem in problems:
        for prefix, english, korean in _REASONS:
            if problem.startswith(prefix):
                detail = problem.split(":", 1)[1].strip() if ":" in problem else \
                    problem[problem.find("("):] if "(" in problem else ""
                return (korean if language == "ko" else english).format(detail=detail).strip()
    return problems[0] if problems else ""


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("~", "\\~").replace("*", "\\*").replace("_", "\\_")


@dataclass(frozen=True)
class LiveItem:
    section: str
    item: GuideItem
    struck: str | None = None  # the reason, when the item was refused


class LiveGuide:
    """The items settled so far, in the order they were settled, per section."""

    def __init__(self, language: Language, header: str = "") -> None:
        self.language = language
        self.header = header
        self.items: list[LiveItem] = []

    def show(self, section: str, item: GuideItem) -> None:
        self.items.append(LiveItem(section, item))

    def strike(self, section: str, item: GuideItem, problems: tuple[str, ...]) -> None:
        self.items.append(LiveItem(section, item, struck_reason(problems, self.language) or "-"))

    def shown(self, section: str | None = None) -> list[GuideItem]:
        return [i.item for i in self.items if i.struck is None and (section is None or i.section == section)]

    def struck(self) -> list[LiveItem]:
        return [i for i in self.items if i.struck is not None]

    def _line(self, entry: LiveItem) -> str:
        item = entry.item
        if entry.struck is not None:
            return f"- ~~{_escape(item.text)}~~ *({_escape(entry.struck)})*"
        mark = {"manual": MANUAL_MARK, "untranslated": MANUAL_MARK + UNTRANSLATED_MARK[self.language]}
        return f"- {mark.get(item.origin, '')}{_escape(item.text)}{cite(item.refs)}"

    def markdown(self, pending: tuple[str, str] | None = None, *, final: bool = False) -> str:
        """The guide's Markdown: the header, then each section begun so far (all four when ``final``),
        with the item being written (``pending``: section, text so far) in italics."""
        blocks = []
        begun = {i.section for i in self.items} | ({pending[0]} if pending else set())
        last = max((GUIDE_SECTIONS.index(s) for s in begun), default=-1)
        for index, key in enumerate(GUIDE_SECTIONS):
            if not final and index > last:
                break
            lines = [section_heading(key, self.language)]
            lines += [self._line(entry) for entry in self.items if entry.section == key]
            if pending and pending[0] == key:
                lines.append(f"- *{_escape(pending[1].strip())}*…" if pending[1].strip() else "- …")
            blocks.append("\n".join(lines))
        body = "\n\n".join(blocks)
        return f"{self.header}\n\n{body}" if self.header else body
