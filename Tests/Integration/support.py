"""Shared pieces of the end-to-end tests: processes that always die, free ports, the deployment
files of docs/deploiement/ filled in for a test, a tiny HTTP and FastCGI client, the demo's
contact form read from its published page, and checks of the SQLite queue.

Python 3 standard library only (Selenium is imported by test_browser.py alone).
"""

import contextlib
import hashlib
import html.parser
import io
import http.client as httpclient
import os
import re
import select
import shutil
import signal
import socket
import sqlite3
import ssl
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "docs" / "deploiement"
# The origin of the demo site (guichet.yaml's base_url): what a browser sends as Origin.
SITE_HOST = "www.bremonval.example"
SITE_ORIGIN = "https://" + SITE_HOST
GATEWAY_LIMIT = 25 * 1024 * 1024  # GatewayLimits.maximumBodySize


class Failure(Exception):
    """A check that failed: the message says what was asked, expected and got."""


def check(condition, message):
    if not condition:
        raise Failure(message)


# MARK: - Processes


class Processes:
    """Servers started by one test. Each runs in its own process group, so that what it starts
    (lighttpd's CGI children, nginx's workers) dies with it; `stop_all` runs in a `finally`."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.running = []  # (name, Popen)
        _ALL.append(self)

    def start(self, name, argv, env=None, cwd=None):
        log = open(self.folder / f"{name}.log", "ab")
        proc = subprocess.Popen([str(a) for a in argv], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                env=env, cwd=cwd, start_new_session=True)
        log.close()
        self.running.append((name, proc))
        return proc

    def log(self, name):
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def kill(self, proc, sig=signal.SIGKILL):
        """Signals the process's group (the server and its children), then reaps it."""
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        self.running = [(n, p) for n, p in self.running if p is not proc]

    def stop_all(self):
        for name, proc in list(self.running):
            # TERM first (nginx and lighttpd remove their pid files), KILL if it lingers.
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(timeout=5)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    pass
            self.kill(proc)
        if self in _ALL:
            _ALL.remove(self)

    def check_alive(self, proc, name):
        if proc.poll() is not None:
            raise Failure(f"{name} stopped (exit {proc.returncode}):\n{tail(self.log(name))}")


_ALL = []


def stop_everything(*_):
    for group in list(_ALL):
        group.stop_all()


def _on_signal(signum, _frame):
    stop_everything()
    sys.exit(128 + signum)


signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGHUP, _on_signal)


def tail(text, lines=30):
    return "\n".join(text.rstrip().splitlines()[-lines:])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, what, timeout=30, proc=None, procs=None, name=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc is not None and procs is not None:
            procs.check_alive(proc, name or what)
        time.sleep(0.05)
    raise Failure(f"timed out after {timeout} s waiting for {what}"
                  + (f"\n{tail(procs.log(name))}" if procs is not None and name else ""))


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def unix_socket_open(path):
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(0.5)
            s.connect(str(path))
            return True
    except OSError:
        return False


# MARK: - The demo site, copied and built in a temporary folder


class Workspace:
    """A temporary folder with a copy of the demo's sources (guichet.yaml, Content, Forms, Theme),
    so nothing is written into the repository (`guichet serve` builds into ROOT/site)."""

    def __init__(self, binary, keep=False):
        self.binary = Path(binary).resolve()
        self.base = Path(tempfile.mkdtemp(prefix="guichet-it-"))
        self.keep = keep
        self.root = self.base / "racine"
        self.root.mkdir()
        shutil.copy(REPO / "guichet.yaml", self.root)
        for name in ("Content", "Forms", "Theme"):
            shutil.copytree(REPO / name, self.root / name)
        self._site = None

    def folder(self, name):
        path = self.base / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def site(self):
        """The demo built once, as `guichet build --output`."""
        if self._site is None:
            out = self.base / "site"
            result = subprocess.run([str(self.binary), "build", "--root", str(self.root), "--output", str(out),
                                     "--reports", str(self.base / "reports")], capture_output=True, text=True)
            check(result.returncode == 0, f"guichet build failed ({result.returncode}):\n{tail(result.stderr)}")
            self._site = out
        return self._site

    def cleanup(self):
        if not self.keep:
            shutil.rmtree(self.base, ignore_errors=True)


def fill_template(name, values, dest):
    """docs/deploiement/NAME with each documented value replaced by the test's own. Every value
    must occur in the file: if the guide changes, the test says so instead of testing less."""
    text = (DEPLOY / name).read_text(encoding="utf-8")
    for old, new in values:
        check(old in text, f"docs/deploiement/{name} no longer contains {old!r}: update Tests/Integration")
        text = text.replace(old, str(new))
    Path(dest).write_text(text, encoding="utf-8")
    return Path(dest)


