"""Drives headless Chromium through the head-office pages of a live `touchstone demo` daemon.

Logs in as each demo role, opens every page, checks the numbers on the pages against the
API (with the demo's admin token), checks the scopes (a region manager sees only its subtree,
an outlet manager only its outlet, staff only themselves), and saves screenshots.
"""

import argparse
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402

FAILURES = []


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        FAILURES.append(message)


class API:
    def __init__(self, base, token):
        self.base, self.token = base, token

    def get(self, path, **query):
        url = self.base + path + ("?" + urllib.parse.urlencode(query) if query else "")
        request = urllib.request.Request(url, headers={"Authorization": "Bearer " + self.token})
        with urllib.request.urlopen(request) as response:
            return json.load(response)


def demo_credentials(path):
    """The admin token and the page logins printed by `touchstone demo`."""
    text = open(path, encoding="utf-8").read()
    token = re.search(r"Token:\s+(\S+)", text).group(1)
    logins = {m.group(1): {"password": m.group(2), "role": m.group(3), "scope": m.group(4)}
              for m in re.finditer(r"^\s+(\S+) / (\S+)\s+\((\w+): (.+)\)$", text, re.M)}
    tenant = re.search(r"tenant (\S+)\)", text).group(1)
    return token, logins, tenant


def table(browser, selector, key, value=".value"):
    """{row key: text of the value cell} of a table's body rows."""
    return dict(browser.evaluate(
        "Array.from(document.querySelectorAll(%s)).map(r => [r.dataset.%s, (r.querySelector(%s) || {}).textContent])"
        % (json.dumps(selector), key, json.dumps(value))))


def text(browser, selector):
    return browser.evaluate("(document.querySelector(%s) || {}).textContent || null" % json.dumps(selector))


def login(browser, base, tenant, name, password):
    browser.clear_cookies()
    browser.navigate(base + "/login")
    browser.submit_form("form.login", {"tenant": tenant, "login": name, "password": password})


def error_status(browser):
    return text(browser, "#error-status")


