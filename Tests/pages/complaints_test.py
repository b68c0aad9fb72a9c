"""Complaint cases in headless Chromium, against a live `touchstone demo` daemon (docs/complaints.md).

Head office (the call centre) lists the open cases as the API orders them, tries to create a case
on an unknown outlet (the problem is shown beside the outlet field and nothing is stored), creates
one on the outlet manager's outlet and moves it through its states on the case's page, one form
per step; the customer is not satisfied at the callback, so the case is reopened. The API then
shows the same case. The region manager sees only its subtree's cases and no forms; the outlet
manager has no complaints page.
"""

import os
import sys
import time
import urllib.error

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from cdp import Browser  # noqa: E402
from pages_test import API, FAILURES, arguments, check, demo_credentials, error_status, login, text  # noqa: E402


def rows(browser):
    """[(id, region)] of the list's rows, in order."""
    return browser.evaluate(
        "Array.from(document.querySelectorAll('#complaints tbody tr[data-id]')).map(r => [r.dataset.id, r.querySelector('.region').textContent])")


def main():
    args = arguments()
    token, logins, tenant = demo_credentials(args.demo_output)
    check({"admin", "rm", "om"} <= set(logins) and logins["rm"]["role"] == "region_manager", "demo prints an admin, a region manager and an outlet manager")
    api = API(args.base, token)
    base, shots = args.base, args.screenshots
    outlet, region = logins["om"]["scope"], logins["rm"]["scope"]
    case = "BT-%d" % int(time.time())

    browser = Browser(args.chromium, args.profile)
    try:
        # Head office: the open cases, earliest deadline first, as the API lists them.
        login(browser, base, tenant, "admin", logins["admin"]["password"])
        check(browser.evaluate("!!document.querySelector('#nav-complaints')"), "head office has the complaints link")
        browser.navigate(base + "/complaints")
        listed = [row[0] for row in rows(browser)]
        expected = [item["id"] for item in api.get("/api/v1/complaints")["items"]][:len(listed)]
        check(listed and listed == expected, "the first page lists %d cases in the API's order" % len(listed))
        check(not browser.evaluate("!!document.querySelector('script')"), "no JavaScript on the page")
        browser.screenshot(os.path.join(shots, "complaints-list.png"))

        # A case on an unknown outlet: the problem beside the outlet field, nothing stored.
        browser.submit_form("#complaint-form", {"id": case, "outlet": "NO-SUCH", "severity": "high", "comment": "Browser test"})
        check("NO-SUCH" in (text(browser, "#outlet-error") or ""), "the outlet's problem is shown beside it (%s)" % text(browser, "#outlet-error"))
        check(browser.evaluate("document.querySelector('#complaint-form [name=id]').value") == case, "the form keeps the id typed")
        try:
            api.get("/api/v1/complaints/" + case)
            check(False, "nothing stored for the bad outlet")
        except urllib.error.HTTPError as error:
            check(error.code == 404, "nothing stored for the bad outlet (%d)" % error.code)

        # Created on the outlet manager's outlet: its page, received.
        browser.submit_form("#complaint-form", {"id": case, "outlet": outlet, "severity": "high", "comment": "Browser test: rude staff"})
        check(browser.url() == "/complaints/" + case, "created and shown its page (%s)" % browser.url())
        check(text(browser, "#complaint-state") == "received", "the new case is received")

        # One form per step; the customer is not satisfied at the callback: reopened.
        browser.submit_form("#assign-form", {"assignee": "rm"})
        check(text(browser, "#complaint-assignee") == "rm", "assigned to rm")
        browser.submit_form("#first-response-form", {"comment": "Called the customer"})
        browser.submit_form("#resolve-form", {"comment": "Apologised, voucher sent"})
        check(text(browser, "#complaint-state") == "resolved", "resolved on the page")
        browser.submit_form("#callback-form", {"satisfied": "no", "comment": "Still unhappy"})
        check(text(browser, "#complaint-state") == "assigned", "reopened: assigned again (%s)" % text(browser, "#complaint-state"))
        history = browser.evaluate("Array.from(document.querySelectorAll('#history tbody tr .change')).map(c => c.textContent)")
        check(len(history) == 6 and history[-1] == "called back → assigned", "the history shows the callback then the reopening: %s" % history)
        check(browser.evaluate("!!document.querySelector('#first-response-form')") and not browser.evaluate("!!document.querySelector('#close-form')"),
              "a reopened case offers the first response again, not closing")
        browser.screenshot(os.path.join(shots, "complaint-reopened.png"))
        shown = api.get("/api/v1/complaints/" + case)
        check(shown["state"] == "assigned" and shown.get("satisfied") is False and "resolvedAt" not in shown,
              "the API shows the reopened case: %s" % {k: shown.get(k) for k in ("state", "satisfied", "resolvedAt")})

        # The region manager: its subtree's cases only, no forms.
        login(browser, base, tenant, "rm", logins["rm"]["password"])
        browser.navigate(base + "/complaints?outlet=" + outlet)
        seen = rows(browser)
        check(case in [row[0] for row in seen], "the region manager sees the case of its outlet %s" % outlet)
        browser.navigate(base + "/complaints")
        seen = rows(browser)
        check(seen and all(r == region or r.startswith(region + "/") for _, r in seen), "every case it sees lies under %s" % region)
        check(not browser.evaluate("!!document.querySelector('#complaint-form')"), "a region manager does not create cases")
        browser.navigate(base + "/complaints/" + case)
        check(text(browser, "#complaint-id") == case and not browser.evaluate("!!document.querySelector('form[action$=\"/transitions\"]')"),
              "the region manager reads the case, without transition forms")

        # The outlet manager has no complaints page.
        login(browser, base, tenant, "om", logins["om"]["password"])
        check(not browser.evaluate("!!document.querySelector('#nav-complaints')"), "no complaints link for an outlet manager")
        browser.navigate(base + "/complaints")
        check(error_status(browser) == "HTTP 403", "an outlet manager has no complaints page")
    finally:
        browser.close()

    if FAILURES:
        print("%d complaint check(s) failed" % len(FAILURES))
        sys.exit(1)
    print("all complaint page checks passed")


if __name__ == "__main__":
    main()
