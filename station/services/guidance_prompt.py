"""Guide prompts (fixed system prompt per language, stable and variable parts) and detected-region text.

The prompt is split for KV caching: the system prompt never changes, the stable part depends only on
the product, the defect and the manual excerpts, and the variable part (regions, scores) is short.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from station.domain.guidance import SECTION_HEADINGS, GuideRequest, Language, PromptParts, RegionSummary

MAX_EXCERPT_CHARS = 500
MAX_EXCERPTS_CHARS = 1800

SYSTEM_PROMPTS: dict[str, str] = {
    "ko": (
        "당신은 제조 품질 검사 스테이션의 현장 기술 지원 도우미입니다. 작업자가 바로 따라 할 수 있는 불량 조치 "
        "가이드를 한국어로 짧고 명확하게 씁니다.\n"
        "반드시 다음 네 제목을 이 순서로 그대로 쓰세요: ## 상황, ## 원인, ## 조치, ## 예방.\n"
        "각 제목 아래에는 '-'로 시작하는 항목을 1~3개만 씁니다. 원인과 조치는 제공된 매뉴얼 발췌에 근거하고, "
        "근거로 쓴 발췌 번호를 [1], [2]처럼 항목 끝에 표시하세요. 매뉴얼에 없는 내용은 추정이라고 밝히세요."
    ),
    "en": (
        "You are the shop-floor support assistant of a manufacturing quality inspection station. You write "
        "short, clear corrective-action guides in English that a worker can follow right away.\n"
        "Always use these four headings, in this order, exactly: ## Status, ## Cause, ## Action, ## Prevention.\n"
        "Under each heading write 1 to 3 items starting with '-'. Base causes and actions on the manual excerpts "
        "given and end each item with the numbers of the excerpts it uses, like [1] or [2]. Say so when "
        "something is not in the manual."
    ),
}

_LOCATION_KO = {
    "center": "중앙부", "centre": "중앙부", "middle": "중앙부", "edge": "가장자리(외곽)", "border": "외곽 테두리",
    "rim": "외곽 테두리", "top": "상단", "bottom": "하단", "left": "좌측", "right": "우측",
    "top-left": "좌상단", "top-right": "우상단", "bottom-left": "좌하단", "bottom-right": "우하단",
    "surface": "표면", "inner": "내부", "interior": "내부",
}


def location_label(location: str, language: Language) -> str:
    key = location.strip().lower().replace("_", "-").replace(" quadrant", "").replace(" ", "-")
    if language == "ko":
        return _LOCATION_KO.get(key, location)
    return location.replace("_", " ")


def describe_regions(regions: Sequence[Any] | None) -> tuple[RegionSummary, ...]:
    """Regions (``detected_regions`` dicts or objects with ``to_json()``; tolerant about key names:
    ``bbox`` {x,y,width,height} or [x,y,w,h], ``area_pct``/``area_ratio``, ``location``, ``max_score``)."""
    out = []
    for region in regions or ():
        if not isinstance(region, Mapping) and hasattr(region, "to_json"):
            region = region.to_json()  # station.domain.engine.Region
        bbox = region.get("bbox") or region.get("box")
        width = _num(region, "width", "w")
        height = _num(region, "height", "h")
        if isinstance(bbox, Mapping):
            width = width or _num(bbox, "width", "w")
            height = height or _num(bbox, "height", "h")
        elif isinstance(bbox, Sequence) and len(bbox) == 4 and width is None:
            width, height = bbox[2], bbox[3]
        ratio = _num(region, "area_ratio", "area_fraction")
        if ratio is None:
            pct = _num(region, "area_pct", "area_percent", "area_percentage")
            ratio = pct / 100.0 if pct is not None else None
        location = str(region.get("location") or region.get("location_label") or region.get("position") or "")
        score = _num(region, "max_score", "score", "mean_score")
        out.append(RegionSummary(location=location, area_ratio=ratio,
                                 width=int(width) if width is not None else None,
                                 height=int(height) if height is not None else None, score=score))
    return tuple(out)


def _num(data: Mapping[str, Any], *keys: str) -> float | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None


def region_lines(request: GuideRequest) -> list[str]:
    ko = request.language == "ko"
    lines = []
    for i, region in enumerate(request.regions[:5], start=1):
        parts = [location_label(region.location, request.language) or ("위치 미상" if ko else "unknown location")]
        if region.width and region.height:
            parts.append(f"{region.width}x{region.height} px")
        if region.area_ratio is not None:
            parts.append(f"{'면적' if ko else 'area'} {region.area_ratio * 100:.1f}%")
        if region.score is not None:
            parts.append(f"{'최대 점수' if ko else 'max score'} {region.score:.2f}")
        lines.append(f"{i}. " + ", ".join(parts))
    if len(request.regions) > 5:
        lines.append(f"(+{len(request.regions) - 5})")
    return lines


def prompt_region_lines(request: GuideRequest) -> list[str]:
    """Regions in few tokens for the prompt: ``- 중앙부, 13x9, 0.9%, 0.91`` (labels are in the stable part)."""
    lines = []
    for region in request.regions[:3]:
        parts = [location_label(region.location, request.language) or "?"]
        parts.append(f"{region.width}x{region.height}" if region.width and region.height else "?")
        parts.append(f"{region.area_ratio * 100:.1f}%" if region.area_ratio is not None else "?")
        parts.append(f"{region.score:.2f}" if region.score is not None else "?")
        lines.append("- " + ", ".join(parts))
    if len(request.regions) > 3:
        lines.append(f"- (+{len(request.regions) - 3})")
    return lines


def score_line(request: GuideRequest, *, short: bool = False) -> str:
    names = {"anomaly": ("이상 점수", "anomaly score"), "confidence": ("분류 신뢰도", "classification confidence"),
             "similarity": ("유사도", "similarity")}
    short_names = {"anomaly": ("이상", "anomaly"), "confidence": ("신뢰도", "confidence"),
                   "similarity": ("유사도", "similarity")}
    ko = request.language == "ko"
    parts = []
    for key, value in request.scores.items():
        label = (short_names if short else names).get(key.replace("_score", ""), (key, key))[0 if ko else 1]
        parts.append(f"{label} {value:.2f}")
    return ", ".join(parts)


def build_prompt(request: GuideRequest) -> PromptParts:
    ko = request.language == "ko"
    severity = f" ({'심각도' if ko else 'severity'} {request.severity}/5)" if request.severity else ""
    names = " / ".join(n for n in (request.defect_name_ko, request.defect_name_en) if n) or \
        (request.defect_code or ("미분류" if ko else "unclassified"))
    stable = [
        f"{'제품' if ko else 'Product'}: {request.product_name} ({request.product_code})",
        f"{'결함' if ko else 'Defect'}: {names}{severity}",
        "",
        "매뉴얼 발췌:" if ko else "Manual excerpts:",
    ]
    budget = MAX_EXCERPTS_CHARS
    for excerpt in request.excerpts:
        if budget <= 0:
            break
        text = excerpt.text[:min(MAX_EXCERPT_CHARS, budget)]
        budget -= len(text)
        page = f", p.{excerpt.page}" if excerpt.page else ""
        stable.append(f"[{excerpt.ref}] {excerpt.title}{page}\n{text}")
    if not request.excerpts:
        stable.append("(매뉴얼 발췌 없음)" if ko else "(no manual excerpts)")
    headings = SECTION_HEADINGS[request.language]
    order = ", ".join(f"## {headings[k]}" for k in ("status", "cause", "action", "prevention"))
    stable.append("")
    stable.append(f"아래 검사 결과로 가이드를 작성하세요 ({order})." if ko
                  else f"Write the guide for the inspection below ({order}).")
    # Labels live in the (cached) stable part; the variable part is only this inspection's values.
    stable.append("검출 영역 (위치, 크기 px, 면적, 최대 점수):" if ko
                  else "Detected regions (location, size px, area, max score):")
    variable = prompt_region_lines(request) or [("- 없음" if ko else "- none")]
    scores = score_line(request, short=True)
    if scores:
        variable.append(("점수: " if ko else "Scores: ") + scores)
    return PromptParts(system=SYSTEM_PROMPTS[request.language], stable="\n".join(stable) + "\n",
                       variable="\n".join(variable), answer_prefix=f"## {headings['status']}\n-")
