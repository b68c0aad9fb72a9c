"""Drives headless Chromium through the visits page of a live `touchstone demo` daemon.

As the demo's admin: adds an auditor and an agency coordinator of agency BR (people pages),
plans visits on /visits (a bad outlet first, named on the form), runs the period's
auto-assignment (BR's visits go only to BR's auditor; one stays unassigned with its reason),
cancels a visit, and reads the overview's field section. Then the coordinator: after its
first-login password change, /overview leads to /visits, which lists only BR's visits, offers
no CSV import, and plans a visit for BR. Screenshots: visits-admin.png, visits-coordinator.png.
"""

import json
import os
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
from pages_test import FAILURES, arguments, check, demo_credentials, error_status, login, text  # noqa: E402

PERIOD = "2031-03"
AUDITOR, COORDINATOR, AGENCY = "br-aud", "br-coord", "BR"
FIRST = "br-first-password-1"


def api(base, token, path):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def rows(browser):
    """{visit id: [state code, auditor, agency, reason]} of the visits table."""
    return dict(browser.evaluate(
        "Array.from(document.querySelectorAll('#visits tbody tr[data-visit]')).map(r => [r.dataset.visit, "
        "[r.dataset.state, r.querySelector('.auditor').textContent, r.querySelector('.agency').textContent, "
        "r.querySelector('.reason').textContent]])"))


def plan(browser, visit, outlet, template, version, agency=""):
    fields = {"id": visit, "outlet": outlet, "template": template, "templateVersion": str(version),
              "windowFrom": PERIOD + "-01", "windowTo": PERIOD + "-31", "auditor": ""}
    if agency:
        fields["agency"] = agency
    browser.submit_form("#visit-form", fields)


def main():
    args = arguments()
    token, logins, tenant = demo_credentials(args.demo_output)
    base, shots = args.base, args.screenshots
    outlets = [o["code"] for o in api(base, token, "/api/v1/outlets?limit=3")["items"]]
    template = api(base, token, "/api/v1/templates")["items"][0]
    code, version = template["code"], template["version"]
    browser = Browser(args.chromium, args.profile)
    try:
        login(browser, base, tenant, "admin", logins["admin"]["password"])
        for name, role in [(AUDITOR, "auditor"), (COORDINATOR, "agency_coordinator")]:
            browser.navigate(base + "/people/new")
            browser.submit_form("#new-person", {"login": name, "role": role, "agency": AGENCY, "password": FIRST})
            check(browser.url().startswith("/people"), "%s (%s of %s) is added" % (name, role, AGENCY))

        browser.navigate(base + "/visits?period=" + PERIOD)
        check(browser.evaluate("!!document.querySelector('#nav-visits')"), "admin has the Visits link")
        check(browser.evaluate("!!document.querySelector('#import-visits')"), "admin is offered the CSV import")
        check(browser.evaluate("document.scripts.length") == 0, "the visits page has no JavaScript")
        plan(browser, "BV0", "NO-SUCH", code, version)
        check("outlet: unknown outlet NO-SUCH" in (text(browser, "#form-errors") or ""), "an unknown outlet is refused, naming the field")
        plan(browser, "BV1", outlets[0], code, version)
        check(text(browser, "#notice") is not None, "the visit is planned")
        browser.evaluate("document.querySelector('tr[data-visit=\"BV1\"] form').requestSubmit()")
        browser.wait_event("Page.loadEventFired")
        check(rows(browser).get("BV1", [""])[0] == "cancelled", "BV1 is cancelled")
        browser.submit_form("#visit-filters", {"state": "cancelled"})
        check(list(rows(browser)) == ["BV1"], "filtered by state: only the cancelled visit")
        browser.navigate(base + "/visits?period=" + PERIOD)
        plan(browser, "BV2", outlets[1], code, version, AGENCY)
        plan(browser, "BV3", outlets[1], code, version, AGENCY)
        planned = rows(browser)
        check({"BV1", "BV2", "BV3"} <= set(planned), "the planned visits are listed: %s" % sorted(planned))
        check(planned.get("BV2", [""])[2] == AGENCY, "BV2 is planned for agency %s" % AGENCY)

        browser.submit_form("#assign-form", {})
        lines = dict(browser.evaluate(
            "Array.from(document.querySelectorAll('#assignment-lines tr[data-visit]')).map(r => [r.dataset.visit, "
            "[r.querySelector('.auditor').textContent, r.querySelector('.reason').textContent]])"))
        check(lines.get("BV2", [""])[0] == AUDITOR, "BV2 goes to %s, the agency's auditor: %s" % (AUDITOR, lines.get("BV2")))
        check(lines.get("BV3", ["x"])[0] == "" and "rotation" in lines.get("BV3", ["", ""])[1],
              "BV3 (same outlet) stays unassigned with its reason: %s" % lines.get("BV3"))
        browser.screenshot(os.path.join(shots, "visits-assignment.png"))

        browser.navigate(base + "/visits?period=" + PERIOD)
        browser.screenshot(os.path.join(shots, "visits-admin.png"))

        browser.navigate(base + "/overview?period=" + PERIOD)
        agencies = dict(browser.evaluate(
            "Array.from(document.querySelectorAll('#field-agencies tr[data-key]')).map(r => [r.dataset.key, "
            "[r.querySelector('.planned').textContent, r.querySelector('.cancelled').textContent]])"))
        check(agencies.get(AGENCY) == ["2", "0"], "the overview counts agency %s's visits: %s" % (AGENCY, agencies))
        summary = api(base, token, "/api/v1/field/summary?period=" + PERIOD)
        by_agency = {row.get("key"): row["planned"] for row in summary["byAgency"]}
        check(by_agency.get(AGENCY) == 2, "the API's summary agrees: %s" % by_agency)

        # The coordinator: first the forced password change, then its agency's visits only.
        login(browser, base, tenant, COORDINATOR, FIRST)
        browser.submit_form("#change-password", {"current": FIRST, "new": "br-coord-own-1", "again": "br-coord-own-1"})
        browser.navigate(base + "/overview")
        check(browser.url() == "/visits", "a coordinator's overview is the visits page (%s)" % browser.url())
        browser.navigate(base + "/visits?period=" + PERIOD)
        seen = rows(browser)
        check(sorted(seen) == ["BV2", "BV3"], "the coordinator sees only %s's visits: %s" % (AGENCY, sorted(seen)))
        check(not browser.evaluate("!!document.querySelector('#import-visits')"), "no CSV import for a coordinator")
        check(not browser.evaluate("!!document.querySelector('#visit-form [name=agency]')"), "no agency to choose")
        plan(browser, "BV4", outlets[2], code, version)
        check(rows(browser).get("BV4", ["", "", ""])[2] == AGENCY, "the coordinator's visit is planned for %s" % AGENCY)
        browser.screenshot(os.path.join(shots, "visits-coordinator.png"))
        browser.navigate(base + "/payroll")
        check(error_status(browser) is not None, "no payroll for a coordinator (%s)" % error_status(browser))
    finally:
        browser.close()

    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        sys.exit(1)
    print("all visits page checks passed")


if __name__ == "__main__":
    main()
