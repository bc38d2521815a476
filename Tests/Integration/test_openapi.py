"""The back-office API against its contract, docs/openapi.yaml, on a real `guichet serve`.

Tokens are made with the CLI (`guichet token create`); requests are submitted on the web (one
with a PDF) and at the counter through the API; then every operation is called for its success
and its error answers, and each REAL answer is validated against the document with openapi-core
(status, headers, media type, body schema). Finally schemathesis generates a few hundred
requests from the document (examples, coverage, fuzzing, and the stateful links from a counter
submission to its reading, ack and events): no 5xx, and every answer conforms (status codes,
content types, headers, schemas, authentication enforced, 405 with Allow for other methods).

Needs openapi-core and schemathesis (PyPI; scripts/install-deps.sh --test).
"""

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import time

from support import (REPO, URLENCODED, Failure, Processes, cgi_environment, check, contact_pairs, fastcgi, free_port,
                     multipart, port_open, small_pdf, tail, urlencoded, wait_until)

NAME = "API back-office ↔ docs/openapi.yaml (openapi-core, schemathesis)"
SPEC = REPO / "docs" / "openapi.yaml"
API = "/guichet/api/v1"


def create_token(ws, db, services, scopes=None, name=None):
    """The secret printed by `guichet token create` (its only line on standard output)."""
    argv = [str(ws.binary), "token", "create", "--root", str(ws.root), "--db", str(db)]
    for service in services:
        argv += ["--service", service]
    if scopes:
        argv += ["--scope", ",".join(scopes)]
    if name:
        argv += ["--name", name]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    check(result.returncode == 0, f"guichet token create {services} failed ({result.returncode}):\n{tail(result.stderr)}")
    secret = result.stdout.strip()
    check(re.fullmatch(r"gch_[a-z2-7]{52}", secret) is not None, f"token create printed {result.stdout!r}, expected one secret")
    return secret


class Contract:
    """Sends requests with `requests` and validates each answer with openapi-core."""

    def __init__(self, port):
        import requests
        from openapi_core import OpenAPI

        self.requests = requests
        self.session = requests.Session()
        self.base = f"http://127.0.0.1:{port}"
        self.openapi = OpenAPI.from_file_path(str(SPEC))
        self.validated = {}  # (method, path template) -> set of statuses

    def call(self, method, path, token=None, expect=None, json_body=None, data=None, headers=None, validate=True):
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        if json_body is not None:
            data = json.dumps(json_body, ensure_ascii=False).encode()
            all_headers.setdefault("Content-Type", "application/json")
        r = self.session.request(method, self.base + (path if path.startswith("/guichet") else API + path),
                                 data=data, headers=all_headers, allow_redirects=False, timeout=30)
        if expect is not None:
            check(r.status_code == expect, f"{method} {path}: expected {expect}, got {r.status_code} {r.text[:300]!r}")
        if validate:
            self.validate(method, path, r)
        return r

    def validate(self, method, path, r):
        """Checks one real answer against the document; records (operation, status)."""
        from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

        try:
            result = self.openapi.unmarshal_response(RequestsOpenAPIRequest(r.request), RequestsOpenAPIResponse(r))
            result.raise_for_errors()
        except Exception as error:  # openapi-core's errors say which part did not conform
            raise Failure(f"{method} {path} → {r.status_code}: the answer does not conform to docs/openapi.yaml: "
                          f"{type(error).__name__}: {error} {getattr(error, 'schema_errors', '')}\n{r.headers}\n{r.text[:500]}")
        template = re.sub(r"/submissions/[^/?]+", "/submissions/{reference}", path.split("?")[0])
        template = re.sub(r"/attachments/[^/?]+", "/attachments/{id}", template)
        self.validated.setdefault((method, template.replace(API, "")), set()).add(r.status_code)


def run(ws):
    folder = ws.folder("openapi")
    procs = Processes(folder)
    try:
        return _run(ws, folder, procs)
    finally:
        procs.stop_all()


