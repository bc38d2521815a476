"""E-mail to citizens with real parts: the FastCGI gateway's background sender and
`guichet mail send` deliver to a real SMTP server on loopback (aiosmtpd, through
Tests/NotificationsTests/Support/smtp_server.py).

1. A web submission through `guichet gateway fastcgi --smtp` gets its accusé d'enregistrement by
   e-mail: envelope, headers (From the authority, Reply-To the service, Auto-Submitted), a
   text and an HTML part in UTF-8, the tracking link opens the receipt, no answer of the form
   in the message; a back-office event (`guichet queue event`) is e-mailed too.
2. A relay that never answers: the submission still gets its 303 at once, the receipt page
   says the e-mail will follow, the gateway keeps answering.
3. SIGKILL of `guichet mail send` mid-batch (the relay holds each DATA for a while): after a
   second pass every message has arrived exactly once (by Message-ID), none lost.
"""

import base64
import email
import email.policy
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from support import (REPO, URLENCODED, Processes, check, cgi_environment, contact_pairs, fastcgi, free_port, port_open,
                     receipt_location, urlencoded, wait_until)

NAME = "Courriels (SMTP réel)"
SERVER = REPO / "Tests/NotificationsTests/Support/smtp_server.py"


def start_relay(procs, folder, name, *options):
    out = folder / f"{name}-recus"
    proc = subprocess.Popen([sys.executable, str(SERVER), "--port", "0", "--out", str(out), *map(str, options)],
                            stdout=subprocess.PIPE, stderr=open(folder / f"{name}.log", "wb"))
    line = proc.stdout.readline().decode().strip()
    check(line.startswith("PORT "), f"the SMTP server did not start: {line!r}")
    return proc, int(line.split()[1]), out


def received(out):
    if not out.exists():
        return []
    files = sorted(out.glob("[0-9]*.json"), key=lambda p: int(p.stem))
    messages = []
    for path in files:
        record = json.loads(path.read_text())
        record["message"] = email.message_from_bytes(base64.b64decode(record["data"]), policy=email.policy.default)
        messages.append(record)
    return messages


def submit(port, page, marker, courriel):
    pairs = [(k, courriel if k == "courriel" else v) for k, v in contact_pairs(page, marker=marker)]
    body = urlencoded(pairs)
    started = time.monotonic()
    response = fastcgi(port, cgi_environment("POST", "/guichet/formulaires/contact", body, URLENCODED), body)
    return response, time.monotonic() - started


