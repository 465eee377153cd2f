"""The screen review: every screen, tab and dialog of a demo station, signed in as the demo admin (who sees
all of them), in English and Korean, light and dark, at 1366x768, with two weeks of recorded inspections and
a part inspected at the bench. Each view is checked for text that does not fit its widget, text in the wrong
language and widgets outside their window (``tests/support/screen_review.py``), and grabbed to a PNG.

The pictures go to ``$STATION_TEST_SCREEN_REVIEW_DIR`` (default: the test's temporary folder). The README's
screenshots are pictures of this run: with ``STATION_TEST_UPDATE_SCREENSHOTS=1`` the ones named in
:data:`README_SHOTS` are copied to ``docs/screenshots/``::

    STATION_TEST_UPDATE_SCREENSHOTS=1 scripts/test.sh -m screen_review

Any finding fails the test, with the list of findings (screen, language, theme, widget, text, what is wrong).
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtWidgets import QTabWidget, QWidget

from station.app.demo import DEMO_PASSWORD
from station.domain.inspection import InspectionRecord
from station.domain.inspection import TestImage as StoredImage
from station.resources import resources_dir
from station.ui.permissions import Screen
from tests.support.screen_review import Catalogue, Finding, ReviewContext, report, review_window
from tests.support.ui import demo_ctx, demo_template, demo_window, sign_in  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.screen_review]

SIZE = (1366, 768)
LANGUAGES = ("en", "ko")
THEMES = ("light", "dark")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
OUT_ENV = "STATION_TEST_SCREEN_REVIEW_DIR"
UPDATE_ENV = "STATION_TEST_UPDATE_SCREENSHOTS"
ACTION_TEXT = "연마 후 재검사"  # what the demo supervisor typed: user data in either language
# Widgets that show a document (a written guide quoting the manual): checked for fit, not for language
CONTENT = frozenset({"ReviewGuide"})

# README picture -> (view, language, theme) of this review
README_SHOTS = {
    "sign_in.png": ("login", "en", "light"),
    "worker_bench.png": ("bench/guide", "en", "light"),
    "worker_bench_ko.png": ("bench/manual", "ko", "light"),
    "supervisor_awaiting_action.png": ("supervisor/AwaitingActionView", "en", "light"),
    "supervisor_dashboard.png": ("supervisor/DashboardView", "en", "light"),
    "technician_calibration.png": ("technician/ThresholdsView", "en", "light"),
    "technician_builds.png": ("technician/BuildsView", "en", "light"),
    "admin_users_dark.png": ("admin/UsersView", "en", "dark"),
    "admin_catalog.png": ("admin/CatalogView", "en", "light"),
}

def shot_name(view: str, language: str, theme: str) -> str:
    return f"{view.replace('/', '_')}_{language}_{theme}.png"


# The station's data ------------------------------------------------------------------------------------
def record_history(ctx) -> None:  # type: ignore[no-untyped-def]
    """Two weeks of inspections with defects and actions, so that lists, dashboard and reports have rows."""
    rng = random.Random(7)
    product = ctx.catalog.get_product("demo-cast")
    types = [d.defect_type_id for d in product.defect_types]
    users = {u.username: u.user_id for u in ctx.users.list_users()}
    now = datetime.now().replace(minute=0, second=0, microsecond=0)
    for day in range(14, -1, -1):
        for _ in range(rng.randint(12, 20)):
            bad = rng.random() < 0.08 + 0.01 * (day % 5)
            when = now - timedelta(days=day, hours=rng.randint(0, 9) if day else 0, minutes=rng.randint(1, 50))
            rec = ctx.recorder.record(InspectionRecord(
                product_id=product.product_id, image=StoredImage(file_name="p.png", file_path="k"),
                defect_detected=bad, anomaly_score=rng.uniform(0.86, 1.0) if bad else rng.uniform(0.0, 0.5),
                defect_type_id=rng.choice(types) if bad else None, inspector_id=users["worker"], inspected_at=when,
                confidence_score=rng.uniform(0.6, 0.95) if bad else None))
            if bad and rng.random() < 0.7:
                ctx.actions.log_action(rec.inspection_id, ACTION_TEXT, "resolved", by_user=users["supervisor"])


def validation_parts(folder: Path) -> Path:
    """Rendered good and defective parts in good/ and per-defect folders (the calibration's input)."""
    from station.pipeline.synthetic.parts import render_part

    for i in range(12):
        (folder / "good").mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(folder / "good" / f"g{i}.png"), render_part(60_000 + i, 128).image)
    for code in ("hole", "burr", "scratch"):
        (folder / code).mkdir(parents=True, exist_ok=True)
        for i in range(3):
            cv2.imwrite(str(folder / code / f"{i}.png"), render_part(61_000 + i, 128, code).image)
    return folder


