#!/usr/bin/env python3
"""Runs axe-core on the pages of a built site, in headless Chromium.

    scripts/axe_check.py DIR [PAGE ...] [--json OUT] [--width W]
    scripts/axe_check.py DIR --screenshot PAGE OUT.png [--screenshot ...] [--width 320]

DIR is served on 127.0.0.1 (random free port) by a Python HTTP server in a thread, so pages
load over http:// as on the real site (`/foo/` serves `/foo/index.html`, root-relative links
and assets work). Without PAGE arguments every .html file under DIR is checked; a PAGE is a
URL path (`/demarches/`) or a file path relative to DIR (`demarches/index.html`).

Each page gets axe.min.js injected and `axe.run()` with the WCAG 2.0/2.1 A and AA rules plus
axe's best practices. Each offending element is printed as
    page: rule-id (impact): help — target selector
followed by the summary line "axe-core: N pages, N violations" (N violations = lines
printed, one per offending element). Exit status: 0 = none, 1 = violations, 2 = could not check.
--json OUT writes axe's full `violations` (and the `incomplete` ones to review by hand) per page.

--screenshot takes full-page screenshots instead of checking, at viewport width --width
(default 1280; 320 px is the narrowest width WCAG 1.4.10 "Reflow" asks to work).

One Chromium session serves all pages: starting a browser costs far more than a page.
Needs Debian's chromium and chromium-driver, pip's selenium, and .build-tools/axe.min.js
(all installed by scripts/install-deps.sh --test).
"""

import argparse
import functools
import http.server
import json
import os
import sys
import threading
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AXE_JS = REPO / ".build-tools" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

# Runs in the page (async WebDriver script: the last argument is the callback).
# Errors are returned as data, because a rejected promise would only surface as a timeout.
AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})
  .then(r => done({violations: r.violations, incomplete: r.incomplete}))
  .catch(e => done({error: String(e && e.stack || e)}));
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files from DIR (SimpleHTTPRequestHandler already maps /foo/ to /foo/index.html
    and redirects /foo to /foo/), without one log line per request."""

    def log_message(self, format, *args):
        pass


def start_server(root):
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)  # port 0 = any free port
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def url_path(root, page):
    """Maps a PAGE argument (URL path or file path relative to root) to (URL path, file)."""
    rel = urllib.parse.unquote(page.split("#")[0].split("?")[0]).lstrip("/")
    file = root / rel
    if rel == "" or page.endswith("/") or file.is_dir():
        file = file / "index.html"
    rel = file.relative_to(root).as_posix()
    # Show pages as their URL: "demarches/index.html" -> "/demarches/".
    shown = "/" + (rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel)
    return shown, file


def all_pages(root):
    return sorted(
        "/" + p.relative_to(root).as_posix()
        for p in root.rglob("*.html")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def start_browser(width, height):
    # Imported here so that `--help` works without selenium installed.
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--hide-scrollbars", "--lang=fr-FR"):
        options.add_argument(flag)
    # Explicit driver path: Selenium Manager then has nothing to look up or download.
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    set_viewport(driver, width, height)
    return driver


def set_viewport(driver, width, height):
    # The window size of headless Chromium is not its viewport size; emulating the device
    # metrics gives an exact CSS viewport, and mobile=True for narrow widths makes Chromium
    # honour <meta name=viewport> as a phone would.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600,
    })


def target_text(node):
    # A target is a list of CSS selectors, one per nested frame; an item is itself a list
    # when the element is inside shadow DOM.
    parts = [" >>> ".join(t) if isinstance(t, list) else str(t) for t in node.get("target", [])]
    return " | ".join(parts)


def check_pages(driver, base, root, pages, json_out):
    axe_source = AXE_JS.read_text(encoding="utf-8")
    # Have Chromium run axe.min.js in every new document itself: sending 570 kB through
    # WebDriver on each page cost ~70 ms of the ~240 ms a page takes here.
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": axe_source})
    report, count, problems = {}, 0, 0
    for page in pages:
        shown, file = url_path(root, page)
        if not file.is_file():
            print(f"{shown}: page not found ({file})", file=sys.stderr)
            problems += 1
            continue
        driver.get(base + urllib.parse.quote(shown))
        if not driver.execute_script("return typeof axe !== 'undefined'"):
            driver.execute_script(axe_source)  # e.g. a page that replaced its own document
        result = driver.execute_async_script(AXE_RUN, TAGS)
        if "error" in result:
            print(f"{shown}: axe failed: {result['error']}", file=sys.stderr)
            problems += 1
            continue
        report[shown] = result
        for v in result["violations"]:
            for node in v["nodes"]:
                count += 1
                print(f"{shown}: {v['id']} ({v.get('impact') or node.get('impact')}): "
                      f"{v['help']} — {target_text(node)}")
    if json_out:
        with open(json_out, "w", encoding="utf-8") as f:
            json.dump(report, f, ensure_ascii=False, indent=1)
    print(f"axe-core: {len(report)} pages, {count} violations")
    return 2 if problems else (1 if count else 0)


def screenshot(driver, base, root, page, out, width, height):
    shown, file = url_path(root, page)
    if not file.is_file():
        print(f"{shown}: page not found ({file})", file=sys.stderr)
        return False
    set_viewport(driver, width, height)
    driver.get(base + urllib.parse.quote(shown))
    # Full page: grow the viewport to the document's height, then capture it.
    full = driver.execute_script(
        "return Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)")
    set_viewport(driver, width, max(height, min(int(full), 20000)))
    Path(out).write_bytes(driver.get_screenshot_as_png())
    set_viewport(driver, width, height)
    # Say so when the page is wider than the viewport: horizontal scrolling at 320 px fails
    # WCAG 1.4.10 (Reflow), and a screenshot hides it silently.
    scroll_w, has_meta = driver.execute_script(
        "return [document.documentElement.scrollWidth, !!document.querySelector('meta[name=viewport]')]")
    note = ""
    if scroll_w > width:
        note = f" (page is {scroll_w} px wide: horizontal scrolling"
        note += ")" if has_meta else "; no <meta name=viewport>, so phones lay it out 980 px wide)"
    print(f"{shown}: screenshot {out} ({width} px wide){note}")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path, help="built site to serve")
    parser.add_argument("pages", nargs="*", help="pages to check (default: every .html under DIR)")
    parser.add_argument("--json", metavar="OUT", help="write axe's results per page to OUT")
    parser.add_argument("--screenshot", nargs=2, metavar=("PAGE", "OUT.png"), action="append",
                        help="save a full-page screenshot of PAGE instead of checking (repeatable)")
    parser.add_argument("--width", type=int, default=1280, help="viewport width in CSS px (default 1280)")
    parser.add_argument("--height", type=int, default=800, help="viewport height in CSS px (default 800)")
    args = parser.parse_args()

    root = args.dir.resolve()
    if not root.is_dir():
        parser.error(f"{args.dir} is not a folder")
    if not args.screenshot and not AXE_JS.is_file():
        print(f"axe_check: {AXE_JS} missing (run scripts/install-deps.sh --test)", file=sys.stderr)
        return 2
    pages = args.pages or all_pages(root)

    server, base = start_server(root)
    driver = None
    try:
        driver = start_browser(args.width, args.height)
        if args.screenshot:
            ok = [screenshot(driver, base, root, p, out, args.width, args.height) for p, out in args.screenshot]
            return 0 if all(ok) else 2
        return check_pages(driver, base, root, pages, args.json)
    finally:
        if driver is not None:
            driver.quit()
        server.shutdown()


if __name__ == "__main__":
    sys.exit(main())