def make_world_readable(path):
    """Opens a test folder to a web server's worker user (used when the tests run as root)."""
    for p in [Path(path), *Path(path).rglob("*")]:
        try:
            mode = p.stat().st_mode
            p.chmod(mode | 0o055 if p.is_dir() else mode | 0o044)
        except FileNotFoundError:  # a database's -wal or -shm that went away meanwhile
            pass


def self_signed_certificate(folder):
    """A throw-away certificate for www.bremonval.example (openssl)."""
    cert, key = Path(folder) / "cert.pem", Path(folder) / "key.pem"
    result = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                             "-subj", f"/CN={SITE_HOST}", "-keyout", str(key), "-out", str(cert)],
                            capture_output=True, text=True)
    check(result.returncode == 0, f"openssl req failed: {result.stderr}")
    return cert, key


# MARK: - HTTP


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case name -> value
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return f"{self.status} {self.headers.get('location', '')} {self.text[:200]!r}"


class _Received:
    """What http.client.HTTPResponse needs of a socket, over bytes already read."""

    def __init__(self, data):
        self.data = data

    def makefile(self, mode):
        return io.BytesIO(self.data)


def _read_now(sock):
    """Bytes readable at once; b"" at the end; None when a TLS socket had only records of its own."""
    previous = sock.gettimeout()
    sock.setblocking(False)
    try:
        return sock.recv(65536)
    except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
        return None
    except ConnectionResetError:
        return b""
    finally:
        sock.settimeout(previous)


def http(method, port, path, body=None, headers=None, host=None, tls=False, timeout=60):
    """One request, redirects not followed. `host` is the Host header (default 127.0.0.1:port).

    The body is sent in pieces while watching for an early answer, as browsers and curl do: a
    server may refuse a large upload (413) before reading it, then close; a client that kept
    writing would get a reset that destroys the answer it was sent."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        raw = context.wrap_socket(raw, server_hostname=SITE_HOST)
    try:
        body = body or b""
        all_headers = {"Host": host or f"127.0.0.1:{port}", "Connection": "close"}
        all_headers.update(headers or {})
        if body or method in ("POST", "PUT"):
            all_headers["Content-Length"] = str(len(body))
        head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in all_headers.items()) + "\r\n"
        raw.sendall(head.encode("latin-1"))
        view, sent, received = memoryview(body), 0, bytearray()
        while sent < len(body):
            readable, writable, _ = select.select([raw], [raw], [], timeout)
            if readable:
                chunk = _read_now(raw)
                if chunk is None:
                    continue  # TLS housekeeping (session tickets), no answer yet
                received += chunk
                break  # the server answered (or closed) before the end of the body
            if not writable:
                raise TimeoutError(f"{method} {path}: the server neither reads the body nor answers")
            try:
                sent += raw.send(view[sent:sent + 256 * 1024])
            except (BrokenPipeError, ConnectionResetError):
                break
        while True:  # Connection: close, so the answer ends with the connection
            try:
                chunk = raw.recv(65536)
            except ConnectionResetError:
                if received:
                    break
                raise
            if not chunk:
                break
            received += chunk
        r = httpclient.HTTPResponse(_Received(bytes(received)), method=method)
        r.begin()
        data = r.read()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
    finally:
        raw.close()


# MARK: - The contact form, as its published page shows it


class FormPage(html.parser.HTMLParser):
    """The first <form> of a page: action, hidden inputs, and the values of radios and selects."""

    def __init__(self, text):
        super().__init__()
        self.action = None
        self.hidden = {}
        self.radios = {}   # name -> [values]
        self.selects = {}  # name -> [values]
        self.ids = set()
        self._in_form = False
        self._select = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "form" and self.action is None:
            self.action = a.get("action")
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("type") == "hidden":
            self.hidden[a["name"]] = a.get("value", "")
        elif tag == "input" and a.get("type") == "radio":
            self.radios.setdefault(a["name"], []).append(a.get("value"))
        elif tag == "select":
            self._select = a["name"]
            self.selects[self._select] = []
        elif tag == "option" and self._select:
            self.selects[self._select].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def contact_pairs(page, marker="Bonjour"):
    """A complete, valid answer to the demo's contact form, built from its published page (the
    digest in guichet-version and the radio's values come from the HTML, as a browser's would)."""
    form = FormPage(page)
    check(form.action == "/guichet/formulaires/contact", f"contact form action is {form.action!r}")
    check(len(form.hidden.get("guichet-version", "")) == 64, f"no form digest in the page: {form.hidden}")
    return [("guichet-formulaire", form.hidden["guichet-formulaire"]), ("guichet-version", form.hidden["guichet-version"]),
            ("guichet-site-web", ""), ("objet", form.selects["objet"][1]), ("service-concerne", ""), ("reference", ""),
            ("message", f"{marker},\r\nÀ quelle heure ouvre la mairie le samedi ?\r\nMerci."),
            ("reponse", form.radios["reponse"][0]), ("nom", "Dupont-Lefèvre"), ("prenom", "Élise"),
            ("adresse-voie", "12 rue des Tilleuls"), ("adresse-complement", ""),
            ("adresse-code-postal", "12345"), ("adresse-commune", "Brémonval"),
            ("courriel", "elise.dupont@example.org"), ("telephone", "")]


def without(pairs, *names):
    return [(k, v) for k, v in pairs if k not in names]


def urlencoded(pairs):
    return urllib.parse.urlencode(pairs).encode("ascii")


URLENCODED = "application/x-www-form-urlencoded"


def multipart(pairs, files=(), boundary="----GuichetIntegration7MA4YWxkTrZu0gW"):
    """(body, content type). files: (field, filename, type, bytes)."""
    out = bytearray()
    for name, value in pairs:
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    for name, filename, ctype, data in files:
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {ctype}\r\n\r\n").encode()
        out += data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def small_pdf(text="Guichet : piece jointe de test"):
    """A small but real PDF (one page, one line of text, a correct cross-reference table)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


