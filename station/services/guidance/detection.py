"""The detection in words: region summaries from the engine's regions (tolerant about key names), where
each region is on the part in either language, the region and score lines of the template guide, and the
detection line the station writes itself as a guide's first status item."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from station.domain.guidance import GuideRequest, Language, RegionSummary

# the characters the guide grammar excludes from item texts
_UNSAFE = re.compile(r'["\\\[\]\x00-\x1f]')
DETECTION_CHARS = 110

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


def detection_text(request: GuideRequest) -> str:
    """The detection as the station's own first status line: ``중앙부 14x11 px (면적 0.9%, 점수 0.93)``; two
    regions at most, scores that repeat a region's maximum left out; without the characters the guide
    grammar excludes from item texts."""
    ko = request.language == "ko"
    parts = []
    region_scores = set()
    for region in request.regions[:2]:
        where = location_label(region.location, request.language) or ("위치 미상" if ko else "unknown location")
        size = f" {region.width}x{region.height} px" if region.width and region.height else ""
        details = []
        if region.area_ratio is not None:
            details.append(f"{'면적' if ko else 'area'} {region.area_ratio * 100:.1f}%")
        if region.score is not None:
            details.append(f"{'점수' if ko else 'score'} {region.score:.2f}")
            region_scores.add(f"{region.score:.2f}")
        parts.append(where + size + (f" ({', '.join(details)})" if details else ""))
    if len(request.regions) > 2:
        parts.append(f"외 {len(request.regions) - 2}곳" if ko else f"+{len(request.regions) - 2} more")
    other_scores = {k: v for k, v in request.scores.items() if f"{v:.2f}" not in region_scores}
    if other_scores:
        parts.append(score_line(replace(request, scores=other_scores), short=True))
    text = "; ".join(parts) or ("검출 영역 정보 없음" if ko else "no region details")
    text = _UNSAFE.sub(" ", text).strip()
    return ("검출: " if ko else "Detected: ") + text[:DETECTION_CHARS]
