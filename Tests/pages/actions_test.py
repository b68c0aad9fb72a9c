"""Corrective actions in headless Chromium, against a live `touchstone demo` daemon (docs/actions.md).

Head office opens an action by hand on the outlet manager's outlet from /actions; the outlet
manager finds it on its to-do list and submits it with a comment and a photo (a multipart form,
no JavaScript on the page); it cannot verify it; head office verifies it on the action's page.
The API then shows the state, the photo's SHA-256 and every transition with who did it.
"""

import base64
import hashlib
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from cdp import Browser  # noqa: E402
from pages_test import API, FAILURES, arguments, check, demo_credentials, login, text  # noqa: E402

# A 1×1 PNG.
PHOTO = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")


def main():
    args = arguments()
    token, logins, tenant = demo_credentials(args.demo_output)
    check({"admin", "om"} <= set(logins) and logins["om"]["role"] == "outlet_manager", "demo prints an admin and an outlet manager")
    api = API(args.base, token)
    base, shots = args.base, args.screenshots
    outlet = logins["om"]["scope"]
    photo = os.path.join(tempfile.mkdtemp(prefix="actions-test-"), "entrance.png")
    with open(photo, "wb") as f:
        f.write(PHOTO)

    browser = Browser(args.chromium, args.profile)
    try:
        # Head office: the board by region with its overdue counts, as the API counts them.
        login(browser, base, tenant, "admin", logins["admin"]["password"])
        browser.navigate(base + "/actions")
        board = api.get("/api/v1/actions/board")["regions"]
        shown = browser.evaluate("Array.from(document.querySelectorAll('#board tbody tr[data-region]')).length")
        check(shown == len(board), "the board shows %d regions (the API: %d)" % (shown, len(board)))
        overdue = sum(line["overdue"] for line in board)
        check(text(browser, "#overdue-total") == str(overdue), "overdue total %s on the page, %d by the API" % (text(browser, "#overdue-total"), overdue))
        browser.screenshot(os.path.join(shots, "actions-board.png"))

        # Head office opens one by hand on the outlet manager's outlet.
        browser.submit_form("#open-form", {"outlet": outlet, "title": "Browser test: fix the entrance light", "severity": "high"})
        action_id = (text(browser, "#action-id") or "#0").lstrip("#")
        check(action_id.isdigit() and browser.url() == "/actions/" + action_id, "opened action #%s and shown its page" % action_id)
        check(text(browser, "#action-state") == "open", "the new action is open")

        # The outlet manager: on its to-do list, submitted with a comment and the photo.
        login(browser, base, tenant, "om", logins["om"]["password"])
        browser.navigate(base + "/actions")
        row = '#todo tr[data-id="%s"]' % action_id
        check(browser.evaluate("!!document.querySelector(%r)" % row), "the action is on the outlet manager's to-do list")
        check(not browser.evaluate("!!document.querySelector('#board')"), "an outlet manager has no board")
        browser.set_file(row + " input[type=file]", photo)
        browser.submit_form(row + " form", {"comment": "New bulb fitted, photo attached"})
        check(browser.url() == "/actions", "back on the to-do list after submitting")
        check(not browser.evaluate("!!document.querySelector(%r)" % row), "the submitted action left the to-do list")
        submitted = api.get("/api/v1/actions/" + action_id)
        check(submitted["state"] == "submitted", "the API says submitted (%s)" % submitted["state"])
        evidence = submitted.get("evidence") or [{}]
        check(evidence[0].get("sha256") == hashlib.sha256(PHOTO).hexdigest() and evidence[0].get("contentType") == "image/png",
              "the photo is stored with its sha256 and type (%s)" % evidence[0])
        browser.navigate(base + "/actions/" + action_id)
        check(not browser.evaluate("!!document.querySelector('#verify-form')"), "the outlet manager cannot verify")

        # Head office verifies it on the action's page; the photo is shown.
        login(browser, base, tenant, "admin", logins["admin"]["password"])
        browser.navigate(base + "/actions/" + action_id)
        check(browser.evaluate("(document.querySelector('#evidence img') || {}).naturalWidth") == 1, "the photo is shown (1×1)")
        browser.submit_form("#verify-form", {"comment": "Checked on the photo"})
        check(text(browser, "#action-state") == "verified", "verified on the page (%s)" % text(browser, "#action-state"))
        history = browser.evaluate("document.querySelectorAll('#history tbody tr').length")
        check(history == 3, "the page's history has 3 transitions (%s)" % history)
        browser.screenshot(os.path.join(shots, "action-verified.png"))
        verified = api.get("/api/v1/actions/" + action_id)
        check(verified["state"] == "verified" and "verifiedAt" in verified, "the API says verified")
        check([t["actor"] for t in verified["transitions"]] == ["admin", "om", "admin"]
              and [t["to"] for t in verified["transitions"]] == ["open", "submitted", "verified"],
              "every transition kept with who: %s" % [(t["actor"], t["to"]) for t in verified["transitions"]])
    finally:
        browser.close()

    if FAILURES:
        print("%d action check(s) failed" % len(FAILURES))
        sys.exit(1)
    print("all corrective action page checks passed")


if __name__ == "__main__":
    main()
