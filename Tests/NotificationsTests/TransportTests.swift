import CCurl
import Foundation
@testable import Notifications
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 7, transports: libcurl against a real SMTP server (aiosmtpd, `Support/smtp_server.py`),
/// a fake sendmail program, the preview folder. No mocks.
@Suite struct SMTPTransportTests {
    /// A message with what SMTP gets wrong most easily: lines starting with ".", a line that is
    /// just ".", a line of 998 octets (the most RFC 5321 allows), 8-bit UTF-8.
    static func message(_ tag: String = "1") -> [UInt8] {
        let lines = [
            "From: Mairie de Bremonval <mairie@bremonval.example>",
            "To: citoyen@example.org",
            "Subject: Votre demande \(tag)",
            "Message-ID: <outbox-\(tag)@bremonval.example>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "",
            "Bonjour Élodie,",
            ".une ligne qui commence par un point",
            ".",
            "..deux points",
            "",
            ".",
            String(repeating: "a", count: 997) + "z",
            "Fin : ça marche — 日本語 🎉 \(tag)",
        ]
        return Array(lines.joined(separator: "\r\n").utf8) + [0x0D, 0x0A]
    }

    static let envelope = MailEnvelope(sender: "rebonds@bremonval.example",
                                       recipients: ["citoyen@example.org", "copie@example.org"])

    static func plain(_ server: SMTPTestServer, timeout: TimeInterval = 60) throws -> SMTPTransport {
        SMTPTransport(configuration: try SMTPConfiguration(url: server.url, security: .none,
                                                           heloName: "guichet.test", timeout: timeout))
    }

    /// Runs `body`, returns the error it threw (nil: none) and how long it took.
    static func outcome(_ body: () throws(MailTransportError) -> Void) -> (error: MailTransportError?, seconds: Double) {
        let start = Date()
        do {
            try body()
            return (nil, Date().timeIntervalSince(start))
        } catch {
            return (error, Date().timeIntervalSince(start))
        }
    }

    // MARK: - Delivery

    @Test func plainDeliveryArrivesByteForByte() throws {
        let folder = try ScratchFolder()
        let server = try SMTPTestServer(in: folder)
        defer { server.stop() }
        let transport = try Self.plain(server)
        let bytes = Self.message()
        try transport.send(bytes, envelope: Self.envelope)

        let received = try server.received()
        try #require(received.count == 1)
        #expect(received[0].data == bytes)
        #expect(received[0].mailFrom == "rebonds@bremonval.example")
        #expect(received[0].rcptTos == ["citoyen@example.org", "copie@example.org"])
        #expect(received[0].mailOptions == ["SIZE=\(bytes.count)"])
        #expect(received[0].tls == false)
        #expect(received[0].authUser == nil)

        // A message whose very first line starts with a dot, and one whose first line is a dot.
        for first in [".premiere ligne", ".", "..", "."] {
            let tricky = Array("\(first)\r\nsuite\r\n.\r\n".utf8)
            try transport.send(tricky, envelope: MailEnvelope(sender: "", recipients: ["x@example.org"]))
            let last = try #require(try server.received().last)
            #expect(last.data == tricky, "\(first)")
        }
        let all = try server.received()
        #expect(all.count == 5)
        // The null reverse-path for the bounce-less messages.
        #expect(all.dropFirst().map(\.mailFrom) == ["", "", "", ""])
    }

    @Test func connectionsAreReusedAndConcurrentSendsDoNotMix() throws {
        let folder = try ScratchFolder()
        let server = try SMTPTestServer(in: folder)
        defer { server.stop() }
        let transport = try Self.plain(server)

        for tag in 1...3 {
            try transport.send(Self.message("s\(tag)"), envelope: Self.envelope)
        }
        let sequential = try server.received()
        try #require(sequential.count == 3)
        #expect(Set(sequential.map(\.connection)).count == 1, "one connection for a batch")

        // Four threads at once, three messages each, on the same transport.
        let failures = LockedValue<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for index in 0..<3 {
                do {
                    try transport.send(Self.message("t\(thread)-\(index)"), envelope: Self.envelope)
                } catch {
                    failures.update { $0.append("\(error)") }
                }
            }
        }
        #expect(failures.get() == [])
        let concurrent = try server.received().dropFirst(3)
        #expect(concurrent.count == 12)
        let expected = Set((0..<4).flatMap { thread in (0..<3).map { Self.message("t\(thread)-\($0)") } })
        #expect(Set(concurrent.map(\.data)) == expected)