def user_data(ctx) -> frozenset[str]:  # type: ignore[no-untyped-def]
    """Texts people entered or that name things (products, accounts, files): shown as they are in either
    language. Defect type names are not here: each language has its own."""
    values: set[str] = {ACTION_TEXT, "한국어", "English", "demo-cast"}
    for product in ctx.catalog.list_products():
        values.update(v for v in (product.code, product.name) if v)
    for user in ctx.users.list_users():
        values.update(v for v in (user.username, user.full_name, user.email) if v)
    for manual in ctx.manuals.list_manuals():
        values.update(v for v in (manual.title, manual.file_name) if v)
    return frozenset(values)


# Reviewing -----------------------------------------------------------------------------------------------
class Review:
    """Runs the checks on each view, grabs it, and keeps the findings and the pictures."""

    def __init__(self, qtbot, window, out: Path,  # type: ignore[no-untyped-def]
                 catalogue: Catalogue, data: frozenset[str]) -> None:
        self.qtbot, self.window, self.out = qtbot, window, out
        self.catalogue, self.data = catalogue, data
        self.findings: list[Finding] = []
        self.shots: dict[tuple[str, str, str], Path] = {}
        self.language, self.theme = "en", "light"

    def settle(self, until: Callable[[], bool] | None = None, timeout: int = 60000) -> None:
        """Waits for ``until`` and for the window's jobs to end, then lets layouts and painting happen."""
        if until is not None:
            self.qtbot.waitUntil(until, timeout=timeout)
        self.qtbot.waitUntil(lambda: not self.window.runner.active, timeout=timeout)
        self.qtbot.wait(60)

    def check(self, view: str, target: QWidget | None = None, scopes: tuple[tuple[QWidget, str], ...] = ()) -> None:
        """Reviews ``target`` (the main window unless a dialog is given) as ``view`` and grabs it; a finding
        outside the view's own widgets belongs to the scope holding it (the screen, else the window)."""
        target = target or self.window
        if target is self.window:
            scopes = (*scopes, (self.window, "window"))
        ctx = ReviewContext(view, self.language, self.theme, self.catalogue, self.data, content=CONTENT,
                            scopes=scopes)
        size = SIZE if target is self.window else None
        seen = {f.key() for f in self.findings}
        for finding in review_window(target, ctx, size):
            if finding.key() not in seen:
                seen.add(finding.key())
                self.findings.append(finding)
        if target is not self.window and (target.width() > SIZE[0] or target.height() > SIZE[1]):
            self.findings.append(ctx.finding(target, target.windowTitle(),
                                             f"dialog is {target.width()}x{target.height()}, larger than the "
                                             f"{SIZE[0]}x{SIZE[1]} screen", "placement"))
        path = self.out / shot_name(view, self.language, self.theme)
        image = target.grab().toImage()
        assert image.save(str(path)), path
        self.shots[(view, self.language, self.theme)] = path


def tab_pages(tabs: QTabWidget) -> Iterator[tuple[int, QWidget]]:
    for index in range(tabs.count()):
        if tabs.isTabVisible(index):
            yield index, tabs.widget(index)


def review_login(review: Review) -> None:
    window = review.window
    window.root.setCurrentWidget(window.login)
    review.settle()
    review.check("login", scopes=((window.login, "login"),))


def prepare_workspace(review: Review, validation: Path) -> None:
    """Puts the views in the state they are reviewed in: a part inspected at the bench with its guide, a
    calibration report, and every list loaded."""
    window = review.window
    window.resize(*SIZE)
    window.show_screen(Screen.BENCH)
    bench = window.screens[Screen.BENCH]
    review.settle(lambda: not bench.live.image().isNull() and bench.warm_job is None, 120000)
    bench.inspect()
    review.settle(lambda: bench.display is not None and not bench.busy, 120000)
    review.settle(lambda: bench.guide_job is None and bench.guide.regenerate_button.isEnabled(), 120000)
    window.show_screen(Screen.TECHNICIAN)
    technician = window.screens[Screen.TECHNICIAN]
    technician.tabs.setCurrentWidget(technician.thresholds)
    technician.thresholds.calibrate(validation)
    review.settle(lambda: technician.thresholds.report is not None, 120000)


