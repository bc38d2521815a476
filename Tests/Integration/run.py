#!/usr/bin/env python3
"""End-to-end tests of Guichet with real parts: nginx, lighttpd, Apache, Chromium, cgi-fcgi, SIGKILL.

    python3 Tests/Integration/run.py [--binary .build/debug/guichet] [--keep] [TEST ...]

TEST is a module name without its test_ prefix (nginx_fastcgi, lighttpd_cgi, apache, browser,
cgi_fcgi, durability, openapi, mail); default: all. Each test starts its own servers on 127.0.0.1 (random
free ports) in one temporary folder, as the current user (root too), and stops them at the end,
even on failure. The web servers' configurations are the files of docs/deploiement/, filled in
with the test's paths and ports. One line per test, then "N passed, N failed"; exit 1 on any
failure. --keep leaves the temporary folder (logs, configurations, databases) for a post-mortem.

Called by `make integration` (part of `make test`). Needs what scripts/install-deps.sh --test
installs (nginx-light, lighttpd, apache2-bin, libfcgi-bin, chromium, chromium-driver, selenium,
openssl, openapi-core, schemathesis, aiosmtpd) and a built guichet binary.
"""

import argparse
import importlib
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import support  # noqa: E402

TESTS = ["nginx_fastcgi", "lighttpd_cgi", "apache", "browser", "cgi_fcgi", "durability", "openapi", "mail"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tests", nargs="*", metavar="TEST", help=", ".join(TESTS))
    parser.add_argument("--binary", default=str(support.REPO / ".build/debug/guichet"))
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    unknown = [t for t in args.tests if t not in TESTS]
    if unknown:
        parser.error(f"unknown test(s) {', '.join(unknown)}; known: {', '.join(TESTS)}")
    binary = Path(args.binary)
    if not binary.is_file():
        print(f"integration: {binary} missing: build it first (swift build --product guichet)", file=sys.stderr)
        return 2

    ws = support.Workspace(binary, keep=args.keep)
    passed, failed, started = 0, 0, time.monotonic()
    try:
        for name in args.tests or TESTS:
            module = importlib.import_module(f"test_{name}")
            t0 = time.monotonic()
            try:
                detail = module.run(ws)
                passed += 1
                print(f"PASS {module.NAME} ({time.monotonic() - t0:.1f} s) : {detail}", flush=True)
            except support.Failure as failure:
                failed += 1
                print(f"FAIL {module.NAME} ({time.monotonic() - t0:.1f} s) : {failure}", flush=True)
            except Exception:  # a bug of the test or an unexpected answer: still a failure, with its trace
                failed += 1
                print(f"FAIL {module.NAME} ({time.monotonic() - t0:.1f} s) : exception\n{traceback.format_exc()}", flush=True)
    finally:
        support.stop_everything()
        if args.keep or failed:
            print(f"integration: logs and configurations kept in {ws.base}")
        else:
            ws.cleanup()
    print(f"integration ({time.monotonic() - started:.0f} s): {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