def _run(ws, folder, procs):
    try:
        import openapi_core  # noqa: F401
        import requests  # noqa: F401
    except ImportError as error:
        raise Failure(f"{error}: run scripts/install-deps.sh --test (pip install openapi-core schemathesis)")
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename

    t0 = time.monotonic()
    document, _ = read_from_filename(str(SPEC))
    validate(document)  # a valid OpenAPI 3.1 document first

    port, db = free_port(), folder / "guichet.sqlite"
    accueil = create_token(ws, db, ["accueil"], name="Accueil (test)")
    etat_civil = create_token(ws, db, ["etat-civil"])
    read_only = create_token(ws, db, ["accueil"], scopes=["pull"])
    fuzzer = create_token(ws, db, ["accueil", "etat-civil"], name="schemathesis")
    burst = create_token(ws, db, ["accueil"], scopes=["pull"])
    revoked = create_token(ws, db, ["accueil"])
    listed = subprocess.run([str(ws.binary), "token", "list", "--root", str(ws.root), "--db", str(db), "--format", "json"],
                            capture_output=True, text=True, timeout=60)
    check(listed.returncode == 0 and revoked not in listed.stdout, f"token list: {listed.returncode} {listed.stderr[-300:]}")
    revoked_id = max(t["id"] for t in json.loads(listed.stdout))
    result = subprocess.run([str(ws.binary), "token", "revoke", str(revoked_id), "--root", str(ws.root), "--db", str(db)],
                            capture_output=True, text=True, timeout=60)
    check(result.returncode == 0, f"token revoke: {result.stderr[-300:]}")

    serve = procs.start("serve", [ws.binary, "serve", "--root", ws.root, "--port", port, "--db", db])
    wait_until(lambda: port_open(port), "guichet serve (it builds the site first)", timeout=120, proc=serve, procs=procs, name="serve")
    c = Contract(port)

    # Two web submissions (one with a PDF), as a browser sends them.
    page = c.session.get(f"{c.base}/formulaires/contact/", timeout=30)
    check(page.status_code == 200, f"GET /formulaires/contact/: {page.status_code}")
    pairs = contact_pairs(page.text, "Envoi par le web (test OpenAPI)")
    web = []
    for body, ctype in [(urlencoded(pairs), URLENCODED),
                        multipart(pairs, files=[("piece-jointe", "justificatif été.pdf", "application/pdf", small_pdf())])]:
        r = c.session.post(f"{c.base}/guichet/formulaires/contact", data=body,
                           headers={"Content-Type": ctype, "Origin": f"http://127.0.0.1:{port}"}, allow_redirects=False, timeout=30)
        check(r.status_code == 303, f"web POST: {r.status_code} {r.text[:200]!r}")
        ref, key = re.match(r"^/guichet/suivi/([0-9A-Z-]{11})\?cle=(\S+)$", r.headers["Location"]).groups()
        web.append((ref, key))
    values = dict(pairs)
    reply = values["reponse"]

    # POST /submissions: counter submissions, then the errors.
    counter = {"formulaire": "contact", "canal": "guichet", "valeurs": {
        "objet": "question-demarche", "message": "Question posée à l’accueil.", "reponse": reply, "nom": "Martin",
        "prenom": "Paul", "adresse": {"voie": "1 place de la Mairie", "code_postal": "12345", "commune": "Brémonval"},
        "courriel": "paul.martin@example.org"}}
    r = c.call("POST", "/submissions", accueil, 201, json_body=counter)
    created = r.json()
    receipt = c.session.get(created["suivi"], timeout=30)
    check(receipt.status_code == 200 and created["reference"] in receipt.text and "Accueil du public" in receipt.text,
          f"receipt of the counter submission {created['suivi']}: {receipt.status_code}")
    bad = dict(counter, valeurs=dict(counter["valeurs"], courriel="pas-une-adresse", nom=""))
    r = c.call("POST", "/submissions", accueil, 422, json_body=bad)
    check([f["champ"] for f in r.json()["champs"]] == ["nom", "courriel"], f"validation errors: {r.text}")
    c.call("POST", "/submissions", accueil, 422, json_body=dict(counter, canal="web"))
    c.call("POST", "/submissions", accueil, 422, json_body=dict(counter, formulaire="inconnu"))
    c.call("POST", "/submissions", accueil, 409, json_body=dict(counter, version="0" * 64))
    c.call("POST", "/submissions", etat_civil, 403, json_body=counter)
    c.call("POST", "/submissions", read_only, 403, json_body=counter)
    c.call("POST", "/submissions", accueil, 400, data=b'{"formulaire":', headers={"Content-Type": "application/json"})
    c.call("POST", "/submissions", accueil, 415, data=urlencoded(pairs), headers={"Content-Type": URLENCODED})
    c.call("POST", "/submissions", accueil, 413, data=b" " * (1024 * 1024 + 1), headers={"Content-Type": "application/json"})
    c.call("POST", "/submissions", None, 401, json_body=counter)

    # GET /submissions: pull with a lease, then the listing with its cursor.
    r = c.call("GET", "/submissions?status=nouvelle&lease=10&limit=2", accueil, 200)
    pulled = [item["reference"] for item in r.json()["items"]]
    check(pulled == [web[0][0], web[1][0]], f"pull gave {pulled}, expected the two web submissions")
    r = c.call("GET", "/submissions?lease=10", accueil, 200)
    check([i["reference"] for i in r.json()["items"]] == [created["reference"]], f"second pull: {r.text[:300]}")
    r = c.call("GET", "/submissions?after=0&limit=2&form=contact", accueil, 200)
    check(r.json()["has_more"] is True and len(r.json()["items"]) == 2, f"listing: {r.text[:300]}")
    r = c.call("GET", f"/submissions?after={r.json()['next']}", accueil, 200)
    check([i["reference"] for i in r.json()["items"]] == [created["reference"]], f"listing after the cursor: {r.text[:300]}")
    check(c.call("GET", "/submissions?after=0", etat_civil, 200).json()["items"] == [], "etat-civil sees accueil's requests")
    for query in ["limit=0", "limit=101", "lease=5", "lease=86401", "status=nouveau", "after=x", "after=0&lease=60", "form=inconnu", "x=1"]:
        c.call("GET", f"/submissions?{query}", accueil, 400)
    c.call("GET", "/submissions", None, 401)
    c.call("GET", "/submissions", revoked, 401)
    c.call("GET", "/submissions", "gch_" + "a" * 52, 401)

    # GET /submissions/{reference} and its attachment.
    ref, key = web[1]
    r = c.call("GET", f"/submissions/{ref}", accueil, 200)
    item = r.json()
    check(isinstance(item["payload"], dict) and item["payload"]["nom"] == values["nom"], f"payload: {item['payload']}")
    attachment = item["attachments"][0]
    r = c.call("GET", attachment["url"].replace(c.base, ""), accueil, 200)
    digest = base64.b64encode(hashlib.sha256(r.content).digest()).decode()
    check(r.content == small_pdf() and hashlib.sha256(r.content).hexdigest() == attachment["sha256"], "attachment bytes / sha256")
    check(r.headers.get("Repr-Digest") == f"sha-256=:{digest}:" and r.headers.get("Content-Type") == "application/pdf",
          f"attachment headers: {dict(r.headers)}")
    check("filename*=UTF-8''justificatif%20%C3%A9t%C3%A9.pdf" in r.headers.get("Content-Disposition", ""),
          f"Content-Disposition: {r.headers.get('Content-Disposition')}")
    # Another service's request, its attachment, ack and events: exactly as an unknown reference.
    unknown = "ZZZ-ZZZ-ZZZ"
    for suffix, method, body in [("", "GET", None), (f"/attachments/{attachment['id']}", "GET", None),
                                 ("/ack", "POST", {}), ("/events", "POST", {"type": "en-cours"})]:
        foreign = c.call(method, f"/submissions/{ref}{suffix}", etat_civil, 404, json_body=body)
        missing = c.call(method, f"/submissions/{unknown}{suffix}", etat_civil, 404, json_body=body)
        check(foreign.content == missing.content, f"{method} …{suffix}: a foreign reference is told from an unknown one")
    c.call("GET", f"/submissions/{ref}/attachments/999999", accueil, 404)

    # POST …/ack: idempotent; scope.
    c.call("POST", f"/submissions/{ref}/ack", read_only, 403)
    check(c.call("POST", f"/submissions/{ref}/ack", accueil, 200).json()["statut"] == "acquittee", "first ack")
    check(c.call("POST", f"/submissions/{ref}/ack", accueil, 200, json_body={}).json()["statut"] == "deja-acquittee", "second ack")
    c.call("POST", f"/submissions/{ref}/ack", accueil, 415, data=b"x", headers={"Content-Type": "text/plain"})
    c.call("POST", f"/submissions/{ref}/ack", accueil, 422, json_body=[1])

    # POST …/events: the citizen's tracking page shows each one, dated.
    deadline = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 30 * 86400))
    for event in [{"type": "accuse-de-reception"},
                  {"type": "incomplet", "message": "Il manque une pièce.", "pieces_manquantes": ["Copie recto verso"], "date_limite": deadline},
                  {"type": "en-cours", "message": None}, {"type": "message", "message": "Nous vous rappelons demain."},
                  {"type": "refusee", "message": "Demande hors du champ du service."}]:
        r = c.call("POST", f"/submissions/{ref}/events", accueil, 201, json_body=event)
        check(r.json()["type"] == event["type"], f"event {event['type']}: {r.text[:200]}")
    c.call("POST", f"/submissions/{ref}/events", accueil, 409, json_body={"type": "en-cours"})
    c.call("POST", f"/submissions/{web[0][0]}/events", accueil, 201, json_body={"type": "accuse-de-reception"})
    c.call("POST", f"/submissions/{web[0][0]}/events", accueil, 409, json_body={"type": "accuse-de-reception"})
    c.call("POST", f"/submissions/{ref}/events", accueil, 422, json_body={"type": "inconnu"})
    c.call("POST", f"/submissions/{ref}/events", accueil, 422, json_body={"type": "incomplet", "message": "x"})
    c.call("POST", f"/submissions/{ref}/events", accueil, 400, data=b'{"type":"message","message":"a\\u0000"}',
           headers={"Content-Type": "application/json"})
    c.call("POST", f"/submissions/{ref}/events", accueil, 400, data=b"[" * 10_000, headers={"Content-Type": "application/json"})
    c.call("POST", f"/submissions/{ref}/events", accueil, 413, data=b" " * 70_000, headers={"Content-Type": "application/json"})
    c.call("POST", f"/submissions/{ref}/events", read_only, 403, json_body={"type": "en-cours"})
    tracking = c.session.get(f"{c.base}/guichet/suivi/{ref}?cle={key}", timeout=30).text
    labels = ["accusé de réception", "dossier incomplet", "instruction en cours", "message du service", "décision défavorable"]
    positions = [tracking.find(f"</time> : {label}") for label in labels]
    check(all(p > 0 for p in positions) and positions == sorted(positions), f"events on the tracking page: {positions}")
    check("Copie recto verso" in tracking and "au plus tard le" in tracking, "incomplet: missing pieces and deadline on the tracking page")

    # 429 with Retry-After, past the burst of one token (each call writes its audit line, so
    # the bucket refills meanwhile: call until it is empty).
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: c.call("GET", "/submissions?after=0&limit=1", burst, validate=False), range(160)))
    statuses = [a.status_code for a in answers]
    check(429 in statuses and statuses.count(200) >= 60, f"no 429 after 160 concurrent calls: {statuses}")
    limited = next(a for a in answers if a.status_code == 429)
    c.validate("GET", "/submissions?after=0&limit=1", limited)
    check(limited.headers.get("Retry-After", "").isdigit(), f"429 without Retry-After: {dict(limited.headers)}")
    r = c.session.delete(f"{c.base}{API}/submissions", headers={"Authorization": f"Bearer {accueil}"}, timeout=30)
    check(r.status_code == 405 and r.headers.get("Allow") == "GET, POST", f"DELETE /submissions: {r.status_code} {r.headers}")

    # The same API through the FastCGI gateway: the token travels as HTTP_AUTHORIZATION.
    fcgi_port = free_port()
    gateway = procs.start("fastcgi", [ws.binary, "gateway", "fastcgi", "--root", ws.root, "--port", fcgi_port, "--db", db])
    wait_until(lambda: port_open(fcgi_port), "the FastCGI gateway", proc=gateway, procs=procs, name="fastcgi")
    env = cgi_environment("GET", f"{API}/submissions/{ref}", extra={"HTTP_AUTHORIZATION": f"Bearer {accueil}"})
    answer = fastcgi(fcgi_port, env)
    check(answer.status == 200 and json.loads(answer.body)["reference"] == ref, f"API via FastCGI: {answer!r}")
    answer = fastcgi(fcgi_port, cgi_environment("GET", f"{API}/submissions/{ref}"))
    check(answer.status == 401 and (answer.header("www-authenticate") or "").startswith("Bearer"), f"API via FastCGI without token: {answer!r}")

    # Every operation of the document was validated, with its success and at least one error.
    operations = {(method.upper(), path) for path, item in document["paths"].items() for method in item if method != "parameters"}
    missing = [op for op in operations if not any(200 <= s < 300 for s in c.validated.get(op, ())) or
               not any(s >= 400 for s in c.validated.get(op, ()))]
    check(not missing, f"operations not validated for both a success and an error: {missing}")
    count = sum(1 for _ in c.validated.values())
    statuses_seen = sorted({s for v in c.validated.values() for s in v})
    contract_time = time.monotonic() - t0

    # schemathesis: generated requests, all checks.
    fuzz = _schemathesis(ws, folder, port, fuzzer)
    # The server survived it all and the queue is sound.
    check(serve.poll() is None, f"guichet serve stopped:\n{tail(procs.log('serve'))}")
    c.call("GET", "/submissions?after=0", accueil, 200)
    return (f"{len(operations)} operations, real answers {statuses_seen} valid against the document in {contract_time:.1f} s; "
            f"schemathesis: {fuzz}")


