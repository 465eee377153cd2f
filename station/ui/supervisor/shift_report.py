"""Shift report: inspections of one product in a shift window, summarised, with the period's corrective
actions and verdict overrides (who, when, part, from → to) and its control-chart figures (the shift's
FAIL/UNCERTAIN proportion against the p-chart of the shifts before it, the score EWMA's points out of
control, the health alerts raised in it), exported as CSV and PDF (files are written in a background job).
Rows show the effective verdict and, for an overridden part, the station's verdict and who overrode it
when."""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDate, QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from station.domain.reports import InspectionRow, local_time
from station.domain.spc import ShiftSpc
from station.services.records import ShiftReport, row_verdict, shift_window
from station.ui.env import ScreenEnv
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.names import defect_name, health_alert_name, override_name, status_name, verdict_name


def _when(moment: datetime | None) -> str:
    shown = local_time(moment)
    return shown.strftime("%m-%d %H:%M") if shown else ""


def _table(columns: str, rows: list[tuple[object, ...]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in columns.split("|"))
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table border='1' cellspacing='0' cellpadding='3' width='100%'><tr>{head}</tr>{body}</table>"


def _verdict_cell(row: InspectionRow, labels: dict[str, str]) -> str:
    shown = verdict_name(row_verdict(row))
    if not row.overridden:
        return shown
    return labels["overridden"].format(shown, verdict_name(row.overridden_from or row.station_verdict or ""),
                                       override_name(row.override_kind), row.overridden_by or "?",
                                       _when(row.overridden_at))


def spc_html(spc: ShiftSpc | None, labels: dict[str, str]) -> str:
    """The report's control-chart section (empty without figures)."""
    if spc is None:
        return ""
    share = f"{spc.p:.1%}" if spc.p is not None else "—"
    limits = spc.limits
    if limits is None:
        p_line = labels["spc_no_ref"].format(spc.flagged, spc.n, share)
    else:
        p_line = labels["spc_p"].format(spc.flagged, spc.n, share, spc.reference_shifts, f"{spc.p_bar:.1%}",
                                        f"{limits[0]:.1%}", f"{limits[1]:.1%}",
                                        labels["spc_out"] if spc.p_out_of_control else labels["spc_in"])
    chart = spc.scores
    if not chart.has_limits:
        score_line = labels["spc_no_limits"]
    else:
        score_line = labels["spc_scores"].format(f"{chart.lam:g}", f"{chart.width:g}", f"{chart.centre:.3f}",
                                                 f"{chart.sigma:.3f}", chart.baseline_parts, len(spc.scores_out),
                                                 len(spc.in_shift))
        if spc.scores_out:
            first = spc.scores_out[0]
            score_line += "; " + labels["spc_scores_first"].format(first.code, _local_when(first.at))
    alerts = [(_local_when(m.at), health_alert_name(m.kind), m.view or "") for m in spc.alerts]
    if not spc.alerts_available:
        alerts_html = f"<p>{html.escape(labels['spc_alerts_unknown'])}</p>"
    else:
        alerts_html = _table(labels["spc_alert_columns"], alerts) if alerts else f"<p>{html.escape(labels['none'])}</p>"
    return (f"<h3>{html.escape(labels['spc'])}</h3>"
            f"<p>{html.escape(p_line)}<br>{html.escape(score_line)}</p>"
            f"<h3>{html.escape(labels['spc_alerts'].format(len(spc.alerts)))}</h3>{alerts_html}<br>")


def _local_when(moment: datetime | None) -> str:
    """A plant-time moment (the charts' times are already local)."""
    return moment.strftime("%m-%d %H:%M") if moment else ""


def report_html(report: ShiftReport, labels: dict[str, str], defect_names: dict[str, str] | None = None) -> str:
    """The report as HTML; ``defect_names`` maps stored (Korean) defect names to the UI language's."""
    names = defect_names or {}

    def defect(stored: str | None) -> str:
        return names.get(stored or "", stored or "")

    rows = [(r.inspection_code, local_time(r.inspection_date).strftime("%H:%M") if r.inspection_date else "",
             r.inspector or "", _verdict_cell(r, labels), defect(r.defect_name_ko),
             "" if r.anomaly_score is None else f"{r.anomaly_score:.3f}", status_name(r.action_status))
            for r in report.rows]
    actions = [(_when(a.at), a.inspection_code, a.by or "?", a.action_taken,
                f"{status_name(a.result_before) if a.result_before else '—'} → "
                f"{status_name(a.result) if a.result else '—'}") for a in report.actions]
    overrides = [(_when(o.at), o.inspection_code, o.by or "?", override_name(o.kind),
                  f"{verdict_name(o.from_verdict) if o.from_verdict else '—'} → {verdict_name(o.to_verdict)}"
                  + (f" ({defect(o.defect_name_ko)})" if o.defect_name_ko else "")) for o in report.overrides]
    types = ", ".join(f"{html.escape(defect(k))}: {v}" for k, v in report.by_defect_type.items()) or "—"
    none = f"<p>{html.escape(labels['none'])}</p>"
    return (
        f"<h2>{html.escape(labels['title'])}</h2>"
        f"<p><b>{html.escape(report.product_name)}</b> ({html.escape(report.product_code)})<br>"
        f"{report.start:%Y-%m-%d %H:%M} – {report.end:%Y-%m-%d %H:%M}</p>"
        f"<p>{html.escape(labels['summary'].format(report.total, report.defects, f'{report.defect_rate:.1%}', report.open_actions))}"
        f"<br>{html.escape(labels['uncertain'])}: {report.uncertain}"
        f"<br>{html.escape(labels['types'])}: {types}"
        f"<br>{html.escape(labels['activity'].format(len(report.actions), len(report.overrides), report.overridden))}</p>"
        f"{spc_html(report.spc, labels)}"
        f"{_table(labels['columns'], rows)}"
        f"<h3>{html.escape(labels['actions'].format(len(report.actions)))}</h3>"
        f"{_table(labels['action_columns'], actions) if actions else none}"
        f"<h3>{html.escape(labels['overrides'].format(len(report.overrides)))}</h3>"
        f"{_table(labels['override_columns'], overrides) if overrides else none}"
        f"<p style='color:#666'>{html.escape(labels['generated'])} {datetime.now():%Y-%m-%d %H:%M}</p>")


def write_pdf(path: Path, document_html: str) -> Path:
    """Renders the report to an A4 PDF (QPdfWriter paints off the GUI thread)."""
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)
    writer.setResolution(150)
    writer.setTitle("Shift report")
    document = QTextDocument()
    document.setHtml(document_html)
    document.setPageSize(writer.pageLayout().paintRectPixels(writer.resolution()).size().toSizeF())
    document.print_(writer)
    return path


