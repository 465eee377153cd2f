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

from station.app.cli_assembly import guidance_service, manual_parser, manual_service
from station.cli.common import add_url_option, database_from, print_json, settings_from
from station.domain.catalog import load_defect_mapping
from station.domain.errors import NotFoundError
from station.services.manuals import ManualService


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("manuals", help="repair manuals: ingest, parse, excerpts and guides")
    sub = p.add_subparsers(dest="manuals_command", metavar="ACTION", required=True)

    ingest = sub.add_parser("ingest", help="store and index manuals (DOCX, PDF, Markdown, text) of a product")
    ingest.add_argument("--product", required=True, help="product code, e.g. prod1")
    ingest.add_argument("files", nargs="+", type=Path, metavar="FILE")
    ingest.add_argument("--json", action="store_true", help="print JSON")
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
    add_url_option(guide)
    guide.set_defaults(func=_guide)


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


def _ingest(args: argparse.Namespace) -> int:
    reports = _manual_service(args).ingest(args.product, args.files)
    if args.json:
        print_json([{"manual_id": r.manual.manual_id, "file_name": r.manual.file_name, "version": r.manual.version,
                     "sections": r.sections, "linked": r.linked, "missing": r.missing, "embedder": r.embedder,
                     "vector_indexed": r.manual.vector_indexed, "already_present": r.already_present,
                     "deployment_id": r.deployment_id} for r in reports])
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
    settings = settings_from(args)
    db = database_from(args)
    guidance = guidance_service(settings, db, model=args.model, use_llm=not args.no_llm, language=args.lang)
    generator = guidance.generator
    request = guidance.build_request(args.product, args.defect)
    print(f"retrieval: {guidance.retrieval_mode}")
    for e in request.excerpts:
        page = f" p.{e.page}" if e.page else ""
        print(f"  [{e.ref}] {e.reason:<8} {e.section_type:<7} {e.file_name}{page} — {e.title}")
    if generator is not None:
        print(f"--- {generator.model_name} ---", flush=True)
    stop = threading.Event()
    try:
        guide = guidance.stream_guide(request, on_token=lambda t: print(t, end="", flush=True),
                                      cancel_event=stop, max_tokens=args.max_tokens)
    except KeyboardInterrupt:
        stop.set()
        raise
    print("\n" + "=" * 60)
    print(guide.content)
    print(f"--- quality {guide.quality_score:.2f} ({guide.source})"
          + (f"; issues: {'; '.join(guide.quality_issues)}" if guide.quality_issues else ""))
    if args.result_id is not None:
        guidance.save_guide(args.result_id, guide)
        print(f"stored on inspection result {args.result_id}")
    return 0
