"""lighttpd running `guichet gateway cgi` (mod_cgi), with the files of docs/deploiement/:
lighttpd.conf (the conf-available snippet, included from a test-only main configuration) and
guichet.cgi (the wrapper lighttpd executes).
"""

from support import (GATEWAY_LIMIT, SITE_HOST, SITE_ORIGIN, Processes, check, count_submissions, exercise_contact_form,
                     fill_template, free_port, http, oversized, port_open, wait_until)

NAME = "lighttpd + CGI"


def main_conf(folder, port, snippet):
    """What Debian's /etc/lighttpd/lighttpd.conf sets, with the test's paths and port."""
    (folder / "uploads").mkdir(exist_ok=True)
    (folder / "www").mkdir(exist_ok=True)
    conf = folder / "lighttpd-main.conf"
    conf.write_text(f"""
server.modules = ( "mod_indexfile", "mod_access", "mod_alias", "mod_redirect" )
server.document-root = "{folder}/www"
server.upload-dirs = ( "{folder}/uploads" )
server.errorlog = "{folder}/lighttpd-error.log"
server.pid-file = "{folder}/lighttpd.pid"
server.bind = "127.0.0.1"
server.port = {port}
index-file.names = ( "index.html" )
url.access-deny = ( "~", ".inc" )
include_shell "/usr/share/lighttpd/create-mime.conf.pl"
include "{snippet}"
server.modules += ( "mod_staticfile" )
""")
    return conf

def run(ws):
    site = ws.site()
    folder = ws.folder("lighttpd")
    procs = Processes(folder)
    try:
        db = folder / "guichet.sqlite"
        cgi = fill_template("guichet.cgi", [("/usr/local/bin/guichet", ws.binary), ("/srv/mairie", ws.root),
                                            ("/var/lib/guichet/guichet.sqlite", db)], folder / "guichet.cgi")
        cgi.chmod(0o755)
        snippet = fill_template("lighttpd.conf", [("/srv/mairie/site", site), ("/usr/local/lib/guichet/guichet.cgi", cgi)],
                                folder / "50-guichet.conf")
        port = free_port()
        conf = main_conf(folder, port, snippet)
        lighttpd = procs.start("lighttpd", ["lighttpd", "-D", "-f", conf])
        wait_until(lambda: port_open(port), "lighttpd", proc=lighttpd, procs=procs, name="lighttpd")

        def get(path):
            return http("GET", port, path, host=SITE_HOST)

        def post(body, ctype):
            return http("POST", port, "/guichet/formulaires/contact", body=body, host=SITE_HOST,
                        headers={"Content-Type": ctype, "Origin": SITE_ORIGIN})

        pairs, stored = exercise_contact_form(get, post, db, "lighttpd", "justificatif.pdf")
        # lighttpd's server.max-request-size is the gateway's limit: lighttpd refuses itself.
        r = post(*oversized(pairs, GATEWAY_LIMIT + 1))
        check(r.status == 413, f"POST of 25 Mio + 1 byte via lighttpd: expected 413, got {r!r}")
        check(count_submissions(db) == stored, "a refused submission (413) was stored")
        return "303 → accusé (urlencoded, multipart+PDF), 422, 413"
    finally:
        procs.stop_all()
