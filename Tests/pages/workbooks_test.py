"""Every workbook download of the pages read back with openpyxl, against a live `touchstone demo`.

As the demo's admin: the overview's KPI and audit downloads and the league table's, each .xlsx
compared cell by cell with the CSV of the same page (Tests/xlsx/check.py's rules: numbers with
their decimals, whole numbers, dates as dates, codes as text, Chinese intact). The payouts
workbook is compared by payroll_test.py. Run by Tests/pages/run.sh with the venv python of
Tests/xlsx/venv.sh (openpyxl).
"""

import csv
import io
import re
import tempfile

import openpyxl

import pages_test
from cdp import Browser
from pages_test import check, demo_credentials, login, text_attr
from payroll_test import compare_workbook, download

CJK = re.compile(r"[\u4e00-\u9fff]")


def compare(base, browser, csv_path, xlsx_path, export):
    content_type, data = download(base, browser, csv_path)
    check(content_type.startswith("text/csv"), "%s CSV is text/csv (%s)" % (export, content_type))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    check(len(rows) > 1, "%s CSV has rows (%d)" % (export, len(rows) - 1))
    content_type, workbook = download(base, browser, xlsx_path)
    check(content_type.startswith("application/vnd.openxmlformats-officedocument.spreadsheetml"), "%s workbook type %s" % (export, content_type))
    compare_workbook(workbook, rows, export)
    return rows


def main():
    args = pages_test.arguments()
    _, logins, tenant = demo_credentials(args.demo_output)
    base = args.base
    browser = Browser(args.chromium, args.profile)
    try:
        login(browser, base, tenant, "admin", logins["admin"]["password"])
        browser.navigate(base + "/overview")
        links = {name: text_attr(browser, "#" + name, "href") for name in ("kpis-csv", "kpis-xlsx", "audits-csv", "audits-xlsx")}
        check(all(links.values()), "the overview links the KPI and audit downloads %s" % links)
        kpis = compare(base, browser, links["kpis-csv"], links["kpis-xlsx"], "kpis")
        audits = compare(base, browser, links["audits-csv"], links["audits-xlsx"], "audits")
        browser.navigate(base + "/league")
        league = compare(base, browser, text_attr(browser, "#csv", "href"), text_attr(browser, "#xlsx", "href"), "league")
        check(any(CJK.search(field) for row in league[1:] for field in row), "the league rows carry Chinese names")
        check(len(kpis) > 1 and len(audits) > 1, "KPI and audit downloads are not empty")
        # The sheets are named in the page's language.
        for link, names in ((links["kpis-xlsx"], ["KPI 指标", "说明"]), (links["audits-xlsx"], ["检查记录", "说明"])):
            _, data = download(base, browser, link, language="zh-CN")
            with tempfile.NamedTemporaryFile(suffix=".xlsx") as f:
                f.write(data)
                f.flush()
                sheets = openpyxl.load_workbook(f.name).sheetnames
            check(sheets == names, "%s in Chinese: sheets %s" % (link, sheets))
    finally:
        browser.close()
    if pages_test.FAILURES:
        raise SystemExit("%d workbook check(s) failed" % len(pages_test.FAILURES))
    print("all workbook checks passed")


if __name__ == "__main__":
    main()
