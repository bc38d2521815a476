"""nginx → `guichet gateway fastcgi` over a Unix socket, with the files of docs/deploiement/:
nginx.conf (the site file, inside a test-only main context) and guichet-fastcgi.service (the
gateway is started with its ExecStart line). The site is the demo built by `guichet build`.
"""

import os
import shlex
import signal
import shutil
import subprocess

from support import (GATEWAY_LIMIT, SITE_HOST, SITE_ORIGIN, URLENCODED, Failure, Processes, check, count_submissions,
                     exercise_contact_form, fill_template, free_port, http, key_hash, oversized, port_open, queue_rows,
                     receipt_location, self_signed_certificate, unix_socket_open, urlencoded, wait_until)

NAME = "nginx + FastCGI (socket Unix)"


def exec_start(unit_path):
    """The ExecStart command line of a systemd unit, as argv."""
    for line in unit_path.read_text().splitlines():
        if line.startswith("ExecStart="):
            return shlex.split(line[len("ExecStart="):])
    raise Failure(f"{unit_path}: no ExecStart line")


def verify_unit(unit_path):
    """`systemd-analyze verify` when it is there (it is not on every CI machine): catches unknown
    keys and bad values. The binary and paths must exist, which they do after templating."""
    tool = shutil.which("systemd-analyze")
    if not tool:
        return "systemd-analyze absent"
    result = subprocess.run([tool, "verify", str(unit_path)], capture_output=True, text=True, timeout=60)
    # Lines about the unit itself; systemd also complains about the host's other units.
    own = [l for l in (result.stdout + result.stderr).splitlines() if unit_path.name in l]
    check(not own, f"systemd-analyze verify {unit_path.name}:\n" + "\n".join(own))
    return "unité systemd vérifiée"


def nginx_main_conf(folder, site_conf):
    """The main context a test needs (Debian's nginx.conf has /var paths and a daemon)."""
    user = "user root root;" if os.geteuid() == 0 else ""  # workers as the test's user
    for name in ("fastcgi_params", "mime.types"):
        shutil.copy(f"/etc/nginx/{name}", folder / name)  # `include fastcgi_params;` is relative
    for name in ("body", "fastcgi", "proxy", "scgi", "uwsgi"):
        (folder / "temp" / name).mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx-main.conf"
    conf.write_text(f"""
{user}
daemon off;
master_process on;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    include mime.types;
    default_type application/octet-stream;
    access_log {folder}/nginx-access.log;
    client_body_temp_path {folder}/temp/body;
    fastcgi_temp_path {folder}/temp/fastcgi;
    proxy_temp_path {folder}/temp/proxy;
    scgi_temp_path {folder}/temp/scgi;
    uwsgi_temp_path {folder}/temp/uwsgi;
    include {site_conf};
}}
""")
    return conf


def run(ws):
    site = ws.site()
    folder = ws.folder("nginx")
    procs = Processes(folder)
    try:
        sock, db = folder / "fcgi.sock", folder / "guichet.sqlite"
        unit = fill_template("guichet-fastcgi.service", [
            ("/usr/local/bin/guichet", ws.binary), ("/srv/mairie", ws.root),
            ("/run/guichet/fcgi.sock", sock), ("/var/lib/guichet/guichet.sqlite", db)], folder / "guichet-fastcgi.service")
        unit_note = verify_unit(unit)
        gateway = procs.start("gateway", exec_start(unit))
        # "prête" is printed once the socket is bound and its mode set.
        wait_until(lambda: "prête" in procs.log("gateway"), "the FastCGI gateway", proc=gateway, procs=procs, name="gateway")
        check(unix_socket_open(sock), f"nothing listens on {sock}")
        mode = os.stat(sock).st_mode & 0o777
        check(mode == 0o660, f"socket mode is {oct(mode)}, the guide says 0660")

        cert, key = self_signed_certificate(folder)
        http_port, https_port = free_port(), free_port()
        le = f"/etc/letsencrypt/live/{SITE_HOST}"
        site_conf = fill_template("nginx.conf", [
            ("/run/guichet/fcgi.sock", sock), ("/srv/mairie/site", site),
            ("listen 80;", f"listen 127.0.0.1:{http_port};"), ("listen [::]:80;", ""),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"), ("listen [::]:443 ssl http2;", ""),
            (f"{le}/fullchain.pem", cert), (f"{le}/privkey.pem", key)], folder / "guichet-site.conf")
        main = nginx_main_conf(folder, site_conf)
        test = subprocess.run(["nginx", "-t", "-q", "-c", str(main)], capture_output=True, text=True)
        check(test.returncode == 0, f"nginx -t refuses docs/deploiement/nginx.conf:\n{test.stderr}")
        nginx = procs.start("nginx", ["nginx", "-c", main])
        wait_until(lambda: port_open(https_port) and port_open(http_port), "nginx", proc=nginx, procs=procs, name="nginx")

        def get(path):
            return http("GET", https_port, path, host=SITE_HOST, tls=True)

        def post(body, ctype, origin=SITE_ORIGIN):
            return http("POST", https_port, "/guichet/formulaires/contact", body=body, host=SITE_HOST, tls=True,
                        headers={"Content-Type": ctype, "Origin": origin, "Referer": SITE_ORIGIN + "/formulaires/contact/"})

        r = http("GET", http_port, "/formulaires/contact/", host=SITE_HOST)
        check(r.status == 301 and r.header("location") == f"https://{SITE_HOST}/formulaires/contact/",
              f"GET http://…/formulaires/contact/: expected 301 to https, got {r!r}")
        pairs, stored = exercise_contact_form(get, post, db, "nginx", "attestation-domicile.pdf")

        # 4. Bigger than the gateway's 25 Mio → 413, nothing stored. Up to nginx's 26m, the
        # gateway answers with its own page; beyond, nginx refuses before passing anything on.
        r = post(*oversized(pairs, GATEWAY_LIMIT + 1))
        check(r.status == 413 and "Envoi trop volumineux" in r.text,
              f"POST of 25 Mio + 1 byte via nginx: expected the gateway's 413 « Envoi trop volumineux », got {r!r}")
        r = post(*oversized(pairs, 30 << 20))
        check(r.status == 413, f"POST of 30 Mio via nginx: expected nginx's 413, got {r!r}")
        check(count_submissions(db) == stored, "a refused submission (413) was stored")
        procs.check_alive(gateway, "gateway")

        # 5. What Restart=always does after a crash: SIGKILL leaves the socket file and nginx's
        # kept-alive connections dead; the restarted gateway replaces the socket, nginx reconnects.
        procs.kill(gateway, signal.SIGKILL)
        check(sock.exists(), "test bug: the socket file should survive a SIGKILL")
        gateway = procs.start("gateway", exec_start(unit))
        wait_until(lambda: procs.log("gateway").count("prête") == 2, "the restarted gateway", proc=gateway, procs=procs, name="gateway")
        r = post(urlencoded(pairs), URLENCODED)
        ref, key = receipt_location(r, "POST via nginx after the gateway was killed and restarted")
        check(queue_rows(db).get(ref) == key_hash(key), f"{ref} (after the restart) is not in the queue")
        return f"303 → accusé (urlencoded, multipart+PDF), 422, 413 (passerelle et nginx), relance après kill -9 ; {unit_note}"
    finally:
        procs.stop_all()
