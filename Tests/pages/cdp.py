"""A minimal Chrome DevTools Protocol client over Chromium's --remote-debugging-pipe.

Chromium reads NUL-terminated JSON messages from fd 3 and writes its own to fd 4, so no
websocket library is needed: python's standard library drives the browser.
"""

import base64
import fcntl
import json
import os
import subprocess
import time


class Browser:
    """Headless Chromium with one page (a flat CDP session on one target)."""

    def __init__(self, binary, profile_dir, width=1280, height=900):
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        # Above 9, so renumbering them to 3 and 4 in the child cannot clobber one another.
        to_browser_r, from_browser_w = [self._high(fd) for fd in (to_browser_r, from_browser_w)]
        # The child sees our pipe ends as fds 3 (reads commands) and 4 (writes answers);
        # a shell does the renumbering, as subprocess closes every fd it was not told to pass.
        arguments = ["--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
                     "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                     "--user-data-dir=" + profile_dir, "--window-size=%d,%d" % (width, height), "about:blank"]
        wiring = 'exec "$0" "$@" 3<&%d 4>&%d %d<&- %d>&-' % (to_browser_r, from_browser_w, to_browser_r, from_browser_w)
        self.process = subprocess.Popen(
            ["bash", "-c", wiring, binary] + arguments, pass_fds=(to_browser_r, from_browser_w),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.writer = os.fdopen(to_browser_w, "wb", buffering=0)
        self.reader = os.fdopen(from_browser_r, "rb", buffering=0)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable", session=True)
        self.call("Runtime.enable", session=True)
        self.call("Network.enable", session=True)
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=True)

    @staticmethod
    def _high(fd):
        high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
        os.close(fd)
        return high

    def _read_message(self):
        while b"\0" not in self.buffer:
            chunk = self.reader.read(65536)
            if not chunk:
                raise RuntimeError("chromium closed the debugging pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=False):
        """Sends one command and returns its result (raising on a CDP error). `session`: True for
        the page's session, or the id of another flat session (a service worker's)."""
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session if isinstance(session, str) else self.session
        self.writer.write(json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read_message()
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError("%s: %s" % (method, answer["error"]))
                return answer.get("result", {})
            if "method" in answer:
                self.events.append(answer)

    def wait_event(self, method, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for index, event in enumerate(self.events):
                if event["method"] == method:
                    del self.events[index]
                    return event
            self.events.append(self._read_message())
        raise TimeoutError(method)

    def navigate(self, url):
        """Opens `url` and waits for its load event."""
        self.events.clear()
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_event("Page.loadEventFired")

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page (run by the test, not by the page)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=True)
        if "exceptionDetails" in result:
            raise RuntimeError("evaluate failed: %s" % result["exceptionDetails"])
        return result["result"].get("value")

    def submit_form(self, selector, fields):
        """Fills the form's fields and submits it like a user would, then waits for the next page."""
        self.events.clear()
        self.evaluate("(() => { const f = document.querySelector(%s); %s f.requestSubmit(); })()" % (
            json.dumps(selector),
            "".join("f.elements[%s].value = %s;" % (json.dumps(k), json.dumps(v)) for k, v in fields.items())))
        self.wait_event("Page.loadEventFired")

    def set_file(self, selector, path):
        """Chooses `path` in the file input `selector`, as a user picking the file would."""
        root = self.call("DOM.getDocument", {"depth": 0}, session=True)["root"]["nodeId"]
        node = self.call("DOM.querySelector", {"nodeId": root, "selector": selector}, session=True)["nodeId"]
        self.call("DOM.setFileInputFiles", {"files": [path], "nodeId": node}, session=True)

    def url(self):
        return self.evaluate("location.pathname + location.search")

    def screenshot(self, path, print_media=False):
        """Saves a full-page PNG (optionally as printed: the print style sheet)."""
        if print_media:
            self.call("Emulation.setEmulatedMedia", {"media": "print"}, session=True)
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=True)["data"]
        if print_media:
            self.call("Emulation.setEmulatedMedia", {"media": ""}, session=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def clear_cookies(self):
        self.call("Network.clearBrowserCookies", session=True)

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
