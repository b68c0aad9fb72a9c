"""The field form on a phone, offline: headless Chromium with mobile emulation (360x740, touch).

The demo's auditor logs in, opens a visit, goes offline (the page AND its service worker: DevTools
network emulation on both targets, and the phone's link to the daemon cut, so a worker Chromium
restarts, or a page that briefly thinks it is online, still reaches nothing), fills the form including a photo (a JPEG made here with EXIF
GPS and time), reloads offline and finds the answers, submits (the audit waits in the queue),
comes back online and the audit arrives exactly once with its photo (checked through the API):
its score equals the API's score of the same answers and the form's running score, the photo was
downscaled to the tenant's maximum edge, its EXIF position travels as metadata and is stripped
from the served image. A second device (a new browser profile) replaying the same queue stores
nothing new. Screenshots: list, form, offline queue, sent.
"""

import base64
import json
import os
import select
import socket
import struct
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
from pages_test import API, FAILURES, arguments, check, demo_credentials, login  # noqa: E402

WIDTH, HEIGHT = 360, 740
LATITUDE, LONGITUDE = 31.230416, 121.473701  # 31°13'49.4976"N 121°28'25.3236"E


class Link:
    """The phone's network: a TCP relay to the daemon that the test can cut and restore.

    DevTools' network emulation is kept per target; a service worker Chromium restarts is a new
    target without it. Cutting the relay is what going offline is for every part of the phone."""

    def __init__(self, base):
        host, port = base.split("//", 1)[1].split(":")
        self.daemon = (host, int(port))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.base = "http://127.0.0.1:%d" % self.listener.getsockname()[1]
        self.up = True
        self.open_sockets = set()
        self.lock = threading.Lock()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            client, _ = self.listener.accept()
            with self.lock:
                if not self.up:
                    client.close()
                    continue
                try:
                    server = socket.create_connection(self.daemon)
                except OSError:
                    client.close()
                    continue
                self.open_sockets.update((client, server))
            threading.Thread(target=self.relay, args=(client, server), daemon=True).start()

    def relay(self, client, server):
        pair = {client: server, server: client}
        try:
            while True:
                readable, _, _ = select.select(list(pair), [], [])
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    pair[source].sendall(data)
        except OSError:
            pass
        finally:
            with self.lock:
                for s in (client, server):
                    self.open_sockets.discard(s)
                    s.close()

    def cut(self, cut):
        """Cuts (True) or restores (False) the link; cutting closes every open connection."""
        with self.lock:
            self.up = not cut
            if cut:
                for s in self.open_sockets:
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass


def list_status(phone, visit, expected, timeout=10):
    """The device state the visit list shows for `visit`, once it is `expected` or `timeout` has
    passed: the list's script fills the states in after the page's load event."""
    expression = "(document.querySelector('[data-state-of=\"%s\"]') || {dataset: {}}).dataset.status" % visit
    deadline = time.time() + timeout
    status = phone.evaluate(expression)
    while status != expected and time.time() < deadline:
        time.sleep(0.25)
        status = phone.evaluate(expression)
    return status


