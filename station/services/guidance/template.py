"""The deterministic guide used when no local LLM is installed (or it fails): composed from the
retrieved manual sections, clearly labelled, with a hint how to install a model. Never empty."""

from __future__ import annotations

import re

from station.domain.guidance import GUIDE_SECTIONS, GuideRequest, ManualExcerpt
from station.services.guidance.detection import region_lines, score_line
from station.services.guidance.markdown import UNTRANSLATED_MARK, section_heading
from station.services.guidance.text import cite, column_kind

INSTALL_HINT = {
    "ko": "로컬 LLM 모델을 설치하면 상황에 맞춘 가이드가 생성됩니다: `station models fetch qwen2.5-coder-1.5b` "
          "(한국어) 또는 `station models fetch smollm2-135m` (영어, 가벼움).",
    "en": "Install a local LLM model for guides written for each inspection: "
          "`station models fetch qwen2.5-coder-1.5b` (Korean and English) or `station models fetch smollm2-135m` "
          "(English, small).",
}
TEMPLATE_NOTICE = {
    "ko": "기본 가이드: 로컬 LLM 없이 매뉴얼 발췌로 구성했습니다.",
    "en": "Basic guide: composed from the manual excerpts, without a local LLM.",
}
_PREVENTION_WORDS = ("정기", "관리", "유지보수", "자동", "교육", "regular", "maintenance", "monitor",
                     "schedule", "training", "automat")
MAX_ITEMS = 4
AFTER_ACTION = {"ko": "조치 후 다음 검사 결과에서 같은 위치에 결함이 반복되는지 확인하세요.",
                "en": "After the action, check the next inspections for the same defect at the same place."}


def _items(excerpt: ManualExcerpt) -> list[str]:
    """The excerpt's lines without their bullet; a summary row's lines without their column label."""
    lines = [re.sub(r"^[•\-*]\s*", "", ln).strip() for ln in excerpt.text.splitlines()]
    items = []
    for line in lines:
        if ":" in line and excerpt.reason == "summary":
            line = line.split(":", 1)[1].strip()
        if line:
            items.append(line)
    return items


def template_body(request: GuideRequest) -> str:
    """The four sections, each item citing the excerpt it comes from."""
    ko = request.language == "ko"
    severity = f" ({'심각도' if ko else 'severity'} {request.severity}/5)" if request.severity else ""
    status = [f"- {request.product_name}: {request.defect_label()}"
              + (f" 결함이 검출되었습니다{severity}." if ko else f" detected{severity}.")]
    regions = region_lines(request)
    if regions:
        status.append(("- 검출 영역: " if ko else "- Regions: ") + "; ".join(r.split(". ", 1)[1] for r in regions))
    scores = score_line(request)
    if scores:
        status.append(f"- {scores}")

    def readable(line: str) -> str:
        text, ok = request.line_text(line)
        return text if ok else UNTRANSLATED_MARK[request.language] + text

    def pick(kind: str) -> list[str]:
        own = [e for e in request.excerpts if e.section_type == kind and e.reason == "defect"]
        source = own or [e for e in request.excerpts if e.section_type == kind]
        out = [f"- {readable(item)}{cite((e.ref,))}" for e in source for item in _items(e)]
        if not out and kind in ("cause", "action"):  # summary rows carry "원인"/"조치" columns
            for e in request.excerpts:
                if e.reason == "summary":
                    for line in e.text.splitlines():
                        label, _, value = line.partition(":")
                        if value.strip() and column_kind(label) == kind:
                            out.append(f"- {readable(value.strip())}{cite((e.ref,))}")
        return out[:MAX_ITEMS]

    cause = pick("cause") or [("- 매뉴얼에 이 결함의 원인 항목이 없습니다. 담당 기술자에게 확인하세요."
                               if ko else "- The manual has no cause section for this defect; ask the technician.")]
    action = pick("action") or [("- 매뉴얼에 이 결함의 조치 항목이 없습니다. 부품을 격리하고 담당 기술자에게 알리세요."
                                 if ko else "- The manual has no action section for this defect; quarantine the part "
                                 "and call the technician.")]
    prevention = [line for line in action if any(w in line.lower() for w in _PREVENTION_WORDS)][:2]
    prevention.append(f"- {AFTER_ACTION[request.language]}")
    lines = {"status": status, "cause": cause, "action": action, "prevention": prevention}
    return "\n\n".join("\n".join([section_heading(key, request.language), *lines[key]]) for key in GUIDE_SECTIONS)


def sources_footer(request: GuideRequest, cited: tuple[int, ...]) -> str:
    """The manual sections the guide cites, in citation order of the excerpts; nothing when it cites none
    (an excerpt the guide does not cite is not one of its sources)."""
    refs = set(cited)
    lines = [e.citation() for e in request.excerpts if e.ref in refs]
    if not lines:
        return ""
    return ("출처 (매뉴얼):" if request.language == "ko" else "Sources (manual):") + "\n" + \
        "\n".join(f"- {line}" for line in lines)
