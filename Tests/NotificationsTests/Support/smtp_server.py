#!/usr/bin/env python3
"""A small SMTP relay for Guichet's e-mail tests (aiosmtpd 1.4.6), started as a subprocess.

Usage:
    python3 smtp_server.py --port 0 --out DIR [options]

It listens on 127.0.0.1 only. Once listening it prints its bound port as the first line of
stdout, "PORT 12345", and flushes; nothing else is written to stdout. Logs go to stderr.
Stop it with SIGTERM or SIGKILL (it keeps no state outside DIR).

Each accepted message (the server answered 250 to DATA) is written to DIR as "<n>.json",
n = 1, 2, 3… in the order the messages were accepted, atomically (written to a hidden
temporary name in DIR, then renamed), so a reader never sees half a file:
    {
      "mail_from":  "expediteur@example.org",        # the MAIL FROM address ("" for <>)
      "mail_options": ["SIZE=1234"],                 # MAIL FROM parameters
      "rcpt_tos":   ["a@example.org", ...],          # accepted RCPT TO addresses, in order
      "data":       "<base64>",                      # the message as received, after
                                                     # un-dot-stuffing, base64 of the raw bytes
      "tls":        true,                            # the transaction ran over TLS
      "auth_user":  "guichet" | null,                # the AUTH login, if any
      "auth_mechanism": "PLAIN" | "LOGIN" | null,
      "connection": 1                                # 1-based number of the TCP connection
    }

Options (all optional except --out; stable, the gateway and CLI tests use them too):
    --port N                 port to bind on 127.0.0.1 (0: chosen by the OS, the usual case)
    --out DIR                folder for the received messages (created if missing)
    --starttls CERT KEY      offer STARTTLS with this certificate and key (PEM files)
    --require-starttls       refuse every command but EHLO/NOOP/QUIT/STARTTLS before STARTTLS
                             (needs --starttls)
    --implicit-tls CERT KEY  TLS from the first byte (smtps), instead of STARTTLS
    --auth USER:PASS         offer AUTH (only over TLS) and require it before MAIL FROM
    --auth-mechanisms LIST   mechanisms to offer with --auth, comma-separated
                             (default: LOGIN,PLAIN)
    --refuse-first N         answer "451 4.3.0 essai plus tard" to the first N DATA commands
                             (after the message was read, nothing written)
    --reject-rcpt SUBSTRING  answer "550 5.1.1 adresse inconnue" to recipients containing it
    --hang                   accept TCP connections and never send anything (a relay that
                             never answers); every other option is ignored
    --delay-data SECONDS     wait this long after receiving a message before answering DATA
    --idle-timeout SECONDS   close a connection idle for this long (421), default 300
    --drop-on-reuse          close a connection without a word when a second transaction
                             starts on it (MAIL FROM after an accepted message): a relay that
                             hung up just as the client reused its connection
"""

import argparse
import asyncio
import base64
import json
import logging
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Recorder:
    """The aiosmtpd handler: applies the refusal options and writes accepted messages."""

    def __init__(self, out, refuse_first, reject_rcpt, delay_data, drop_on_reuse=False):
        self.out = out
        self.drop_on_reuse = drop_on_reuse
        self.refuse_left = refuse_first
        self.reject_rcpt = reject_rcpt
        self.delay_data = delay_data
        self.accepted = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.drop_on_reuse and getattr(session, "guichet_messages", 0) > 0:
            server.transport.abort()
            return "421 4.4.2 fermeture"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_rcpt and self.reject_rcpt in address:
            return "550 5.1.1 adresse inconnue"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay_data > 0:
            await asyncio.sleep(self.delay_data)
        if self.refuse_left > 0:
            self.refuse_left -= 1
            return "451 4.3.0 essai plus tard"
        transport = server.transport
        tls = transport is not None and transport.get_extra_info("ssl_object") is not None
        auth = session.auth_data if session.authenticated else None
        record = {
            "mail_from": "" if envelope.mail_from == "<>" else envelope.mail_from,
            "mail_options": list(envelope.mail_options),
            "rcpt_tos": list(envelope.rcpt_tos),
            "data": base64.b64encode(envelope.original_content or b"").decode("ascii"),
            "tls": bool(tls),
            "auth_user": auth.login.decode("utf-8", "replace") if isinstance(auth, LoginPassword) else None,
            "auth_mechanism": getattr(session, "guichet_auth_mechanism", None) if auth else None,
            "connection": getattr(session, "guichet_connection", None),
        }
        self.accepted += 1
        session.guichet_messages = getattr(session, "guichet_messages", 0) + 1
        final = os.path.join(self.out, "%d.json" % self.accepted)
        temporary = os.path.join(self.out, ".%d.json.tmp" % self.accepted)
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump(record, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, final)
        return "250 2.0.0 message accepte"


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode("utf-8")
        self.password = password.encode("utf-8")

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        if auth_data.login == self.user and auth_data.password == self.password:
            session.guichet_auth_mechanism = mechanism
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)