def arguments():
    """The command line of a page test (run.sh): the daemon, its demo output, where screenshots go, the browser."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--demo-output", required=True)
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--profile", required=True)
    parser.add_argument("--chromium", default="chromium")
    return parser.parse_args()


def main():
    args = arguments()

    token, logins, tenant = demo_credentials(args.demo_output)
    check(set(logins) >= {"admin", "rm", "om", "staff"}, "demo prints logins for admin, rm, om, staff")
    api = API(args.base, token)
    base = args.base
    shots = args.screenshots
    browser = Browser(args.chromium, args.profile)
    try:
        # Login page, wrong password.
        browser.navigate(base + "/overview")
        check(browser.url().startswith("/login?next="), "anonymous /overview goes to the login page")
        browser.screenshot(os.path.join(shots, "login.png"))
        browser.submit_form("form.login", {"tenant": tenant, "login": "admin", "password": "not-the-password"})
        check(browser.evaluate("document.body.innerText").find("not right") >= 0, "a wrong password is refused")

        # Head office.
        login(browser, base, tenant, "admin", logins["admin"]["password"])
        check(browser.url() == "/overview", "admin lands on the overview")
        period = browser.evaluate("document.querySelector('input[name=period]').value")
        kpis = table(browser, "#kpis tbody tr", "kpi")
        check(len(kpis) > 0, "overview lists KPIs (%d)" % len(kpis))
        for code, shown in kpis.items():
            point = api.get("/api/v1/trend", level="tenant", subject=tenant, kpi=code, periods=1, through=period)["points"][-1]
            expected = point["value"]["value"] if point.get("value") else "—"
            check(shown == expected, "overview %s = %s (API %s)" % (code, shown, expected))
        warnings = api.get("/api/v1/warnings", period=period)["items"]
        shown_warnings = browser.evaluate("document.querySelectorAll('#warnings tbody tr').length")
        check(shown_warnings == max(1, len(warnings)), "overview shows the %d early warnings" % len(warnings))
        jobs = api.get("/api/v1/batch-runs", period=period)["items"]
        check(text(browser, "#last-job").startswith("#%d" % jobs[0]["id"]), "overview shows the last batch run #%d" % jobs[0]["id"])
        browser.screenshot(os.path.join(shots, "overview.png"))
        browser.screenshot(os.path.join(shots, "overview-print.png"), print_media=True)

        # League table.
        browser.navigate(base + "/league")
        kpi = text(browser, "#league-kpi")
        league_api = api.get("/api/v1/league", period=period, kpi=kpi, level="outlet")["items"]
        rows = browser.evaluate("Array.from(document.querySelectorAll('#league tbody tr')).map(r => "
                                "[r.dataset.subject, r.querySelector('.rank').textContent, r.querySelector('.value').textContent])")
        expected_rows = [[r["subject"], str(r["rank"]) if r["rank"] else "—", r["current"]["value"]] for r in league_api[:100]]
        check(rows == expected_rows, "league %s: %d rows as the API ranks them" % (kpi, len(rows)))
        check(text(browser, "#league-total") == str(len(league_api)), "league total %d" % len(league_api))
        ranks = [r["rank"] for r in league_api if r["rank"]]
        check(len(ranks) > 1 and len(set(ranks)) == len(ranks), "league %s: %d distinct ranks" % (kpi, len(set(ranks))))
        browser.screenshot(os.path.join(shots, "league.png"))
        browser.evaluate("document.querySelector('#league thead a[href*=\"sort=value\"]').click()")
        browser.wait_event("Page.loadEventFired")
        values = [float(v) for v in browser.evaluate(
            "Array.from(document.querySelectorAll('#league tbody tr')).filter(r => r.querySelector('.rank').textContent !== '—')"
            ".map(r => r.querySelector('.value').textContent)")]
        check(values == sorted(values), "league sorted by value ascending")
        cookie = [c for c in browser.call("Network.getCookies", session=True)["cookies"] if c["name"] == "ts_session"][0]
        csv_request = urllib.request.Request(base + text_attr(browser, "#csv", "href"),
                                             headers={"Cookie": "ts_session=" + cookie["value"]})
        csv_lines = urllib.request.urlopen(csv_request).read().decode().strip().splitlines()
        check(len(csv_lines) == len(league_api) + 1, "league CSV export has every row (%d)" % len(league_api))

        # Outlet page: the demo's twelve months as twelve points, and the five-dimension radar with
        # the outlet's polygon over its region's (for the top outlet and the bottom one).
        for outlet in (league_api[-1]["subject"], league_api[0]["subject"]):
            browser.navigate(base + "/outlets/%s?period=%s" % (outlet, period))
            dots = browser.evaluate("document.querySelectorAll('svg.line-chart circle.dot').length")
            check(dots == 12, "outlet %s: a 12-period trend (%d points)" % (outlet, dots))
            polygons = dict(browser.evaluate(
                "Array.from(document.querySelectorAll('svg.radar-chart polygon.outlet, svg.radar-chart polygon.region'))"
                ".map(p => [p.getAttribute('class'), p.getAttribute('points').trim().split(/\\s+/)])"))
            for name in ("outlet", "region"):
                corners = polygons.get(name, [])
                check(len(corners) == 5 and len(set(corners)) == 5, "outlet %s: the %s's radar polygon has 5 distinct corners %s" % (outlet, name, corners))
            check(polygons.get("outlet") != polygons.get("region"), "outlet %s: its polygon differs from its region's" % outlet)
        browser.navigate(base + "/outlets/%s?period=%s" % (outlet, period))
        outlet_kpis = table(browser, "#kpis tbody tr", "kpi")
        for code, shown in outlet_kpis.items():
            point = api.get("/api/v1/trend", level="outlet", subject=outlet, kpi=code, periods=1, through=period)["points"][-1]
            expected = point["value"]["value"] if point.get("value") else "—"
            check(shown == expected, "outlet %s %s = %s (API %s)" % (outlet, code, shown, expected))
        check(browser.evaluate("document.querySelectorAll('svg.line-chart, svg.radar-chart').length") == 2, "outlet trend and radar charts")
        browser.screenshot(os.path.join(shots, "outlet.png"))

        # Audit page.
        audits = api.get("/api/v1/audits", period=period, outlet=outlet)["items"]
        if audits:
            audit = api.get("/api/v1/audits/" + audits[0]["id"])
            browser.navigate(base + "/audits/" + audit["id"])
            check(text(browser, "#audit-score") == (audit["score"] or "—"), "audit score %s" % audit["score"])
            sections = browser.evaluate("Array.from(document.querySelectorAll('.section-score')).map(e => [e.dataset.section, e.textContent])")
            expected_sections = [[s["code"], s["score"] or "—"] for s in audit["sections"]]
            check(sections == expected_sections, "audit section scores %s" % sections)
            browser.screenshot(os.path.join(shots, "audit.png"))
        else:
            check(False, "outlet %s has audits in %s" % (outlet, period))

        # Staff page with a payout explanation.
        payouts = api.get("/api/v1/payouts", period=period)["items"]
        paid = next(p for p in payouts if p["payout"] != "0.00")
        browser.navigate(base + "/staff/%s?period=%s" % (paid["employeeNo"], period))
        amounts = browser.evaluate("Array.from(document.querySelectorAll('.payout-amount')).map(e => e.textContent)")
        expected_amounts = [p["payout"] for p in payouts if p["employeeNo"] == paid["employeeNo"]]
        check(sorted(amounts) == sorted(expected_amounts), "staff %s payouts %s" % (paid["employeeNo"], amounts))
        check(browser.evaluate("document.querySelectorAll('.formula').length") >= 3, "payout laid out as formulas")
        browser.screenshot(os.path.join(shots, "staff.png"))

        # Batch page: history, then a run from the form.
        browser.navigate(base + "/batch")
        shown_jobs = [int(j) for j in browser.evaluate("Array.from(document.querySelectorAll('#jobs tbody tr')).map(r => r.dataset.job)")]
        all_jobs = api.get("/api/v1/batch-runs")["items"]
        check(shown_jobs == [j["id"] for j in all_jobs[:20]], "batch page lists the job history")
        check(browser.evaluate("!!document.querySelector('#run-batch input[type=checkbox][name=full]')"), "batch form offers a full run")
        browser.submit_form("#run-batch", {"period": period})
        deadline = time.time() + 300
        while time.time() < deadline and browser.evaluate("!!document.querySelector('meta[http-equiv=refresh]')"):
            browser.screenshot(os.path.join(shots, "batch-running.png"))
            browser.wait_event("Page.loadEventFired", timeout=30)
        latest = api.get("/api/v1/batch-runs")["items"][0]
        check(latest["id"] > all_jobs[0]["id"] and latest["state"] == "succeeded", "batch run from the page: #%d %s" % (latest["id"], latest["state"]))
        browser.navigate(base + "/batch")
        browser.screenshot(os.path.join(shots, "batch.png"))

        # Chinese labels, remembered.
        browser.navigate(base + "/language/zh-CN?next=%2Foverview")
        check("风险预警" in browser.evaluate("document.body.innerText"), "中文 labels after choosing zh-CN")
        browser.navigate(base + "/league")
        check(browser.evaluate("document.documentElement.lang") == "zh-CN", "the choice is remembered")
        browser.navigate(base + "/overview")
        browser.screenshot(os.path.join(shots, "overview-zh.png"))
        browser.navigate(base + "/language/en?next=%2Foverview")
        browser.submit_form("form[action='/logout']", {})
        check(browser.url() == "/login", "logout")
        browser.navigate(base + "/overview")
        check(browser.url().startswith("/login"), "after logout the session is gone")

        # Region manager: only its subtree.
        region = logins["rm"]["scope"]
        login(browser, base, tenant, "rm", logins["rm"]["password"])
        check(text(browser, "#scope") == region, "region manager's overview is its region %s" % region)
        browser.screenshot(os.path.join(shots, "rm-overview.png"))
        browser.navigate(base + "/league?period=%s&kpi=%s&level=outlet" % (period, kpi))
        rm_rows = browser.evaluate("Array.from(document.querySelectorAll('#league tbody tr')).map(r => r.dataset.subject)")
        inside = [r["subject"] for r in api.get("/api/v1/league", period=period, kpi=kpi, level="outlet", region=region)["items"]]
        check(rm_rows == inside[:100] and len(inside) < len(league_api), "region manager's league: its %d outlets only" % len(inside))
        browser.screenshot(os.path.join(shots, "rm-league.png"))
        outside = next(r["subject"] for r in league_api if r["subject"] not in inside)
        browser.navigate(base + "/outlets/%s?period=%s" % (outside, period))
        check(error_status(browser) == "HTTP 404", "region manager cannot open outlet %s outside its region" % outside)
        browser.navigate(base + "/batch")
        check(error_status(browser) == "HTTP 403", "region manager has no batch page")

        # Outlet manager: only its outlet.
        own = logins["om"]["scope"]
        login(browser, base, tenant, "om", logins["om"]["password"])
        check(browser.url().startswith("/outlets/" + own), "outlet manager lands on its outlet %s" % own)
        browser.screenshot(os.path.join(shots, "om-outlet.png"))
        other = next(r["subject"] for r in league_api if r["subject"] != own)
        browser.navigate(base + "/outlets/%s?period=%s" % (other, period))
        check(error_status(browser) == "HTTP 404", "outlet manager cannot open outlet %s" % other)
        browser.navigate(base + "/league")
        check(error_status(browser) == "HTTP 403", "outlet manager has no league table")

        # Staff: only themselves.
        me = logins["staff"]["scope"]
        login(browser, base, tenant, "staff", logins["staff"]["password"])
        check(browser.url().startswith("/staff/" + me), "staff land on their own page %s" % me)
        browser.screenshot(os.path.join(shots, "staff-self.png"))
        someone = next(p["employeeNo"] for p in payouts if p["employeeNo"] != me)
        browser.navigate(base + "/staff/%s?period=%s" % (someone, period))
        check(error_status(browser) == "HTTP 404", "staff cannot open %s" % someone)
    finally:
        browser.close()

    print("screenshots: %s" % ", ".join(sorted(os.listdir(shots))))
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        sys.exit(1)
    print("all page checks passed")


def text_attr(browser, selector, attribute):
    return browser.evaluate("document.querySelector(%s).getAttribute(%s)" % (json.dumps(selector), json.dumps(attribute)))


if __name__ == "__main__":
    main()
