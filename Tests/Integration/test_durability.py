"""No receipt without durable storage, under SIGKILL: `guichet gateway fastcgi --port N` gets
concurrent valid submissions (raw FastCGI over TCP, from threads) and is killed with SIGKILL at
random moments, then restarted. Every 303 ever answered is recorded; at the end each receipted
reference must be in the database under its key and its receipt must open (200), the database
must pass PRAGMA integrity_check, and no submission may lack its 'depot' event.

This is a process crash, not a power cut: the kernel keeps what was written. What it proves is
that a receipt is only sent after the commit, and that a transaction cut at any point leaves
nothing half-written.
"""

import os
import random
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from support import (URLENCODED, Processes, check, cgi_environment, contact_pairs, count_submissions, fastcgi, free_port,
                     key_hash, port_open, queue_health, queue_rows, receipt_location, urlencoded, wait_until)

NAME = "Durabilité (SIGKILL)"
WORKERS = 8
KILLS = 4


def run(ws):
    folder = ws.folder("durability")
    procs = Processes(folder)
    seed = int(os.environ.get("GUICHET_IT_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    try:
        port, db = free_port(), folder / "q.sqlite"
        argv = [ws.binary, "gateway", "fastcgi", "--root", ws.root, "--port", port, "--db", db]
        page = (ws.site() / "formulaires/contact/index.html").read_text(encoding="utf-8")

        def start():
            proc = procs.start("gateway", argv)
            wait_until(lambda: port_open(port), "the FastCGI gateway", proc=proc, procs=procs, name="gateway")
            return proc

        gateway = start()
        receipts, unexpected, lock = [], [], threading.Lock()
        attempts, failures = [0], [0]
        stop = threading.Event()

        def worker(n):
            seq = 0
            while not stop.is_set():
                seq += 1
                body = urlencoded(contact_pairs(page, marker=f"Envoi {n}-{seq}"))
                env = cgi_environment("POST", "/guichet/formulaires/contact", body, URLENCODED)
                try:
                    r = fastcgi(port, env, body, timeout=15)
                except OSError:  # refused while restarting, reset by the kill: no receipt, fine
                    with lock:
                        failures[0] += 1
                    time.sleep(0.01)
                    continue
                with lock:
                    attempts[0] += 1
                    if r.status == 303:
                        receipts.append(receipt_location(r, "POST under load"))
                    else:
                        unexpected.append(repr(r))

        threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(WORKERS)]
        for t in threads:
            t.start()
        kills = []
        try:
            for _ in range(KILLS):
                time.sleep(rng.uniform(1.0, 3.5))
                with lock:
                    before = len(receipts)
                procs.kill(gateway, signal.SIGKILL)
                kills.append(before)
                gateway = start()
            time.sleep(rng.uniform(1.0, 2.0))
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=30)
        check(not unexpected, f"{len(unexpected)} submissions got another answer than 303, e.g. {unexpected[:3]}")
        check(len(receipts) >= 50, f"only {len(receipts)} receipts in the whole run: the load did not happen")
        check(all(b > 0 for b in kills), f"a kill came before any receipt: {kills}")

        # Every receipt opens, from the gateway restarted after the last kill.
        def receipt_status(item):
            reference, key = item
            path = f"/guichet/suivi/{reference}?cle={key}"
            r = fastcgi(port, cgi_environment("GET", path), timeout=30)
            return reference, r.status, reference in r.text

        with ThreadPoolExecutor(WORKERS) as pool:
            bad = [x for x in pool.map(receipt_status, receipts) if x[1] != 200 or not x[2]]
        check(not bad, f"{len(bad)} of {len(receipts)} receipted references do not open (200): {bad[:5]}")

        # One last SIGKILL, then the file as a crash leaves it.
        procs.kill(gateway, signal.SIGKILL)
        rows = queue_rows(db)
        missing = [ref for ref, key in receipts if rows.get(ref) != key_hash(key)]
        check(not missing, f"{len(missing)} receipted references are not in the database under their key: {missing[:5]}")
        check(len(set(r for r, _ in receipts)) == len(receipts), "one reference was receipted twice")
        integrity, orphans = queue_health(db)
        check(integrity == "ok", f"PRAGMA integrity_check: {integrity}")
        check(not orphans, f"{len(orphans)} submissions without their 'depot' event: {orphans[:5]}")
        stored = count_submissions(db)
        return (f"{len(receipts)} accusés, {stored} demandes en base, {KILLS} SIGKILL, {failures[0]} envois coupés, "
                f"intégrité ok (graine {seed})")
    finally:
        procs.stop_all()