RECEIPT_LOCATION = re.compile(r"^/guichet/suivi/([0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3})\?cle=([^&\s]+)$")


def receipt_location(response, what):
    """(reference, key) from a 303 to the receipt."""
    check(response.status == 303, f"{what}: expected 303 to the receipt, got {response!r}")
    location = response.header("location") or ""
    m = RECEIPT_LOCATION.match(location)
    check(m is not None, f"{what}: 303 Location {location!r} is not /guichet/suivi/<REF>?cle=<key>")
    return m.group(1), urllib.parse.unquote(m.group(2))


# MARK: - FastCGI client (FastCGI 1.0, responder role, one request per connection)

FCGI_BEGIN, FCGI_ABORT, FCGI_END, FCGI_PARAMS, FCGI_STDIN, FCGI_STDOUT, FCGI_STDERR = 1, 2, 3, 4, 5, 6, 7


def _record(kind, content, request_id=1):
    padding = (8 - len(content) % 8) % 8
    return struct.pack(">BBHHBB", 1, kind, request_id, len(content), padding, 0) + content + b"\0" * padding


def _pair_length(n):
    return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)


def _stream(kind, data):
    out = bytearray()
    for i in range(0, len(data), 65528):
        out += _record(kind, data[i:i + 65528])
    return bytes(out + _record(kind, b""))


def cgi_environment(method, path, body=b"", content_type=None, host=SITE_HOST, extra=None):
    script, _, query = path.partition("?")
    env = {"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": method, "REQUEST_URI": path, "SCRIPT_NAME": script,
           "QUERY_STRING": query, "SERVER_PROTOCOL": "HTTP/1.1", "SERVER_NAME": host, "SERVER_PORT": "443",
           "HTTPS": "on", "REQUEST_SCHEME": "https", "HTTP_HOST": host, "REMOTE_ADDR": "127.0.0.1",
           "CONTENT_LENGTH": str(len(body)) if body else ""}
    if content_type:
        env["CONTENT_TYPE"] = content_type
    env.update(extra or {})
    return env


def fastcgi(address, env, body=b"", timeout=30):
    """Sends one request; returns the parsed CGI response. address: port number or socket path."""
    if isinstance(address, int):
        s = socket.create_connection(("127.0.0.1", address), timeout=timeout)
    else:
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(timeout)
        s.connect(str(address))
    try:
        params = b"".join(_pair_length(len(k.encode())) + _pair_length(len(v.encode())) + k.encode() + v.encode()
                          for k, v in env.items())
        s.sendall(_record(FCGI_BEGIN, struct.pack(">HB5x", 1, 0)) + _stream(FCGI_PARAMS, params) + _stream(FCGI_STDIN, body))
        buffer, stdout = b"", bytearray()
        while True:
            chunk = s.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed before FCGI_END_REQUEST")
            buffer += chunk
            while len(buffer) >= 8:
                _, kind, _, length, padding, _ = struct.unpack(">BBHHBB", buffer[:8])
                if len(buffer) < 8 + length + padding:
                    break
                content, buffer = buffer[8:8 + length], buffer[8 + length + padding:]
                if kind == FCGI_STDOUT:
                    stdout += content
                elif kind == FCGI_END:
                    return parse_cgi_response(bytes(stdout))
    finally:
        s.close()


