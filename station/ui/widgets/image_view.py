"""An image that scales to its widget, with an optional heatmap overlay (opacity), region boxes, an ROI
rectangle, a caption, and a placeholder text when there is no image."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget


@dataclass(frozen=True)
class Box:
    """A rectangle in image pixels with a short label (e.g. region number and score)."""

    x: float
    y: float
    w: float
    h: float
    label: str = ""


class ImageView(QWidget):
    def __init__(self, parent: QWidget | None = None, placeholder: str = "") -> None:
        super().__init__(parent)
        self._image = QImage()
        self._overlay = QImage()
        self._opacity = 0.5
        self._overlay_on = True
        self._boxes: list[Box] = []
        self._highlight: int | None = None
        self._roi: tuple[float, float, float, float] | None = None
        self._caption = ""
        self._placeholder = placeholder
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(480, 360)

    # Content --------------------------------------------------------------------------
    def set_image(self, image: QImage | None) -> None:
        self._image = image if image is not None else QImage()
        self.update()

    def image(self) -> QImage:
        return self._image

    def set_overlay(self, overlay: QImage | None) -> None:
        self._overlay = overlay if overlay is not None else QImage()
        self.update()

    def set_overlay_visible(self, visible: bool) -> None:
        self._overlay_on = visible
        self.update()

    def set_overlay_opacity(self, opacity: float) -> None:
        self._opacity = max(0.0, min(1.0, opacity))
        self.update()

    def set_boxes(self, boxes: list[Box]) -> None:
        self._boxes = list(boxes)
        self.update()

    def highlight_box(self, index: int | None) -> None:
        self._highlight = index
        self.update()

    def set_roi(self, roi: tuple[float, float, float, float] | None) -> None:
        """ROI as fractions (x, y, w, h) of the image."""
        self._roi = roi
        self.update()

    def roi(self) -> tuple[float, float, float, float] | None:
        return self._roi

    def set_caption(self, caption: str) -> None:
        self._caption = caption
        self.update()

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    # Geometry ---------------------------------------------------------------------------
    def image_rect(self) -> QRectF:
        if self._image.isNull():
            return QRectF()
        area = QRectF(self.rect()).adjusted(2, 2, -2, -2)
        scale = min(area.width() / self._image.width(), area.height() / self._image.height())
        w, h = self._image.width() * scale, self._image.height() * scale
        return QRectF(area.x() + (area.width() - w) / 2, area.y() + (area.height() - h) / 2, w, h)

    def to_fraction(self, point: QPointF) -> tuple[float, float] | None:
        rect = self.image_rect()
        if rect.isEmpty():
            return None
        x = (point.x() - rect.x()) / rect.width()
        y = (point.y() - rect.y()) / rect.height()
        return max(0.0, min(1.0, x)), max(0.0, min(1.0, y))

    # Painting ---------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().color(self.backgroundRole()).darker(115))
        if self._image.isNull():
            painter.setPen(self.palette().color(self.foregroundRole()))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._placeholder)
            return
        target = self.image_rect()
        painter.drawImage(target, self._image)
        if self._overlay_on and not self._overlay.isNull():
            painter.setOpacity(self._opacity)
            painter.drawImage(target, self._overlay)
            painter.setOpacity(1.0)
        sx, sy = target.width() / self._image.width(), target.height() / self._image.height()
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        for i, box in enumerate(self._boxes):
            colour = QColor("#ffd400") if i == self._highlight else QColor("#ff3b30")
            painter.setPen(QPen(colour, 3 if i == self._highlight else 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            rect = QRectF(target.x() + box.x * sx, target.y() + box.y * sy, box.w * sx, box.h * sy)
            painter.drawRect(rect)
            if box.label:
                metrics = painter.fontMetrics()
                label_rect = QRectF(rect.x(), rect.y() - metrics.height() - 2,
                                    metrics.horizontalAdvance(box.label) + 8, metrics.height() + 2)
                if label_rect.top() < target.top():
                    label_rect.moveTop(rect.y())
                painter.fillRect(label_rect, colour)
                painter.setPen(QColor("#000000"))
                painter.drawText(label_rect, Qt.AlignmentFlag.AlignCenter, box.label)
        if self._roi is not None:
            x, y, w, h = self._roi
            painter.setPen(QPen(QColor("#34c759"), 2, Qt.PenStyle.DashLine))
            painter.drawRect(QRectF(target.x() + x * target.width(), target.y() + y * target.height(),
                                    w * target.width(), h * target.height()))
        if self._caption:
            metrics = painter.fontMetrics()
            width = max(target.width(), min(self.width() - 4.0, metrics.horizontalAdvance(self._caption) + 16.0))
            left = max(2.0, min(target.center().x() - width / 2, self.width() - 2.0 - width))
            bar = QRectF(left, target.bottom() - metrics.height() - 8, width, metrics.height() + 8)
            painter.fillRect(bar, QColor(0, 0, 0, 150))
            painter.setPen(QColor("#ffffff"))
            painter.drawText(bar.adjusted(8, 0, -8, 0), Qt.AlignmentFlag.AlignVCenter, self._caption)


class RoiEditor(ImageView):
    """An ImageView on which a rectangle is drawn with the mouse; emits the ROI as image fractions."""

    roi_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None, placeholder: str = "") -> None:
        super().__init__(parent, placeholder)
        self._anchor: tuple[float, float] | None = None
        self.setCursor(Qt.CursorShape.CrossCursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        self._anchor = self.to_fraction(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        point = self.to_fraction(event.position())
        if self._anchor is None or point is None:
            return
        (x0, y0), (x1, y1) = self._anchor, point
        self.set_roi((min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0)))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        self.mouseMoveEvent(event)
        self._anchor = None
        self.roi_changed.emit(self.roi())
