import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Webhook notices as deployments send them: `guichet queue deliver` from cron behind the CGI
/// gateway, and `guichet serve`'s own background loop; a real receiver on 127.0.0.1.
@Suite struct WebhookCommandTests {
    let cli = BuildCommandTests()
    let queueTests = QueueCommandTests()
    var root: String { BuildCommandTests.repositoryRoot.path }

    /// Answers `status` to every request (one per connection) and keeps the bodies.
    final class Receiver: @unchecked Sendable {
        private let lock = NSLock()
        private var bodies: [String] = []
        private var status: Int
        private let listener: Int32
        let port: Int

        init(status: Int = 200) throws {
            self.status = status
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
            guard fd >= 0, bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EIO) }
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            listener = fd
            port = Int(UInt16(bigEndian: address.sin_port))
            Thread.detachNewThread { [self] in
                while true {
                    let connection = accept(fd, nil, nil)
                    if connection < 0 { return }
                    serve(connection)
                }
            }
        }

        var url: String { "http://127.0.0.1:\(port)/avis" }
        var received: [String] { lock.lock(); defer { lock.unlock() }; return bodies }
        func answer(_ status: Int) { lock.lock(); self.status = status; lock.unlock() }
        func stop() { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }

        private func serve(_ connection: Int32) {
            defer { close(connection) }
            var data: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(connection, &buffer, buffer.count, 0)
                if count <= 0 { return }
                data += buffer[0..<count]
                let text = String(decoding: data, as: UTF8.self)
                guard let end = text.range(of: "\r\n\r\n") else { continue }
                let length = text[..<end.lowerBound].split(separator: "\r\n")
                    .first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                let body = text[end.upperBound...]
                guard body.utf8.count >= length else { continue }
                lock.lock()
                bodies.append(String(body))
                let status = self.status
                lock.unlock()
                let answer = "HTTP/1.1 \(status) Statut\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                _ = answer.withCString { send(connection, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
                return
            }
        }
    }

    @Test func queueDeliverSendsTheDueNoticesOnceAndCountsThem() throws {
        let folder = try cli.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("var/queue.sqlite").path
        let receiver = try Receiver(status: 503)
        defer { receiver.stop() }
        let created = try cli.run(["token", "create", "--root", root, "--db", database, "--service", "accueil", "--webhook", receiver.url])
        #expect(created.status == 0, "\(created.stderr)")
        let digest = try GatewayCGITests().formDigest(database: database)
        let first = try queueTests.submitContact(database: database, digest: digest, name: "Durand", file: nil)

        let failing = try cli.run(["queue", "deliver", "--db", database])
        #expect(failing.status == 0, "\(failing.stderr)")
        #expect(failing.stdout == "Webhooks : 0 avis remis, 1 en échec (nouvel essai prévu). 1 avis en attente.\n")
        #expect(failing.stderr.contains("Webhook : avis n° 1 (jeton n° 1) non remis, essai 1 : réponse HTTP 503. Nouvel essai à partir de"))
        #expect(!failing.stderr.contains("Durand") && !failing.stderr.contains(first.reference))

        // Not due yet (30 s of backoff): nothing sent, nothing printed with --quiet.
        receiver.answer(200)
        let early = try cli.run(["queue", "deliver", "--db", database, "--quiet"])
        #expect(early.status == 0 && early.stdout.isEmpty && early.stderr.isEmpty, "\(early)")
        #expect(receiver.received.count == 1)

        // A new request is due at once; the failed one later.
        let second = try queueTests.submitContact(database: database, digest: digest, name: "Martin", file: nil)
        let delivered = try cli.run(["queue", "deliver", "--db", database])
        #expect(delivered.stdout == "Webhooks : 1 avis remis. 1 avis en attente.\n", "\(delivered.stderr)")
        #expect(receiver.received.count == 2 && receiver.received[1].contains(second.reference))

        let missing = try cli.run(["queue", "deliver", "--db", folder.appendingPathComponent("nulle-part.sqlite").path])
        #expect(missing.status == 2 && missing.stderr.contains("n’existe pas"))
        let badTimeout = try cli.run(["queue", "deliver", "--db", database, "--timeout", "0"])
        #expect(badTimeout.status == 2)
    }

    @Test func serveSendsWaitingNoticesByItself() async throws {
        let site = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-serve-webhook-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: site) }
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        for item in ["guichet.yaml", "Content", "Forms", "Theme"] {
            try FileManager.default.copyItem(at: BuildCommandTests.repositoryRoot.appendingPathComponent(item),
                                             to: site.appendingPathComponent(item))
        }
        let database = site.appendingPathComponent("var/guichet.sqlite").path
        let receiver = try Receiver()
        defer { receiver.stop() }
        #expect(try cli.run(["token", "create", "--root", site.path, "--service", "accueil", "--webhook", receiver.url]).status == 0)
        let submitted = try queueTests.submitContact(database: database, digest: try GatewayCGITests().formDigest(database: database), name: "Petit", file: nil)

        let process = Process()
        process.executableURL = BuildCommandTests.binary
        process.arguments = ["serve", "--root", site.path, "--port", "0"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        let deadline = Date().addingTimeInterval(60)
        while receiver.received.isEmpty && Date() < deadline && process.isRunning {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(receiver.received.count == 1 && receiver.received[0].contains(submitted.reference))
    }
}
