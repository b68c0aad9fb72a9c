#!/usr/bin/env python3
"""Every workbook export read back with openpyxl and compared with the CSV export of the same data.

A small chain on its own embedded cluster (TOUCHSTONE_HOME=.touchstone/xlsx-test), built with the
CLI (generate, tenant create, imports, template, audits, KPIs, plans, batch run). For audits, KPIs
and payouts: `--format xlsx --output FILE` against the CSV on stdout, cell by cell — values equal,
money and scores numbers shown with their decimals, counts whole numbers, dates as dates, codes as
text with their leading zeros, Chinese intact — plus the frozen header, the autofilter, widths that
fit, and the About sheet (tenant, period, batch job, results hash once the period is closed).
Run by Tests/xlsx/run.sh (`make xlsx-test`), with openpyxl from its venv.
"""
import csv
import datetime
import io
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal

import openpyxl
from openpyxl.utils import get_column_letter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOUCHSTONE = os.path.join(ROOT, ".build", "debug", "touchstone")
HOME = os.path.join(ROOT, ".touchstone", "xlsx-test")
TENANT = "xt"
# A tenant name a spreadsheet would run as a formula if it were written as one.
TENANT_NAME = "=HYPERLINK(\"http://x\") 测试连锁"
PERIOD = "2026-10"
AS_OF = "2026-11-05T00:00:00+08:00"

# Per export: its data sheet, and the columns that are not text: places of decimals, "int" or "date".
EXPORTS = {
    "audits": ("Audits", {"version": "int", "visited_at": "date", "score": 2}, {"s_": 2, "d_": 2}),
    "kpis": ("KPIs", {"value": 2, "n": "int"}, {}),
    "payouts": ("Payouts", {"prorated_target": 2, "score_pct": 4, "payout": 2}, {}),
    # The league table's download (pages and Tests/pages/workbooks_test.py; no CLI export).
    "league": ("League", {"rank": "int", "value": 2, "n": "int", "previous": 2, "change": 2}, {}),
}
CJK = re.compile(r"[\u4e00-\u9fff]")
ZERO_LED = re.compile(r"0\d+")
ENV = dict(os.environ, TOUCHSTONE_HOME=HOME)
for name in ("DATABASE_URL", "PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE", "TOUCHSTONE_OWNER_DATABASE"):
    ENV.pop(name, None)
failures = []


def log(message):
    print(f"xlsx-test: {message}", flush=True)


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"  FAIL {message}", flush=True)


