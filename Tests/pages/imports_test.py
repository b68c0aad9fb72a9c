"""The import page in headless Chromium against a live `touchstone demo` daemon (issue #14 part 3).

As the demo's admin: uploads a staff file with bad rows and sees each error by line and column,
and nothing changes (the staff list through the API is the same before and after); then a good
file: the dry run's counts, nothing stored yet, "apply", the counts of what was imported, and
the new people in the API's staff list; applying again changes nothing.
"""

import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
from pages_test import API, arguments, demo_credentials, login, text  # noqa: E402

FAILURES = []
# People of the good file besides T9001 and T9002, so the dry run and the import take a while.
BULK = 5000


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        FAILURES.append(message)


def staff_list(api):
    """Every staff member through the API (all pages) as [employeeNo, name, assignments]."""
    people, after = [], None
    while True:
        query = {"limit": 1000}
        if after:
            query["after"] = after
        page = api.get("/api/v1/staff", **query)
        people += [[p["employeeNo"], p["name"], json.dumps(p.get("assignments"), sort_keys=True)] for p in page["items"]]
        after = page.get("next")
        if not after:
            return people


def rows(browser, selector):
    return browser.evaluate(
        "Array.from(document.querySelectorAll(%s)).map(r => Array.from(r.cells).map(c => c.textContent))" % json.dumps(selector))


def counts(browser, table):
    return dict(browser.evaluate(
        "Array.from(document.querySelectorAll('#%s tr')).filter(r => r.dataset.count !== 'seconds')"
        ".map(r => [r.dataset.count, r.querySelector('td').textContent])" % table))


SEEN_RUNNING = []


def settle(browser, screenshot=None):
    """Follows the page's own refreshes while a dry run or import runs; notes the rows it showed."""
    for attempt in range(300):
        if not browser.evaluate("!!document.querySelector('#running')"):
            return
        if screenshot and attempt == 0:
            browser.screenshot(screenshot)
        SEEN_RUNNING.append(int(text(browser, "#running-rows")))
        browser.wait_event("Page.loadEventFired", timeout=10)
    raise TimeoutError("the import page kept running")


def upload(browser, base, path, kind="staff", screenshot=None):
    browser.navigate(base + "/imports")
    browser.set_file("#upload-form input[type=file]", path)
    browser.submit_form("#upload-form", {"kind": kind})
    settle(browser, screenshot)


def main():
    args = arguments()

    token, logins, tenant = demo_credentials(args.demo_output)
    api = API(args.base, token)
    base, shots = args.base, args.screenshots
    outlet = api.get("/api/v1/outlets", limit=1)["items"][0]["code"]
    header = "employee_no,name,role,outlet_code,start_date,end_date,target_bonus\n"
    files = tempfile.mkdtemp(prefix="imports-test-")
    bad = os.path.join(files, "staff-bad.csv")
    with open(bad, "w", encoding="utf-8") as f:
        f.write(header
                + "T9001,测试一,service_advisor,%s,2026-01-01,,1000.00\n" % outlet
                + "T9002,测试二,service_advisor,NO-SUCH-OUTLET,2026-01-01,,1000.00\n"
                + "T9003,测试三,service_advisor,%s,2026-02-30,,1000.00\n" % outlet
                + "T9004,,service_advisor,%s,2026-01-01,,-1\n" % outlet)
    good = os.path.join(files, "staff-good.csv")
    with open(good, "w", encoding="utf-8") as f:
        f.write(header
                + "T9001,测试一,service_advisor,%s,2026-01-01,,1000.00\n" % outlet
                + "T9002,测试二,technician,%s,2026-03-01,,800.00\n" % outlet
                + "".join("T8%04d,批量%d,technician,%s,2026-03-01,,800.00\n" % (n, n, outlet) for n in range(BULK)))

    browser = Browser(args.chromium, args.profile)
    try:
        login(browser, base, tenant, "admin", logins["admin"]["password"])
        check(browser.evaluate("!!document.querySelector('header nav a[href=\"/imports\"]')"), "admin has an Imports link")
        before = staff_list(api)

        # A file with bad rows: every error by line and column, nothing changes.
        upload(browser, base, bad)
        check(browser.url().startswith("/imports/"), "the upload goes to its dry run page (%s)" % browser.url())
        errors = rows(browser, "#errors tbody tr")
        expected = [
            ["3", "outlet_code", "unknown outlet NO-SUCH-OUTLET"],
            ["4", "start_date", '"2026-02-30" is not a date (YYYY-MM-DD)'],
            ["5", "name", "a value is required"],
            ["5", "target_bonus", "-1 must not be negative"],
        ]
        check(errors == expected, "each error by line and column: %s" % errors)
        check(text(browser, "#error-count") == "4", "the page counts 4 errors")
        check(not browser.evaluate("!!document.querySelector('#apply')"), "a file with errors cannot be applied")
        browser.screenshot(os.path.join(shots, "import-errors.png"))
        check(staff_list(api) == before, "nothing changed: the API's staff list is the same (%d people)" % len(before))

        # A good file: dry run, then apply.
        upload(browser, base, good, screenshot=os.path.join(shots, "import-running.png"))
        total = str(BULK + 2)
        check(counts(browser, "dry-run") == {"rows": total, "new": total, "changed": "0", "unchanged": "0"},
              "dry run: %s new rows (%s)" % (total, counts(browser, "dry-run")))
        check(not browser.evaluate("!!document.querySelector('#errors')"), "the good file has no errors")
        check(staff_list(api) == before, "the dry run stored nothing")
        browser.screenshot(os.path.join(shots, "import-dry-run.png"))
        page = browser.url()
        browser.submit_form("#apply", {})
        settle(browser)
        check(browser.url() == page, "apply comes back to the upload's page")
        check(counts(browser, "applied") == {"rows": total, "new": total, "changed": "0", "unchanged": "0"},
              "applied: %s new rows (%s)" % (total, counts(browser, "applied")))
        check(len(SEEN_RUNNING) > 0 and all(0 <= n <= BULK + 2 for n in SEEN_RUNNING),
              "while running, the page refreshed itself showing the rows read so far (%s)" % SEEN_RUNNING)
        check(not browser.evaluate("!!document.querySelector('#apply')"), "an applied upload cannot be applied again")
        browser.screenshot(os.path.join(shots, "import-applied.png"))
        after = staff_list(api)
        added = sorted([p[0], p[1]] for p in after if p[0] not in {q[0] for q in before})
        check(added[-2:] == [["T9001", "测试一"], ["T9002", "测试二"]] and len(added) == BULK + 2,
              "the API lists the %d new people (… %s)" % (len(added), added[-2:]))
        check([p for p in after if p[0] in {q[0] for q in before}] == before, "the people there before are unchanged")

        # Uploading the same file again: all unchanged.
        upload(browser, base, good)
        check(counts(browser, "dry-run") == {"rows": total, "new": "0", "changed": "0", "unchanged": total},
              "the same file again: all %s unchanged (%s)" % (total, counts(browser, "dry-run")))
        browser.navigate(base + "/imports")
        check(len(rows(browser, "#uploads tbody tr")) == 3, "the imports page lists the three uploads")
        browser.screenshot(os.path.join(shots, "imports.png"))
    finally:
        browser.close()

    if FAILURES:
        print("%d import check(s) failed" % len(FAILURES))
        sys.exit(1)
    print("all import page checks passed")


if __name__ == "__main__":
    main()