def run(ws):
    folder = ws.folder("mail")
    procs = Processes(folder)
    relays = []
    try:
        page = (ws.site() / "formulaires/contact/index.html").read_text(encoding="utf-8")

        # 1. The background sender of the FastCGI gateway.
        relay, smtp_port, out = start_relay(procs, folder, "relais")
        relays.append(relay)
        port, db = free_port(), folder / "q.sqlite"
        gateway = procs.start("gateway", [ws.binary, "gateway", "fastcgi", "--root", ws.root, "--port", port, "--db", db,
                                          "--smtp", f"smtp://127.0.0.1:{smtp_port}"])
        wait_until(lambda: port_open(port), "the FastCGI gateway", proc=gateway, procs=procs, name="gateway")
        response, _ = submit(port, page, "Question sur le marché de Noël", "lea.martin@example.org")
        check(response.status == 303, f"submission: {response.status}")
        reference, _ = receipt_location(response, "submission")
        location = response.header("location")
        wait_until(lambda: len(received(out)) >= 1, "the accusé d'enregistrement e-mail", timeout=40,
                   proc=gateway, procs=procs, name="gateway")
        first = received(out)[0]
        message = first["message"]
        check(first["rcpt_tos"] == ["lea.martin@example.org"], f"recipients {first['rcpt_tos']}")
        check(first["mail_from"] == "ne-pas-repondre@bremonval.example", f"envelope sender {first['mail_from']}")
        check(str(message["From"]) == "Ville de Brémonval <ne-pas-repondre@bremonval.example>", f"From {message['From']}")
        check("mairie@bremonval.example" in str(message["Reply-To"]), f"Reply-To {message['Reply-To']}")
        check(str(message["Auto-Submitted"]) == "auto-generated", "Auto-Submitted")
        check(str(message["Subject"]).startswith("Accusé d’enregistrement de votre message "), f"Subject {message['Subject']}")
        check(message.get_content_type() == "multipart/alternative", message.get_content_type())
        text = message.get_body(("plain",)).get_content()
        html_part = message.get_body(("html",))
        html = html_part.get_content()
        check(html_part.get_content_charset() == "utf-8", "HTML charset")
        check('<html lang="fr">' in html and "<h1" in html, "HTML part: lang and heading")
        check(reference in str(message["Subject"]), "the reference is in the subject")
        link = "https://www.bremonval.example" + location
        check(link in text and link in html, f"the tracking link {link} is in both parts")
        check("Question sur le marché de Noël" not in text + html, "the form's answers are not e-mailed")
        for part in message.walk():
            check(not part.defects, f"MIME defects: {part.defects}")
        # The link of the e-mail opens the receipt, which says the copy was sent.
        receipt = fastcgi(port, cgi_environment("GET", location))
        check(receipt.status == 200 and "vous a été envoyée par courriel" in receipt.text, f"receipt after sending: {receipt.status}")

        # A back-office event goes out by e-mail too.
        result = subprocess.run([str(ws.binary), "queue", "event", reference, "--kind", "message", "--message",
                                 "Le marché ouvre le 5 décembre.\nÀ bientôt.", "--root", str(ws.root), "--db", str(db)],
                                capture_output=True, text=True)
        check(result.returncode == 0, f"queue event: {result.stderr}")
        wait_until(lambda: len(received(out)) >= 2, "the event e-mail", timeout=40, proc=gateway, procs=procs, name="gateway")
        event = received(out)[1]["message"]
        check(str(event["Subject"]).startswith(f"Votre message {reference} : message du service"), f"event subject {event['Subject']}")
        check("Le marché ouvre le 5 décembre." in event.get_body(("plain",)).get_content(), "the service's message")
        check(event["Message-ID"] != message["Message-ID"], "one Message-ID per message")
        procs.kill(gateway, signal.SIGTERM)

        # 2. A relay that never answers blocks nothing.
        hang, hang_port, _ = start_relay(procs, folder, "muet", "--hang")
        relays.append(hang)
        port2, db2 = free_port(), folder / "q2.sqlite"
        gateway2 = procs.start("gateway2", [ws.binary, "gateway", "fastcgi", "--root", ws.root, "--port", port2, "--db", db2,
                                            "--smtp", f"smtp://127.0.0.1:{hang_port}"])
        wait_until(lambda: port_open(port2), "the second gateway", proc=gateway2, procs=procs, name="gateway2")
        timings = []
        for n in range(3):
            response, elapsed = submit(port2, page, f"Relais muet {n}", f"muet{n}@example.org")
            check(response.status == 303, f"submission with a silent relay: {response.status}")
            timings.append(elapsed)
            time.sleep(4)  # let the background sender try (and wait on) the relay meanwhile
        receipt2 = fastcgi(port2, cgi_environment("GET", response.header("location")))
        check(receipt2.status == 200 and "va vous être envoyée par courriel" in receipt2.text, "receipt says the e-mail will follow")
        check(max(timings) < 5, f"submissions waited on the relay: {timings}")
        procs.kill(gateway2, signal.SIGTERM)

        # 3. SIGKILL of `guichet mail send` mid-batch: nothing lost, nothing twice.
        slow, slow_port, slow_out = start_relay(procs, folder, "lent", "--delay-data", "1.5")
        relays.append(slow)
        db3 = folder / "q3.sqlite"
        cgi = [str(ws.binary), "gateway", "cgi", "--root", str(ws.root), "--db", str(db3)]
        for n in range(6):
            body = urlencoded([(k, f"lot{n}@example.org" if k == "courriel" else v) for k, v in contact_pairs(page, marker=f"Lot {n}")])
            env = {**cgi_environment("POST", "/guichet/formulaires/contact", body, URLENCODED), "PATH": "/usr/bin:/bin"}
            done = subprocess.run(cgi, input=body, env=env, capture_output=True)
            check(b"Status: 303" in done.stdout, f"CGI submission {n}: {done.stdout[:200]!r}")
        send = [str(ws.binary), "mail", "send", "--root", str(ws.root), "--db", str(db3), "--claim", "2",
                "--smtp", f"smtp://127.0.0.1:{slow_port}"]
        sender = subprocess.Popen(send, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # Kill it while the relay holds the third message's DATA.
        wait_until(lambda: len(received(slow_out)) >= 2, "two e-mails before the kill", timeout=30)
        time.sleep(0.5)
        sender.kill()
        sender.wait()
        before = len(received(slow_out))
        time.sleep(2.5)  # the claim of the message in flight expires
        again = subprocess.run(send, capture_output=True, text=True, timeout=120)
        check(again.returncode == 0, f"second pass: {again.returncode} {again.stderr}")
        time.sleep(2)  # a DATA held by the relay when the first sender died ends meanwhile
        ids = [str(r["message"]["Message-ID"]) for r in received(slow_out)]
        recipients = sorted(r["rcpt_tos"][0] for r in received(slow_out))
        check(recipients == sorted(f"lot{n}@example.org" for n in range(6)),
              f"each of the 6 e-mails exactly once, got {recipients} ({len(ids)} messages, {before} before the kill)")
        check(len(set(ids)) == len(ids), f"duplicate Message-IDs: {ids}")
        return (f"AEE and event e-mailed with both parts, silent relay: 3 receipts in ≤ {max(timings):.2f} s, "
                f"kill mid-batch: 6/6 delivered once ({before} before the kill)")
    finally:
        for relay in relays:
            relay.kill()
            relay.wait()
        procs.stop_all()
