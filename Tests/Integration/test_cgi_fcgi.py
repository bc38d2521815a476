"""Edge cases of `guichet gateway fastcgi --port N` through libfcgi's own client, `cgi-fcgi`
(libfcgi-bin): it runs as a CGI program, forwarding its environment and standard input to the
FastCGI server and printing the CGI response, so the gateway is driven by a FastCGI
implementation we did not write.
"""

import os
import pwd
import shutil
import subprocess

from support import (SITE_ORIGIN, URLENCODED, Processes, check, cgi_environment, contact_pairs, count_submissions,
                     free_port, make_world_readable, port_open, tail, urlencoded, wait_until)

NAME = "cgi-fcgi → FastCGI (TCP)"


def cgi_fcgi(port, method, path, body=b"", content_type=None, extra=None, timeout=30):
    """(status line, head text, body) of one request sent with `cgi-fcgi -bind -connect`."""
    env = cgi_environment(method, path, body, content_type, extra=extra)
    env["PATH"] = "/usr/bin:/bin"
    result = subprocess.run(["cgi-fcgi", "-bind", "-connect", f"127.0.0.1:{port}"], input=body, env=env,
                            capture_output=True, timeout=timeout)
    out = result.stdout
    head, _, rest = out.partition(b"\r\n\r\n")
    text = head.decode("latin-1")
    first = text.split("\r\n", 1)[0]
    check(result.returncode == 0 or first.startswith("Status:"),
          f"cgi-fcgi {method} {path} failed ({result.returncode}): {result.stderr.decode(errors='replace')}")
    return first, text, rest.decode("utf-8", errors="replace")


def run(ws):
    folder = ws.folder("cgi-fcgi")
    procs = Processes(folder)
    try:
        port, db = free_port(), folder / "guichet.sqlite"
        gateway = procs.start("gateway", [ws.binary, "gateway", "fastcgi", "--root", ws.root, "--port", port, "--db", db])
        wait_until(lambda: port_open(port), "the FastCGI gateway", proc=gateway, procs=procs, name="gateway")
        page = (ws.site() / "formulaires/contact/index.html").read_text(encoding="utf-8")
        origin = {"HTTP_ORIGIN": SITE_ORIGIN}

        # A submission through cgi-fcgi, to have a real reference to ask for.
        status, head, _ = cgi_fcgi(port, "POST", "/guichet/formulaires/contact",
                                   urlencoded(contact_pairs(page, "Envoi par cgi-fcgi")), URLENCODED, origin)
        check(status.startswith("Status: 303"), f"POST via cgi-fcgi: expected Status: 303, got {head!r}")
        location = next(l.split(":", 1)[1].strip() for l in head.split("\r\n") if l.lower().startswith("location:"))
        reference, key = location.split("/")[-1].split("?cle=")

        cases = [
            # (what, method, path, body, content type, extra env, expected status, text in the body)
            ("receipt with its key", "GET", location, b"", None, {}, "200", reference),
            ("receipt with a wrong key", "GET", f"/guichet/suivi/{reference}?cle=mauvaise-cle", b"", None, {}, "404",
             "Accusé d’enregistrement introuvable"),
            ("receipt without key", "GET", f"/guichet/suivi/{reference}", b"", None, {}, "404", "introuvable"),
            ("receipt, reference with a typo", "GET", f"/guichet/suivi/{reference[:-1]}{'2' if reference[-1] != '2' else '3'}?cle={key}",
             b"", None, {}, "404", "introuvable"),
            ("receipt, reference in lower case", "GET", f"/guichet/suivi/{reference.lower()}?cle={key}", b"", None, {}, "200", reference),
            ("DELETE of a receipt", "DELETE", location, b"", None, {}, "405", "Action impossible"),
            ("GET of a form's action", "GET", "/guichet/formulaires/contact", b"", None, {}, "303", ""),
            ("unknown form", "POST", "/guichet/formulaires/inconnu", b"a=b", URLENCODED, origin, "404", "Page introuvable"),
            ("outside the prefix", "GET", "/ailleurs", b"", None, {}, "404", "Page introuvable"),
            ("another site's Origin", "POST", "/guichet/formulaires/contact", urlencoded(contact_pairs(page)), URLENCODED,
             {"HTTP_ORIGIN": "https://pirate.example"}, "403", "Envoi refusé"),
            ("not a form body", "POST", "/guichet/formulaires/contact", b"{}", "application/json", origin, "415", "Envoi non reconnu"),
            ("honeypot filled", "POST", "/guichet/formulaires/contact",
             urlencoded([(k, "https://spam.example" if k == "guichet-site-web" else v) for k, v in contact_pairs(page)]),
             URLENCODED, origin, "400", "programme automatique"),
            ("declared length over the limit", "POST", "/guichet/formulaires/contact", b"", URLENCODED,
             {**origin, "CONTENT_LENGTH": str(26 << 20)}, "413", "Envoi trop volumineux"),
            ("CONTENT_LENGTH not a number", "POST", "/guichet/formulaires/contact", b"", URLENCODED,
             {**origin, "CONTENT_LENGTH": "12a"}, "400", "Envoi incomplet"),
        ]
        before = count_submissions(db)
        for what, method, path, body, ctype, extra, expected, text in cases:
            status, head, out = cgi_fcgi(port, method, path, body, ctype, extra)
            check(status.startswith(f"Status: {expected}") and text in out,
                  f"cgi-fcgi {what} ({method} {path}): expected Status: {expected} with {text!r}, got {head!r} {out[:300]!r}")
        check(count_submissions(db) == before, "a refused request was stored")
        procs.check_alive(gateway, "gateway")
        gateway_log = procs.log("gateway")
        check("Fatal" not in gateway_log and "Crash" not in gateway_log, f"the gateway logged a crash:\n{tail(gateway_log)}")
        unprivileged = ""
        if os.geteuid() == 0:
            unprivileged = " ; " + as_unprivileged_user(ws, folder, procs, page)
        return f"{len(cases) + 1} requêtes, dont GET accusé + mauvaise clé → Status: 404{unprivileged}"
    finally:
        procs.stop_all()


