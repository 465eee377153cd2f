"""Korean shop-floor terms and their English equivalents, for English guides written from a Korean manual.

A small local model translates technical Korean poorly word by word (``금형``, a die or mould, comes out
as "gold alloy" because ``금`` alone is gold). The English prompt therefore lists the terms of this
general manufacturing vocabulary (casting, moulding, machining, surface treatment, handling,
maintenance) that occur in the excerpts it gives, so the model has the right English word. The table is
general vocabulary, not the text of any one manual; a term not in it is translated by the model alone.
The verifier compares an English item also with the glossed manual sentence (``gloss``), since character
n-grams cannot match across the two scripts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# longest first where one term contains another (금형 조립면 before 금형), so the listed pair is the specific one
TERMS: dict[str, str] = {
    "금형": "die (mould)", "다이캐스팅": "die casting", "주조": "casting", "사출": "injection moulding",
    "용탕": "molten metal", "용융": "melting", "응고": "solidification", "수축": "shrinkage",
    "기공": "porosity (gas hole)", "탈가스": "degassing", "탈기": "degassing", "주형": "casting mould",
    "포획": "entrapment", "마찰": "friction", "청정도": "cleanliness", "트레이": "tray", "자동화": "automation", "가스 배출": "gas venting", "배기": "venting",
    "벤트": "vent", "탕구": "sprue", "게이트": "gate", "압탕": "riser", "충진": "filling",
    "보압": "holding pressure", "사출 압력": "injection pressure", "이형제": "release agent",
    "접합면": "parting surface", "파팅 라인": "parting line", "조립면": "mating surface",
    "형체": "mould clamping unit", "클램프": "clamp", "몰드": "mould", "코어": "core", "캐비티": "cavity",
    "날개 버": "flash burr", "버": "burr", "돌출": "protrusion", "누유": "leak", "새어": "leaking",
    "마모": "wear", "오염": "contamination", "이물": "foreign matter", "긁힘": "scratch", "찍힘": "dent",
    "균열": "crack", "변형": "deformation", "변색": "discolouration", "부식": "corrosion",
    "연마": "grinding (polishing)", "재연마": "regrinding", "절삭": "cutting", "가공": "machining",
    "공구": "tool", "지그": "jig", "치공구": "jig and fixture", "열처리": "heat treatment",
    "냉각": "cooling", "예열": "preheating", "온도": "temperature", "압력": "pressure", "속도": "speed",
    "윤활": "lubrication", "세척": "cleaning", "건조": "drying", "코팅": "coating", "도금": "plating",
    "표면": "surface", "점검": "inspection (check)", "보정": "adjustment (correction)",
    "유지보수": "maintenance", "교체": "replacement", "로더": "loader", "언로더": "unloader",
    "이송": "transfer (conveying)", "적재": "stacking", "취급": "handling", "포장": "packaging",
}


def glossary_lines(texts: Iterable[str], limit: int = 24) -> list[str]:
    """``금형 = die (mould)`` for each table term that occurs in ``texts`` (in the table's order, a term
    inside a longer listed term only when it also occurs on its own), at most ``limit``."""
    joined = "\n".join(texts)
    found: list[str] = []
    for term in sorted(TERMS, key=len, reverse=True):
        rest = joined
        for longer in found:
            rest = rest.replace(longer, " ")
        if term in rest:
            found.append(term)
    ordered = [term for term in TERMS if term in found]
    return [f"{term} = {TERMS[term]}" for term in ordered[:limit]]


def gloss(text: str) -> str:
    """``text`` with every table term replaced by its English word (``금형 접합면`` -> ``die parting
    surface``): a Korean manual sentence an English guide item can be compared with word for word."""
    for term in sorted(TERMS, key=len, reverse=True):
        if term in text:
            text = text.replace(term, f" {_PLAIN[term]} ")
    return re.sub(r"\s+", " ", text).strip()


_PLAIN = {term: re.sub(r"\s*\(.*?\)", "", english) for term, english in TERMS.items()}