        // Closing the idle connections: the next message opens a new one.
        let before = Set(try server.received().compactMap(\.connection))
        transport.closeIdleConnections()
        try transport.send(Self.message("after"), envelope: Self.envelope)
        let after = try #require(try server.received().last?.connection)
        #expect(!before.contains(after))
    }

    @Test func aPooledConnectionTheRelayClosedIsReplaced() throws {
        let folder = try ScratchFolder()
        let server = try SMTPTestServer(["--idle-timeout", "1"], in: folder)
        defer { server.stop() }
        let transport = try Self.plain(server)
        try transport.send(Self.message("a"), envelope: Self.envelope)
        Thread.sleep(forTimeInterval: 2.5)
        try transport.send(Self.message("b"), envelope: Self.envelope)
        let received = try server.received()
        try #require(received.count == 2)
        #expect(received[0].connection != received[1].connection)
        #expect(received.map(\.data) == [Self.message("a"), Self.message("b")])
    }

    @Test func aPooledConnectionDroppedWhenReusedIsRetriedOnceOnANewOne() throws {
        let folder = try ScratchFolder()
        let server = try SMTPTestServer(["--drop-on-reuse"], in: folder)
        defer { server.stop() }
        let transport = try Self.plain(server)
        for tag in ["a", "b", "c"] {
            try transport.send(Self.message(tag), envelope: Self.envelope)
        }
        let received = try server.received()
        #expect(received.map(\.data) == [Self.message("a"), Self.message("b"), Self.message("c")])
        #expect(Set(received.compactMap(\.connection)).count == 3)

        // Without a pool, every message has a connection of its own: nothing to retry.
        let unpooled = SMTPTransport(configuration: transport.configuration, maximumIdleConnections: 0)
        try unpooled.send(Self.message("d"), envelope: Self.envelope)
        try unpooled.send(Self.message("e"), envelope: Self.envelope)
        #expect(try server.received().count == 5)
    }

    // MARK: - TLS and authentication

    @Test(arguments: ["PLAIN", "LOGIN"])
    func starttlsWithAuthenticationAndAPrivateCA(mechanism: String) throws {
        let folder = try ScratchFolder()
        let (cert, key) = try TestProcesses.selfSignedCertificate(in: folder)
        let password = "mot de passe:é ü"
        let server = try SMTPTestServer(["--starttls", cert, key, "--require-starttls", "--auth", "guichet:\(password)",
                                         "--auth-mechanisms", mechanism], in: folder)
        defer { server.stop() }
        let configuration = try SMTPConfiguration(url: "smtp://localhost:\(server.port)", username: "guichet",
                                                  password: password, caFile: cert)
        #expect(configuration.security == .starttls)
        let transport = SMTPTransport(configuration: configuration)
        try transport.send(Self.message(), envelope: Self.envelope)
        let received = try server.received()
        try #require(received.count == 1)
        #expect(received[0].data == Self.message())
        #expect(received[0].tls)
        #expect(received[0].authUser == "guichet")
        #expect(received[0].authMechanism == mechanism)
    }

    @Test func implicitTLS() throws {
        let folder = try ScratchFolder()
        let (cert, key) = try TestProcesses.selfSignedCertificate(in: folder)
        let server = try SMTPTestServer(["--implicit-tls", cert, key, "--auth", "guichet:secret"], in: folder)
        defer { server.stop() }
        let configuration = try SMTPConfiguration(url: "smtps://127.0.0.1:\(server.port)", username: "guichet",
                                                  password: "secret", caFile: cert)
        #expect(configuration.security == .implicitTLS)
        try SMTPTransport(configuration: configuration).send(Self.message(), envelope: Self.envelope)
        let received = try server.received()
        try #require(received.count == 1)
        #expect(received[0].tls && received[0].authUser == "guichet" && received[0].data == Self.message())
    }

    @Test func noStarttlsOfferedMeansNothingSentInClear() throws {
        let folder = try ScratchFolder()
        let (cert, _) = try TestProcesses.selfSignedCertificate(in: folder)
        let server = try SMTPTestServer(in: folder)
        defer { server.stop() }
        let transport = SMTPTransport(configuration: try SMTPConfiguration(url: server.url, caFile: cert))
        let (error, _) = Self.outcome { () throws(MailTransportError) in try transport.send(Self.message(), envelope: Self.envelope) }
        let failure = try #require(error)
        #expect(!failure.isPermanent)
        #expect(failure.detail.contains("STARTTLS"), "\(failure.detail)")
        #expect(failure.detail.contains("curl 64"), "\(failure.detail)")
        #expect(try server.received().isEmpty)
    }

    @Test func aCertificateFromAnotherAuthorityIsRefused() throws {
        let folder = try ScratchFolder()
        let (cert, key) = try TestProcesses.selfSignedCertificate(in: folder)
        let (otherCert, _) = try TestProcesses.selfSignedCertificate(in: folder, name: "autre")
        let server = try SMTPTestServer(["--starttls", cert, key, "--require-starttls"], in: folder)
        defer { server.stop() }
        let transport = SMTPTransport(configuration: try SMTPConfiguration(url: server.url, caFile: otherCert))
        let (error, _) = Self.outcome { () throws(MailTransportError) in try transport.send(Self.message(), envelope: Self.envelope) }
        let failure = try #require(error)
        #expect(!failure.isPermanent)
        #expect(failure.detail.contains("TLS"), "\(failure.detail)")
        #expect(try server.received().isEmpty)
    }

    @Test func aWrongPasswordIsTemporaryAndNotRepeated() throws {
        let folder = try ScratchFolder()
        let (cert, key) = try TestProcesses.selfSignedCertificate(in: folder)
        let server = try SMTPTestServer(["--starttls", cert, key, "--require-starttls", "--auth", "guichet:juste"], in: folder)
        defer { server.stop() }
        let transport = SMTPTransport(configuration: try SMTPConfiguration(url: server.url, username: "guichet",
                                                                           password: "faux-Xq7", caFile: cert))
        let (error, _) = Self.outcome { () throws(MailTransportError) in try transport.send(Self.message(), envelope: Self.envelope) }
        let failure = try #require(error)
        #expect(!failure.isPermanent)
        #expect(failure.detail.contains("authentification refusée"), "\(failure.detail)")
        #expect(failure.detail.contains("535"), "\(failure.detail)")
        #expect(!failure.detail.contains("faux-Xq7"))
        #expect(try server.received().isEmpty)
    }

    // MARK: - Relay answers

    @Test func a451IsTemporaryAndTheNextTryGoesThrough() throws {
        let folder = try ScratchFolder()
        let server = try SMTPTestServer(["--refuse-first", "1"], in: folder)
        defer { server.stop() }
        let transport = try Self.plain(server)
        let (error, _) = Self.outcome { () throws(MailTransportError) in try transport.send(Self.message(), envelope: Self.envelope) }
        let failure = try #require(error)
        #expect(!failure.isPermanent)
        #expect(failure.detail.contains("451 4.3.0"), "\(failure.detail)")
        #expect(!failure.detail.contains("essai plus tard"), "the relay's own text is not repeated")
        #expect(try server.received().isEmpty)

        try transport.send(Self.message(), envelope: Self.envelope)
        #expect(try server.received().map(\.data) == [Self.message()])
    }

    @Test func an550OnARecipientIsPermanent() throws {
        let folder = try ScratchFolder()
        let server = try SMTPTestServer(["--reject-rcpt", "inconnu"], in: folder)
        defer { server.stop() }
        let transport = try Self.plain(server)
        let envelope = MailEnvelope(sender: "rebonds@bremonval.example", recipients: ["jean.inconnu@example.org"])
        let (error, _) = Self.outcome { () throws(MailTransportError) in try transport.send(Self.message(), envelope: envelope) }
        let failure = try #require(error)
        #expect(failure.isPermanent)
        #expect(failure.detail.hasPrefix("le relais a refusé le message : 550 5.1.1"), "\(failure.detail)")
        #expect(!failure.detail.contains("jean.inconnu"), "no personal data in the detail")
        #expect(try server.received().isEmpty)

        // The transport is still fine for the next citizen.
        try transport.send(Self.message(), envelope: Self.envelope)
        #expect(try server.received().count == 1)
    }

    @Test func nothingListeningIsTemporaryAndQuick() throws {
        let port = try TestProcesses.closedPort()
        let transport = SMTPTransport(configuration: try SMTPConfiguration(url: "smtp://127.0.0.1:\(port)", security: .none))
        let (error, seconds) = Self.outcome { () throws(MailTransportError) in try transport.send(Self.message(), envelope: Self.envelope) }
        let failure = try #require(error)
        #expect(!failure.isPermanent)
        #expect(failure.detail.contains("connexion au relais impossible"), "\(failure.detail)")
        #expect(failure.detail.contains("curl 7"), "\(failure.detail)")
        #expect(seconds < 15)
    }

    @Test func aRelayThatNeverAnswersTimesOut() throws {
        let folder = try ScratchFolder()
        let server = try SMTPTestServer(["--hang"], in: folder)
        defer { server.stop() }
        let transport = SMTPTransport(configuration: try SMTPConfiguration(url: server.url, security: .none,
                                                                           connectTimeout: 2, timeout: 3))
        let (error, seconds) = Self.outcome { () throws(MailTransportError) in try transport.send(Self.message(), envelope: Self.envelope) }
        let failure = try #require(error)
        #expect(!failure.isPermanent)
        #expect(failure.detail.contains("curl 28"), "\(failure.detail)")
        #expect(seconds < 15, "gave up after \(seconds) s")
    }

    @Test func aRelayStuckAfterTheDataTimesOut() throws {
        let folder = try ScratchFolder()
        let server = try SMTPTestServer(["--delay-data", "20"], in: folder)
        defer { server.stop() }
        let transport = SMTPTransport(configuration: try SMTPConfiguration(url: server.url, security: .none,
                                                                           connectTimeout: 5, timeout: 3))
        let (error, seconds) = Self.outcome { () throws(MailTransportError) in try transport.send(Self.message(), envelope: Self.envelope) }
        let failure = try #require(error)
        #expect(!failure.isPermanent)
        #expect(failure.detail.contains("à temps"), "\(failure.detail)")
        #expect(seconds < 15, "gave up after \(seconds) s")
    }

    @Test func hostileEnvelopesAreRefusedBeforeAnyConnection() throws {
        // Nothing listens: a refusal that came from the network would be temporary.
        let port = try TestProcesses.closedPort()
        let transport = SMTPTransport(configuration: try SMTPConfiguration(url: "smtp://127.0.0.1:\(port)", security: .none))
        let hostile = [
            MailEnvelope(sender: "a@example.org", recipients: ["x@example.org>\r\nRCPT TO:<pirate@example.org"]),
            MailEnvelope(sender: "a@example.org\nDATA", recipients: ["x@example.org"]),
            MailEnvelope(sender: "a@example.org", recipients: ["-oQ/tmp"]),
            MailEnvelope(sender: "a@example.org", recipients: []),
            MailEnvelope(sender: "a@example.org", recipients: [""]),
            MailEnvelope(sender: "a@example.org", recipients: ["élodie@example.org"]),
            MailEnvelope(sender: "a@example.org", recipients: ["x@example.org", "y@exa\u{0}mple.org"]),
        ]
        for envelope in hostile {
            let (error, _) = Self.outcome { () throws(MailTransportError) in try transport.send(Self.message(), envelope: envelope) }
            #expect(error?.isPermanent == true, "\(envelope)")
            #expect(error?.detail.contains("pirate") == false)
        }
    }

    // MARK: - Classification and configuration

    @Test func classificationOfFailures() {
        func classify(_ code: CURLcode, _ response: Int, upload: Bool = false) -> MailTransportError {
            SMTPTransport.classify(curlCode: code, responseCode: response, enhancedStatus: nil, uploadStarted: upload, errorText: "x")
        }
        #expect(classify(CURLE_WEIRD_SERVER_REPLY, 554, upload: true).isPermanent, "554 after the data")
        #expect(classify(CURLE_SEND_ERROR, 552).isPermanent, "552 on MAIL FROM (SIZE)")
        #expect(!classify(CURLE_SEND_ERROR, 530).isPermanent, "530: authentication required, a configuration matter")
        #expect(!classify(CURLE_WEIRD_SERVER_REPLY, 554).isPermanent, "554 as the greeting: the relay refuses us, not the message")
        #expect(!classify(CURLE_REMOTE_ACCESS_DENIED, 550).isPermanent, "EHLO refused")
        #expect(!classify(CURLE_LOGIN_DENIED, 535).isPermanent)
        #expect(!classify(CURLE_SEND_ERROR, 452).isPermanent)
        #expect(!classify(CURLE_SEND_ERROR, 0).isPermanent)
        #expect(!classify(CURLE_OPERATION_TIMEDOUT, 354, upload: true).isPermanent)
    }

    @Test func relayURLsAreCheckedWithFrenchErrors() throws {
        let good: [(String, String, Int, Bool)] = [
            ("smtp://relais.example.fr:587", "relais.example.fr", 587, false),
            ("SMTP://Relais.Example.FR", "relais.example.fr", 25, false),
            ("smtps://relais.example.fr", "relais.example.fr", 465, true),
            ("smtp://127.0.0.1:2525/", "127.0.0.1", 2525, false),
            ("smtp://[::1]:25", "::1", 25, false),
        ]
        for (url, host, port, implicitTLS) in good {
            let endpoint = try SMTPConfiguration.parse(url: url)
            #expect(endpoint == SMTPConfiguration.Endpoint(host: host, port: port, implicitTLS: implicitTLS), "\(url)")
        }
        #expect(try SMTPConfiguration(url: "smtp://[::1]:25", security: .none).url == "smtp://[::1]:25")

        let bad: [(String, SMTPConfigurationError)] = [
            ("relais.example.fr:587", .missingScheme),
            ("http://relais.example.fr", .unsupportedScheme("http")),
            ("smtp://", .missingHost),
            ("smtp://:587", .missingHost),
            ("smtp://relais..fr", .invalidHost),
            ("smtp://rel ais.fr", .invalidHost),
            ("smtp://-relais.fr", .invalidHost),
            ("smtp://::1:25", .invalidHost),
            ("smtp://relais.fr:0", .invalidPort("0")),
            ("smtp://relais.fr:65536", .invalidPort("65536")),
            ("smtp://relais.fr:", .invalidPort("")),
            ("smtp://relais.fr:25a", .invalidPort("25a")),
            ("smtp://user:secret@relais.fr", .credentialsInURL),
            ("smtp://relais.fr/chemin", .unexpectedPath),
            ("smtp://relais.fr?x=1", .unexpectedPath),
        ]
        for (url, expected) in bad {
            #expect(throws: expected, "\(url)") { try SMTPConfiguration.parse(url: url) }
        }
        for (_, error) in bad {
            #expect(error.description.hasPrefix("Adresse du relais SMTP invalide"))
        }
        // The whole URL is never repeated (it may hold a password).
        do {
            _ = try SMTPConfiguration(url: "smtp://user:secret@relais.fr")
            Issue.record("accepted")
        } catch {
            #expect(!error.description.contains("secret"))
        }

        #expect(throws: SMTPConfigurationError.securityMismatch(scheme: "smtps", security: .starttls)) {
            try SMTPConfiguration(url: "smtps://relais.fr", security: .starttls)
        }
        #expect(throws: SMTPConfigurationError.securityMismatch(scheme: "smtp", security: .implicitTLS)) {
            try SMTPConfiguration(url: "smtp://relais.fr", security: .implicitTLS)
        }
        #expect(throws: SMTPConfigurationError.incompleteCredentials) {
            try SMTPConfiguration(url: "smtp://relais.fr", username: "guichet")
        }
        #expect(throws: SMTPConfigurationError.cleartextCredentials(host: "relais.fr")) {
            try SMTPConfiguration(url: "smtp://relais.fr", security: .none, username: "guichet", password: "x")
        }
        _ = try SMTPConfiguration(url: "smtp://127.0.0.1:25", security: .none, username: "guichet", password: "x")
        #expect(throws: SMTPConfigurationError.unreadableCAFile("/nulle/part.pem")) {
            try SMTPConfiguration(url: "smtp://relais.fr", caFile: "/nulle/part.pem")
        }
        #expect(throws: SMTPConfigurationError.invalidHeloName) {
            try SMTPConfiguration(url: "smtp://relais.fr", heloName: "guichet/../x")
        }
        #expect(throws: SMTPConfigurationError.invalidTimeout) {
            try SMTPConfiguration(url: "smtp://relais.fr", timeout: 0)
        }
        #expect(throws: SMTPConfigurationError.invalidCredentialCharacters) {
            try SMTPConfiguration(url: "smtp://relais.fr", username: "guichet", password: "a\r\nb")
        }

        // The password never shows in what gets logged.
        let configuration = try SMTPConfiguration(url: "smtp://relais.fr:587", username: "guichet", password: "Tr3s-secret")
        #expect(!configuration.description.contains("Tr3s-secret"))
        #expect(!String(reflecting: configuration).contains("Tr3s-secret"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("Tr3s-secret"))
        #expect(configuration.description == "smtp://relais.fr:587 (STARTTLS obligatoire, utilisateur guichet, mot de passe masqué)")
    }
}

