"""``station manuals``: ingest repair manuals, show how a file splits into sections, and print the
manual excerpts and corrective-action guide for a defect.

``parse`` needs no database: the product's defect types come from ``--mapping`` (a
``defect_mapping.json``); without it the defect codes are guessed from the headings.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from station.app.cli import guidance_service, manual_parser, manual_service
from station.cli.common import add_url_option, database_from, print_json, settings_from
from station.cli.progress import ProgressReporter
from station.domain.catalog import load_defect_mapping
from station.domain.errors import NotFoundError
from station.domain.guidance import Guide
from station.services.guidance import GuidanceService, ManualService, PromptStates


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("manuals", help="repair manuals: ingest, parse, excerpts and guides")
    sub = p.add_subparsers(dest="manuals_command", metavar="ACTION", required=True)

    ingest = sub.add_parser("ingest", help="store and index manuals (DOCX, PDF, Markdown, text) of a product")
    ingest.add_argument("--product", required=True, help="product code, e.g. prod1")
    ingest.add_argument("files", nargs="+", type=Path, metavar="FILE")
    ingest.add_argument("--json", action="store_true", help="print JSON")
    ingest.add_argument("--no-prompt-states", action="store_true",
                        help="do not compute the guide prompts' KV state with the installed LLM")
    add_url_option(ingest)
    ingest.set_defaults(func=_ingest)

    parse = sub.add_parser("parse", help="print the sections found in a manual (no database needed)")
    parse.add_argument("file", type=Path, metavar="FILE")
    parse.add_argument("--product", required=True, help="product code in the mapping")
    parse.add_argument("--mapping", type=Path, help="defect_mapping.json with the product's defect types")
    parse.add_argument("--json", action="store_true", help="print the sections as JSON objects")
    parse.set_defaults(func=_parse)

    listing = sub.add_parser("list", help="the active manuals")
    listing.add_argument("--product", help="only this product")
    listing.add_argument("--json", action="store_true", help="print JSON")
    add_url_option(listing)
    listing.set_defaults(func=_list)

    guide = sub.add_parser("guide", help="manual excerpts and a corrective-action guide for a defect")
    guide.add_argument("--product", required=True)
    guide.add_argument("--defect", required=True, help="defect code, e.g. hole")
    guide.add_argument("--lang", choices=("ko", "en"), help="guide language (default: the station's)")
    guide.add_argument("--model", help="LLM to use (default: the best installed one)")
    guide.add_argument("--no-llm", action="store_true", help="the template guide, without a local LLM")
    guide.add_argument("--max-tokens", type=int, default=400)
    guide.add_argument("--result-id", type=int, help="store the guide on this inspection result")
    guide.add_argument("--json", action="store_true", help="print one JSON object (source, timing, sections...)")
    add_url_option(guide)
    guide.set_defaults(func=_guide)

    states = sub.add_parser("prompt-states", help="compute and save the KV state of the guide prompts "
                                                  "(done by ingest; again after installing a model)")
    states.add_argument("--product", required=True)
    states.add_argument("--lang", choices=("ko", "en"), action="append", help="language (default: all the "
                                                                              "model writes)")
    states.add_argument("--model", help="LLM to use (default: the best installed one)")
    add_url_option(states)
    states.set_defaults(func=_prompt_states)


def _parse(args: argparse.Namespace) -> int:
    defects: tuple = ()
    if args.mapping:
        products = {p.code: p for p in load_defect_mapping(args.mapping)}
        if args.product not in products:
            raise NotFoundError(f"product {args.product!r} is not in {args.mapping} "
                                f"(it has: {', '.join(sorted(products))})")
        defects = products[args.product].defects
    else:
        print("station: no --mapping given: defect codes are guessed from the headings", file=sys.stderr)
    manual = manual_parser().parse_file(args.file, defects)
    if args.json:
        print_json([s.as_dict() for s in manual.sections])
        return 0
    print(f"{args.file.name}: {manual.file_type}, {len(manual.sections)} sections"
          + (f", {manual.page_count} pages" if manual.page_count else ""))
    for s in manual.sections:
        page = f"p.{s.page}" if s.page else "-"
        print(f"  [{s.chunk_index}] {s.defect_code or '(general)':<14} {s.section_type:<7} {page:<5} {s.title}")
    for heading in manual.unlinked_headings:
        print(f"  warning: heading {heading!r} names no defect type of {args.product}")
    return 0


def _manual_service(args: argparse.Namespace) -> ManualService:
    return manual_service(settings_from(args), database_from(args))


def _guidance(args: argparse.Namespace, *, use_llm: bool = True) -> tuple[GuidanceService, PromptStates]:
    guidance = guidance_service(settings_from(args), database_from(args), model=getattr(args, "model", None),
                                use_llm=use_llm, language=getattr(args, "lang", None))
    return guidance, guidance.states


def _build_states(args: argparse.Namespace, languages=None, *, quiet: bool = False) -> dict:  # type: ignore[no-untyped-def]
    guidance, states = _guidance(args)
    say = (lambda p: None) if quiet else (
        lambda p: print(f"  prompt states {p.done}/{p.total}: {p.message}", file=sys.stderr, flush=True))
    return states.build(args.product, languages, progress=say)


def _prompt_states(args: argparse.Namespace) -> int:
    summary = _build_states(args, args.lang)
    if summary.get("skipped"):
        print(f"prompt states: {summary['skipped']}")
        return 0
    print(f"prompt states: {summary['saved']} saved (deployment {summary['deployment_id']})")
    return 0


def _ingest(args: argparse.Namespace) -> int:
    with ProgressReporter(not args.json) as progress:
        reports = _manual_service(args).ingest(args.product, args.files, progress=progress)
    states = None
    if not args.no_prompt_states and any(not r.already_present for r in reports):
        states = _build_states(args, quiet=args.json)
    if args.json:
        print_json([{"manual_id": r.manual.manual_id, "file_name": r.manual.file_name, "version": r.manual.version,
                     "sections": r.sections, "linked": r.linked, "missing": r.missing, "embedder": r.embedder,
                     "vector_indexed": r.manual.vector_indexed, "already_present": r.already_present,
                     "deployment_id": r.deployment_id, "notes": r.notes, "prompt_states": states} for r in reports])
        return 0
    for r in reports:
        if r.already_present:
            print(f"{r.manual.file_name}: already ingested as manual {r.manual.manual_id} v{r.manual.version}")
            continue
        linked = "; ".join(f"{code}: {', '.join(kinds)}" for code, kinds in r.linked.items()) or "none"
        mode = f"embedded with {r.embedder}" if r.embedder else "lexical only (embedder not installed)"
        print(f"{r.manual.file_name}: manual {r.manual.manual_id} v{r.manual.version}, {r.sections} sections, "
              f"{mode}, deployment {r.deployment_id}")
        print(f"  linked: {linked}")
        if r.missing:
            print(f"  warning: no cause/action section for: {', '.join(r.missing)}")
        for note in r.notes:
            print(f"  warning: {note}")
    if states is not None:
        print(f"prompt states: {states.get('skipped') or str(states['saved']) + ' saved'}")
    return 0


def _list(args: argparse.Namespace) -> int:
    manuals = _manual_service(args).list_manuals(args.product)
    if args.json:
        print_json([m.__dict__ for m in manuals])
        return 0
    for m in manuals:
        indexed = "indexed" if m.vector_indexed else "lexical"
        print(f"  {m.manual_id:>4} product {m.product_id} v{m.version} {m.file_name} ({m.section_count} sections, "
              f"{indexed})")
    return 0


def _guide(args: argparse.Namespace) -> int:
    guidance, states = _guidance(args, use_llm=not args.no_llm)
    generator = guidance.generator
    request = guidance.build_request(args.product, args.defect)
    if generator is not None:
        states.load(args.product, request.language, rebuild=True)  # what the bench does when it starts
    quiet = args.json
    if not quiet:
        print(f"retrieval: {guidance.retrieval_mode}")
        for e in request.excerpts:
            page = f" p.{e.page}" if e.page else ""
            print(f"  [{e.ref}] {e.reason:<8} {e.section_type:<7} {e.file_name}{page} — {e.title}")
        if generator is not None:
            print(f"--- {generator.model_name} ---", flush=True)
    stop = threading.Event()
    printed: set[str] = set()

    def show_settled(markdown: str) -> None:
        """Prints each line of the guide once it is settled (the item being written ends in an ellipsis)."""
        for line in markdown.splitlines():
            if line.strip() and not line.rstrip().endswith("…") and line not in printed:
                printed.add(line)
                print(line, flush=True)

    try:
        guide = guidance.stream_guide(request, on_update=None if quiet else show_settled, cancel_event=stop,
                                      max_tokens=args.max_tokens)
    except KeyboardInterrupt:
        stop.set()
        raise
    if args.result_id is not None:
        guidance.save_guide(args.result_id, guide)
    if quiet:
        print_json(guide_json(guide))
        return 0
    print("\n" + "=" * 60)
    print(guide.content)
    print(f"--- quality {guide.quality_score:.2f} ({guide.source})"
          + (f"; issues: {'; '.join(guide.quality_issues)}" if guide.quality_issues else ""))
    if args.result_id is not None:
        print(f"stored on inspection result {args.result_id}")
    return 0


def guide_json(guide: Guide) -> dict:
    """The guide as one JSON object (the contract of ``station manuals guide --json``)."""
    sections = guide.structure.as_dict() if guide.structure else {k: [] for k in ("status", "cause", "action",
                                                                                   "prevention")}
    return {
        "source": guide.source, "model": guide.model_name or guide.extra.get("model_name"),
        "language": guide.language, "first_token_s": guide.first_token_s or guide.extra.get("first_token_s"),
        "tokens_per_s": guide.tokens_per_s or guide.extra.get("tokens_per_s"),
        "quality_score": guide.quality_score, "content": guide.content, "sections": sections,
        "excerpts": [{"ref": e.ref, "section_id": e.section_id, "defect_code": e.defect_code,
                      "section_type": e.section_type, "title": e.title, "text": e.text, "page": e.page}
                     for e in (guide.grounding or guide.excerpts)],
        "issues": list(guide.quality_issues),
    }