def parse_cgi_response(raw):
    head, sep, body = raw.partition(b"\r\n\r\n")
    check(sep, f"CGI response without a blank line: {raw[:200]!r}")
    headers, status = {}, 200
    for line in head.decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "status" in headers:
        status = int(headers["status"].split()[0])
    return Response(status, headers, body)


# MARK: - The queue


def queue_rows(db_path):
    """{reference: key_hash} of every stored submission."""
    with contextlib.closing(sqlite3.connect(db_path, timeout=30)) as db:
        return {ref: bytes(h) for ref, h in db.execute("SELECT reference, key_hash FROM submissions")}


def queue_health(db_path):
    """(integrity_check result, submissions without their 'depot' event)."""
    db = sqlite3.connect(db_path, timeout=30)
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        orphans = db.execute("""SELECT reference FROM submissions AS s WHERE NOT EXISTS
                                (SELECT 1 FROM events AS e WHERE e.submission_id = s.id AND e.kind = 'depot')""").fetchall()
        return integrity, [r[0] for r in orphans]
    finally:
        db.close()


def key_hash(key):
    return hashlib.sha256(key.encode()).digest()


def count_submissions(db_path):
    if not Path(db_path).exists():
        return 0
    with contextlib.closing(sqlite3.connect(db_path, timeout=30)) as db:
        try:
            return db.execute("SELECT count(*) FROM submissions").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


# MARK: - The submissions every web server must carry


def exercise_contact_form(get, post, db, where, filename):
    """Through a web server: GET the contact page; a valid urlencoded submission → 303 → its
    receipt; a multipart one with a real PDF → its receipt names the file; an invalid one → 422
    with the error summary, not stored. get(path) and post(body, content type) send the requests.
    Returns the valid pairs (for more requests) and the stored count."""
    page = get("/formulaires/contact/")
    check(page.status == 200 and "<form" in page.text, f"GET /formulaires/contact/ via {where}: {page!r}")
    pairs = contact_pairs(page.text, marker=f"Envoi par {where} (urlencoded)")

    r = post(urlencoded(pairs), URLENCODED)
    ref1, key1 = receipt_location(r, f"POST urlencoded via {where}")
    receipt = get(r.header("location"))
    check(receipt.status == 200 and ref1 in receipt.text and "Accusé d’enregistrement" in receipt.text,
          f"GET {r.header('location')} via {where}: expected 200, « Accusé d’enregistrement » and {ref1}, got {receipt!r}")
    check("no-store" in (receipt.header("cache-control") or ""),
          f"receipt via {where}: Cache-Control is {receipt.header('cache-control')!r}, expected no-store (personal data)")

    body, ctype = multipart(without(pairs, "message") + [("message", f"Envoi par {where} (multipart) avec un PDF.")],
                            files=[("piece-jointe", filename, "application/pdf", small_pdf())])
    r = post(body, ctype)
    ref2, key2 = receipt_location(r, f"POST multipart + PDF via {where}")
    receipt = get(r.header("location"))
    check(receipt.status == 200 and ref2 in receipt.text and filename in receipt.text,
          f"receipt of the multipart submission via {where}: expected 200 naming {filename}, got {receipt!r}")

    stored = count_submissions(db)
    invalid = [(k, "" if k in ("nom", "message") else v) for k, v in pairs]
    r = post(urlencoded(invalid), URLENCODED)
    check(r.status == 422 and "Il y a un problème" in r.text,
          f"invalid POST via {where}: expected 422 with « Il y a un problème », got {r!r}")
    check(count_submissions(db) == stored, f"the invalid submission via {where} was stored")

    rows = queue_rows(db)
    for ref, key in ((ref1, key1), (ref2, key2)):
        check(rows.get(ref) == key_hash(key), f"{ref} (via {where}) is not in the queue with the key of its receipt")
    return pairs, stored


def oversized(pairs, size):
    """A multipart body of exactly `size` bytes (the file part padded)."""
    empty = len(multipart(pairs, files=[("piece-jointe", "gros.pdf", "application/pdf", b"")])[0])
    body, ctype = multipart(pairs, files=[("piece-jointe", "gros.pdf", "application/pdf", b"%" * (size - empty))])
    assert len(body) == size
    return body, ctype