@Suite struct SendmailTransportTests {
    /// A fake sendmail: records its arguments (one a line) and its input, exits with `status`.
    static func fakeSendmail(in folder: ScratchFolder, status: Int32 = 0, readInput: Bool = true,
                             sleep: Int = 0) throws -> String {
        let path = folder.file("sendmail-\(status)-\(readInput)-\(sleep)")
        let script = """
        #!/bin/sh
        printf '%s\\n' "$@" > '\(folder.file("argv"))'
        \(readInput ? "cat > '\(folder.file("stdin"))'" : "")
        \(sleep > 0 ? "sleep \(sleep)" : "")
        exit \(status)

        """
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    @Test func theMessageGoesToStandardInputWithTheEnvelopeAsArguments() throws {
        let folder = try ScratchFolder()
        let transport = SendmailTransport(program: try Self.fakeSendmail(in: folder))
        let bytes = SMTPTransportTests.message()
        try transport.send(bytes, envelope: SMTPTransportTests.envelope)
        let argv = try String(contentsOfFile: folder.file("argv"), encoding: .utf8)
        #expect(argv == "-i\n-f\nrebonds@bremonval.example\n--\ncitoyen@example.org\ncopie@example.org\n")
        let input = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.file("stdin"))))
        let expected = Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").utf8)
        #expect(input == expected)
        #expect(!input.contains(0x0D))

        // The null sender.
        try transport.send(bytes, envelope: MailEnvelope(sender: "", recipients: ["x@example.org"]))
        #expect(try String(contentsOfFile: folder.file("argv"), encoding: .utf8) == "-i\n-f\n<>\n--\nx@example.org\n")
    }

    @Test func sysexitsCodesAreMapped() throws {
        let folder = try ScratchFolder()
        for (status, permanent) in [(Int32(67), true), (65, true), (68, true), (75, false), (1, false), (78, false)] {
            let transport = SendmailTransport(program: try Self.fakeSendmail(in: folder, status: status))
            let (error, _) = SMTPTransportTests.outcome { () throws(MailTransportError) in
                try transport.send(SMTPTransportTests.message(), envelope: SMTPTransportTests.envelope)
            }
            let failure = try #require(error, "\(status)")
            #expect(failure.isPermanent == permanent, "\(status): \(failure.detail)")
            #expect(failure.detail.contains("code de sortie \(status)"), "\(failure.detail)")
        }
    }

    @Test func aProgramThatDoesNotReadItsInputDoesNotHurt() throws {
        let folder = try ScratchFolder()
        let transport = SendmailTransport(program: try Self.fakeSendmail(in: folder, status: 75, readInput: false))
        let large = [UInt8](repeating: UInt8(ascii: "x"), count: 4_000_000)
        let (error, _) = SMTPTransportTests.outcome { () throws(MailTransportError) in
            try transport.send(large, envelope: SMTPTransportTests.envelope)
        }
        #expect(error?.isPermanent == false)
    }

    @Test func aStuckProgramIsStopped() throws {
        let folder = try ScratchFolder()
        let transport = SendmailTransport(program: try Self.fakeSendmail(in: folder, sleep: 60), timeout: 1)
        let (error, seconds) = SMTPTransportTests.outcome { () throws(MailTransportError) in
            try transport.send(SMTPTransportTests.message(), envelope: SMTPTransportTests.envelope)
        }
        #expect(error?.isPermanent == false)
        #expect(error?.detail.contains("ne s’est pas terminé") == true, "\(String(describing: error))")
        #expect(seconds < 30)
    }

    @Test func aMissingProgramIsTemporary() throws {
        let transport = SendmailTransport(program: "/nulle/part/sendmail")
        let (error, _) = SMTPTransportTests.outcome { () throws(MailTransportError) in
            try transport.send(SMTPTransportTests.message(), envelope: SMTPTransportTests.envelope)
        }
        #expect(error?.isPermanent == false)
        #expect(error?.detail.contains("introuvable") == true)
    }

    @Test func optionLookingAddressesAreRefusedAndTheProgramNotRun() throws {
        let folder = try ScratchFolder()
        let transport = SendmailTransport(program: try Self.fakeSendmail(in: folder))
        for envelope in [MailEnvelope(sender: "a@example.org", recipients: ["-oQ/tmp"]),
                         MailEnvelope(sender: "-C/etc/passwd", recipients: ["x@example.org"]),
                         MailEnvelope(sender: "a@example.org", recipients: ["x@example.org", "-bt"]),
                         MailEnvelope(sender: "a@example.org", recipients: ["x@example.org\n-oQ/tmp"])] {
            let (error, _) = SMTPTransportTests.outcome { () throws(MailTransportError) in
                try transport.send(SMTPTransportTests.message(), envelope: envelope)
            }
            #expect(error?.isPermanent == true, "\(envelope)")
            #expect(error?.detail.contains("tmp") == false)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("argv")))
    }
}

