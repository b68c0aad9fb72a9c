#!/usr/bin/env bash
# The workbook exports read back by a reader that is not ours (openpyxl, pinned, from PyPI
# into a venv under .build/: Tests/xlsx/venv.sh): Tests/xlsx/check.py on a small chain on its own
# embedded cluster (.touchstone/xlsx-test). Unix sockets only, no TCP port.
set -euo pipefail
cd "$(dirname "$0")/../.."

ROOT=$PWD
PYTHON=$("$ROOT/Tests/xlsx/venv.sh")
[ -x "$ROOT/.build/debug/touchstone" ] || swift build --product touchstone
exec "$PYTHON" "$ROOT/Tests/xlsx/check.py" "$@"
