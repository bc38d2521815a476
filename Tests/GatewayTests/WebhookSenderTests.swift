import Foundation
@testable import Gateway
import HTTPTypes
import Queue
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The webhook sender and the background loop against a real HTTP receiver on 127.0.0.1 (a
/// socket server of this file: it answers what each test scripts, or never answers), on the
/// demo site's real gateway and SQLite file. Clocks are injected: backoff is checked without
/// waiting for it.
@Suite(.serialized) struct WebhookSenderTests {
    // MARK: - Receiver

    /// What the receiver does with the n-th request.
    enum Behaviour: Sendable {
        case status(Int, extraHeaders: String = "")
        /// Reads the request, then keeps the connection open without answering.
        case hang(seconds: Double)
    }

    struct Received: Sendable {
        var method: String
        var path: String
        var headers: [String: String]
        var body: String
    }

    /// A tiny HTTP/1.1 server: one thread accepting, one thread per connection, one request
    /// per connection (`Connection: close`).
    final class Receiver: @unchecked Sendable {
        private let lock = NSLock()
        private var script: [Behaviour]
        private var fallback: Behaviour
        private var requests: [Received] = []
        private let listener: Int32
        let port: Int

        init(script: [Behaviour] = [], then fallback: Behaviour = .status(200)) throws {
            self.script = script
            self.fallback = fallback
            (listener, port) = try Self.listen()
            let listener = self.listener
            Thread.detachNewThread { [self] in
                while true {
                    let connection = accept(listener, nil, nil)
                    if connection < 0 { return }
                    Thread.detachNewThread { self.serve(connection) }
                }
            }
        }

        var url: String { "http://127.0.0.1:\(port)/guichet/avis" }

        /// What it does from now on, once its script is played.
        func answer(_ behaviour: Behaviour) {
            lock.lock(); fallback = behaviour; lock.unlock()
        }

        var received: [Received] {
            lock.lock(); defer { lock.unlock() }
            return requests
        }

        func stop() {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }

        static func listen() throws -> (Int32, Int) {
            #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
            #endif
            guard fd >= 0 else { throw POSIXError(.EIO) }
            var yes: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
            }
            guard bound == 0, Glibc.listen(fd, 64) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            return (fd, Int(UInt16(bigEndian: address.sin_port)))
        }

        /// A loopback port nobody listens on (bound, then closed).
        static func closedPort() throws -> Int {
            let (fd, port) = try listen()
            close(fd)
            return port
        }

        private func serve(_ connection: Int32) {
            defer { close(connection) }
            var data: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            var headerEnd: Int?
            var contentLength = 0
            while true {
                let count = recv(connection, &buffer, buffer.count, 0)
                if count <= 0 { return }
                data += buffer[0..<count]
                if headerEnd == nil, let range = Data(data).range(of: Data("\r\n\r\n".utf8)) {
                    headerEnd = range.upperBound
                    let head = String(decoding: data[0..<range.lowerBound], as: UTF8.self)
                    for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                        contentLength = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                    }
                }
                if let headerEnd, data.count >= headerEnd + contentLength { break }
            }
            guard let end = headerEnd else { return }
            let lines = String(decoding: data[0..<(end - 4)], as: UTF8.self).split(separator: "\r\n")
            let requestLine = lines[0].split(separator: " ")
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = String(line[line.index(after: colon)...]).trimmingCharacters(in: CharacterSet.whitespaces)
            }
            let request = Received(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers,
                                   body: String(decoding: data[end..<(end + contentLength)], as: UTF8.self))
            lock.lock()
            requests.append(request)
            let behaviour = script.isEmpty ? fallback : script.removeFirst()
            lock.unlock()
            switch behaviour {
            case let .status(status, extra):
                let answer = "HTTP/1.1 \(status) Statut\r\nContent-Length: 2\r\nConnection: close\r\n\(extra)\r\nok"
                _ = answer.utf8CString.withUnsafeBufferPointer { send(connection, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
            case let .hang(seconds):
                Thread.sleep(forTimeInterval: seconds)
            }
        }
    }

    /// A clock the test moves forward.
    final class TestClock: @unchecked Sendable {
        private let lock = NSLock()
        private var current: Date
        init(_ start: Date = Date()) { current = start }
        var now: Date { lock.lock(); defer { lock.unlock() }; return current }
        func advance(_ seconds: TimeInterval) { lock.lock(); current += seconds; lock.unlock() }
        var function: @Sendable () -> Date { { self.now } }
    }

    /// Log lines, kept for the checks.
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
        var function: @Sendable (String) -> Void { { self.append($0) } }
    }

    // MARK: - Helpers

    /// Submits the demo's contact form (service "accueil") through the gateway; its reference.
    func submit(_ fixture: GatewayFixture) async throws -> String {
        let response = await fixture.post("contact", body: GatewayFixture.urlencoded(fixture.validContact()))
        #expect(response.head.status == .seeOther, "\(response.text.prefix(300))")
        let location = try #require(response.location)
        let path = try #require(location.split(separator: "?").first)
        return String(try #require(path.split(separator: "/").last))
    }

    func token(_ fixture: GatewayFixture, url: String) throws -> String {
        try fixture.queue.createToken(name: "logiciel accueil", services: ["accueil"], scopes: [.pull, .ack], webhookURL: url).secret
    }

    // MARK: - Tests

    @Test func aSubmissionIsAnnouncedOnceWithAValidSignature() async throws {
        let fixture = try GatewayFixture()
        let receiver = try Receiver()
        defer { receiver.stop() }
        let secret = try token(fixture, url: receiver.url)
        let reference = try await submit(fixture)
        #expect(try fixture.queue.outboxPending() == 1)

        let clock = TestClock()
        let lines = Lines()
        let sender = WebhookSender(queue: fixture.queue, timeout: 2, clock: clock.function, log: lines.function)
        let report = try await sender.runOnce()
        #expect(report.delivered == 1 && report.failures.isEmpty)
        let got = try #require(receiver.received.first)
        #expect(receiver.received.count == 1)
        #expect(got.method == "POST" && got.path == "/guichet/avis")
        #expect(got.headers["content-type"] == "application/json")
        #expect(got.headers["user-agent"] == WebhookSender.userAgent)
        let signature = try #require(got.headers["x-guichet-signature"])
        #expect(WebhookSignature.verify(header: signature, body: got.body, secret: secret, now: clock.now))
        #expect(!WebhookSignature.verify(header: signature, body: got.body, secret: secret + "x", now: clock.now))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(got.body.utf8)) as? [String: Any])
        #expect(json["reference"] as? String == reference)
        #expect(json["service"] as? String == "accueil")
        #expect(json["evenement"] as? String == "nouvelle-demande")
        // A notice, not the request: no answer of the citizen in it.
        #expect(!got.body.contains("Dupont") && !got.body.contains("example.org"))

        // Delivered once: later passes send nothing.
        clock.advance(7 * 3600)
        #expect(try await sender.runOnce().attempted == 0)
        #expect(receiver.received.count == 1)
        #expect(try fixture.queue.outboxPending() == 0)
        #expect(lines.all.isEmpty)
    }

    @Test func anErrorStatusIsRetriedAfterTheBackoffThenDeliveredOnce() async throws {
        let fixture = try GatewayFixture()
        let receiver = try Receiver(script: [.status(500)], then: .status(204))
        defer { receiver.stop() }
        let secret = try token(fixture, url: receiver.url)
        _ = try await submit(fixture)

        let clock = TestClock()
        let lines = Lines()
        let sender = WebhookSender(queue: fixture.queue, timeout: 2, clock: clock.function, log: lines.function)
        let first = try await sender.runOnce()
        #expect(first.delivered == 0)
        let failure = try #require(first.failures.first)
        #expect(failure.error == "réponse HTTP 500" && failure.attempts == 1)
        let retryAt = try #require(failure.retryAt)
        #expect(abs(retryAt.timeIntervalSince(clock.now) - OutboxPolicy.delay(afterAttempts: 1)) < 0.01)
        #expect(lines.all.count == 1 && lines.all[0].contains("non remis, essai 1 : réponse HTTP 500"))

        // Not before the backoff…
        clock.advance(OutboxPolicy.delay(afterAttempts: 1) - 1)
        #expect(try await sender.runOnce().attempted == 0)
        #expect(receiver.received.count == 1)
        // …then once, signed again at the time of sending.
        clock.advance(2)
        let second = try await sender.runOnce()
        #expect(second.delivered == 1 && second.failures.isEmpty)
        #expect(receiver.received.count == 2)
        let retried = receiver.received[1]
        #expect(retried.body == receiver.received[0].body)
        #expect(WebhookSignature.verify(header: retried.headers["x-guichet-signature"] ?? "", body: retried.body, secret: secret, now: clock.now))

        clock.advance(24 * 3600)
        #expect(try await sender.runOnce().attempted == 0)
        #expect(receiver.received.count == 2)
    }

    @Test func aReceiverThatNeverAnswersTimesOutAndIsRetriedWithoutDuplicate() async throws {
        let fixture = try GatewayFixture()
        let receiver = try Receiver(script: [.hang(seconds: 6)], then: .status(200))
        defer { receiver.stop() }
        _ = try token(fixture, url: receiver.url)
        _ = try await submit(fixture)
        _ = try await submit(fixture)

        let clock = TestClock()
        let sender = WebhookSender(queue: fixture.queue, timeout: 1, clock: clock.function, log: { _ in })
        let started = ContinuousClock.now
        let first = try await sender.runOnce()
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(4), "\(elapsed)")
        #expect(first.delivered == 0 && first.failures.count == 2)
        #expect(first.failures[0].error == "pas de réponse dans le délai imparti")
        // The second notice of the same receiver was not sent after the timeout of the first.
        #expect(first.failures[1].error.hasPrefix("non tenté : destinataire injoignable"))
        #expect(first.failures.allSatisfy { $0.retryAt != nil })
        #expect(receiver.received.count == 1)

        clock.advance(OutboxPolicy.delay(afterAttempts: 1) + 1)
        let second = try await sender.runOnce()
        #expect(second.delivered == 2 && second.failures.isEmpty)
        clock.advance(24 * 3600)
        #expect(try await sender.runOnce().attempted == 0)
        // The timed-out request, then each notice once.
        #expect(receiver.received.count == 3)
        #expect(Set(receiver.received.dropFirst().map(\.body)).count == 2)
    }

    @Test func anUnreachablePortOrARedirectionFails() async throws {
        let fixture = try GatewayFixture()
        let port = try Receiver.closedPort()
        _ = try token(fixture, url: "http://127.0.0.1:\(port)/avis")
        let redirecting = try Receiver(then: .status(302, extraHeaders: "Location: http://127.0.0.1:9/ailleurs\r\n"))
        defer { redirecting.stop() }
        _ = try token(fixture, url: redirecting.url)
        _ = try await submit(fixture)

        let clock = TestClock()
        let sender = WebhookSender(queue: fixture.queue, timeout: 2, clock: clock.function, log: { _ in })
        let report = try await sender.runOnce()
        #expect(report.delivered == 0 && report.failures.count == 2)
        let errors = Set(report.failures.map(\.error))
        #expect(errors.contains("connexion refusée"), "\(errors)")
        #expect(errors.contains { $0.hasPrefix("réponse HTTP 302 (redirection non suivie") }, "\(errors)")
        #expect(report.failures.allSatisfy { $0.retryAt != nil })
        #expect(redirecting.received.count == 1)
        #expect(try fixture.queue.outboxPending() == 2)
    }

    @Test func theGatewayAnswersWhileTheReceiverIsDownAndTheLoopStopsWhenCancelled() async throws {
        let fixture = try GatewayFixture()
        let receiver = try Receiver(then: .hang(seconds: 6))
        _ = try token(fixture, url: receiver.url)
        let lines = Lines()
        let sender = WebhookSender(queue: fixture.queue, timeout: 3, log: lines.function)
        let work = BackgroundWork(site: fixture.site, queue: fixture.queue, webhookInterval: 0.1,
                                  firstPurgeDelay: 3600, sender: sender, log: lines.function)
        let loop = work.start()

        // Requests keep being answered at once while notices wait for the receiver, until a
        // timeout was logged and the next pass is waiting again.
        var references: [String] = []
        let deadline = ContinuousClock.now + .seconds(8)
        while ContinuousClock.now < deadline && (references.count < 5 || !lines.all.contains { $0.contains("délai") }) {
            let started = ContinuousClock.now
            references.append(try await submit(fixture))
            #expect(ContinuousClock.now - started < .milliseconds(1500))
            try await Task.sleep(for: .milliseconds(150))
        }
        references.append(try await submit(fixture))
        try await Task.sleep(for: .milliseconds(300))
        #expect(lines.all.contains { $0.contains("non remis, essai 1 : pas de réponse dans le délai imparti") }, "\(lines.all)")
        // Stopping cancels the request under way.
        let stopping = ContinuousClock.now
        loop.cancel()
        await loop.value
        #expect(ContinuousClock.now - stopping < .seconds(2))

        // Back up: every notice is delivered, once.
        receiver.answer(.status(200))
        defer { receiver.stop() }
        let before = receiver.received.count
        let later = WebhookSender(queue: fixture.queue, timeout: 2, clock: { Date().addingTimeInterval(24 * 3600) }, log: { _ in })
        let report = try await later.runOnce()
        #expect(report.delivered == references.count, "\(report.failures)")
        let announced = receiver.received.dropFirst(before)
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any] }
            .compactMap { $0["reference"] as? String }
        #expect(announced.sorted() == references.sorted())
        #expect(try await later.runOnce().attempted == 0)
        #expect(lines.all.allSatisfy { !$0.contains("Dupont") && !$0.contains("Élise") })
        #expect(lines.all.allSatisfy { !$0.contains("Dupont") && !$0.contains("Élise") })
    }

    @Test func theScheduledPurgeUsesTheFormKinds() async throws {
        let fixture = try GatewayFixture()
        #expect(BackgroundWork.nonDemandeForms(of: fixture.site).contains("contact"))
        #expect(!BackgroundWork.nonDemandeForms(of: fixture.site).contains("acte-de-naissance"))
        let reference = try await submit(fixture)
        _ = try fixture.queue.ack(reference: reference, token: TokenInfo.local(services: ["accueil"]))
        let lines = Lines()
        let clock = TestClock(Date().addingTimeInterval(400 * 86_400))
        let work = BackgroundWork(site: fixture.site, queue: fixture.queue, webhookInterval: 0.05,
                                  firstPurgeDelay: 0, clock: clock.function, log: lines.function)
        let loop = work.start()
        let deadline = ContinuousClock.now + .seconds(5)
        while lines.all.isEmpty && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        loop.cancel()
        await loop.value
        #expect(lines.all.contains { $0.hasPrefix("Purge RGPD : 1 demande") }, "\(lines.all)")
        let record = try #require(try fixture.queue.find(reference: reference, token: TokenInfo.local(services: ["accueil"])))
        #expect(record.purgedAt != nil && record.payloadJSON == "{}")
    }
}
