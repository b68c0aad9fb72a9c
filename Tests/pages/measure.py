"""Times every page of a live daemon as each given login: the first request, then 10 more,
reporting the first, the median and the slowest (loopback, so this is the server's time)."""

import argparse
import http.cookiejar
import re
import statistics
import time
import urllib.parse
import urllib.request


def session(base, tenant, login, password):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    # The login form's CSRF token: a cookie (kept by the jar) and the form's hidden field.
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', opener.open(base + "/login").read().decode()).group(1)
    form = urllib.parse.urlencode(
        {"tenant": tenant, "login": login, "password": password, "next": "/overview", "csrf": token}).encode()
    page = opener.open(base + "/login", form).read().decode()
    return opener, page


def timed(opener, url, runs=10):
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        opener.open(url).read()
        times.append((time.perf_counter() - start) * 1000)
    return times[0], statistics.median(times[1:]), max(times[1:])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--login", action="append", required=True)
    parser.add_argument("--password", action="append", required=True)
    args = parser.parse_args()
    print("%-6s %-62s %9s %9s %9s" % ("login", "page", "first ms", "median ms", "max ms"))
    for login, password in zip(args.login, args.password):
        opener, overview = session(args.base, args.tenant, login, password)
        period = re.search(r'name="period" value="([^"]+)"', overview).group(1)
        league = opener.open(args.base + "/league?period=%s&level=outlet&kpi=MS" % period).read().decode()
        outlet = re.search(r'data-subject="([^"]+)"', league).group(1)
        pages = ["/overview?period=" + period, "/league?period=%s&kpi=MS&level=outlet" % period,
                 "/league?period=%s&kpi=MS&level=outlet&sort=change&dir=desc" % period,
                 "/league?period=%s&kpi=MS&level=staff" % period, "/league?period=%s&kpi=T2B&level=staff" % period,
                 # Another order than rank: the whole table is read and sorted (then kept).
                 "/league?period=%s&kpi=T2B&level=staff&sort=name" % period,
                 "/outlets/%s?period=%s&kpi=MS" % (outlet, period)]
        outlet_page = opener.open(args.base + pages[-1]).read().decode()
        audit = re.search(r'href="(/audits/[0-9a-f-]{36})"', outlet_page)
        if audit:
            pages.append(audit.group(1))
        staff = re.search(r'served by (\S+)</p>', outlet_page) or re.search(r'served by (\S+)', outlet_page)
        if staff:
            pages.append("/staff/%s?period=%s" % (staff.group(1), period))
        if login == "admin":
            pages.append("/batch")
        for page in pages:
            first, median, slowest = timed(opener, args.base + page)
            print("%-6s %-62s %9.1f %9.1f %9.1f" % (login, page[:62], first, median, slowest))


if __name__ == "__main__":
    main()
