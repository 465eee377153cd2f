"""The bench for a product of several views (a top and a side camera): each view's camera (one capture per
source, through the same camera worker as the station's own camera), the live views side by side, one
capture of every view's newest frame with its skew, and the part's result as a row of per-view tiles
(verdict, score, heatmap thumbnail beside the view's own nearest good reference, regions count, the deciding
view marked, or the view's error).

A product without views uses none of this: the bench shows its single camera as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from station.domain.camera import CameraSpec, CameraState, CameraStatus, Frame
from station.domain.views import ViewCapture, ViewResult
from station.ui.camera_bridge import CameraBridge
from station.ui.jobs import JobRunner
from station.ui.widgets.image_view import ImageView
from station.ui.widgets.imaging import heat_colours, to_qimage
from station.ui.widgets.names import verdict_name

THUMB_PX = 320  # the longest side of a view's result thumbnail
# The verdict colours of the bench's banner, for a view's verdict in its tile.
VERDICT_STYLE = {"PASS": "background: #1f9d55; color: #ffffff;",
                 "FAIL": "background: #d93025; color: #ffffff;",
                 "UNCERTAIN": "background: #f5a524; color: #1d1d1d;",
                 "": "background: #6b7280; color: #ffffff;"}


@dataclass(frozen=True)
class ViewPicture:
    """One view's result as its tile paints it (pictures converted on a worker thread)."""

    result: ViewResult
    image: QImage
    overlay: QImage
    reference: QImage = field(default_factory=QImage)  # the view's own nearest good reference
    reference_id: int | None = None  # its library image id


def _thumb(image: QImage) -> QImage:
    if image.isNull() or max(image.width(), image.height()) <= THUMB_PX:
        return image
    return image.scaled(THUMB_PX, THUMB_PX, Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)


def view_pictures(outcome: Any, references: Mapping[str, Any] | None = None) -> list[ViewPicture]:
    """Every view of a part's outcome with its thumbnail, heatmap and nearest good reference (``references``:
    each view's decoded reference pixels by view code; empty for a product without views)."""
    by_view = {o.view_code: o for o in getattr(outcome, "view_outcomes", ()) or ()}
    references = references or {}
    pictures = []
    for result in getattr(outcome, "views", ()) or ():
        own = by_view.get(result.view)
        if own is None:
            pictures.append(ViewPicture(result, QImage(), QImage()))
            continue
        pixels = references.get(result.view)
        reference = _thumb(to_qimage(pixels)) if pixels is not None else QImage()
        match = getattr(own, "reference", None)
        pictures.append(ViewPicture(result, _thumb(to_qimage(own.image)),
                                    _thumb(to_qimage(heat_colours(own.anomaly_map, alpha_floor=0.2), bgr=False)),
                                    reference, None if match is None else match.image_id))
    return pictures


def error_pictures(views: Sequence[ViewResult]) -> list[ViewPicture]:
    """The views of a part that was not inspected whole (no pictures: verdicts and errors only)."""
    return [ViewPicture(v, QImage(), QImage()) for v in views]


def _newest(bridge: CameraBridge) -> Frame | None:
    """The camera's newest frame from its capture worker (thread-safe), else the last one shown."""
    feed = bridge.feed
    return feed.latest() if feed is not None else bridge.latest_frame