def _schemathesis(ws, folder, port, token):
    report = folder / "schemathesis.ndjson"
    argv = [sys.executable, "-m", "schemathesis.cli", "--no-color", "run", str(SPEC), "--url", f"http://127.0.0.1:{port}{API}",
            "-H", f"Authorization: Bearer {token}", "--checks", "all",
            # Schema-valid is not always acceptable here: a form id must name one of the site's
            # forms and its values pass the form's rules, `after` excludes `lease`, a JSON string
            # may not hold NUL. Those refusals are documented 4xx; every other check runs.
            "--exclude-checks", "positive_data_acceptance",
            "--max-examples", "12", "--phases", "examples,coverage,fuzzing,stateful", "--seed", "20261122",
            "--rate-limit", "18/s", "--workers", "1", "--request-timeout", "10", "--max-time", "35",
            "--report", "ndjson", "--report-ndjson-path", str(report), "--output-truncate", "true"]
    started = time.monotonic()
    env = dict(os.environ, SCHEMATHESIS_TELEMETRY="false", NO_COLOR="1")
    result = subprocess.run(argv, capture_output=True, text=True, timeout=150, env=env, cwd=folder)
    elapsed = time.monotonic() - started
    (folder / "schemathesis.log").write_text(result.stdout + result.stderr)
    requests_sent = 0
    if report.exists():
        requests_sent = report.read_text(errors="replace").count('"http_version"') or report.read_text(errors="replace").count('"request"')
    check(result.returncode == 0, f"schemathesis found problems (exit {result.returncode}):\n{tail(result.stdout, 60)}\n{tail(result.stderr, 10)}")
    summary = next((line.strip() for line in reversed(result.stdout.splitlines()) if "passed" in line or "cases" in line), "")
    return f"{summary or 'passed'} ({requests_sent} requests, {elapsed:.0f} s)"