def as_unprivileged_user(ws, folder, procs, page):
    """In production the gateway never runs as root (User=guichet in the unit). When the tests
    run as root (CI), the same TCP gateway is started again as `nobody`, which root hides:
    what only root may do (a privileged socket option, a file in a root-only folder) fails there."""
    user = pwd.getpwnam("nobody")
    home = folder / "nobody"
    home.mkdir()
    binary = home / "guichet"
    shutil.copy(ws.binary, binary)  # the checkout may be in a folder nobody cannot enter
    os.chown(home, user.pw_uid, user.pw_gid)
    make_world_readable(ws.base)
    port = free_port()
    gateway = procs.start("gateway-nobody", ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups",
                                             binary, "gateway", "fastcgi", "--root", ws.root, "--port", port,
                                             "--db", home / "guichet.sqlite"])
    wait_until(lambda: "prête" in procs.log("gateway-nobody"), "the FastCGI gateway run as nobody",
               proc=gateway, procs=procs, name="gateway-nobody")
    env = cgi_environment("GET", "/guichet/suivi/AAA-AAA-AAA?cle=x")
    env["PATH"] = "/usr/bin:/bin"
    result = subprocess.run(["cgi-fcgi", "-bind", "-connect", f"127.0.0.1:{port}"], env=env, capture_output=True, timeout=30)
    check(result.stdout.startswith(b"Status: 404"),
          f"the FastCGI gateway run as an unprivileged user (nobody) on --port {port} answered "
          f"{result.stdout[:80]!r} to a GET of a receipt (cgi-fcgi exit {result.returncode}; expected Status: 404). "
          "As root the same request works: the server does something only root may do on each TCP connection "
          "(strace the gateway: setsockopt … EACCES, then close).")
    status, head, _ = cgi_fcgi(port, "POST", "/guichet/formulaires/contact", urlencoded(contact_pairs(page, "nobody")),
                               URLENCODED, {"HTTP_ORIGIN": SITE_ORIGIN})
    check(status.startswith("Status: 303"), f"POST to the gateway run as nobody: expected Status: 303, got {head!r}")
    return "passerelle sous nobody : 404 et 303"