class ViewCameras(QObject):
    """The cameras of a product's views: one :class:`CameraBridge` per distinct source (views on one source
    share it). ``frame_ready(view, QImage)`` for each new frame of each view; :meth:`capture` takes every
    view's newest frame at once."""

    frame_ready = Signal(str, object, object)  # view code, QImage, Frame
    status_changed = Signal(str, object)  # view code, CameraStatus

    def __init__(self, factory: Callable[[CameraSpec], Any], runner: JobRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._factory, self._runner = factory, runner
        self.views: list[tuple[str, str | None]] = []
        self._bridges: dict[str, CameraBridge] = {}

    @property
    def active(self) -> bool:
        return bool(self.views)

    def open(self, views: list[tuple[str, str | None]]) -> None:
        """Starts a capture for each distinct source of ``views`` ((view code, camera source) pairs)."""
        self.close()
        bridges: dict[str, CameraBridge] = {}
        for source in dict.fromkeys(src for _, src in views if src):
            bridge = CameraBridge(self._factory, self._runner, self)
            names = [v for v, s in views if s == source]
            bridge.frame_ready.connect(lambda image, frame, names=names: [self.frame_ready.emit(n, image, frame)
                                                                          for n in names])
            bridge.status_changed.connect(lambda status, names=names: [self.status_changed.emit(n, status)
                                                                       for n in names])
            bridges[source] = bridge
            bridge.open(CameraSpec(source=source).validated())
        # replaced whole, never changed in place: capture() may read them from a line link's thread
        self._bridges, self.views = bridges, list(views)

    def still_frames(self, view: str) -> int:
        """How many still frames of ``view``'s camera trigger an auto-inspection."""
        source = dict(self.views).get(view)
        bridge = self._bridges.get(source or "")
        feed = bridge.feed if bridge is not None else None
        spec = getattr(feed, "spec", None)
        return spec.still_frames if spec is not None else CameraSpec().still_frames

    def close(self) -> None:
        """Stops every view's camera. The feeds stop on a thread of their own rather than a job: the window
        cancels its pending jobs right after its screens shut down, and a capture must never outlive it."""
        bridges, self._bridges, self.views = self._bridges, {}, []
        feeds = [feed for feed in (bridge.release() for bridge in bridges.values()) if feed is not None]
        for bridge in bridges.values():
            bridge.deleteLater()
        if feeds:
            threading.Thread(target=lambda: [feed.stop() for feed in feeds], name="view-cameras-stop",
                             daemon=True).start()

    def capture(self) -> ViewCapture:
        """Every view's newest frame (a copy, taken from the cameras' own buffers, so a line link's thread may
        call it when its trigger arrives), each one's capture time after the earliest (its skew in ms), and
        one line naming the camera of a view that has no frame."""
        views, bridges = self.views, self._bridges
        frames: dict[str, Any] = {}
        stamps: dict[str, float] = {}
        errors: dict[str, str] = {}
        latest: dict[str, Frame | None] = {s: _newest(b) for s, b in bridges.items()}
        for view, source in views:
            frame = latest.get(source or "")
            if frame is None:
                frames[view] = None
                errors[view] = f"view {view}: {self._problem(bridges, source)}"
            else:
                frames[view], stamps[view] = frame.image.copy(), float(frame.timestamp)
        first = min(stamps.values(), default=0.0)
        skews = {v: round((stamps[v] - first) * 1000.0, 2) if v in stamps else None for v, _ in views}
        return ViewCapture(frames, skews, errors)

    @staticmethod
    def _problem(bridges: dict[str, CameraBridge], source: str | None) -> str:
        if not source:
            return "no camera: run station views add --camera SOURCE"
        bridge = bridges.get(source)
        status: CameraStatus | None = bridge.status if bridge is not None else None
        message = (status.message or status.state.value) if status is not None else "not opened"
        return f"camera {source} gives no frames: {message}"


class LiveViews(QWidget):
    """The live views side by side, each a small tile captioned with its view's name and camera state."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LiveViews")
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self.tiles: dict[str, ImageView] = {}
        self._names: dict[str, str] = {}

    def set_views(self, views: Sequence[str]) -> None:
        for tile in self.tiles.values():
            self._row.removeWidget(tile)
            tile.deleteLater()
        self.tiles = {}
        for view in views:
            tile = ImageView(placeholder=self.tr("Waiting for the camera of view {0}…").format(view))
            tile.setObjectName(f"LiveView-{view}")
            tile.setMinimumSize(120, 90)
            tile.set_caption(view)
            self.tiles[view] = tile
            self._row.addWidget(tile, 1)

    def show_frame(self, view: str, image: QImage) -> None:
        tile = self.tiles.get(view)
        if tile is not None:
            tile.set_image(image)

    def show_status(self, view: str, status: CameraStatus) -> None:
        tile = self.tiles.get(view)
        if tile is None:
            return
        if status.state is CameraState.LIVE:
            tile.set_caption(self.tr("{0} · live · {1:.1f} fps").format(view, status.fps))
        elif status.state is CameraState.RECONNECTING:
            tile.set_caption(self.tr("{0} · camera lost — reconnecting").format(view))
        elif status.state is CameraState.CONNECTING:
            tile.set_caption(self.tr("{0} · connecting…").format(view))
        else:
            tile.set_caption(self.tr("{0} · camera stopped").format(view))


class ViewTile(QFrame):
    """One view's result: its name (marked when it decided the part), its verdict in the verdict's colour,
    score and regions count, and the inspected picture with its heatmap beside the view's own nearest good
    reference; or the view's error."""

    def __init__(self, picture: ViewPicture, deciding: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        result = picture.result
        self.view = result.view
        self.setObjectName(f"ViewTile-{result.view}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        name = result.view + ("  ★ " + self.tr("deciding view") if deciding else "")
        self.name = QLabel(name)
        self.name.setObjectName("ViewTileName")
        self.deciding = deciding
        layout.addWidget(self.name)
        verdict = result.verdict or ""
        self.verdict = QLabel(verdict_name(verdict) if verdict else self.tr("NOT INSPECTED"))
        self.verdict.setObjectName("ViewTileVerdict")
        self.verdict.setProperty("verdict", verdict)
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict.setStyleSheet(VERDICT_STYLE.get(verdict, VERDICT_STYLE[""])
                                   + " font-weight: 700; border-radius: 4px; padding: 2px;")
        layout.addWidget(self.verdict)
        if result.error:
            self.detail = QLabel(result.error)
            self.detail.setWordWrap(True)
        else:
            score = "—" if result.anomaly_score is None else f"{result.anomaly_score:.3f}"
            self.detail = QLabel(self.tr("score {0} · regions {1}").format(score, result.regions_count))
            if result.skew_ms:
                self.detail.setText(self.detail.text() + " · " + self.tr("skew {0:.1f} ms").format(result.skew_ms))
        self.detail.setObjectName("ViewTileDetail")
        self.detail.setToolTip(self.detail.text())
        layout.addWidget(self.detail)
        self.picture = ImageView(placeholder=self.tr("no picture"))
        self.picture.setObjectName("ViewTilePicture")
        self.picture.setMinimumSize(80, 50)
        self.picture.set_image(picture.image)
        self.picture.set_overlay(picture.overlay)
        self.picture.set_overlay_opacity(0.55)
        self.reference = ImageView(placeholder=self.tr("no good reference"))
        self.reference.setObjectName("ViewTileReference")
        self.reference.setMinimumSize(80, 50)
        self.reference.set_image(picture.reference)
        self.reference_id = picture.reference_id
        if picture.reference_id is not None:
            self.reference.set_caption(self.tr("reference #{0}").format(picture.reference_id))
        pictures = QHBoxLayout()
        pictures.setContentsMargins(0, 0, 0, 0)
        pictures.addWidget(self.picture, 1)
        pictures.addWidget(self.reference, 1)
        layout.addLayout(pictures, 1)


class ViewTiles(QWidget):
    """The row of per-view result tiles of the part shown (hidden for a product without views)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ViewTiles")
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self.tiles: list[ViewTile] = []
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(150)
        self.hide()

    def clear(self) -> None:
        for tile in self.tiles:
            self._row.removeWidget(tile)
            tile.deleteLater()
        self.tiles = []
        self.hide()

    def show_views(self, pictures: Sequence[ViewPicture], deciding: str | None) -> None:
        self.clear()
        for picture in pictures:
            tile = ViewTile(picture, picture.result.view == deciding, self)
            self.tiles.append(tile)
            self._row.addWidget(tile, 1)
        self.setVisible(bool(self.tiles))

    def tile(self, view: str) -> ViewTile | None:
        return next((t for t in self.tiles if t.view == view), None)