@Suite struct DirectoryTransportTests {
    @Test func eachMessageIsAPrivateFileWithTheExactBytes() throws {
        let folder = try ScratchFolder()
        let directory = folder.file("apercu/courriels")
        let transport = DirectoryTransport(directory: directory)
        let bytes = SMTPTransportTests.message()
        try transport.send(bytes, envelope: SMTPTransportTests.envelope)
        let second = try transport.write(SMTPTransportTests.message("2"), now: Date(timeIntervalSince1970: 1_000_000_000))

        var info = stat()
        #expect(stat(directory, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(names.count == 2, "\(names)")
        #expect((directory as NSString).appendingPathComponent(names[0]) == second, "2001 sorts before today")
        #expect(names[0].hasPrefix("20010909-014640-"), "\(names[0])")
        for name in names {
            #expect(name.range(of: #"^[0-9]{8}-[0-9]{6}-[0-9a-f]{8}\.eml$"#, options: .regularExpression) != nil, "\(name)")
            let path = (directory as NSString).appendingPathComponent(name)
            #expect(stat(path, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o600, "\(name)")
        }
        let first = (directory as NSString).appendingPathComponent(names[1])
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: first))) == bytes)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: second))) == SMTPTransportTests.message("2"))
    }

    @Test func aFolderThatCannotBeMadeIsATemporaryFailure() throws {
        let folder = try ScratchFolder()
        let blocker = folder.file("fichier")
        _ = FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8))
        let (error, _) = SMTPTransportTests.outcome { () throws(MailTransportError) in
            try DirectoryTransport(directory: blocker).send([1, 2, 3], envelope: SMTPTransportTests.envelope)
        }
        #expect(error?.isPermanent == false)
        let (nested, _) = SMTPTransportTests.outcome { () throws(MailTransportError) in
            try DirectoryTransport(directory: blocker + "/dessous").send([1, 2, 3], envelope: SMTPTransportTests.envelope)
        }
        #expect(nested?.isPermanent == false)
    }
}
