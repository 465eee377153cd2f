"""Model builds (memory bank with its retrieval index, retrieval index alone, manual index) with progress
and cancel, the deployment history of the product, and the self-configuration of its latest bank (the
candidates with their validation scores, the choice, expected false-alarm and miss rates). A bank build acts on
the screen's target: the product, or one of its views (that view's bank from its own library images); the
history names each build's view."""

from __future__ import annotations

import json
from typing import Any

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from station.ui.env import ScreenEnv
from station.ui.technician.target import Target, target_name, target_of
from station.ui.jobs import BACKGROUND, JobContext, engine_progress
from station.ui.widgets.feedback import JobProgress, MessageBar
from station.ui.widgets.tables import DataTable


class BuildsView(QWidget):
    built = Signal(int)  # product_id

    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.target: Target | None = None  # what the screen acts on (None: the session's product)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.bank_button = QPushButton(self.tr("Build memory bank and retrieval index"))
        self.bank_button.setObjectName("PrimaryButton")
        self.bank_button.setToolTip(self.tr("PatchCore bank and calibration from the good images, then the "
                                            "retrieval index"))
        self.manual_button = QPushButton(self.tr("Index a manual…"))
        self.manual_button.setToolTip(self.tr("Parse a manual, link its sections to the defect types and index "
                                              "them for retrieval"))
        for b in (self.bank_button, self.manual_button):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        self.progress = JobProgress()
        layout.addWidget(self.progress)
        self.message = MessageBar()
        layout.addWidget(self.message)
        title = QLabel(self.tr("Deployment history"))
        title.setObjectName("SectionTitle")
        layout.addWidget(title)
        self.table = DataTable([self.tr("Id"), self.tr("Type"), self.tr("Status"), self.tr("Started"),
                                self.tr("Finished"), self.tr("Summary")])
        self.table.setObjectName("DeploymentsTable")
        layout.addWidget(self.table, 1)
        self.selection = QLabel()
        self.selection.setObjectName("SelectionReport")
        self.selection.setWordWrap(True)
        layout.addWidget(self.selection)
        self.bank_button.clicked.connect(lambda: self.start("bank"))
        self.manual_button.clicked.connect(self._ask_manual)

    def set_target(self, target: Target) -> None:
        self.target = target
        self.refresh()

    def refresh(self) -> None:
        target = target_of(self.env, self.target)
        pid = target.product.product_id if target else None
        self.env.runner.submit(lambda _ctx: self.env.services.deployments.history(pid), name="deployments",
                               owner=self, latest=True, on_done=lambda rows: self._show(rows, target),
                               on_error=self.message.show_error)

    @staticmethod
    def view_of(row: dict[str, Any]) -> str | None:
        """The view a deployment built (None: the product's own bank)."""
        config = row.get("config_params")
        return config.get("view") if isinstance(config, dict) else None

    def _show(self, rows: list[dict[str, Any]], target: Target | None = None) -> None:
        current = target_of(self.env, self.target)
        if target is not None and current is not None and target.product.code != current.product.code:
            return  # an answer for a product no longer shown
        def summary(row: dict[str, Any]) -> str:
            if row.get("error_message"):
                return str(row["error_message"])
            data = row.get("result_summary") or {}
            if isinstance(data, str):
                return data[:120]
            keys = ("n_images", "coreset_size", "seconds", "sections", "n_indexed_good", "n_indexed_defect")
            return ", ".join(f"{k}={data[k]:.1f}" if isinstance(data[k], float) else f"{k}={data[k]}"
                             for k in keys if k in data) or json.dumps(data, default=str)[:120]

        view = current.view if current is not None else None
        self._show_selection([r for r in rows if self.view_of(r) == view])
        statuses = {"pending": self.tr("queued"), "running": self.tr("running"), "completed": self.tr("completed"),
                    "failed": self.tr("failed"), "cancelled": self.tr("cancelled")}
        def kind(row: dict[str, Any]) -> str:
            view = self.view_of(row)
            return row["deployment_type"] if view is None else self.tr("{0} (view {1})").format(
                row["deployment_type"], view)

        self.table.set_rows([[r["deployment_id"], kind(r),
                              statuses.get(r["status"], r["status"]),
                              str(r.get("started_at") or "")[:19], str(r.get("completed_at") or "")[:19], summary(r)]
                             for r in rows], [r["deployment_id"] for r in rows])

    def _show_selection(self, rows: list[dict[str, Any]]) -> None:
        """The latest completed bank's self-configuration (validation only: held-out good images, synthetic
        and labelled defects; never test images)."""
        banks = [r for r in rows if r.get("deployment_type") == "patchcore_bank" and r.get("status") == "completed"
                 and isinstance(r.get("result_summary"), dict) and r["result_summary"].get("selection")]
        if not banks:
            self.selection.setText(self.tr("Self-configuration: none recorded (the bank was built with a fixed "
                                           "backbone, or not yet)."))
            return
        sel = max(banks, key=lambda r: r["deployment_id"])["result_summary"]["selection"]
        if not sel.get("candidates"):
            self.selection.setText(self.tr("Self-configuration: {0}").format(sel.get("reason", sel.get("chosen"))))
            return

        def pct(v: Any) -> str:
            return "–" if v is None else f"{100 * float(v):.1f} %"

        def num(v: Any) -> str:
            return "–" if v is None else f"{float(v):.3f}"

        lines = [self.tr("<b>Self-configuration</b>: chose <b>{0}</b> (validation score {1}). Validated on {2} "
                         "held-out good images, {3} synthetic and {4} labelled defects.")
                 .format(sel["chosen"], num(sel["objective"]), sel["n_held_out_good"], sel["n_synthetic"],
                         sel["n_labelled"])]
        lines += self._rate_lines(sel, pct)
        head = [self.tr("candidate"), self.tr("score"), self.tr("image AUROC (synthetic)"),
                self.tr("pixel AUROC (synthetic)"), self.tr("image AUROC (labelled)"), self.tr("false alarms"),
                self.tr("misses (labelled)"), self.tr("relative cost"), self.tr("validation time")]
        cells = "".join(f"<th>{h}</th>" for h in head)
        body = []
        for c in sel["candidates"]:
            misses = c["miss_rate_labelled"]  # only labelled defects say how many real ones are missed
            mark = " ✔" if c["candidate"]["key"] == sel["chosen"] else ""
            values = [c["candidate"]["key"] + mark, num(c["objective"]), num(c["image_auroc_synthetic"]),
                      num(c["pixel_auroc_synthetic"]), num(c["image_auroc_labelled"]), pct(c["false_alarm_rate"]),
                      pct(misses), f"{c['candidate']['relative_cost']:.2f}×", "–" if c.get("seconds") is None else f"{float(c['seconds']):.1f} s"]
            body.append("<tr>" + "".join(f"<td>{v}</td>" for v in values) + "</tr>")
        skipped = [self.tr("Skipped {0}: predicted {1} s with {2} s of the {3} s budget left.")
                   .format(s["key"], f"{s['predicted_seconds']:.0f}", f"{s.get('left_seconds', 0):.0f}",
                           f"{sel.get('budget_seconds') or 0:.0f}") for s in sel.get("skipped") or []]
        self.selection.setText("<br>".join(lines) + f"<table cellspacing='6'><tr>{cells}</tr>{''.join(body)}</table>"
                               + "<br>".join(skipped))

    def _rate_lines(self, sel: dict, pct: Any) -> list[str]:  # type: ignore[type-arg]
        """The expected rates at the thresholds, each with the counts it rests on and its 95 % interval; the
        miss rate only from labelled defects, synthetic defects as their recall and never as a miss rate."""
        rates = sel.get("rates")
        head = self.tr("Expected at the thresholds (FAIL ≥ {0}, review ≥ {1}):").format(
            sel["image_threshold"], sel["review_threshold"])
        if not rates:  # a build recorded before the rates had their basis
            return [head + " " + self.tr("false alarms {0}").format(pct(sel["expected_false_alarm_rate"]))]

        def one(entry: dict, basis: str) -> str:  # type: ignore[type-arg]
            return self.tr("{0} ({1} of {2} {3}; 95 % interval {4}–{5})").format(
                pct(entry["rate"]), entry["count"], entry["of"], basis, pct(entry["low"]), pct(entry["high"]))

        good = self.tr("held-out good images")
        lines = [head,
                 self.tr("false alarms {0}").format(one(rates["false_alarm"], good)),
                 self.tr("uncertain {0}").format(one(rates["uncertain"], good))]
        if rates["miss"] is not None:
            lines.append(self.tr("misses {0}").format(one(rates["miss"], self.tr("labelled defects"))))
        else:
            lines.append(self.tr("misses: not predicted — no labelled defects yet (label some in the library)"))
        lines.append(self.tr("synthetic-defect recall at the review threshold {0} — painted defects, not a "
                             "prediction for real ones").format(
            one(rates["synthetic_recall_at_review"], self.tr("synthetic defects"))))
        return lines

    def _buttons(self, enabled: bool) -> None:
        for b in (self.bank_button, self.manual_button):
            b.setEnabled(enabled)

    def _ask_manual(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Manual"), "",
                                                self.tr("Manuals (*.docx *.pdf *.md *.txt)"))
        if files:
            self.start("manuals", [Path(f) for f in files])

    def start(self, kind: str, paths: list[Path] | None = None) -> None:
        target = target_of(self.env, self.target)
        if target is None:
            self.message.show_message(self.tr("Choose a product first."), "warning")
            return
        product, view = target.product, target.view
        services, user_id = self.env.services, self.env.user_id
        titles = {"bank": self.tr("Building the bank and index of {0}").format(target_name(target)),
                  "manuals": self.tr("Indexing the manuals")}

        def work(ctx: JobContext) -> Any:
            if kind == "bank":
                return services.builder.build(product.code, user_id=user_id, progress=engine_progress(ctx),
                                              cancel=ctx.token, view=view)
            ctx.progress(0.05, self.tr("parsing"))
            return services.manuals.ingest(product.code, paths or [], user_id=user_id)

        def done(_result: Any) -> None:
            self.message.show_message(self.tr("{0}: done.").format(titles[kind]), "info")
            self.refresh()
            self.built.emit(product.product_id)

        def cancelled() -> None:
            self.message.show_message(self.tr("{0}: cancelled, nothing was changed.").format(titles[kind]), "warning")
            self.refresh()

        def failed(error: BaseException) -> None:
            self.message.show_error(error)
            self.refresh()

        self._buttons(False)
        handle = self.env.runner.submit(work, name=f"build-{kind}", on_done=done, on_error=failed,
                                        on_cancelled=cancelled, on_progress=self.progress.set_progress,
                                        owner=self, priority=BACKGROUND)
        handle.finished.connect(lambda: self._buttons(True))
        self.progress.track(handle, titles[kind])
