"""Benchmark of the guide path: time to first token and tokens/s of the station's generator against a
bare ``llama_cpp.Llama`` call on the same model and prompt, in the same run; and retrieval latency.

Run by hand (not part of the tests)::

    .venv/bin/python benchmarks/bench_guide.py --model qwen2.5-coder-1.5b --runs 3
    .venv/bin/python benchmarks/bench_guide.py --model smollm2-135m --lang en

The model must be installed (``station models fetch NAME``) in --models-dir (default: the station's, then
the user cache used by the tests). The manual is ../shared/data/manuals/prod1_manual.pdf when present.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from station.adapters.db.catalog_repo import SqlCatalogRepository  # noqa: E402
from station.adapters.db.database import open_database  # noqa: E402
from station.adapters.db.deployments_repo import SqlDeploymentLog  # noqa: E402
from station.adapters.db.manuals_repo import SqlManualRepository  # noqa: E402
from station.adapters.manuals.parser import DocumentManualParser  # noqa: E402
from station.adapters.ml.embedder import load_embedder  # noqa: E402
from station.adapters.ml.llm import LlamaGuideGenerator, SamplingParams, default_threads  # noqa: E402
from station.adapters.ml.llm_models import find_llm_model  # noqa: E402
from station.adapters.storage.local import LocalFolderStore  # noqa: E402
from station.config import load_settings  # noqa: E402
from station.domain.catalog import load_defect_mapping  # noqa: E402
from station.services.guidance import GuidanceService  # noqa: E402
from station.services.guidance_prompt import build_prompt  # noqa: E402
from station.services.manuals import ManualService  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
GREEDY = SamplingParams(temperature=0.0, repeat_penalty=1.0)


def regions(i: int) -> list[dict]:
    """A different inspection each run: the variable part of the prompt changes."""
    return [{"bbox": {"x": 10 + i, "y": 20, "width": 12 + i, "height": 9}, "area_pct": 0.8 + i / 10,
             "location": ("center", "edge", "top-left", "bottom-right")[i % 4], "max_score": 0.9 + i / 100}]


def setup_station(root: Path, embed: bool) -> tuple[GuidanceService, GuidanceService]:
    db = open_database(f"sqlite:///{root / 'bench.sqlite3'}", upgrade=True)
    catalog = SqlCatalogRepository(db)
    if not (SHARED / "defect_mapping.json").is_file():
        sys.exit("benchmark needs ../shared/data (defect_mapping.json and manuals/prod1_manual.pdf)")
    catalog.upsert_products(load_defect_mapping(SHARED / "defect_mapping.json"))
    repo = SqlManualRepository(db)
    embedder = load_embedder() if embed else None
    ManualService(catalog, repo, DocumentManualParser(), LocalFolderStore(root / "objects"), SqlDeploymentLog(db),
                  embedder).ingest("prod1", [SHARED / "manuals" / "prod1_manual.pdf"])
    return (GuidanceService(catalog, repo, embedder=embedder),
            GuidanceService(catalog, repo, embedder=None))


def bench_retrieval(semantic: GuidanceService, lexical: GuidanceService, runs: int = 30) -> None:
    semantic.excerpts("prod1", "hole", regions(0))  # the first call loads the embedder's weights
    cases = (("semantic+lexical, new query", semantic, True), ("semantic+lexical, repeated", semantic, False),
             ("lexical only", lexical, False))
    for name, service, clear in cases:
        times = []
        for i in range(runs):
            if clear:
                service._query_cache.clear()
            start = time.perf_counter()
            service.excerpts("prod1", ("hole", "burr", "scratch")[i % 3], regions(i), {"anomaly": 0.9})
            times.append(time.perf_counter() - start)
        print(f"retrieval {name:<28}: median {statistics.median(times) * 1000:7.1f} ms, "
              f"p90 {sorted(times)[int(runs * 0.9) - 1] * 1000:7.1f} ms ({runs} runs, 9 sections)")


def bare_run(llm, text: str, max_tokens: int) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    """TTFT, generation tokens/s and tokens of a plain ``create_completion(stream=True)``."""
    start = time.perf_counter()
    first = None
    count = 0
    for chunk in llm.create_completion(prompt=text, max_tokens=max_tokens, temperature=0.0, repeat_penalty=1.0,
                                       top_k=40, top_p=0.9, min_p=0.05, stream=True):
        if chunk["choices"][0].get("finish_reason") is None:
            count += 1  # one chunk per generated token; the closing chunk carries only the finish reason
        if first is None and chunk["choices"][0]["text"]:
            first = time.perf_counter() - start
    total = time.perf_counter() - start
    return first or total, (count - 1) / max(total - (first or total), 1e-9), count


def station_run(gen: LlamaGuideGenerator, parts, max_tokens: int) -> tuple[float, float, int, int]:  # type: ignore[no-untyped-def]
    result = gen.generate(parts, max_tokens=max_tokens)
    first = result.first_token_s or result.total_s
    return first, (result.completion_tokens - 1) / max(result.total_s - first, 1e-9), result.completion_tokens, \
        result.cached_tokens


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="LLM name (default: the best installed)")
    parser.add_argument("--models-dir", type=Path)
    parser.add_argument("--lang", choices=("ko", "en"), default="ko")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--threads", type=int, default=default_threads())
    args = parser.parse_args()

    dirs = [args.models_dir] if args.models_dir else [load_settings().resolved_models_dir,
                                                      Path.home() / ".cache" / "inspection-station" / "models"]
    found = next((f for d in dirs if (f := find_llm_model(d, args.model))), None)
    if found is None or (args.model and found[0].name != args.model):
        sys.exit(f"model {args.model or '(any)'} not installed in {', '.join(map(str, dirs))}: "
                 "run `station models fetch NAME`")
    spec, path = found
    import llama_cpp

    print(f"model {spec.name} ({path.stat().st_size / 2**20:.0f} MiB), {args.threads} threads, "
          f"gpu offload: {llama_cpp.llama_supports_gpu_offload()}, max_tokens {args.max_tokens}, lang {args.lang}")
    with tempfile.TemporaryDirectory() as tmp:
        semantic, lexical = setup_station(Path(tmp), embed=True)
        bench_retrieval(semantic, lexical)
        requests = [semantic.build_request("prod1", "hole", regions(i), {"anomaly": 0.9, "confidence": 0.8},
                                           language=args.lang) for i in range(2 * args.runs)]
        prompts = [build_prompt(r) for r in requests]
        other = build_prompt(semantic.build_request("prod1", "burr", regions(9), language=args.lang))

        gen = LlamaGuideGenerator(path, spec=spec, sampling=GREEDY, n_threads=args.threads)
        start = time.perf_counter()
        gen.warm(other)  # loads the model, caches the system prompt (and burr's stable part)
        print(f"load + system prompt: {time.perf_counter() - start:.2f} s")
        system, stable, variable = gen._tokens(prompts[0])
        print(f"prompt tokens: system {len(system)}, stable {len(stable)}, variable {len(variable)}")
        text = gen._renderer.render(prompts[0])
        full_text = "".join(text)

        bare = llama_cpp.Llama(model_path=str(path), n_ctx=4096, n_batch=512, n_threads=args.threads,
                               n_threads_batch=args.threads, n_gpu_layers=gen.gpu_layers, verbose=False)
        rows: dict[str, list[tuple[float, float]]] = {k: [] for k in (
            "bare, whole prompt", "station, system cached", "station, system+stable cached")}
        for i in range(args.runs):
            bare.reset()
            bare._ctx.kv_cache_clear()
            ttft, tps, n = bare_run(bare, full_text, args.max_tokens)
            rows["bare, whole prompt"].append((ttft, tps))
            gen.generate(other, max_tokens=1)  # live state: another defect, only the system prompt shared
            for key in [k for k in gen._snapshots if k != gen._system_key]:
                del gen._snapshots[key]  # this defect's stable part is not cached yet
            ttft, tps, n2, cached = station_run(gen, prompts[2 * i], args.max_tokens)
            rows["station, system cached"].append((ttft, tps))
            # the same defect again (prewarmed stable part), a new inspection: only the variable part is new
            ttft, tps, n3, cached3 = station_run(gen, prompts[2 * i + 1], args.max_tokens)
            rows["station, system+stable cached"].append((ttft, tps))
            print(f"run {i + 1}: bare {n} tokens; station {n2} tokens ({cached} cached), {n3} ({cached3} cached)")
        for label, pick in (("median", statistics.median), ("best", None)):
            base = rows["bare, whole prompt"]
            base_ttft = pick(t for t, _ in base) if pick else min(t for t, _ in base)
            base_tps = pick(s for _, s in base) if pick else max(s for _, s in base)
            print(f"{label + ' of runs':<32} {'first token':>12} {'tokens/s':>9} {'TTFT vs bare':>13} "
                  f"{'tok/s vs bare':>14}")
            for name, values in rows.items():
                ttft = pick(t for t, _ in values) if pick else min(t for t, _ in values)
                tps = pick(s for _, s in values) if pick else max(s for _, s in values)
                print(f"{name:<32} {ttft:10.2f} s {tps:9.1f} {ttft / base_ttft:12.2f}x {tps / base_tps:13.0%}")
        print(f"load average at the end: {os.getloadavg()[0]:.1f} (numbers are only comparable within one run)")
        gen.close()
        bare.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
