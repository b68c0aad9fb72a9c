#!/usr/bin/env bash
# Makes sure the venv with openpyxl (pinned, from PyPI) exists under .build/ and prints its python:
# the xlsx test (Tests/xlsx/run.sh) and the payroll page test (Tests/pages/run.sh) read workbooks with it.
set -euo pipefail
cd "$(dirname "$0")/../.."

VENV=$PWD/.build/xlsx-test/venv
OPENPYXL_VERSION=3.1.5
ET_XMLFILE_VERSION=2.0.0

if [ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("openpyxl"))' 2>/dev/null)" != "$OPENPYXL_VERSION" ]; then
    echo "xlsx-test: installing openpyxl==$OPENPYXL_VERSION into $VENV" >&2
    python3 -m venv "$VENV" >&2
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "openpyxl==$OPENPYXL_VERSION" "et-xmlfile==$ET_XMLFILE_VERSION" >&2
fi
echo "$VENV/bin/python"
