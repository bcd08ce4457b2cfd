#!/usr/bin/env bash
# Installs what building, testing and benchmarking pulpsim need on Debian 12:
# the RISC-V cross compiler, libelf, QEMU (differential testing), gdb-multiarch, hyperfine,
# and the Python oracles (Berkeley SoftFloat via softfloatpy, ml-dtypes, numpy), and pytest.
# Swift itself (6.x) must already be on PATH. Safe to run repeatedly.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null && SUDO="sudo" || { echo "setup.sh: run as root or install sudo" >&2; exit 1; }
fi

packages=(gcc-riscv64-unknown-elf libelf-dev pkg-config qemu-system-misc gdb-multiarch hyperfine make python3-pip python3-venv)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python_ok() { python3 -c 'import softfloatpy, ml_dtypes, numpy' 2>/dev/null; }
if ! python_ok; then
  echo "setup.sh: installing Python packages softfloatpy ml-dtypes numpy"
  python3 -m pip install -q softfloatpy ml-dtypes numpy 2>/dev/null \
    || python3 -m pip install -q --break-system-packages softfloatpy ml-dtypes numpy
fi
python_ok
# pytest for the Python test drivers (make test-python, docs/python.md).
if ! python3 -c 'import pytest' 2>/dev/null; then
  echo "setup.sh: installing Python package pytest"
  python3 -m pip install -q pytest 2>/dev/null || python3 -m pip install -q --break-system-packages pytest
fi
command -v swift >/dev/null || { echo "setup.sh: swift is not on PATH (Swift 6 toolchain required)" >&2; exit 1; }
echo "setup.sh: ready ($(riscv64-unknown-elf-gcc --version | head -1); $(swift --version 2>&1 | head -1))"
