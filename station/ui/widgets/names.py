"""Display names in the UI language for values the store keeps as codes.

Action statuses are stored in Korean (the central views' vocabulary), roles, verdicts, override kinds and
image labels as English codes, defect types with a Korean and an optional English name. Screens show
them through these functions, never the stored value itself, so the English UI never shows 미조치 and the
Korean UI never shows "worker"; the stored codes stay unchanged. Every English source text here is a
``tr`` string of the ``DisplayNames`` context, translated by the ``.ts`` catalogue.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale


def _t(text: str) -> str:
    return QCoreApplication.translate("DisplayNames", text)


def ui_language() -> str:
    """``"ko"`` when the Korean UI is active (apply_language sets the default locale), else ``"en"``."""
    return "ko" if QLocale().language() == QLocale.Language.Korean else "en"


def status_name(status: str | None) -> str:
    """An action status of ``recent_inspections`` (미조치, 조치중, 조치완료, 정상, 검토대기, ...)."""
    names = {
        "미조치": _t("Awaiting action"),
        "조치중": _t("In progress"),
        "조치완료": _t("Resolved"),
        "정상": _t("OK"),
        "검토대기": _t("Awaiting review"),
        "오경보": _t("False alarm"),
    }
    return names.get(status or "", status or "")


def role_name(role: str | None) -> str:
    names = {
        "admin": _t("Administrator"),
        "manager": _t("Supervisor"),
        "worker": _t("Worker"),
        "viewer": _t("Viewer"),
        "station": _t("Station"),
    }
    return names.get(str(role or ""), str(role or ""))


def verdict_name(verdict: str | None) -> str:
    names = {"PASS": _t("PASS"), "FAIL": _t("FAIL"), "UNCERTAIN": _t("UNCERTAIN")}
    return names.get(str(verdict or ""), str(verdict or ""))


def override_name(kind: str | None) -> str:
    names = {
        "false_alarm": _t("false alarm"),
        "missed_defect": _t("missed defect"),
        "other_defect_type": _t("other defect type"),
    }
    return names.get(str(kind or ""), str(kind or ""))


def image_label_name(label: str | None) -> str:
    names = {"normal": _t("good"), "defect": _t("defect"), "test": _t("test")}
    return names.get(str(label or ""), str(label or ""))


def defect_name(name_ko: str | None, name_en: str | None = None, code: str | None = None) -> str:
    """A defect type in the UI language: the Korean name in Korean, else the English name or the code."""
    if ui_language() == "ko":
        return name_ko or name_en or code or _t("unclassified")
    return name_en or code or name_ko or _t("unclassified")


def health_alert_name(kind: str | None) -> str:
    """A camera/process health alert kind (``health_alerts.kind``) as a short name."""
    names = {
        "image_darker": _t("Picture darker"),
        "image_brighter": _t("Picture brighter"),
        "contrast_lower": _t("Contrast lower"),
        "contrast_higher": _t("Contrast higher"),
        "focus_lost": _t("Focus lost"),
        "camera_moved": _t("Camera moved"),
        "pass_scores_higher": _t("Good parts scoring higher"),
    }
    return names.get(str(kind or ""), str(kind or ""))


def _direction_name(direction: str) -> str:
    names = {
        "left": _t("left"), "right": _t("right"), "up": _t("up"), "down": _t("down"),
        "up-left": _t("up and left"), "up-right": _t("up and right"),
        "down-left": _t("down and left"), "down-right": _t("down and right"),
    }
    return names.get(direction, direction)


def _signed(value: object) -> str:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "?"
    return f"{number:+.0f}".replace("-", "\u2212")


def health_alert_text(kind: str | None, params: dict | None, message: str = "") -> str:
    """What a health alert says to a worker, in the UI language, from its kind and the numbers it quotes
    (``params``: grey_levels, percent, px and direction, score and usual); the stored English ``message``
    where the kind is unknown."""
    p = params or {}
    kind = str(kind or "")
    if kind == "image_darker":
        return _t("Picture darker than at calibration ({0} grey levels): check the lamp and the lens.").format(
            _signed(p.get("grey_levels")))
    if kind == "image_brighter":
        return _t("Picture brighter than at calibration ({0} grey levels): check the lamp and stray light.").format(
            _signed(p.get("grey_levels")))
    if kind == "contrast_lower":
        return _t("Contrast lower than at calibration ({0} %): check the light and the lens.").format(
            _signed(p.get("percent")))
    if kind == "contrast_higher":
        return _t("Contrast higher than at calibration ({0} %): check the light.").format(_signed(p.get("percent")))
    if kind == "focus_lost":
        return _t("Focus lost (sharpness {0} %): check the lens focus and the part's position.").format(
            _signed(p.get("percent")))
    if kind == "camera_moved":
        return _t("Camera moved: the picture shifted about {0} px {1}. Check the camera mount and the "
                  "fixture.").format(p.get("px", "?"), _direction_name(str(p.get("direction", ""))))
    if kind == "pass_scores_higher":
        try:
            score, usual = f"{float(p['score']):.2f}", f"{float(p['usual']):.2f}"
        except (KeyError, TypeError, ValueError):
            score, usual = "?", "?"
        return _t("Good parts score higher than usual ({0} instead of {1}): tell the supervisor.").format(
            score, usual)
    return message or kind
