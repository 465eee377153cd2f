"""Thresholds from the line's history: the proposals of ``HistoryCalibration`` for the selected product
(FAIL / UNCERTAIN thresholds and the band's width, the false-alarm, miss and review rates each would have
produced with their 95 % Wilson intervals, the labelled outcomes they rest on and the labelled defects a
proposal would pass) beside the current thresholds, and "Apply" with a confirmation that repeats any
passed defect (the service saves the thresholds with an audit entry). Below the minimum of labelled
outcomes the view says how many are missing and offers nothing to apply. Every call runs as a job; a
result that answers an older product or an older request is dropped. The labelled outcomes are the product's
parts: the proposals are for the product's own thresholds; for a product of several views a line says so."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.services.engine import (
    MIN_LABELLED_DEFECT, MIN_LABELLED_GOOD, ThresholdProposal, Thresholds, enough_outcomes, shortfall,
)
from station.services.shared.changes import ThresholdsChanged
from station.ui.env import ScreenEnv
from station.ui.jobs import RequestTracker
from station.ui.permissions import Capability
from station.ui.technician.target import Target, target_of
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.names import verdict_name
from station.ui.widgets.tables import DataTable


class ProposalTable(DataTable):
    """The proposals in the service's order (current first), never re-sorted."""

    def setSortingEnabled(self, enable: bool) -> None:  # noqa: N802 - Qt API
        super().setSortingEnabled(False)


@dataclass(frozen=True)
class ProposalsLoaded:
    """What one request found: the counts, the proposals (empty below the minimum), the current values."""

    product_code: str
    n_good: int
    n_defect: int
    proposals: list[ThresholdProposal]
    current: Thresholds
    min_good: int = MIN_LABELLED_GOOD
    min_defect: int = MIN_LABELLED_DEFECT