def review_screens(review: Review) -> None:
    """Every screen of the workspace, each tab of it, then its dialogs."""
    window = review.window
    # the bench, with each page of the guide panel
    window.show_screen(Screen.BENCH)
    bench = window.screens[Screen.BENCH]
    for index, name in enumerate(("manual", "guide", "feedback")):
        if index < bench.guide.count() and bench.guide.isTabVisible(index):
            bench.guide.setCurrentIndex(index)
            review.settle()
            review.check(f"bench/{name}", scopes=((bench.guide.currentWidget(), f"bench/{name}"), (bench, "bench")))
    bench.guide.setCurrentIndex(0)
    for screen in (Screen.SUPERVISOR, Screen.TECHNICIAN, Screen.ADMIN):
        window.show_screen(screen)
        widget = window.screens[screen]
        for index, page in tab_pages(widget.tabs):
            widget.tabs.setCurrentIndex(index)
            review.settle()
            review.check(f"{screen.value}/{type(page).__name__}",
                         scopes=((page, f"{screen.value}/{type(page).__name__}"), (widget, screen.value)))
    review_dialogs(review)


def review_dialogs(review: Review) -> None:
    window = review.window
    bench = window.screens[Screen.BENCH]
    window.show_screen(Screen.BENCH)
    review.settle()
    for name, open_dialog in (("dialog/LineSettingsDialog", bench.tools.open_line_settings),
                              ("dialog/OnboardDialog", bench.tools.open_onboarding)):
        dialog = open_dialog()
        review.settle(dialog.isVisible)
        review.check(name, dialog)
        dialog.reject()
        review.settle()
    box = window.show_shortcuts()
    review.settle(box.isVisible)
    review.check("dialog/shortcuts", box)
    box.close()
    supervisor = window.screens[Screen.SUPERVISOR]
    window.show_screen(Screen.SUPERVISOR)
    supervisor.tabs.setCurrentWidget(supervisor.awaiting)
    awaiting = supervisor.awaiting
    review.settle(lambda: awaiting.table.rowCount() > 0)
    awaiting.table.selectRow(0)
    dialog = awaiting.open_action_dialog()
    assert dialog is not None, "the demo history leaves defects awaiting action"
    review.settle(dialog.isVisible)
    review.check("dialog/ActionDialog", dialog)
    dialog.reject()
    technician = window.screens[Screen.TECHNICIAN]
    window.show_screen(Screen.TECHNICIAN)
    history = technician.history
    technician.tabs.setCurrentWidget(history)
    review.settle()
    proposals = [r for r in range(history.table.rowCount()) if history.table.item(r, 0) is not None]
    for row in proposals:
        history.table.selectRow(row)
        confirm = history.ask_apply()
        if confirm is not None:
            review.settle(confirm.isVisible)
            review.check("dialog/ApplyHistoryConfirm", confirm)
            confirm.reject()
            break
    review.settle()


def test_every_screen_and_dialog_in_both_languages_and_themes(qtbot, demo_window, demo_ctx,  # noqa: F811
                                                              tmp_path: Path) -> None:
    record_history(demo_ctx)
    validation = validation_parts(tmp_path / "val")
    out = Path(os.environ.get(OUT_ENV) or tmp_path / "screens")
    out.mkdir(parents=True, exist_ok=True)
    window = demo_window
    window.resize(*SIZE)
    catalogue = Catalogue.load(resources_dir() / "i18n" / "station_ko.ts")
    review = Review(qtbot, window, out, catalogue, user_data(demo_ctx))
    for language in LANGUAGES:
        window.set_language(language)
        review.language = language
        for theme in THEMES:
            window.set_theme(theme)
            review.theme = theme
            review_login(review)
        sign_in(qtbot, window, "admin", DEMO_PASSWORD)
        prepare_workspace(review, validation)
        for theme in THEMES:
            window.set_theme(theme)
            review.theme = theme
            review_screens(review)
        window.sign_out()
        window.set_theme("light")
    if os.environ.get(UPDATE_ENV):
        DOCS.mkdir(parents=True, exist_ok=True)
        for name, key in README_SHOTS.items():
            shutil.copyfile(review.shots[key], DOCS / name)
    for name, key in README_SHOTS.items():
        pixels = cv2.imread(str(review.shots[key]))
        assert pixels is not None and len(np.unique(pixels.reshape(-1, 3)[::97], axis=0)) > 40, f"{name} looks blank"
    (out / "findings.txt").write_text(report(review.findings) + "\n", encoding="utf-8")
    assert not review.findings, f"{len(review.findings)} screen review findings (pictures in {out}):\n{report(review.findings)}"