class ShiftReportView(QWidget):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.day = QDateEdit(QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.start_hour = QSpinBox()
        self.start_hour.setRange(0, 23)
        self.start_hour.setValue(6)
        self.start_hour.setSuffix(":00")
        self.hours = QSpinBox()
        self.hours.setRange(1, 24)
        self.hours.setValue(12)
        self.hours.setSuffix(self.tr(" h"))
        self.generate_button = QPushButton(self.tr("Generate"))
        self.csv_button = QPushButton(self.tr("Export CSV…"))
        self.pdf_button = QPushButton(self.tr("Export PDF…"))
        for widget in (QLabel(self.tr("Shift day")), self.day, QLabel(self.tr("starts")), self.start_hour,
                       QLabel(self.tr("length")), self.hours, self.generate_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.csv_button)
        row.addWidget(self.pdf_button)
        layout.addLayout(row)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.preview = QTextBrowser()
        self.preview.setObjectName("ShiftPreview")
        layout.addWidget(self.preview, 1)
        self.report: ShiftReport | None = None
        self.generate_button.clicked.connect(self.refresh)
        self.csv_button.clicked.connect(lambda: self._ask_and_export("csv"))
        self.pdf_button.clicked.connect(lambda: self._ask_and_export("pdf"))

    def labels(self) -> dict[str, str]:
        return {"title": self.tr("Shift report"),
                "summary": self.tr("{0} inspections, {1} defects ({2}), {3} awaiting action"),
                "uncertain": self.tr("UNCERTAIN"),
                "types": self.tr("Defects by type"), "generated": self.tr("Generated"),
                "columns": self.tr("Code|Time|Inspector|Verdict|Defect|Anomaly|Status"),
                "overridden": self.tr("{0} (overridden: {1} → {2} by {3} at {4})"),
                "activity": self.tr("{0} corrective actions and {1} overrides in this period; "
                                    "{2} listed parts overridden"),
                "actions": self.tr("Corrective actions ({0})"),
                "action_columns": self.tr("When|Part|By|Action|Result"),
                "overrides": self.tr("Verdict overrides ({0})"),
                "override_columns": self.tr("When|Part|By|Override|Verdict"),
                "none": self.tr("None in this period."),
                "spc": self.tr("Control charts"),
                "spc_p": self.tr("FAIL + UNCERTAIN (effective verdicts): {0} of {1} ({2}); p̄ of the {3} shifts "
                                 "of the 14 days before: {4}; limits for n = {1}: {5} – {6}: {7}"),
                "spc_no_ref": self.tr("FAIL + UNCERTAIN (effective verdicts): {0} of {1} ({2}); no shifts in the "
                                      "14 days before to compare with"),
                "spc_in": self.tr("in control"), "spc_out": self.tr("out of control"),
                "spc_scores": self.tr("Anomaly score EWMA (λ {0}, L {1}; centre {2}, σ {3} from {4} parts at the "
                                      "current model): {5} of the shift's {6} charted parts out of control"),
                "spc_scores_first": self.tr("the first {0} at {1}"),
                "spc_no_limits": self.tr("Anomaly score EWMA: too few parts at the current model for limits"),
                "spc_alerts": self.tr("Health alerts ({0})"),
                "spc_alert_columns": self.tr("When|Alert|View"),
                "spc_alerts_unknown": self.tr("Health alerts are not kept by this store.")}

    def defect_names(self) -> dict[str, str]:
        product = self.env.session.product
        return {d.name_ko: defect_name(d.name_ko, d.name_en, d.code) for d in product.defect_types} if product else {}

    def refresh(self) -> None:
        product = self.env.session.product
        if product is None:
            self.message.show_message(self.tr("Choose a product first."), "warning")
            return
        start, end = shift_window(self.day.date().toPython(), self.start_hour.value(), self.hours.value())
        reports = self.env.services.reports
        self.env.runner.submit(
            lambda _ctx: reports.shift_report(product.product_id, product.code, product.name, start, end),
            name="shift-report", on_done=self._show, on_error=self.message.show_error)

    def _show(self, report: ShiftReport) -> None:
        self.report = report
        self.preview.setHtml(report_html(report, self.labels(), self.defect_names()))

    def _ask_and_export(self, kind: str) -> None:
        if self.report is None:
            self.message.show_message(self.tr("Generate the report first."), "warning", 4000)
            return
        name = f"shift_{self.report.product_code}_{self.report.start:%Y%m%d_%H%M}.{kind}"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export shift report"), str(Path.home() / name),
                                              "CSV (*.csv)" if kind == "csv" else "PDF (*.pdf)")
        if path:
            self.export(Path(path), kind)

    def export(self, path: Path, kind: str) -> None:
        report = self.report
        if report is None:
            return
        document = report_html(report, self.labels(), self.defect_names())

        def work(_ctx: object) -> Path:
            if kind == "csv":
                path.write_text(report.to_csv(), encoding="utf-8")
                return path
            return write_pdf(path, document)

        self.env.runner.submit(work, name=f"export-{kind}",
                               on_done=lambda p: self.message.show_message(self.tr("Saved {0}").format(p), "info"),
                               on_error=self.message.show_error)