def ts(*args, expect_ok=True, quiet=True):
    result = subprocess.run([TOUCHSTONE, *args, *(["--log-level", "error"] if quiet else [])], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if expect_ok and result.returncode != 0:
        raise SystemExit(f"touchstone {' '.join(args)} failed ({result.returncode}):\n{result.stderr.decode()}")
    return result


def build_chain(files):
    ts("generate", files, "--outlets", "12", "--tenant", TENANT, "--period", PERIOD, quiet=False)
    # Employee numbers that look like numbers (P0000012 → 0000012): their leading zeros must survive.
    for name in ("staff.csv", "surveys.csv", "complaints.csv", "audits.jsonl"):
        path = os.path.join(files, name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(re.sub(r"\bP(\d{7})\b", r"\1", text))
    ts("migrate")
    ts("tenant", "create", TENANT, "--name", TENANT_NAME)
    for kind in ("outlets", "staff", "surveys", "complaints"):
        ts("import", kind, "--tenant", TENANT, os.path.join(files, f"{kind}.csv"))
    ts("template", "add", "--tenant", TENANT, os.path.join(files, "template-nat.json"))
    ts("import", "audits", "--tenant", TENANT, os.path.join(files, "audits.jsonl"), "--submitted-by", "agency")
    ts("kpi", "define", "--tenant", TENANT, os.path.join(files, "kpis.json"))
    for plan in sorted(f for f in os.listdir(files) if f.startswith("plan")):
        ts("plan", "add", "--tenant", TENANT, os.path.join(files, plan))
    ts("batch", "run", "--tenant", TENANT, "--period", PERIOD, "--as-of", AS_OF)


def column_kind(name, kinds, prefixes):
    if name in kinds:
        return kinds[name]
    return next((kind for prefix, kind in prefixes.items() if name.startswith(prefix)), "text")


def compare_cell(where, text, cell, kind):
    value = cell.value
    if text == "":
        check(value is None, f"{where}: empty in CSV, {value!r} in the workbook")
        return
    if kind == "text":
        check(isinstance(value, str) and value == text, f"{where}: text {text!r} read back as {value!r}")
        check(cell.data_type in ("s", "inlineStr"), f"{where}: text cell of type {cell.data_type!r} (a formula?)")
    elif kind == "int":
        check(isinstance(value, int) and value == int(text), f"{where}: whole number {text!r} read back as {value!r}")
        check(cell.number_format == "0", f"{where}: number format {cell.number_format!r}, not 0")
    elif kind == "date":
        expected = datetime.datetime.fromisoformat(text).replace(tzinfo=None)
        check(isinstance(value, datetime.datetime) and value == expected, f"{where}: date {text!r} read back as {value!r}")
        check(cell.is_date, f"{where}: not formatted as a date ({cell.number_format!r})")
    else:
        places = kind
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        check(ok and Decimal(repr(value)).quantize(Decimal(1).scaleb(-places)) == Decimal(text) and abs(value - float(text)) < 1e-9,
              f"{where}: number {text!r} read back as {value!r}")
        check(cell.number_format == "0." + "0" * places, f"{where}: number format {cell.number_format!r} for {places} places")


def check_sheet_shape(export, sheet, rows, kinds_of):
    check(sheet.freeze_panes == "A2", f"{export}: frozen pane {sheet.freeze_panes!r}, not A2")
    expected = f"A1:{get_column_letter(len(rows[0]))}{len(rows)}"
    check(sheet.auto_filter.ref == expected, f"{export}: autofilter {sheet.auto_filter.ref!r}, not {expected}")
    for index in range(len(rows[0])):
        letter = get_column_letter(index + 1)
        # As the workbook shows the cells: a date-time without its offset; CJK counts two.
        shown = [row[index][:19] if kinds_of[index] == "date" and r else row[index] for r, row in enumerate(rows)]
        longest = max(sum(2 if CJK.match(ch) else 1 for ch in text) for text in shown)
        width = sheet.column_dimensions[letter].width
        # libxlsxwriter stores the width with its padding (+0.71); widths are capped at 80.
        check(abs(width - min(longest + 2, 80)) < 1, f"{export}: column {letter} ({rows[0][index]}) is {width} wide for {longest} characters")
    for cell in sheet[1]:
        check(bool(cell.font and cell.font.b), f"{export}: header {cell.value!r} not bold")


def about_fields(workbook, export):
    check(workbook.sheetnames[1:] == ["About"], f"{export}: sheets {workbook.sheetnames}")
    about = workbook["About"]
    fields = {row[0].value: row[1] for row in about.iter_rows(min_row=2)}
    check([c.value for c in about[1]] == ["field", "value"], f"{export}: About header {[c.value for c in about[1]]}")
    check(fields["export"].value == export, f"{export}: About export {fields['export'].value!r}")
    check(fields["tenant"].value == TENANT, f"{export}: About tenant {fields['tenant'].value!r}")
    name = fields["tenant_name"]
    check(name.value == TENANT_NAME and name.data_type in ("s", "inlineStr"),
          f"{export}: tenant name {name.value!r} ({name.data_type}) is not the text {TENANT_NAME!r}")
    check(fields["period"].value == PERIOD, f"{export}: About period {fields['period'].value!r}")
    check(isinstance(fields["batch_job"].value, int), f"{export}: About batch job {fields['batch_job'].value!r}")
    check(fields["batch_state"].value == "succeeded", f"{export}: About batch state {fields['batch_state'].value!r}")
    generated = fields["generated_at"].value
    check(isinstance(generated, datetime.datetime) and abs((datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - generated).days) <= 1,
          f"{export}: About generated_at {generated!r}")
    return {key: cell.value for key, cell in fields.items()}


def compare_export(export, work):
    sheet_name, kinds, prefixes = EXPORTS[export]
    text = ts("export", export, "--tenant", TENANT, "--period", PERIOD).stdout.decode()
    rows = list(csv.reader(io.StringIO(text)))
    check(len(rows) > 1, f"{export}: the CSV has no data rows")
    path = os.path.join(work, f"{export}.xlsx")
    ts("export", export, "--tenant", TENANT, "--period", PERIOD, "--format", "xlsx", "--output", path)
    with open(path, "rb") as f:
        check(f.read(4) == b"PK\x03\x04", f"{export}: {path} is not a zip")
    workbook = openpyxl.load_workbook(path)
    check(workbook.sheetnames[0] == sheet_name, f"{export}: first sheet {workbook.sheetnames[0]!r}, not {sheet_name}")
    sheet = workbook[sheet_name]
    check(sheet.max_row == len(rows) and sheet.max_column == len(rows[0]),
          f"{export}: {sheet.max_row}×{sheet.max_column} cells for a CSV of {len(rows)}×{len(rows[0])}")
    check([c.value for c in sheet[1]] == rows[0], f"{export}: header {[c.value for c in sheet[1]]} vs {rows[0]}")
    header = rows[0]
    for r, row in enumerate(rows[1:], start=2):
        for c, field in enumerate(row):
            compare_cell(f"{export} {get_column_letter(c + 1)}{r} ({header[c]})", field, sheet.cell(r, c + 1),
                         column_kind(header[c], kinds, prefixes))
    check_sheet_shape(export, sheet, rows, [column_kind(name, kinds, prefixes) for name in header])
    about = about_fields(workbook, export)
    cells = [f for row in rows[1:] for f in row]
    chinese = sum(1 for f in cells if CJK.search(f))
    zero_led = sum(1 for f in cells if ZERO_LED.fullmatch(f))
    log(f"{export}: {len(rows) - 1} rows × {len(header)} columns match the CSV ({chinese} Chinese, {zero_led} zero-led codes)")
    return rows, about


def main():
    if not os.access(TOUCHSTONE, os.X_OK):
        raise SystemExit(f"build first: {TOUCHSTONE}")
    # A new cluster (`dev reset`: wherever the layout keeps its data).
    subprocess.run([TOUCHSTONE, "dev", "reset"], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(HOME, ignore_errors=True)
    work = os.path.join(HOME, "out")
    files = os.path.join(HOME, "chain")
    os.makedirs(work)
    try:
        log("building a 12-outlet chain on its own embedded cluster")
        build_chain(files)
        results = {export: compare_export(export, work) for export in ("audits", "kpis", "payouts")}
        payouts = results["payouts"][0]
        check(any(CJK.search(row[2]) for row in payouts[1:]), "payouts: no Chinese name to check")
        check(any(ZERO_LED.fullmatch(row[1]) for row in payouts[1:]), "payouts: no employee number with a leading zero to check")

        log("csv --output FILE equals stdout; xlsx without --output and a bad path are refused clearly")
        csv_path = os.path.join(work, "kpis.csv")
        ts("export", "kpis", "--tenant", TENANT, "--period", PERIOD, "--output", csv_path)
        with open(csv_path, encoding="utf-8") as f:
            check(list(csv.reader(f)) == results["kpis"][0], "kpis: --output FILE differs from stdout")
        refused = ts("export", "kpis", "--tenant", TENANT, "--period", PERIOD, "--format", "xlsx", expect_ok=False)
        check(refused.returncode != 0 and b"--output" in refused.stderr, f"xlsx without --output: {refused.stderr!r}")
        bad = ts("export", "kpis", "--tenant", TENANT, "--period", PERIOD, "--format", "xlsx",
                 "--output", os.path.join(work, "missing", "k.xlsx"), expect_ok=False)
        check(bad.returncode == 1 and b"Error creating output xlsx file" in bad.stderr, f"a bad path: {bad.stderr!r}")

        log("after close: the About sheet carries the period's results hash")
        ts("period", "approve", "--tenant", TENANT, "--period", PERIOD)
        ts("period", "close", "--tenant", TENANT, "--period", PERIOD)
        status = ts("period", "status", "--tenant", TENANT, "--period", PERIOD).stdout.decode()
        _, about = compare_export("payouts", work)
        check(about.get("period_state") == "closed", f"About period_state {about.get('period_state')!r}")
        check(bool(about.get("results_hash")) and about["results_hash"] in status,
              f"About results_hash {about.get('results_hash')!r} not in the period status {status!r}")
    finally:
        subprocess.run([TOUCHSTONE, "dev", "stop"], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if failures:
        raise SystemExit(f"xlsx-test: {len(failures)} failures")
    log("every workbook matches its CSV, cell by cell")


if __name__ == "__main__":
    main()