class HistoryProposalsView(QWidget):
    applied = Signal(int)  # product_id

    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.requests = RequestTracker()
        self.target: Target | None = None  # what the screen acts on (None: the session's product)
        self.loaded: ProposalsLoaded | None = None
        self.confirm: QMessageBox | None = None
        self.names = {"current": self.tr("current thresholds"), "far_target": self.tr("false-alarm target"),
                      "balanced": self.tr("balanced"), "no_miss": self.tr("no missed defect")}
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Threshold proposals from labelled outcomes on the line (overrides at the bench, "
                               "defects confirmed by resolved corrective actions)"))
        title.setObjectName("SectionTitle")
        title.setWordWrap(True)
        layout.addWidget(title)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("False-alarm target")))
        self.target_far = QDoubleSpinBox()
        self.target_far.setObjectName("HistoryTargetFar")
        self.target_far.setRange(0.0, 50.0)
        self.target_far.setDecimals(1)
        self.target_far.setSuffix(" %")
        self.target_far.setValue(1.0)
        top.addWidget(self.target_far)
        self.propose_button = QPushButton(self.tr("Propose"))
        top.addWidget(self.propose_button)
        top.addStretch(1)
        self.apply_button = QPushButton(self.tr("Apply selected…"))
        self.apply_button.setObjectName("PrimaryButton")
        self.apply_button.setEnabled(False)
        self.apply_button.setVisible(env.can(Capability.EDIT_SETTINGS))
        top.addWidget(self.apply_button)
        layout.addLayout(top)
        self.current_label = QLabel()
        self.current_label.setObjectName("HistoryCurrent")
        layout.addWidget(self.current_label)
        self.view_note = QLabel()
        self.view_note.setObjectName("HistoryViewNote")
        self.view_note.setProperty("level", "warning")
        self.view_note.setWordWrap(True)
        self.view_note.setVisible(False)
        layout.addWidget(self.view_note)
        self.basis_label = QLabel(self.tr("Select a product to see proposals."))
        self.basis_label.setObjectName("HistoryBasis")
        self.basis_label.setWordWrap(True)
        layout.addWidget(self.basis_label)
        fail, uncertain = verdict_name("FAIL"), verdict_name("UNCERTAIN")
        self.table = ProposalTable([
            self.tr("Proposal"), self.tr("{0} at or above").format(fail), self.tr("{0} from").format(uncertain),
            self.tr("Band width"), self.tr("False alarms"), self.tr("Missed defects"), self.tr("Good held"),
            self.tr("Good / defective"), self.tr("Labelled defects passed")])
        self.table.setObjectName("HistoryProposals")
        layout.addWidget(self.table, 1)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.propose_button.clicked.connect(self.refresh)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.apply_button.clicked.connect(self.ask_apply)

    # Loading ---------------------------------------------------------------------------------------
    def set_target(self, target: Target) -> None:
        """Proposals for ``target``'s product; with views, a line says they are the product's own thresholds."""
        self.target = target
        self.view_note.setVisible(bool(target.views))
        if target.views:
            self.view_note.setText(self.tr(
                "These proposals are for the product's own thresholds (its implicit view). The line judges {0} by "
                "the thresholds of its views ({1}): calibrate each view under Thresholds and calibration.").format(
                target.product.code, ", ".join(target.views)))
        self.refresh()

    def _product(self):  # type: ignore[no-untyped-def]
        target = target_of(self.env, self.target)
        return target.product if target is not None else None

    def refresh(self) -> None:
        product = self._product()
        request = self.requests.begin("proposals", supersedes=("apply",))
        self.loaded = None
        self.table.set_rows([])
        self.apply_button.setEnabled(False)
        if product is None:
            self.basis_label.setText(self.tr("Select a product to see proposals."))
            return
        code, target = product.code, self.target_far.value() / 100.0
        history, settings = self.env.services.history_thresholds, self.env.services.station_settings
        self.basis_label.setText(self.tr("Looking at the labelled outcomes of {0}…").format(code))

        def work(_ctx):  # type: ignore[no-untyped-def]
            n_good, n_defect = history.labelled_counts(code)
            proposals = history.propose(code, target_far=target) if enough_outcomes(n_good, n_defect) else []
            return ProposalsLoaded(code, n_good, n_defect, proposals, settings.thresholds(code))

        self.env.runner.submit(work, name="history-proposals", owner=self,
                               request=(self.requests, "proposals", request), on_done=self.show_loaded,
                               on_error=self.message.show_error)

    def show_loaded(self, loaded: ProposalsLoaded) -> None:
        product = self._product()
        if product is None or product.code != loaded.product_code:
            return  # the product changed meanwhile: its own request is on the way
        self.loaded = loaded
        current = loaded.current
        review = "—" if current.review_threshold is None else f"{current.review_threshold:.3f}"
        self.current_label.setText(self.tr("Current: {0} at or above {1:.3f}, {2} from {3}, defect pixels from "
                                           "{4:.3f}").format(verdict_name("FAIL"), current.image_threshold,
                                                             verdict_name("UNCERTAIN"), review,
                                                             current.pixel_threshold))
        if not loaded.proposals:
            self.basis_label.setText(self.tr("No proposals: {0}. Override verdicts at the bench and log corrective "
                                             "actions as resolved to label more parts.").format(
                self.shortfall_text(loaded.n_good, loaded.n_defect)))
            self.basis_label.setProperty("level", "warning")
            return
        self.basis_label.setProperty("level", "info")
        self.basis_label.setText(self.tr(
            "Rates are what each proposal would have produced on {0} good and {1} defective labelled parts; in "
            "brackets their 95% Wilson intervals: the true rate on the line lies in that range. The pixel threshold "
            "cannot be learned from part labels and is kept.").format(loaded.n_good, loaded.n_defect))
        self.table.set_rows([[self.names.get(p.name, p.name), f"{p.image_threshold:.3f}", f"{p.review_threshold:.3f}",
                              f"{p.band_width:.3f}", self.rate_text(p.false_alarm_rate, p.false_alarm_interval),
                              self.rate_text(p.miss_rate, p.miss_interval),
                              self.rate_text(p.review_rate, p.review_interval), f"{p.n_good} / {p.n_defect}",
                              self.passed_text(p)] for p in loaded.proposals],
                            [p.name for p in loaded.proposals])

    def shortfall_text(self, n_good: int, n_defect: int) -> str:
        """``needs at least 20 labelled good parts, have 1; ...`` in the UI language."""
        parts = []
        for label, needed, have in shortfall(n_good, n_defect):
            if label == "normal":
                parts.append(self.tr("needs at least {0} labelled good parts, have {1}").format(needed, have))
            else:
                parts.append(self.tr("needs at least {0} labelled defective parts, have {1}").format(needed, have))
        return "; ".join(parts)

    @staticmethod
    def rate_text(rate: float, interval: tuple[float, float]) -> str:
        return f"{rate:.1%} ({interval[0]:.1%}–{interval[1]:.1%})"

    def passed_text(self, proposal: ThresholdProposal) -> str:
        if not proposal.passed_defects:
            return self.tr("none")
        shown = ", ".join(f"{s:.3f}" for s in proposal.passed_defects[-5:])
        return self.tr("{0} would be {1} ({2})").format(len(proposal.passed_defects), verdict_name("PASS"), shown)

    def proposal_names(self) -> list[str]:
        return [] if self.loaded is None else [p.name for p in self.loaded.proposals]

    def selected_proposal(self) -> ThresholdProposal | None:
        wanted = self.table.selected_id()
        if self.loaded is None or wanted is None:
            return None
        return next((p for p in self.loaded.proposals if p.name == wanted), None)

    def _selection_changed(self) -> None:
        chosen = self.selected_proposal()
        self.apply_button.setEnabled(chosen is not None and chosen.applicable)

    # Applying --------------------------------------------------------------------------------------
    def ask_apply(self) -> QMessageBox | None:
        chosen, loaded = self.selected_proposal(), self.loaded
        if chosen is None or loaded is None or not chosen.applicable or not self.env.can(Capability.EDIT_SETTINGS):
            return None
        text = self.tr(
            "Apply '{0}' to {1}? {2} at or above {3:.3f}, {4} from {5:.3f} (band width {6:.3f}). On the labelled "
            "parts: false alarms {7}, missed defects {8}. The change is recorded in the change log.").format(
            self.names.get(chosen.name, chosen.name), loaded.product_code, verdict_name("FAIL"),
            chosen.image_threshold, verdict_name("UNCERTAIN"), chosen.review_threshold, chosen.band_width,
            self.rate_text(chosen.false_alarm_rate, chosen.false_alarm_interval),
            self.rate_text(chosen.miss_rate, chosen.miss_interval))
        icon = QMessageBox.Icon.Question
        if chosen.passed_defects:
            icon = QMessageBox.Icon.Warning
            text += "\n\n" + self.tr("Warning: {0} labelled defects of this period would be {1} with these "
                                      "thresholds (scores {2}).").format(
                len(chosen.passed_defects), verdict_name("PASS"),
                ", ".join(f"{s:.3f}" for s in chosen.passed_defects))
        self.confirm = QMessageBox(icon, self.tr("Apply thresholds"), text,
                                   QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        self.confirm.setObjectName("ApplyHistoryConfirm")
        yes = self.confirm.button(QMessageBox.StandardButton.Yes)
        yes.setText(self.tr("Apply"))
        yes.clicked.connect(lambda: self.apply(loaded.product_code, chosen))
        self.confirm.open()
        return self.confirm

    def apply(self, product_code: str, proposal: ThresholdProposal) -> None:
        product = self._product()
        if product is None or product.code != product_code:
            return
        history, user = self.env.services.history_thresholds, self.env.session.user
        request = self.requests.begin("apply")
        product_id = product.product_id

        def done(_audit_id: int) -> None:
            self.message.show_message(self.tr("Thresholds from '{0}' applied to {1}.").format(
                self.names.get(proposal.name, proposal.name), product_code), "info", 6000)
            self.env.changes.fire(ThresholdsChanged(product_id))
            self.applied.emit(product_id)
            self.refresh()

        self.env.runner.submit(lambda _ctx: history.apply(product_code, proposal, user), name="apply-history",
                               owner=self, request=(self.requests, "apply", request), on_done=done,
                               on_error=self.message.show_error)
