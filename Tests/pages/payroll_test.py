"""Payroll with four eyes in headless Chromium, against a live `touchstone demo` daemon (docs/payroll.md).

An analyst runs the latest period's batch from /batch and waits for it to finish; the same analyst
is refused on approve, on the payroll page, with the rule named; an admin (not that analyst)
approves and closes; the payouts workbook is downloaded with the session cookie and compared cell
by cell with the CSV (the comparison of Tests/xlsx/check.py). Run by Tests/pages/run.sh with the
venv python of Tests/xlsx/venv.sh (openpyxl).
"""

import csv
import io
import os
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "xlsx"))
import openpyxl  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402

import check as workbook_check  # noqa: E402  (Tests/xlsx/check.py)
import pages_test  # noqa: E402
from cdp import Browser  # noqa: E402
from pages_test import API, check, demo_credentials, login, text, text_attr  # noqa: E402


def download(base, browser, path, language=None):
    """`path` fetched over HTTP with the browser's session cookie (and a page language, if given)."""
    cookie = [c for c in browser.call("Network.getCookies", session=True)["cookies"] if c["name"] == "ts_session"][0]
    cookies = "ts_session=" + cookie["value"] + ("; ts_lang=" + language if language else "")
    request = urllib.request.Request(base + path, headers={"Cookie": cookies})
    with urllib.request.urlopen(request) as response:
        return response.headers.get("Content-Type"), response.read()


def compare_workbook(data, rows, export="payouts"):
    """The workbook's data sheet against the CSV rows of `export`, cell by cell (Tests/xlsx/check.py's rules)."""
    sheet_name, kinds, prefixes = workbook_check.EXPORTS[export]
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as f:
        f.write(data)
        f.flush()
        workbook = openpyxl.load_workbook(f.name)
    check(workbook.sheetnames[0] == sheet_name, "workbook's first sheet is %s (%s)" % (sheet_name, workbook.sheetnames))
    sheet = workbook[sheet_name]
    check(sheet.max_row == len(rows) and sheet.max_column == len(rows[0]),
          "workbook %d×%d cells, CSV %d×%d" % (sheet.max_row, sheet.max_column, len(rows), len(rows[0])))
    header = rows[0]
    check([c.value for c in sheet[1]] == header, "workbook header is the CSV's")
    before = len(workbook_check.failures)
    for r, row in enumerate(rows[1:], start=2):
        for c, field in enumerate(row):
            workbook_check.compare_cell("%s %s%d (%s)" % (export, get_column_letter(c + 1), r, header[c]), field, sheet.cell(r, c + 1),
                                        workbook_check.column_kind(header[c], kinds, prefixes))
    check(len(workbook_check.failures) == before,
          "%s workbook matches the CSV cell by cell (%d rows × %d columns)" % (export, len(rows) - 1, len(header)))
    about = {row[0].value: row[1].value for row in workbook["About"].iter_rows(min_row=2)}
    return about


def main():
    args = pages_test.arguments()

    token, logins, tenant = demo_credentials(args.demo_output)
    check({"admin", "analyst"} <= set(logins) and logins["analyst"]["role"] == "analyst", "demo prints an admin and an analyst login")
    api = API(args.base, token)
    base, shots = args.base, args.screenshots
    browser = Browser(args.chromium, args.profile)
    try:
        # The analyst runs the batch of the latest period from the batch page and waits for it.
        login(browser, base, tenant, "analyst", logins["analyst"]["password"])
        browser.navigate(base + "/batch")
        period = browser.evaluate("document.querySelector('#run-batch input[name=period]').value")
        before = api.get("/api/v1/batch-runs")["items"][0]["id"]
        browser.submit_form("#run-batch", {"period": period})
        deadline = time.time() + 300
        while time.time() < deadline and browser.evaluate("!!document.querySelector('meta[http-equiv=refresh]')"):
            browser.wait_event("Page.loadEventFired", timeout=30)
        job = api.get("/api/v1/batch-runs")["items"][0]
        check(job["id"] > before and job["state"] == "succeeded" and job["startedBy"] == "analyst",
              "the analyst ran %s from the page: #%d %s by %s" % (period, job["id"], job["state"], job["startedBy"]))

        # The same analyst is refused on approve, with the rule on the page.
        browser.navigate(base + "/payroll?period=" + period)
        check(text(browser, "#batch-run .run-by") == "analyst", "the payroll page names the analyst as who ran it")
        rows_shown = text(browser, "#payout-rows")
        check(rows_shown and int(rows_shown) > 0, "the period has payout rows (%s)" % rows_shown)
        browser.submit_form("#approve", {})
        refusal = text(browser, "#payroll-refusal") or ""
        check(refusal == "Four eyes: analyst ran the batch that computed the payouts of %s, "
              "so another head-office user must approve them." % period, "the analyst is refused: %r" % refusal)
        check(text(browser, "#approved-rows") == "0", "nothing was approved")
        check(browser.evaluate("!document.querySelector('#close')"), "the analyst has no close form")
        browser.screenshot(os.path.join(shots, "payroll-refused.png"))

        # An admin who is not that analyst approves, then closes.
        login(browser, base, tenant, "admin", logins["admin"]["password"])
        browser.navigate(base + "/payroll?period=" + period)
        browser.submit_form("#approve", {})
        check(text(browser, "#payroll-notice") == "The payouts are approved.", "the admin approves")
        check(text(browser, "#approved-rows") == rows_shown, "every payout row is approved (%s)" % text(browser, "#approved-rows"))
        browser.submit_form("#close", {})
        check(text(browser, "#period-state .period-state") == "closed", "the admin closes %s" % period)
        check(text(browser, "#period-state .closed-by") == "admin", "closed by admin")
        payouts = api.get("/api/v1/payouts", period=period)["items"]
        check(len(payouts) == int(rows_shown) and all(p["approvedBy"] == "admin" for p in payouts),
              "the API shows %d payout rows approved by admin" % len(payouts))
        browser.screenshot(os.path.join(shots, "payroll-closed.png"))

        # The payouts workbook, downloaded with the session, matches the CSV cell by cell.
        csv_type, csv_data = download(base, browser, text_attr(browser, "#csv", "href"))
        xlsx_type, xlsx_data = download(base, browser, text_attr(browser, "#xlsx", "href"))
        check(csv_type.startswith("text/csv"), "CSV download (%s)" % csv_type)
        check(xlsx_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "workbook download (%s)" % xlsx_type)
        rows = list(csv.reader(io.StringIO(csv_data.decode("utf-8"))))
        check(len(rows) == len(payouts) + 1, "the CSV has every payout row (%d)" % (len(rows) - 1))
        about = compare_workbook(xlsx_data, rows)
        check(about.get("period") == period and about.get("period_state") == "closed" and bool(about.get("results_hash")),
              "the workbook's About sheet: %s closed, hash %s" % (about.get("period"), about.get("results_hash")))
        total = sum(Decimal(r[rows[0].index("payout")]) for r in rows[1:])
        check(text(browser, "#payroll-total") == "%.2f" % total, "the page's total %s is the CSV's %.2f" % (text(browser, "#payroll-total"), total))
    finally:
        browser.close()

    if pages_test.FAILURES:
        print("%d payroll check(s) failed" % len(pages_test.FAILURES))
        sys.exit(1)
    print("all payroll checks passed")


if __name__ == "__main__":
    main()
