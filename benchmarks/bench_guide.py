"""Benchmark of the guide path on two manuals: the real Korean manual of prod1 (../shared/data/manuals)
and our own English manual of the ferrite tile (benchmarks/manuals), so that English-from-Korean and
Korean-from-English are both measured. For every defect and both languages, on the guide as the worker
sees it when it ends: the model's faithful cause/action items (supported by their cited excerpts of
that defect), words not in the English word list (or, in Korean, Latin words that are neither units nor
the manual's), items in the wrong script, items marked untranslated, items struck through, lines shown
while streaming that are not in the final guide, and whether the manual's own lines had to be filled
in (fallback); then time to first token in a fresh process (saved prompt states and translations loaded
at start) and warm, and tokens/s against bare llama.cpp (``llama_cpp.Llama`` ``create_completion`` on
the same prompt) in the same run. The manual lines' translations are made (and timed) before.

Run by hand (not part of the tests)::

    .venv/bin/python -m benchmarks.bench_guide                       # qwen2.5-coder-1.5b, ko + en, both manuals
    .venv/bin/python -m benchmarks.bench_guide --manual tile --lang ko
    .venv/bin/python -m benchmarks.bench_guide --model smollm2-135m --lang en

Targets for a known defect, in both languages: >= 1 cause and >= 2 action items written by the model and
supported by its cited excerpts of that defect, in the requested language and script, no unknown word,
no fallback, stream equal to final, first token <= 1.5 s cold, >= 90 % of bare llama.cpp tokens/s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from station.adapters.db.catalog_repo import SqlCatalogRepository
from station.adapters.db.database import open_database
from station.adapters.db.deployments_repo import SqlDeploymentLog
from station.adapters.db.manuals_repo import SqlManualRepository
from station.adapters.guidance.embedder import load_embedder
from station.adapters.guidance.lexicon import load_lexicon
from station.adapters.guidance.translations import FileTranslationStore
from station.adapters.guidance.llm.generator import LlamaGuideGenerator, SamplingParams, default_threads
from station.adapters.guidance.llm.models import find_llm_model
from station.config import load_settings
from station.services.guidance import (
    GuidanceService,
    GuideVerifier,
    PromptStates,
    build_prompt,
    parse_guide,
    WordCheck,
    english_words,
    script_problem,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
MANUALS = ("prod1", "tile")  # the shared Korean manual, our English one
GREEDY = SamplingParams(temperature=0.0, repeat_penalty=1.0)
REGIONS = [{"bbox": {"x": 40, "y": 52, "width": 14, "height": 11}, "area_pct": 0.9, "location": "center",
            "max_score": 0.93}]


def find_model(name: str | None, models_dir: Path | None):  # type: ignore[no-untyped-def]
    dirs = [models_dir] if models_dir else [load_settings().resolved_models_dir,
                                            Path.home() / ".cache" / "inspection-station" / "models"]
    found = next((f for d in dirs if (f := find_llm_model(d, name))), None)
    if found is None or (name and found[0].name != name):
        sys.exit(f"model {name or '(any)'} not installed in {', '.join(map(str, dirs))}: "
                 "run `station models fetch NAME`")
    return found


def service(db_url: str, gen: LlamaGuideGenerator | None, states_dir: Path) -> GuidanceService:
    """The guidance service as the station wires it (word list, kept translations beside the states)."""
    db = open_database(db_url)
    guidance = GuidanceService(SqlCatalogRepository(db), SqlManualRepository(db), embedder=load_embedder(),
                               generator=gen, lexicon=load_lexicon(),
                               translations=FileTranslationStore(states_dir.parent / "translations.json"))
    guidance.states = PromptStates(guidance, states_dir, SqlDeploymentLog(db))
    return guidance


def settled_lines(markdown: str) -> list[str]:
    """The lines of a guide update that are settled (the item being written ends in an ellipsis)."""
    return [line for line in markdown.splitlines() if line.strip() and not line.rstrip().endswith("…")]


def evaluate(guidance: GuidanceService, product: str, defect: str, language: str, max_tokens: int) -> dict:
    """One guide and its checks: what the model wrote (before the station drops or fills anything) and
    the guide the worker sees when it ends."""
    request = guidance.build_request(product, defect, REGIONS, {"anomaly": 0.93}, language=language)  # type: ignore[arg-type]
    shown: list[float] = []
    updates: list[str] = []

    def update(text: str) -> None:
        if not shown:
            shown.append(time.perf_counter())
        updates.append(text)

    guide = guidance.stream_guide(request, max_tokens=max_tokens, on_update=update)
    raw = guide.extra.get("llm_text", "")
    verification = GuideVerifier(request, guidance._embedder, guidance.lexicon).verify(parse_guide(raw))
    checks = [c for c in verification.checks if c.section in ("cause", "action")]
    written = parse_guide(raw)
    final_lines = guide.content.splitlines()
    vanished = sorted({line for text in updates for line in settled_lines(text) if line not in final_lines})
    structure = guide.structure
    items = [(key, item) for key in ("status", "cause", "action", "prevention")
             for item in (structure.section(key) if structure else ())]
    words = WordCheck(guidance.lexicon, english_words(" ".join(
        [e.text + " " + e.title for e in request.excerpts] + [request.product_name, request.product_code])))
    model_items = [(k, i) for k, i in items if i.origin == "llm"]
    unknown = sorted({w for _, i in items if i.origin != "untranslated" for w in words.unknown_words(i.text, language)})  # type: ignore[arg-type]
    wrong_script = [i.text for _, i in items if i.origin != "untranslated" and script_problem(i.text, language)]  # type: ignore[arg-type]
    untranslated = [i.text for _, i in items if i.origin == "untranslated"]
    translations = request.translations
    return {
        "product": product, "defect": defect, "language": language, "source": guide.source,
        "quality": guide.quality_score,
        "first_token_s": guide.extra.get("first_token_s"), "tokens_per_s": guide.extra.get("tokens_per_s"),
        "completion_tokens": guide.extra.get("completion_tokens"), "cached_tokens": guide.extra.get("cached_tokens"),
        "prompt_tokens": guide.extra.get("prompt_tokens"),
        "items": len(checks), "faithful": sum(c.ok for c in checks),
        "faithful_cause": sum(1 for k, _ in model_items if k == "cause"),
        "faithful_action": sum(1 for k, _ in model_items if k == "action"),
        "other_defect": sum(any(p.startswith(("names another defect", "cites another")) for p in c.problems)
                            for c in verification.checks),
        "unknown_words": unknown, "wrong_script": wrong_script, "untranslated": untranslated,
        "struck": guide.extra.get("struck", []), "stream_vs_final": vanished,
        "fell_back": guide.source != "llm" or bool(guide.extra.get("fell_back")),
        "translated_lines": sum(t.verified for t in translations.values()), "lines_to_translate": len(translations),
        "empty_written": [k for k in ("status", "cause", "action", "prevention") if not written.section(k)],
        "problems": [f"{c.section}: {c.item.text[:60]} -> {'; '.join(c.problems)}" for c in checks if not c.ok],
        "cause_text": [i.text for k, i in model_items if k == "cause"][:1],
        "action_text": [i.text for k, i in model_items if k == "action"][:2],
        "_first_text_at": shown[0] if shown else None,
    }


def child(args: argparse.Namespace) -> int:
    """A fresh process, as a bench start: load the model and the saved prompt states, then one guide.

    Times (wall clock, this process): ``imports_s`` from the parent's spawn to the end of the imports
    (interpreter, station, llama_cpp), ``model_load_s`` (sha256 stamp check + llama.cpp load),
    ``states_load_s`` (reading the saved states of the product's defects, incl. building their prompts),
    then ``first_token_s``: from the guide request (``build_request`` + ``stream_guide``) to the first
    token the model sampled, and ``first_text_s`` to the first Markdown handed to ``on_update`` (the
    station's detection line, before the model). ``spawn_to_first_token_s`` is the whole cold path."""
    imported = time.time()
    start = time.perf_counter()
    spec, path = find_model(args.model, args.models_dir)
    gen = LlamaGuideGenerator(path, spec=spec, sampling=GREEDY, n_threads=args.threads)
    guidance = service(args.db, gen, args.states)
    report = guidance.states.load(args.product, args.lang)
    ready = time.perf_counter() - start
    calls: list[float] = []
    cpu: list[float] = []
    generate = gen.generate

    usage: list[resource.struct_rusage] = []

    def timed_generate(*a, **k):  # type: ignore[no-untyped-def]
        calls.append(time.perf_counter())
        cpu.append(time.process_time())
        usage.append(resource.getrusage(resource.RUSAGE_SELF))
        try:
            return generate(*a, **k)
        finally:
            cpu.append(time.process_time())
            usage.append(resource.getrusage(resource.RUSAGE_SELF))

    gen.generate = timed_generate  # type: ignore[method-assign]
    requested = time.perf_counter()
    result = evaluate(guidance, args.product, args.defect, args.lang, args.max_tokens)
    first = result.pop("_first_text_at", None)
    if result["first_token_s"] is not None and calls:
        result["first_token_s"] = calls[0] - requested + result["first_token_s"]
    result.update({"imports_s": round(imported - args.spawned, 2), "model_load_s": round(gen.load_s or 0.0, 2),
                   "states_load_s": round(ready - (gen.load_s or 0.0), 2), "bench_start_s": round(ready, 2),
                   "first_text_s": round(first - requested, 3) if first else None,
                   "spawn_to_first_token_s": round(imported - args.spawned + ready + (result["first_token_s"] or 0), 2),
                   "states_loaded": report["loaded"], "states_refused": report["refused"],
                   "variable_tokens": result["prompt_tokens"] - result["cached_tokens"],
                   # CPU seconds of this process for the whole generation (restore, the few prompt tokens,
                   # every decoded token) per token: less sensitive to the other jobs on the machine
                   "cpu_tokens_per_s": round(result["completion_tokens"] / (cpu[1] - cpu[0]), 2)
                   if len(cpu) == 2 and result["completion_tokens"] else None,
                   # page faults that waited for the disk, and preemptions, while generating
                   "major_faults": usage[1].ru_majflt - usage[0].ru_majflt if len(usage) == 2 else None,
                   "preempted": usage[1].ru_nivcsw - usage[0].ru_nivcsw if len(usage) == 2 else None})
    print("RESULT " + json.dumps(result, ensure_ascii=False))
    return 0


def bare_tokens_per_s(path: Path, text: str, threads: int, gpu: int, max_tokens: int) -> tuple[float, float, float]:
    """Bare llama-cpp-python on the same prompt, model, threads and context: (first token s, tokens/s after
    the first token, tokens per CPU second after the first token)."""
    import llama_cpp

    llm = llama_cpp.Llama(model_path=str(path), n_ctx=4096, n_batch=512, n_threads=threads, n_threads_batch=threads,
                          n_gpu_layers=gpu, verbose=False)
    start = time.perf_counter()
    first, count, cpu_first = None, 0, 0.0
    for chunk in llm.create_completion(prompt=text, max_tokens=max_tokens, temperature=0.0, repeat_penalty=1.0,
                                       stream=True):
        if chunk["choices"][0].get("finish_reason") is None:
            count += 1
        if first is None and chunk["choices"][0]["text"]:
            first = time.perf_counter() - start
            cpu_first = time.process_time()
    total = time.perf_counter() - start
    cpu = time.process_time() - cpu_first
    llm.close()
    return first or total, (count - 1) / max(total - (first or total), 1e-9), (count - 1) / max(cpu, 1e-9)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    parser.add_argument("--models-dir", type=Path)
    parser.add_argument("--lang", choices=("ko", "en"), action="append")
    parser.add_argument("--manual", choices=MANUALS, action="append",
                        help="prod1: the shared Korean manual; tile: our English manual (default both)")
    parser.add_argument("--product", help=argparse.SUPPRESS)
    parser.add_argument("--defect", action="append")
    parser.add_argument("--max-tokens", type=int, default=360)
    parser.add_argument("--threads", type=int, default=default_threads())
    parser.add_argument("--work", type=Path, help="keep the database and saved prompt states here; a later run "
                        "with the same folder reuses them (e.g. --lang ko, then --lang en)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--states", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--spawned", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.lang, args.defect = args.lang[0], args.defect[0]
        return child(args)

    spec, path = find_model(args.model, args.models_dir)
    languages = args.lang or [lang for lang in ("ko", "en") if lang in spec.languages]
    import llama_cpp

    print(f"model {spec.name} ({path.stat().st_size / 2**20:.0f} MiB), {args.threads} threads, gpu offload: "
          f"{llama_cpp.llama_supports_gpu_offload()}, languages {languages}, max_tokens {args.max_tokens}, "
          f"load average {os.getloadavg()[0]:.1f} at start")
    rows, bare = [], []
    with tempfile.TemporaryDirectory() as tmp:
        root = args.work or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        db_url = f"sqlite:///{root / 'bench.sqlite3'}"
        states_dir = root / "prompt_states"
        reuse = (root / "bench.sqlite3").is_file()
        db = open_database(db_url, upgrade=True)
        from benchmarks.manuals import ingest_tile
        from station.adapters.guidance.manuals.parser import DocumentManualParser
        from station.adapters.storage.local import LocalFolderStore
        from station.domain.catalog import load_defect_mapping
        from station.services.guidance import ManualService

        catalog = SqlCatalogRepository(db)
        products = []
        for product in args.manual or MANUALS:
            if product == "tile":
                ingest_tile(db, root / "objects", embedder=load_embedder())
            elif (SHARED / "defect_mapping.json").is_file():
                catalog.upsert_products(load_defect_mapping(SHARED / "defect_mapping.json"))
                files = sorted((SHARED / "manuals").glob("prod1_manual.*"))
                ManualService(catalog, SqlManualRepository(db), DocumentManualParser(),
                              LocalFolderStore(root / "objects"), SqlDeploymentLog(db), load_embedder()).ingest(
                                  product, files)
            else:
                print(f"{product}: {SHARED} is not here; skipped")
                continue
            products.append(product)
        gen = LlamaGuideGenerator(path, spec=spec, sampling=GREEDY, n_threads=args.threads)
        guidance = service(db_url, gen, states_dir)
        for product in products:
            start = time.perf_counter()
            if reuse:  # states of an earlier run: loaded, a missing or stale one computed now
                built = sum(len(guidance.states.load(product, lang, rebuild=True)["rebuilt"]) for lang in languages)
                print(f"{product}: prompt states reused from {root}, {built} computed again: "
                      f"{time.perf_counter() - start:.1f} s")
            else:
                summary = guidance.states.build(product, languages)  # what ingest / model install do
                print(f"{product}: translated manual lines and prompt states ({summary['saved']} prompts, "
                      f"{', '.join(languages)}): {time.perf_counter() - start:.1f} s incl. model load")

        def bare_run(product: str, language: str) -> tuple[float, float, float]:
            defect = catalog.get_product(product).defect_types[0].code
            request = guidance.build_request(product, defect, REGIONS, {"anomaly": 0.93}, language=language)  # type: ignore[arg-type]
            text = "".join(gen._renderer.render(build_prompt(request)))  # the station's prompt, as one text
            return bare_tokens_per_s(path, text, args.threads, gen.gpu_layers, 128)

        for product in products:
            defects = args.defect or [d.code for d in catalog.get_product(product).defect_types]
            for language in languages:
                bare.append(bare_run(product, language))  # bare runs bracket each language's guides (the load drifts)
                print(f"bare llama.cpp {language}: {bare[-1][1]:.1f} tok/s, {bare[-1][2]:.1f} per CPU s", flush=True)
                for defect in defects:
                    command = [sys.executable, "-m", "benchmarks.bench_guide", "--child", "--model", spec.name,
                               "--models-dir", str(path.parent), "--lang", language, "--defect", defect,
                               "--product", product, "--db", db_url, "--states", str(states_dir), "--max-tokens",
                               str(args.max_tokens), "--threads", str(args.threads), "--spawned", repr(time.time())]
                    out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
                    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
                    if line is None:
                        print(f"{product}/{language}/{defect}: child failed: {out.stderr.strip()[-400:]}")
                        continue
                    row = json.loads(line[7:])
                    warm = guidance.stream_guide(guidance.build_request(product, defect, REGIONS, {"anomaly": 0.5},
                                                                        language=language), max_tokens=3)
                    row["warm_first_token_s"] = warm.extra.get("first_token_s") or warm.first_token_s
                    rows.append(row)
                    print(f"{product}/{language}/{defect:<8} {row['source']:<8} faithful cause "
                          f"{row['faithful_cause']}, action {row['faithful_action']} (of {row['items']} written, "
                          f"{row['faithful']} passed); unknown words {row['unknown_words'] or '-'}; wrong script "
                          f"{len(row['wrong_script'])}; untranslated {len(row['untranslated'])}; struck "
                          f"{len(row['struck'])}; stream-vs-final {len(row['stream_vs_final'])}; fallback "
                          f"{row['fell_back']}; lines translated {row['translated_lines']}/{row['lines_to_translate']}; "
                          f"first token cold {row['first_token_s'] or 0:.2f} s (first text {row['first_text_s']} s; "
                          f"bench start {row['bench_start_s']:.1f} s), warm {row['warm_first_token_s'] or 0:.2f} s; "
                          f"{row['tokens_per_s'] or 0:.1f} tok/s ({row['cpu_tokens_per_s']} per CPU s), "
                          f"{row['completion_tokens']} tokens ({row['cached_tokens']}/{row['prompt_tokens']} prompt "
                          f"tokens cached)", flush=True)
                    print(f"    cause {row['cause_text']} action {row['action_text']}")
                    for problem in row["problems"]:
                        print(f"    refused: {problem}")
                    for entry in row["struck"]:
                        print(f"    struck ({entry['section']}): {entry['text'][:70]} -- {entry['reason']}")
                    for entry in row["untranslated"]:
                        print(f"    untranslated: {entry[:70]}")
                    for entry in row["stream_vs_final"]:
                        print(f"    shown while streaming, not in the final guide: {entry[:80]}")
                bare.append(bare_run(product, language))
                print(f"bare llama.cpp {language}: {bare[-1][1]:.1f} tok/s, {bare[-1][2]:.1f} per CPU s", flush=True)
        gen.close()
    if not rows:
        return 1
    known = [r for r in rows if r["defect"]]
    meets = [r for r in known if r["source"] == "llm" and r["faithful_cause"] >= 1 and r["faithful_action"] >= 2
             and r["other_defect"] == 0 and not r["unknown_words"] and not r["wrong_script"]
             and not r["untranslated"] and not r["stream_vs_final"] and not r["fell_back"]]
    items = sum(r["items"] for r in rows)
    station_tps = statistics.median(r["tokens_per_s"] for r in rows if r["tokens_per_s"])
    print("\nsummary")
    for product in dict.fromkeys(r["product"] for r in rows):
        for language in dict.fromkeys(r["language"] for r in rows):
            part = [r for r in known if r["product"] == product and r["language"] == language]
            if part:
                print(f"  {product}/{language}: {sum(r in meets for r in part)}/{len(part)} guides meet every target; "
                      f"fallback {sum(r['fell_back'] for r in part)}/{len(part)}; unknown words "
                      f"{sum(len(r['unknown_words']) for r in part)}; wrong-script items "
                      f"{sum(len(r['wrong_script']) for r in part)}; untranslated items "
                      f"{sum(len(r['untranslated']) for r in part)}; struck {sum(len(r['struck']) for r in part)}; "
                      f"stream-vs-final differences {sum(len(r['stream_vs_final']) for r in part)}")
    print(f"  guides meeting every target: {len(meets)}/{len(known)}; model items that passed "
          f"{sum(r['faithful'] for r in rows)}/{items} ({sum(r['faithful'] for r in rows) / max(items, 1):.0%}); "
          f"items naming/citing another defect {sum(r['other_defect'] for r in rows)}; shown as llm "
          f"{sum(r['source'] == 'llm' for r in rows)}/{len(rows)}")
    cold = [r["first_token_s"] for r in rows if r["first_token_s"]]
    warm = [r["warm_first_token_s"] for r in rows if r["warm_first_token_s"]]
    print(f"  first token cold process: median {statistics.median(cold):.2f} s, max {max(cold):.2f} s "
          f"({sum(t <= 1.5 for t in cold)}/{len(cold)} <= 1.5 s); warm: median {statistics.median(warm):.2f} s")
    if bare:
        bare_tps = statistics.median(t for _, t, _ in bare)
        per_guide = ", ".join(f"{r['tokens_per_s']:.1f}" for r in rows if r["tokens_per_s"])
        print(f"  tokens/s: station (grammar) median {station_tps:.1f} (guides {per_guide}), bare llama.cpp "
              f"create_completion {bare_tps:.1f} (runs {', '.join(f'{t:.1f}' for _, t, _ in bare)}, same model, "
              f"{args.threads} thread(s), n_ctx 4096, same prompt) -> {station_tps / bare_tps:.0%}")
        station_cpu = statistics.median(r["cpu_tokens_per_s"] for r in rows if r["cpu_tokens_per_s"])
        bare_cpu = statistics.median(c for _, _, c in bare)
        print(f"  tokens per CPU second (load-insensitive): station {station_cpu:.1f}, bare {bare_cpu:.1f} (runs "
              f"{', '.join(f'{c:.1f}' for _, _, c in bare)}) -> {station_cpu / bare_cpu:.0%}")
    print(f"  dynamic tokens evaluated after the saved state: {sorted({r['variable_tokens'] for r in rows})}; "
          f"model load median {statistics.median(r['model_load_s'] for r in rows):.2f} s, states load "
          f"{statistics.median(r['states_load_s'] for r in rows):.2f} s, imports "
          f"{statistics.median(r['imports_s'] for r in rows):.2f} s, spawn to first token "
          f"{statistics.median(r['spawn_to_first_token_s'] for r in rows):.2f} s")
    print(f"  load average at the end: {os.getloadavg()[0]:.1f} (the CPU is shared; compare within one run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
