"""Drives headless Chromium through the people pages of a live `touchstone demo` daemon.

As the demo's admin: lists and filters people, adds an outlet manager (a bad outlet first), reads
the temporary password shown once, creates an API token (shown once) and uses it on the API; the
new user's first login leads only to the change-password page; then the token is revoked (401)
and the user disabled (no more login). A region manager gets no people pages.
"""

import json
import os
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
from pages_test import FAILURES, arguments, check, demo_credentials, error_status, login, text  # noqa: E402

NEW = "browser-om"


def api_status(base, token):
    request = urllib.request.Request(base + "/api/v1/outlets", headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def logins_listed(browser):
    return browser.evaluate("Array.from(document.querySelectorAll('#people tbody tr[data-login]')).map(r => r.dataset.login)")


def body(browser):
    return browser.evaluate("document.body.innerText")


def main():
    args = arguments()

    _, logins, tenant = demo_credentials(args.demo_output)
    base, shots = args.base, args.screenshots
    outlet = logins["om"]["scope"]
    browser = Browser(args.chromium, args.profile)
    try:
        login(browser, base, tenant, "admin", logins["admin"]["password"])
        check(browser.evaluate("!!document.querySelector('#nav-people')"), "admin has the People link")
        browser.navigate(base + "/people")
        everyone = logins_listed(browser)
        check(set(logins) <= set(everyone), "people lists the demo logins %s" % sorted(logins))
        browser.submit_form("#people-filters", {"role": "outlet_manager"})
        managers = logins_listed(browser)
        check("om" in managers and "rm" not in managers and len(managers) < len(everyone),
              "filtered by role: %d outlet managers" % len(managers))
        browser.screenshot(os.path.join(shots, "people.png"))

        # Add: a bad outlet is named, then the user is added with a generated password shown once.
        browser.navigate(base + "/people/new")
        browser.submit_form("#new-person", {"login": NEW, "name": "Browser OM", "role": "outlet_manager", "outlet": "NO-SUCH"})
        check("outlet: unknown outlet NO-SUCH" in (text(browser, "#form-errors") or ""), "an unknown outlet is refused, naming the field")
        browser.submit_form("#new-person", {"login": NEW, "name": "Browser OM", "role": "outlet_manager", "outlet": outlet})
        temporary = text(browser, "#secret-value")
        check(temporary is not None and len(temporary) == 16, "the temporary password is shown")
        browser.screenshot(os.path.join(shots, "person-added.png"))
        browser.navigate(base + "/people/" + NEW)
        check(temporary not in body(browser), "the temporary password is shown once")

        # A token, shown once, works on the API.
        browser.submit_form("#token-create", {"label": "browser", "days": "7"})
        token = text(browser, "#secret-value")
        check(token is not None and token.startswith("tst_"), "the new token is shown")
        check(api_status(base, token) == 200, "the token works on the API")
        browser.navigate(base + "/people/" + NEW)
        check((text(browser, "#tokens .last-used") or "").startswith("20"), "its use shows in the list")
        browser.screenshot(os.path.join(shots, "person.png"))
        browser.navigate(base + "/people/" + NEW)
        check(token not in body(browser), "the token is shown once")

        # The new user's first login leads only to the change-password page.
        login(browser, base, tenant, NEW, temporary)
        check(browser.url() == "/password", "first login goes to the change-password page (%s)" % browser.url())
        browser.navigate(base + "/outlets/" + outlet)
        check(browser.url() == "/password", "nothing else is reachable before the change")
        check(browser.evaluate("!!document.querySelector('#must-change')"), "the page says why")
        browser.screenshot(os.path.join(shots, "password.png"))
        browser.submit_form("#change-password", {"current": temporary, "new": "browser-om-own", "again": "browser-om-own"})
        check(browser.url() == "/password?done=1", "the new password is set")
        browser.navigate(base + "/outlets/" + outlet)
        check(browser.url().startswith("/outlets/" + outlet) and error_status(browser) is None, "then the outlet page opens")

        # Back as admin: revoke the token, then disable the user.
        login(browser, base, tenant, "admin", logins["admin"]["password"])
        browser.navigate(base + "/people/" + NEW)
        browser.evaluate("document.querySelector('#tokens form').requestSubmit()")
        browser.wait_event("Page.loadEventFired")
        check(text(browser, "#tokens .revoked"), "the token shows as revoked")
        check(api_status(base, token) == 401, "a revoked token is refused on the API")
        browser.submit_form("#person-disable", {})
        check(text(browser, "#person-state") == "disabled", "the user shows as disabled")
        login(browser, base, tenant, NEW, "browser-om-own")
        check(browser.url().startswith("/login"), "a disabled user cannot log in")

        # The last admin stays.
        login(browser, base, tenant, "admin", logins["admin"]["password"])
        browser.navigate(base + "/people/admin")
        browser.submit_form("#person-disable", {})
        check("last active admin" in (text(browser, "#form-errors") or ""), "the last active admin cannot disable themself")

        # Others have no people pages.
        login(browser, base, tenant, "rm", logins["rm"]["password"])
        check(not browser.evaluate("!!document.querySelector('#nav-people')"), "a region manager has no People link")
        browser.navigate(base + "/people")
        check(error_status(browser) == "HTTP 403", "a region manager gets 403 on /people")
    finally:
        browser.close()

    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        sys.exit(1)
    print("all people page checks passed")


if __name__ == "__main__":
    main()