class Phone(Browser):
    """A browser emulating a phone, able to talk to its service worker's target too."""

    def __init__(self, binary, profile, link=None):
        super().__init__(binary, profile, width=WIDTH, height=HEIGHT)
        self.link = link
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 2, "mobile": True}, session=True)
        self.call("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5}, session=True)
        self.call("Emulation.setUserAgentOverride", {
            "userAgent": "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Mobile Safari/537.36"},
            session=True)
        self.worker_session = None

    def call_in(self, session_id, method, params=None):
        """A command in another flat session (the service worker's)."""
        return self.call(method, params, session=session_id)

    def wait_for(self, expression, timeout=30, what=None):
        """Polls a JavaScript expression in the page until it is truthy; its value."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.25)
        raise TimeoutError(what or expression)

    def evaluate_async(self, expression, session_id=None):
        params = {"expression": expression, "returnByValue": True, "awaitPromise": True}
        result = (self.call_in(session_id, "Runtime.evaluate", params) if session_id
                  else self.call("Runtime.evaluate", params, session=True))
        if "exceptionDetails" in result:
            raise RuntimeError("evaluate failed: %s" % result["exceptionDetails"])
        return result["result"].get("value")

    def attach_worker(self):
        """Attaches to the field service worker's target (once it runs)."""
        deadline = time.time() + 30
        while time.time() < deadline:
            for target in self.call("Target.getTargets")["targetInfos"]:
                if target["type"] == "service_worker" and target["url"].endswith("/field/sw.js"):
                    self.worker_session = self.call(
                        "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})["sessionId"]
                    self.call_in(self.worker_session, "Network.enable")
                    return
            time.sleep(0.25)
        raise TimeoutError("service worker target")

    def offline(self, offline):
        if self.link:
            self.link.cut(offline)
        conditions = {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
        self.call("Network.emulateNetworkConditions", conditions, session=True)
        if self.worker_session:
            self.call_in(self.worker_session, "Network.emulateNetworkConditions", conditions)

    def reload(self):
        self.events.clear()
        self.call("Page.reload", {"ignoreCache": False}, session=True)
        self.wait_event("Page.loadEventFired")

    def shot(self, directory, name):
        path = os.path.join(directory, name)
        self.screenshot(path)
        return path


def exif_segment():
    """An APP1 EXIF segment (big-endian TIFF): DateTimeOriginal, OffsetTimeOriginal, GPS latitude/longitude."""
    def dms(value):
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        seconds = round(((value - degrees) * 60 - minutes) * 60 * 10000)
        return [(degrees, 1), (minutes, 1), (seconds, 10000)]

    entries = {}  # ifd name -> list of (tag, type, count, value bytes)
    taken = b"2026:11:30 10:21:07\0"
    offset = b"+08:00\0"
    entries["exif"] = [(0x9003, 2, len(taken), taken), (0x9011, 2, len(offset), offset)]
    lat = b"".join(struct.pack(">II", *r) for r in dms(LATITUDE))
    lon = b"".join(struct.pack(">II", *r) for r in dms(LONGITUDE))
    entries["gps"] = [(1, 2, 2, b"N\0"), (2, 5, 3, lat), (3, 2, 2, b"E\0"), (4, 5, 3, lon)]

    def ifd_size(items):
        return 2 + 12 * len(items) + 4 + sum(len(v) for (_, _, _, v) in items if len(v) > 4)

    ifd0_at = 8
    ifd0_items = 2
    ifd0_len = 2 + 12 * ifd0_items + 4
    exif_at = ifd0_at + ifd0_len
    gps_at = exif_at + ifd_size(entries["exif"])

    def build_ifd(items, at):
        head = struct.pack(">H", len(items))
        data = b""
        data_at = at + 2 + 12 * len(items) + 4
        for tag, kind, count, value in items:
            if len(value) <= 4:
                head += struct.pack(">HHI", tag, kind, count) + value.ljust(4, b"\0")
            else:
                head += struct.pack(">HHII", tag, kind, count, data_at + len(data))
                data += value
        return head + struct.pack(">I", 0) + data

    ifd0 = struct.pack(">H", ifd0_items) + struct.pack(">HHII", 0x8769, 4, 1, exif_at) + \
        struct.pack(">HHII", 0x8825, 4, 1, gps_at) + struct.pack(">I", 0)
    tiff = b"MM\0*" + struct.pack(">I", ifd0_at) + ifd0 + build_ifd(entries["exif"], exif_at) + build_ifd(entries["gps"], gps_at)
    payload = b"Exif\0\0" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def jpeg_size(data):
    """(width, height) from a JPEG's SOF segment."""
    i = 2
    while i < len(data):
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    return None


def make_photo(phone, path):
    """A 2400x1800 JPEG drawn by the browser, with our EXIF segment spliced in after SOI."""
    data_url = phone.evaluate_async("""(async () => {
        const c = document.createElement('canvas'); c.width = 2400; c.height = 1800;
        const g = c.getContext('2d');
        const grad = g.createLinearGradient(0, 0, 2400, 1800); grad.addColorStop(0, '#17324d'); grad.addColorStop(1, '#e3a008');
        g.fillStyle = grad; g.fillRect(0, 0, 2400, 1800);
        g.fillStyle = '#fff'; g.font = '200px sans-serif'; g.fillText('Touchstone', 300, 950);
        const blob = await new Promise(r => c.toBlob(r, 'image/jpeg', 0.9));
        return await new Promise(r => { const f = new FileReader(); f.onload = () => r(f.result); f.readAsDataURL(blob); });
    })()""")
    jpeg = base64.b64decode(data_url.split(",", 1)[1])
    assert jpeg[:2] == b"\xff\xd8"
    with open(path, "wb") as f:
        f.write(jpeg[:2] + exif_segment() + jpeg[2:])
    return path


def api_request(base, token, method, path, body=None):
    request = urllib.request.Request(base + path, method=method, data=body,
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# The keys of the photos the field form keeps in IndexedDB on this device.
PHOTO_KEYS = """new Promise((resolve, reject) => {
    const open = indexedDB.open('touchstone-field', 1);
    open.onsuccess = () => {
        const request = open.result.transaction('photos').objectStore('photos').getAllKeys();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
    };
    open.onerror = () => reject(open.error);
})"""


def store(phone, auditor):
    return phone.evaluate("JSON.parse(localStorage.getItem(%s) || 'null')" % json.dumps("touchstone.field." + auditor))


def fill(phone):
    """Answers every item like a thumb would: the first choice (N/A where offered for A3-like items
    is left alone), 7 for measures, a sentence for texts. Returns the answers the page recorded."""
    phone.evaluate("""(() => {
        const items = Array.from(document.querySelectorAll('#field-form [data-item]'));
        let na = false;
        for (const item of items) {
            const radios = Array.from(item.querySelectorAll('input[type=radio]'));
            if (radios.length) {
                const naRadio = radios.find(r => r.value === 'na');
                const pick = (!na && naRadio) ? naRadio : radios[radios.length > 2 ? 1 : 0];
                if (pick === naRadio) na = true;
                pick.click();
                continue;
            }
            const number = item.querySelector('input[type=number]');
            if (number) { number.focus(); number.value = '7'; number.dispatchEvent(new Event('input', {bubbles: true})); continue; }
            const text = item.querySelector('textarea');
            if (text) { text.value = '前台接待热情 / friendly desk'; text.dispatchEvent(new Event('input', {bubbles: true})); }
        }
    })()""")


def main():
    args = arguments()
    token, logins, tenant = demo_credentials(args.demo_output)
    check("auditor" in logins and logins["auditor"]["role"] == "auditor", "the demo prints an auditor login")
    auditor = logins["auditor"]
    api = API(args.base, token)
    os.makedirs(args.screenshots, exist_ok=True)
    link = Link(args.base)
    phone = Phone(args.chromium, args.profile, link)
    second = None
    try:
        login(phone, link.base, tenant, "auditor", auditor["password"])
        check(phone.url() == "/field/visits", "the auditor lands on the field list (%s)" % phone.url())
        visits = phone.evaluate("Array.from(document.querySelectorAll('li.visit')).map(li => li.dataset.visit)")
        api_visits = [v["id"] for v in api.get("/api/v1/visits", auditor="auditor")["items"]
                      if v["state"] in ("assigned", "in_progress", "submitted")]
        check(visits and sorted(visits) == sorted(api_visits), "the list shows the auditor's visits (%s)" % visits)
        check(phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "list: no horizontal scroll at 360 px")
        check(phone.evaluate("window.innerWidth") == WIDTH, "the viewport is 360 px wide")
        visit = visits[0]
        # The service worker takes the page, and keeps the list and every visit's form.
        phone.wait_for("navigator.serviceWorker.controller !== null || (location.reload(), false)", timeout=40,
                       what="service worker controls the page")
        phone.wait_for("caches.open('touchstone-field-v1').then(c => c.keys()).then(k => window.__kept = k.map(r => new URL(r.url).pathname)), "
                       "(window.__kept || []).includes('/field/visits/%s')" % visit, what="the visit's form is kept")
        phone.attach_worker()
        phone.shot(args.screenshots, "field-1-list.png")

        phone.navigate(link.base + "/field/visits/" + visit)
        check(phone.url() == "/field/visits/" + visit, "the visit's form opens online")
        entry = phone.wait_for("(window.touchstoneField && window.touchstoneField.load().visits[%s])" % json.dumps(visit))
        audit_id = entry["auditID"]
        check(len(audit_id) == 36 and uuid.UUID(audit_id).version == 4, "the device made the audit id (%s)" % audit_id)
        phone.wait_for("window.touchstoneField.load().visits[%s].startReported" % json.dumps(visit), what="the start is reported")
        started = [v["state"] for v in api.get("/api/v1/visits", auditor="auditor")["items"] if v["id"] == visit]
        check(started == ["in_progress"], "opening the form online marks the visit in progress (%s)" % started)
        photo_path = make_photo(phone, os.path.join(os.path.dirname(args.profile), "field-photo.jpg"))

        # Offline: the page and its service worker.
        phone.offline(True)
        check(phone.evaluate("navigator.onLine") is False, "the page sees offline")
        check(phone.evaluate_async("fetch('/health/ready').then(() => 'online', () => 'offline')") == "offline",
              "the page cannot reach the daemon")
        check(phone.evaluate_async("fetch('/health/ready').then(() => 'online', () => 'offline')", phone.worker_session) == "offline",
              "the service worker cannot reach the daemon either")
        phone.reload()
        check(phone.evaluate("!!document.getElementById('field-form')"), "the form opens offline (from the service worker)")

        # Submitting an empty form lists what is missing.
        phone.evaluate("document.getElementById('field-submit').click()")
        missing = phone.evaluate("document.querySelectorAll('#field-errors li').length")
        required = phone.evaluate("document.querySelectorAll('[data-item][data-required=true]').length")
        check(missing == required and missing > 0, "required items are enforced before submission (%s of %s)" % (missing, required))

        fill(phone)
        phone.set_file('input[type=file][name]', photo_path)
        photo_item = phone.evaluate("document.querySelector('input[type=file][name]').name")
        photos = phone.wait_for("(window.touchstoneField.load().visits[%s].photos[%s] || []).length && "
                                "window.touchstoneField.load().visits[%s].photos[%s]"
                                % (json.dumps(visit), json.dumps(photo_item), json.dumps(visit), json.dumps(photo_item)),
                                what="the photo is kept on the device")
        check(len(photos) == 1, "one photo kept on the device")
        check("data" not in photos[0] and photos[0].get("thumbnail", "").startswith("data:image/jpeg"),
              "localStorage holds the photo's thumbnail, not the photo")
        kept = phone.evaluate_async(PHOTO_KEYS)
        check(kept == ["auditor/%s/%s/%s" % (visit, photo_item, photos[0]["name"])], "the photo itself is in IndexedDB (%s)" % kept)
        # A photo taken by mistake is removed from the visit and the phone.
        phone.set_file('input[type=file][name]', photo_path)
        listed = "window.touchstoneField.load().visits[%s].photos[%s]" % (json.dumps(visit), json.dumps(photo_item))
        mistake = phone.wait_for("%s.length === 2 && %s[1].name" % (listed, listed), what="a second photo is kept")
        phone.evaluate("document.querySelector('[data-remove-photo=\"%s\"]').click()" % mistake)
        phone.wait_for("%s.length === 1" % listed, what="the second photo is removed")
        for _ in range(40):
            kept = phone.evaluate_async(PHOTO_KEYS)
            if len(kept) == 1:
                break
            time.sleep(0.25)
        check(kept == ["auditor/%s/%s/%s" % (visit, photo_item, photos[0]["name"])], "a removed photo leaves the phone (%s)" % kept)
        captured = photos[0].get("captured") or {}
        check(captured.get("at") == "2026-11-30T10:21:07+08:00", "EXIF time read on the device (%s)" % captured.get("at"))
        position = captured.get("position") or {}
        check(abs(position.get("latitude", 0) - LATITUDE) < 1e-5 and abs(position.get("longitude", 0) - LONGITUDE) < 1e-5,
              "EXIF GPS read on the device (%s)" % position)
        before = store(phone, "auditor")["visits"][visit]["answers"]
        score_shown = phone.evaluate("document.getElementById('running-score') && document.getElementById('running-score').textContent")

        phone.reload()
        after = store(phone, "auditor")["visits"][visit]["answers"]
        shown = phone.evaluate("""(() => {
            const out = {};
            document.querySelectorAll('#field-form [data-item]').forEach(item => {
                const r = item.querySelector('input[type=radio]:checked');
                const f = item.querySelector('input[type=number], textarea');
                if (r) out[item.dataset.item] = r.value; else if (f && f.value) out[item.dataset.item] = f.value;
            });
            out.__photos = document.querySelectorAll('.photos img').length;
            return out;
        })()""")
        check(after == before and len(before) > 0, "answers survive an offline reload (%d answers)" % len(before))
        check(all(str(before[k]) == shown.get(k) for k in before), "the reloaded form shows the kept answers")
        check(shown.get("__photos") == 1, "the reloaded form shows the photo")
        check(phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "form: no horizontal scroll at 360 px")
        small = phone.evaluate("""Array.from(document.querySelectorAll('label.choice, #field-submit'))
            .filter(e => e.getBoundingClientRect().height < 44).length""")
        check(small == 0, "answer targets are at least 44 px high (%s smaller)" % small)
        phone.shot(args.screenshots, "field-2-form.png")

        phone.evaluate("document.getElementById('field-submit').click()")
        status = phone.wait_for("window.touchstoneField.load().visits[%s].status" % json.dumps(visit))
        check(status == "waiting", "offline, the submitted visit waits in the queue (%s)" % status)
        phone.navigate(link.base + "/field/visits")
        check(list_status(phone, visit, "waiting") == "waiting", "the list (offline) shows the visit waiting")
        phone.shot(args.screenshots, "field-3-offline-queue.png")
        outlet = store(phone, "auditor")["visits"][visit]["outlet"]
        period = time.strftime("%Y-%m")
        count_before = len([a for a in api.get("/api/v1/audits", outlet=outlet, limit=500)["items"]])
        check(api_request(args.base, token, "GET", "/api/v1/audits/" + audit_id)[0] == 404, "nothing reached the server while offline")

        # Back online: the queue goes by itself (the `online` event).
        phone.offline(False)
        status = phone.wait_for("(s => s === 'sent' || s === 'rejected' ? s : null)(window.touchstoneField.load().visits[%s].status)"
                                % json.dumps(visit), timeout=60, what="the queue is sent")
        entry = store(phone, "auditor")["visits"][visit]
        check(status == "sent", "online again, the visit is sent (%s %s)" % (status, entry.get("reason")))
        phone.navigate(link.base + "/field/visits")
        check(list_status(phone, visit, "sent") == "sent", "the list shows the visit sent")
        phone.shot(args.screenshots, "field-4-sent.png")

        record = api.get("/api/v1/audits/" + audit_id)
        items_after = api.get("/api/v1/audits", outlet=outlet, limit=500)["items"]
        check(len(items_after) == count_before + 1, "the audit arrived exactly once (%d → %d)" % (count_before, len(items_after)))
        check([a["id"] for a in items_after].count(audit_id) == 1, "its id is the device's")
        attachments = record.get("attachments", [])
        check(len(attachments) == 1 and attachments[0]["received"], "with its photo received (%s)" % attachments)
        check(attachments and attachments[0].get("captured", {}).get("position", {}).get("latitude") == position.get("latitude"),
              "the photo's EXIF position is kept as metadata")
        document = json.loads(entry["document"])
        check(document["device"].get("startedAt") and document["device"].get("endedAt"), "the device's start and end travel with it")
        status_code, served = api_request(args.base, token, "GET",
                                          "/api/v1/audits/%s/attachments/%s/%s" % (audit_id, attachments[0]["item"], attachments[0]["name"]))
        size = jpeg_size(served)
        check(status_code == 200 and size and max(size) == 1600, "the photo was downscaled to 1600 px on the device (%s)" % (size,))
        check(b"Exif" not in served[:4096], "the served photo carries no EXIF")
        check(phone.evaluate_async(PHOTO_KEYS) == [], "a sent visit's photo leaves the device")

        # The API's score of the same answers (another audit, same answers, no visit).
        same = dict(document, id=str(uuid.uuid4()), attachments=[])
        del same["visit"]
        same.pop("device", None)
        code, body = api_request(args.base, token, "POST", "/api/v1/audits", json.dumps(same).encode())
        twin = json.loads(body)
        check(code == 201, "the same answers through the API (%s)" % code)
        twin_record = api.get("/api/v1/audits/" + twin["id"])
        check(record.get("score") == twin_record.get("score") and record.get("score") is not None,
              "the score equals the API's score of the same answers (%s = %s)" % (record.get("score"), twin_record.get("score")))
        if score_shown and score_shown != "–":
            check(abs(float(score_shown) - float(record["score"])) < 0.051,
                  "the running score on the phone matched (%s ≈ %s)" % (score_shown, record["score"]))

        # A second phone replays the same queue: nothing new is stored.
        replay = dict(entry, status="waiting", sent={"document": False, "photos": {}})
        second = Phone(args.chromium, args.profile + "-second")
        login(second, args.base, tenant, "auditor", auditor["password"])
        second.navigate(args.base + "/field/visits")
        sent_photo = entry["photos"][photo_item][0]
        second.evaluate_async("window.touchstoneField.keepPhoto(%s, %s, %s, %s).then(() => 'kept')" % (
            json.dumps(visit), json.dumps(photo_item), json.dumps(sent_photo["name"]),
            json.dumps("data:image/jpeg;base64," + base64.b64encode(served).decode())))
        second.evaluate("localStorage.setItem(%s, JSON.stringify({visits: {%s: %s}}))"
                        % (json.dumps("touchstone.field.auditor"), json.dumps(visit), json.dumps(replay)))
        second.navigate(args.base + "/field/visits")
        status = second.wait_for("(s => s === 'sent' || s === 'rejected' ? s : null)(window.touchstoneField.load().visits[%s].status)"
                                 % json.dumps(visit), timeout=60, what="the replay is sent")
        check(status == "sent", "the second phone's replay is accepted as a retry (%s)" % status)
        replayed = api.get("/api/v1/audits", outlet=outlet, limit=500)["items"]
        check(len(replayed) == len(items_after) + 1, "the replay stored nothing new (only the API twin was added)")
        again = api.get("/api/v1/audits/" + audit_id)
        check(again.get("attachments") == record.get("attachments") and again.get("transitions") == record.get("transitions"),
              "the audit and its photo are unchanged by the replay")

        # A refused audit says why, and may be corrected: the same answers named for another outlet's visit.
        other = visits[1]
        wrong = dict(json.loads(entry["document"]), id=str(uuid.uuid4()), visit=other)
        refused = dict(entry, auditID=wrong["id"], document=json.dumps(wrong), status="waiting", sent={"document": False, "photos": {}})
        second.evaluate("(() => { const s = JSON.parse(localStorage.getItem('touchstone.field.auditor')); s.visits[%s] = %s; "
                        "localStorage.setItem('touchstone.field.auditor', JSON.stringify(s)); })()" % (json.dumps(other), json.dumps(refused)))
        second.navigate(args.base + "/field/visits/" + other)
        status = second.wait_for("(s => s === 'sent' || s === 'rejected' ? s : null)(window.touchstoneField.load().visits[%s].status)"
                                 % json.dumps(other), timeout=60, what="the wrong audit is answered")
        reason = second.evaluate("document.getElementById('visit-state').textContent")
        check(status == "rejected" and "visit" in reason, "a refused audit is shown rejected with the server's reason (%s)" % reason)
        check(second.evaluate("!document.getElementById('field-reopen').hidden"), "and can be corrected and sent again")
        check(api_request(args.base, token, "GET", "/api/v1/audits/" + wrong["id"])[0] == 404, "the refused audit stored nothing")
        print("period %s, visit %s, audit %s" % (period, visit, audit_id))
    finally:
        phone.close()
        if second:
            second.close()
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        sys.exit(1)
    print("field test passed")


if __name__ == "__main__":
    main()
