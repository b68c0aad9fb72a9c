"""Webhooks of a live `touchstone demo` daemon (which runs with --allow-insecure-webhooks).

A local receiver (python's http.server) is registered through the API with the demo's admin
token; a batch run emits `batch.completed`; the receiver refuses the first delivery (500), which
then shows on the admin's /webhooks page as failing. The admin presses "Redeliver" (a plain form,
no JavaScript) with the receiver fixed: the same event arrives again, signed as docs/events.md
says, and the page no longer lists it. A region manager gets no webhooks page.
"""

import hashlib
import hmac
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
from pages_test import FAILURES, arguments, check, demo_credentials, error_status, login, text  # noqa: E402


class Receiver:
    """Records every delivery; answers `status` (500 until the test fixes it)."""

    def __init__(self):
        self.received, self.status = [], 500
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.received.append((dict(self.headers), body, receiver.status))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d/hook" % self.server.server_address[1]

    def wait_for(self, count, seconds=60):
        deadline = time.time() + seconds
        while len(self.received) < count and time.time() < deadline:
            time.sleep(0.2)
        return len(self.received) >= count


def api(base, token, method, path, payload=None):
    request = urllib.request.Request(
        base + path, method=method, data=None if payload is None else json.dumps(payload).encode(),
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else {}
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def verified(secret, headers, body):
    """docs/events.md "Verifying a delivery", as a receiver would write it."""
    timestamp = headers["Touchstone-Timestamp"]
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest("v1=" + mac, headers["Touchstone-Signature"]) and abs(time.time() - int(timestamp)) < 300


def main():
    args = arguments()
    token, logins, tenant = demo_credentials(args.demo_output)
    base, shots = args.base, args.screenshots
    receiver = Receiver()
    browser = Browser(args.chromium, args.profile)
    try:
        status, created = api(base, token, "POST", "/api/v1/webhooks", {"url": receiver.url, "events": ["batch.completed"]})
        check(status == 201, "the admin registers a local receiver (HTTP %s)" % status)
        secret, hook = created["secret"], created["webhook"]["id"]
        status, listed = api(base, token, "GET", "/api/v1/webhooks")
        check(status == 200 and secret not in json.dumps(listed), "the secret is shown once")

        # A batch run of the latest period that is still open emits batch.completed.
        _, jobs = api(base, token, "GET", "/api/v1/batch-runs")
        periods = sorted({job["period"] for job in jobs.get("items", jobs if isinstance(jobs, list) else [])}, reverse=True)
        ran = None
        for period in periods:
            status, _ = api(base, token, "POST", "/api/v1/batch-runs", {"period": period})
            if status in (200, 201):
                ran = period
                break
        check(ran is not None, "a batch ran (period %s)" % ran)
        check(receiver.wait_for(1), "the receiver got the event")
        headers, body, answered = receiver.received[0]
        event = json.loads(body)
        check(event["type"] == "batch.completed" and event["period"] == ran and event["tenant"] == tenant,
              "the body is the batch.completed event of %s" % ran)
        check(headers["Touchstone-Event-Id"] == event["id"], "the event id header names the body's event")
        check(verified(secret, headers, body), "the signature verifies")
        check(not verified(secret + "x", headers, body), "a wrong secret does not verify")
        check(answered == 500, "the first delivery was refused")

        login(browser, base, tenant, "admin", logins["admin"]["password"])
        check(browser.evaluate("!!document.querySelector('#nav-webhooks')"), "admin has the Webhooks link")
        browser.navigate(base + "/webhooks")
        rows = browser.evaluate("Array.from(document.querySelectorAll('#deliveries tr[data-event]')).map(r => r.dataset.event)")
        check(event["id"] in rows, "the failed delivery is listed")
        check(receiver.url in (text(browser, "#webhooks") or ""), "the webhook is listed")
        check("HTTP 500" in (text(browser, '#deliveries tr[data-event="%s"]' % event["id"]) or ""), "with its last status")
        check(not browser.evaluate("document.scripts.length"), "the page has no JavaScript")
        browser.screenshot(os.path.join(shots, "webhooks.png"))

        receiver.status = 200
        browser.submit_form('#deliveries tr[data-event="%s"] form' % event["id"], {})
        check(text(browser, "#notice") is not None, "redeliver says the delivery is pending again")
        check(receiver.wait_for(2, seconds=30), "the event arrives again")
        again_headers, again_body, again_status = receiver.received[-1]
        check(again_headers["Touchstone-Event-Id"] == event["id"] and again_status == 200, "the same event, now accepted")
        check(verified(secret, again_headers, again_body), "its signature verifies too")
        time.sleep(1)
        browser.navigate(base + "/webhooks")
        rows = browser.evaluate("Array.from(document.querySelectorAll('#deliveries tr[data-event]')).map(r => r.dataset.event)")
        check(event["id"] not in rows, "the delivered event is no longer listed")
        time.sleep(2)
        check(len(receiver.received) == 2, "nothing more is sent once delivered")

        status, _ = api(base, token, "DELETE", "/api/v1/webhooks/" + hook)
        check(status == 204, "the webhook is removed")

        login(browser, base, tenant, "rm", logins["rm"]["password"])
        check(not browser.evaluate("!!document.querySelector('#nav-webhooks')"), "a region manager has no Webhooks link")
        browser.navigate(base + "/webhooks")
        check(error_status(browser) == "HTTP 403", "a region manager gets 403 on /webhooks")
    finally:
        browser.close()
        receiver.server.shutdown()

    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        sys.exit(1)
    print("all webhook checks passed")


if __name__ == "__main__":
    main()
