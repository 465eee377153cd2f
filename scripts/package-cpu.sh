#!/usr/bin/env bash
# The lean CPU bench package (no torch, no CUDA): dist/inspection-station-cpu/.
# Runs with the full venv: the spec first builds and exports the demo product's model sets (bundled for the
# self-check and `station demo`), then PyInstaller collects the app without the build-only packages.
# Then checks it: the frozen self-check must pass without torch.
set -euo pipefail
cd "$(dirname "$0")/.."
nice .venv/bin/pyinstaller --noconfirm pyinstaller-cpu.spec
bundled=$(find dist/inspection-station-cpu -maxdepth 2 \( -name 'torch' -o -name 'triton' -o -name 'nvidia' \
  -o -name 'libtorch*' -o -name 'timm' -o -name 'anomalib' \) | head -5)
if [ -n "$bundled" ]; then
  echo "package-cpu: build-only packages were bundled: $bundled" >&2
  exit 1
fi
dist/inspection-station-cpu/inspection-station --self-check
