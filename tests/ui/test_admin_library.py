"""The admin screens on real widgets: the image-library browser (pages, thumbnails, filters, relabel and
removal with confirmation, audited), the user form cleared after a user is added, display names of roles
and defect types in Korean, and user mistakes logged as one line without a traceback."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel

from station.domain.enums import Role
from station.domain.errors import ValidationError
from station.services.admin import import_images
from station.ui.permissions import Screen
from station.ui.widgets.names import defect_name, role_name
from tests.support.ui import PASSWORD, gui_services, main_window, replay_folder, sign_in, station_ctx  # noqa: F401

SHOTS = Path(os.environ.get("STATION_TEST_SHOTS", "/tmp"))


def _write(folder: Path, count: int, shade: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        img = np.full((72, 96, 3), 40, np.uint8)
        cv2.circle(img, (48, 36), 14 + i % 9, (shade, 120 + i % 100, 200 - shade // 2), -1)
        paths.append(folder / f"part_{shade}_{i:03d}.png")
        cv2.imwrite(str(paths[-1]), img)
    return paths


def _fill_library(ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    product = ctx.catalog.get_product("demo-cast")
    import_images(ctx.catalog, ctx.storage, product.product_id, "normal", _write(tmp_path / "good", 70, 60))
    for shade, code in ((180, "hole"), (240, "burr")):
        import_images(ctx.catalog, ctx.storage, product.product_id, "defect", _write(tmp_path / code, 6, shade),
                      defect_type_id=product.defect_by_code(code).defect_type_id)


def _open_browser(qtbot, window):  # type: ignore[no-untyped-def]
    sign_in(qtbot, window, "admin")
    window.show_screen(Screen.ADMIN)
    admin = window.screens[Screen.ADMIN]
    browser = admin.views["browser"]
    admin.tabs.setCurrentWidget(browser)
    qtbot.waitUntil(lambda: browser.page_data is not None and browser.grid.count() > 0, timeout=15000)
    return admin, browser


def _select(browser, rows: list[int]) -> None:  # type: ignore[no-untyped-def]
    browser.grid.clearSelection()
    for row in rows:
        index = browser.grid.model().index(row, 0)
        browser.grid.selectionModel().select(index, QItemSelectionModel.SelectionFlag.Select)


def test_library_browser_pages_filters_relabels_and_removes(qtbot, main_window, station_ctx,  # noqa: F811
                                                            tmp_path: Path) -> None:
    _fill_library(station_ctx, tmp_path)
    _admin, browser = _open_browser(qtbot, main_window)
    assert browser.page_data.total == 82 and browser.grid.count() == 60 and browser.page_data.pages == 2
    qtbot.waitUntil(lambda: browser.thumbnails_shown() == 60, timeout=30000)  # loaded by a background job
    main_window.resize(1366, 768)
    qtbot.wait(50)
    main_window.grab().save(str(SHOTS / "h6-library-en-window.png"))
    assert not browser.prev_button.isEnabled() and browser.next_button.isEnabled()
    browser.next_button.click()
    qtbot.waitUntil(lambda: browser.page_number == 1 and browser.grid.count() == 22, timeout=10000)
    assert "Page 2 of 2" in browser.page_label.text()

    hole = station_ctx.catalog.get_product("demo-cast").defect_by_code("hole")
    browser.label_filter.setCurrentIndex(browser.label_filter.findData(f"defect:{hole.defect_type_id}"))
    qtbot.waitUntil(lambda: browser.page_number == 0 and browser.grid.count() == 6, timeout=10000)
    _select(browser, [0, 1])
    assert browser.selected_ids() and browser.relabel_button.isEnabled()
    browser.new_label.setCurrentIndex(browser.new_label.findData("normal"))
    browser.relabel_selected()
    qtbot.waitUntil(lambda: browser.grid.count() == 4, timeout=10000)
    assert "relabelled" in browser.message.text()
    product = station_ctx.catalog.get_product("demo-cast")
    assert len(station_ctx.catalog.list_images(product.product_id, "normal")) == 72

    _select(browser, [0])
    asked: list[int] = []
    browser.confirm_removal = lambda n: asked.append(n) or False  # the admin cancels
    browser.remove_selected()
    assert asked == [1] and browser.grid.count() == 4
    [image_id] = browser.selected_ids()
    key = next(i.file_path for i in browser.page_data.images if i.image_id == image_id)
    browser.confirm_removal = lambda n: True
    browser.remove_selected()
    qtbot.waitUntil(lambda: browser.grid.count() == 3, timeout=10000)
    assert "removed from the library" in browser.message.text()
    assert station_ctx.storage.get_bytes(key)  # the object file stays in the store
    entries = [e for e in station_ctx.audit.recent("images", 5)]
    assert [e.operation for e in entries[:2]] == ["UPDATE", "UPDATE"]
    assert entries[0].user_id == main_window.session.user.user_id
    assert entries[0].new_data["images"][0] == {"image_id": image_id, "is_active": False, "used_by_inspections": 0}
    browser.grab().save(str(SHOTS / "h6-library-en.png"))


def test_library_browser_in_korean_at_1366x768(qtbot, main_window, station_ctx, tmp_path: Path) -> None:  # noqa: F811
    from PySide6.QtWidgets import QApplication

    from station.ui.shell import appearance

    _fill_library(station_ctx, tmp_path)
    appearance.apply_language(QApplication.instance(), "ko")
    try:
        main_window.resize(1366, 768)
        admin, browser = _open_browser(qtbot, main_window)
        qtbot.waitUntil(lambda: browser.thumbnails_shown() == 60, timeout=30000)
        hole = station_ctx.catalog.get_product("demo-cast").defect_by_code("hole")
        assert defect_name(hole.name_ko, hole.name_en, hole.code) == "기공"
        labels = [browser.label_filter.itemText(i) for i in range(browser.label_filter.count())]
        assert any("기공" in text for text in labels) and not any("hole" in text for text in labels)
        users = admin.views["users"]
        assert users.role_boxes[Role.ADMIN].text() == role_name("admin") != "admin"
        qtbot.waitUntil(lambda: users.table.rowCount() == 4, timeout=10000)
        assert "admin" not in users.table.column_values(3)
        main_window.grab().save(str(SHOTS / "h6-library-ko-window.png"))
        browser.grab().save(str(SHOTS / "h6-library-ko.png"))
    finally:
        appearance.apply_language(QApplication.instance(), "en")


def test_user_form_is_cleared_after_adding_a_user(qtbot, main_window) -> None:  # noqa: F811
    sign_in(qtbot, main_window, "admin")
    main_window.show_screen(Screen.ADMIN)
    users = main_window.screens[Screen.ADMIN].views["users"]
    qtbot.waitUntil(lambda: users.table.rowCount() == 4, timeout=10000)
    users.username.setText("park")
    users.full_name.setText("Park")
    users.email.setText("park@example.com")
    users.password.setText("long enough pw")
    users.role_boxes[Role.WORKER].setChecked(True)
    users.add_user()
    qtbot.waitUntil(lambda: users.table.rowCount() == 5, timeout=10000)
    assert "park" in users.message.text()
    assert [f.text() for f in (users.username, users.full_name, users.email, users.password)] == [""] * 4
    assert not any(box.isChecked() for box in users.role_boxes.values())
    users.username.setText("kang")  # a refused user keeps the form as typed, to be corrected
    users.email.setText("kang@example.com")
    users.password.setText("short")
    users.role_boxes[Role.WORKER].setChecked(True)
    users.add_user()
    qtbot.waitUntil(lambda: users.message.level == "error", timeout=10000)
    assert users.username.text() == "kang" and users.password.text() == "short"


def _station_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("station")]


def test_user_mistakes_are_one_log_line_and_faults_keep_their_traceback(qtbot, main_window,  # noqa: F811
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    login = main_window.login
    login.username.setText("admin")
    login.password.setText("wrong-secret-pw")
    login.submit()
    qtbot.waitUntil(lambda: login.message.level == "error", timeout=15000)
    [refused] = [r for r in _station_records(caplog) if r.levelno >= logging.WARNING]
    assert refused.levelno == logging.WARNING and refused.exc_info is None and not refused.exc_text
    assert "wrong user name or password" in refused.getMessage() and "wrong-secret-pw" not in refused.getMessage()

    caplog.clear()
    sign_in(qtbot, main_window, "admin", PASSWORD)
    main_window.show_screen(Screen.ADMIN)
    users = main_window.screens[Screen.ADMIN].views["users"]
    users.username.setText("choi")
    users.email.setText("choi@example.com")
    users.password.setText("tiny7")
    users.role_boxes[Role.WORKER].setChecked(True)
    users.add_user()
    qtbot.waitUntil(lambda: users.message.level == "error", timeout=10000)
    problems = [r for r in _station_records(caplog) if "admin-users" in r.getMessage()]
    assert len(problems) == 1 and problems[0].levelno == logging.WARNING and problems[0].exc_info is None
    assert "at least 8 characters" in problems[0].getMessage() and "tiny7" not in caplog.text
    assert "$argon2" not in caplog.text and "ValidationError" not in caplog.text

    caplog.clear()  # a real fault still logs its traceback

    def broken(_ctx) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("disk on fire")

    errors: list[BaseException] = []
    main_window.runner.submit(broken, name="fault", on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    [fault] = [r for r in _station_records(caplog) if "'fault'" in r.getMessage()]
    assert fault.levelno == logging.ERROR and fault.exc_info is not None and fault.exc_info[0] is RuntimeError
    assert not isinstance(errors[0], ValidationError)


def test_uploading_the_demo_manual_reports_no_gap(qtbot, main_window) -> None:  # noqa: F811
    from station.resources import resources_dir

    sign_in(qtbot, main_window, "admin")
    main_window.show_screen(Screen.ADMIN)
    admin = main_window.screens[Screen.ADMIN]
    manuals = admin.views["manuals"]
    admin.tabs.setCurrentWidget(manuals)
    qtbot.waitUntil(manuals.empty_hint.isVisible, timeout=10000)  # no manual yet: says what to upload
    manuals.upload([resources_dir() / "demo" / "demo_manual.md"])
    qtbot.waitUntil(lambda: manuals.list.count() == 1, timeout=60000)
    assert manuals.message.level == "info" and "Ingested 1 manual(s)" in manuals.message.text()
    assert "cause/action" not in manuals.message.text() and not manuals.empty_hint.isVisible()


def test_ten_thousand_images_page_in_the_browser(qtbot, main_window, station_ctx) -> None:  # noqa: F811
    from sqlalchemy import insert

    from station.adapters.db.models import Image

    product = station_ctx.catalog.get_product("demo-cast")
    with station_ctx.db.session() as session:  # rows only: their objects are missing, placeholders show
        session.execute(insert(Image), [{"product_id": product.product_id, "image_type": "normal",
                                         "file_name": f"{i}.png", "file_path": f"images/missing{i}.png"}
                                        for i in range(10_000)])
    _admin, browser = _open_browser(qtbot, main_window)
    assert browser.page_data.total == 10_000 and browser.grid.count() == 60
    assert "Page 1 of 167" in browser.page_label.text()
    for _ in range(3):
        browser.next_button.click()
    qtbot.waitUntil(lambda: browser.page_number == 3 and "Page 4 of 167" in browser.page_label.text(),
                    timeout=10000)
    assert browser.grid.count() == 60 and len(browser.cache) == 0  # unreadable objects are not cached
