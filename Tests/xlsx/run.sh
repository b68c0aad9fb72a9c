#!/usr/bin/env bash
# The workbook exports read back by a reader that is not ours (openpyxl, pinned, from PyPI
# into a venv under .build/): Tests/xlsx/check.py on a small chain on its own embedded cluster
# (.touchstone/xlsx-test). Unix sockets only, no TCP port.
set -euo pipefail
cd "$(dirname "$0")/../.."

ROOT=$PWD
VENV=$ROOT/.build/xlsx-test/venv
OPENPYXL_VERSION=3.1.5
ET_XMLFILE_VERSION=2.0.0

if [ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("openpyxl"))' 2>/dev/null)" != "$OPENPYXL_VERSION" ]; then
    echo "xlsx-test: installing openpyxl==$OPENPYXL_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "openpyxl==$OPENPYXL_VERSION" "et-xmlfile==$ET_XMLFILE_VERSION"
fi
[ -x "$ROOT/.build/debug/touchstone" ] || swift build --product touchstone
exec "$VENV/bin/python" "$ROOT/Tests/xlsx/check.py" "$@"
