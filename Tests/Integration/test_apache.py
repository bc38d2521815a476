"""Apache (Debian's apache2-bin) with docs/deploiement/apache.conf, in both its variants: the
gateway as a FastCGI service behind mod_proxy_fcgi (Unix socket, started from the ExecStart of
guichet-fastcgi.service), and as CGI under mod_cgid (docs/deploiement/guichet.cgi).
Run as root, Apache's children are www-data, as on a server: the site must be readable by it,
the socket must be in its group (the unit's Group=www-data), the CGI's database folder its own.
"""

import grp
import os
import pwd
import shutil
import subprocess

from support import (GATEWAY_LIMIT, SITE_HOST, SITE_ORIGIN, Processes, check, count_submissions, exercise_contact_form,
                     fill_template, free_port, http, make_world_readable, oversized, port_open, self_signed_certificate,
                     unix_socket_open, wait_until)
from test_nginx_fastcgi import exec_start

NAME = "Apache (mod_proxy_fcgi et CGI)"
APACHE = "/usr/sbin/apache2"
MODULES = "/usr/lib/apache2/modules"
RUN_USER = "www-data"


def main_conf(folder, site_conf, http_port, https_port, variant):
    """What Debian's apache2.conf, ports.conf and mods-enabled/ set, with the test's paths."""
    run = folder / "run"
    run.mkdir(exist_ok=True)
    modules = ["mpm_event", "authz_core", "mime", "dir", "alias", "ssl", "socache_shmcb"]
    modules += ["proxy", "proxy_fcgi"] if variant == "fcgi" else ["cgid"]
    user = f"User {RUN_USER}\nGroup {RUN_USER}" if os.geteuid() == 0 else ""
    conf = folder / "apache-main.conf"
    conf.write_text("\n".join(f"LoadModule {m}_module {MODULES}/mod_{m}.so" for m in modules) + f"""
ServerRoot "{folder}"
ServerName 127.0.0.1
{user}
PidFile {run}/apache.pid
DefaultRuntimeDir {run}
Mutex file:{run} default
ErrorLog {folder}/apache-error.log
LogLevel warn
Listen 127.0.0.1:{http_port}
Listen 127.0.0.1:{https_port} https
TypesConfig /etc/mime.types
DirectoryIndex index.html
SSLSessionCache shmcb:{run}/ssl_scache(512000)
<IfModule cgid_module>
    ScriptSock {run}/cgid.sock
</IfModule>
<Directory />
    AllowOverride None
    Require all denied
</Directory>
Include {site_conf}
""")
    return conf


def run_variant(ws, variant, cert, key):
    folder = ws.folder(f"apache-{variant}")
    procs = Processes(folder)
    root_run = os.geteuid() == 0
    try:
        db = folder / "data" / "guichet.sqlite"
        db.parent.mkdir()
        values = [("/srv/mairie/site", ws.site())]
        if variant == "fcgi":
            sock = folder / "fcgi.sock"
            unit = fill_template("guichet-fastcgi.service", [
                ("/usr/local/bin/guichet", ws.binary), ("/srv/mairie", ws.root),
                ("/run/guichet/fcgi.sock", sock), ("/var/lib/guichet/guichet.sqlite", db)], folder / "guichet-fastcgi.service")
            gateway = procs.start("gateway", exec_start(unit))
            wait_until(lambda: "prête" in procs.log("gateway"), "the FastCGI gateway", proc=gateway, procs=procs, name="gateway")
            check(unix_socket_open(sock), f"nothing listens on {sock}")
            if root_run:  # what Group=www-data does in the unit
                os.chown(sock, -1, grp.getgrnam(RUN_USER).gr_gid)
            values.append(("/run/guichet/fcgi.sock", sock))
        else:
            binary = ws.binary
            if root_run:  # www-data must be able to run it and write the database's folder
                binary = folder / "guichet"
                shutil.copy(ws.binary, binary)
                user = pwd.getpwnam(RUN_USER)
                os.chown(db.parent, user.pw_uid, user.pw_gid)
            cgi = fill_template("guichet.cgi", [("/usr/local/bin/guichet", binary), ("/srv/mairie", ws.root),
                                                ("/var/lib/guichet/guichet.sqlite", db)], folder / "guichet.cgi")
            cgi.chmod(0o755)
            values.append(("/usr/local/lib/guichet/guichet.cgi", cgi))
            values.append(("<Directory /usr/local/lib/guichet>", f"<Directory {folder}>"))
        http_port, https_port = free_port(), free_port()
        le = f"/etc/letsencrypt/live/{SITE_HOST}"
        values += [("<VirtualHost *:80>", f"<VirtualHost *:{http_port}>"), ("<VirtualHost *:443>", f"<VirtualHost *:{https_port}>"),
                   (f"{le}/fullchain.pem", cert), (f"{le}/privkey.pem", key)]
        site_conf = fill_template("apache.conf", values, folder / "guichet-site.conf")
        conf = main_conf(folder, site_conf, http_port, https_port, variant)
        if root_run:
            make_world_readable(ws.base)
        argv = [APACHE, "-f", conf, "-d", folder]
        test = subprocess.run([*map(str, argv), "-t"], capture_output=True, text=True)
        check(test.returncode == 0, f"apache2 -t refuses docs/deploiement/apache.conf ({variant}):\n{test.stderr}")
        apache = procs.start("apache", [*argv, "-DFOREGROUND"])
        wait_until(lambda: port_open(https_port) and port_open(http_port), "Apache", proc=apache, procs=procs, name="apache")

        def get(path):
            return http("GET", https_port, path, host=SITE_HOST, tls=True)

        def post(body, ctype):
            return http("POST", https_port, "/guichet/formulaires/contact", body=body, host=SITE_HOST, tls=True,
                        headers={"Content-Type": ctype, "Origin": SITE_ORIGIN})

        where = f"Apache {variant}"
        r = http("GET", http_port, "/formulaires/contact/", host=SITE_HOST)
        check(r.status == 301 and r.header("location") == f"https://{SITE_HOST}/formulaires/contact/",
              f"GET http://…/formulaires/contact/ via {where}: expected 301 to https, got {r!r}")
        pairs, stored = exercise_contact_form(get, post, db, where, "avis-imposition.pdf")
        r = post(*oversized(pairs, GATEWAY_LIMIT + 1))
        if variant == "fcgi":  # LimitRequestBody 26 Mio: the gateway refuses, with its page
            check(r.status == 413 and "Envoi trop volumineux" in r.text,
                  f"POST of 25 Mio + 1 byte via {where}: expected the gateway's 413 « Envoi trop volumineux », got {r!r}")
        else:  # LimitRequestBody 25 Mio: Apache refuses before starting the CGI
            check(r.status == 413, f"POST of 25 Mio + 1 byte via {where}: expected Apache's 413, got {r!r}")
        r = post(*oversized(pairs, 27 << 20))
        check(r.status == 413, f"POST of 27 Mio via {where}: expected Apache's 413, got {r!r}")
        check(count_submissions(db) == stored, f"a refused submission (413) via {where} was stored")
    finally:
        procs.stop_all()


def run(ws):
    folder = ws.folder("apache-tls")
    cert, key = self_signed_certificate(folder)
    for variant in ("fcgi", "cgi"):
        run_variant(ws, variant, cert, key)
    return "les deux variantes : 303 → accusé (urlencoded, multipart+PDF), 422, 413 (passerelle et Apache)"