class NumberedSMTP(SMTP):
    """aiosmtpd's SMTP, numbering its connections (to tell reused connections apart)."""

    counter = 0

    def _create_session(self):
        session = super()._create_session()
        if not hasattr(self, "guichet_connection"):
            NumberedSMTP.counter += 1
            self.guichet_connection = NumberedSMTP.counter
        session.guichet_connection = self.guichet_connection
        return session


class Hanging(asyncio.Protocol):
    """Accepts the connection, reads and drops whatever comes, never answers."""

    connections = []

    def connection_made(self, transport):
        Hanging.connections.append(transport)

    def data_received(self, data):
        pass


def tls_context(cert, key):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


async def main():
    parser = argparse.ArgumentParser(description="SMTP relay for Guichet's tests")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--out", required=True)
    parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--require-starttls", action="store_true")
    parser.add_argument("--implicit-tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--auth", metavar="USER:PASS")
    parser.add_argument("--auth-mechanisms", default="LOGIN,PLAIN")
    parser.add_argument("--refuse-first", type=int, default=0)
    parser.add_argument("--reject-rcpt", default=None)
    parser.add_argument("--hang", action="store_true")
    parser.add_argument("--delay-data", type=float, default=0)
    parser.add_argument("--idle-timeout", type=float, default=300)
    parser.add_argument("--drop-on-reuse", action="store_true")
    args = parser.parse_args()
    if args.require_starttls and not args.starttls:
        parser.error("--require-starttls needs --starttls")
    if args.starttls and args.implicit_tls:
        parser.error("--starttls and --implicit-tls exclude each other")

    # A parent that started us from a thread with signals blocked (Swift's Foundation.Process
    # from a Dispatch thread) passes its mask on: unblock the ones that stop us.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    # aiosmtpd warns about its own deprecated Session.login_data on each AUTH.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    os.makedirs(args.out, exist_ok=True)
    loop = asyncio.get_running_loop()

    if args.hang:
        server = await loop.create_server(Hanging, host="127.0.0.1", port=args.port)
    else:
        recorder = Recorder(args.out, args.refuse_first, args.reject_rcpt, args.delay_data, args.drop_on_reuse)
        options = {"hostname": "relais.test", "timeout": args.idle_timeout}
        if args.starttls:
            options["tls_context"] = tls_context(*args.starttls)
            options["require_starttls"] = args.require_starttls
        if args.auth:
            user, _, password = args.auth.partition(":")
            offered = {name.strip().upper() for name in args.auth_mechanisms.split(",") if name.strip()}
            options["authenticator"] = Authenticator(user, password)
            options["auth_required"] = True
            options["auth_exclude_mechanism"] = [m for m in ("LOGIN", "PLAIN") if m not in offered]
            # With implicit TLS the whole connection is encrypted, which aiosmtpd does not
            # know about (it only tracks STARTTLS).
            options["auth_require_tls"] = not args.implicit_tls
        implicit = tls_context(*args.implicit_tls) if args.implicit_tls else None
        server = await loop.create_server(lambda: NumberedSMTP(recorder, **options),
                                          host="127.0.0.1", port=args.port, ssl=implicit)

    port = server.sockets[0].getsockname()[1]
    sys.stdout.write("PORT %d\n" % port)
    sys.stdout.flush()

    stop = loop.create_future()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, lambda: stop.done() or stop.set_result(None))
    await stop
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
