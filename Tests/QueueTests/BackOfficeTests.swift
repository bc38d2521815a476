import Foundation
import GRDB
import GuichetModel
@testable import Queue
import Testing

/// Issue 6, queue side: tokens, at-least-once delivery, acknowledgements, events, audit,
/// webhook outbox. Real SQLite files, no mocks.
@Suite struct BackOfficeTests {
    /// A submission routed to `service`, with an optional attachment.
    static func submission(_ number: Int, service: String = "etat-civil", form: String = "acte-naissance",
                           channel: Channel = .web, retentionDays: Int? = 365, attachment: [UInt8]? = nil) -> NewSubmission {
        var item = Sample.submission(number, attachments: attachment.map {
            [NewAttachment(fieldID: "justificatif", filename: "../../etc/passwd.pdf", contentType: "application/pdf", bytes: $0)]
        } ?? [])
        item.serviceID = service
        item.formID = form
        item.channel = channel
        item.retentionDays = retentionDays
        return item
    }

    /// A valid reference that is not in `queue`.
    static func unknownReference(_ queue: SubmissionQueue) throws -> String {
        var generator = SystemRandomNumberGenerator()
        while true {
            let reference = ReferenceCode.random(using: &generator)
            if try queue.find(reference: reference) == nil { return reference }
        }
    }

    // MARK: - Tokens

    @Test func tokensAreCreatedOnceListedRevokedAndOnlyTheirHashIsKept() throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let (secret, token) = try queue.createToken(name: "Logiciel état civil", services: ["etat-civil", "etat-civil"],
                                                    scopes: [.ack, .pull], webhookURL: "https://ec.example.org/notif")
        #expect(secret.hasPrefix("gch_") && secret.utf8.count == TokenSecret.length)
        #expect(secret.dropFirst(4).allSatisfy { "abcdefghijklmnopqrstuvwxyz234567".contains($0) })
        #expect(token.services == ["etat-civil"])
        #expect(token.scopes == [.pull, .ack])
        #expect(try queue.listTokens() == [token])

        // Only the hash is stored.
        #expect(try queue.strings("SELECT COUNT(*) FROM tokens WHERE instr(CAST(token_hash AS TEXT), '\(secret)') > 0 OR instr(name, '\(secret)') > 0") == ["0"])
        #expect(try queue.strings("SELECT hex(token_hash) FROM tokens") == [TokenSecret.hash(secret).map { String(format: "%02X", $0) }.joined()])

        let now = Date()
        let used = try #require(try queue.authenticate(secret, now: now))
        #expect(used.id == token.id)
        #expect(used.lastUsedAt.map { abs($0.timeIntervalSince(now)) < 0.01 } == true)
        #expect(try queue.token(id: token.id)?.lastUsedAt == used.lastUsedAt)

        // Wrong length, garbage, near misses: nil, never a crash.
        var nearMiss = Array(secret)
        nearMiss[10] = nearMiss[10] == "a" ? "b" : "a"
        let hostile = ["", "gch_", "Bearer " + secret, secret + "a", String(secret.dropLast()), secret.uppercased(),
                       String(nearMiss), "gch_" + String(repeating: "a", count: 52), String(repeating: "\u{0}", count: 56),
                       "gch_" + String(repeating: "é", count: 26), String(repeating: "x", count: 1_000_000),
                       secret.replacingOccurrences(of: "gch_", with: "ghc_"), "' OR 1=1 --"]
        for attempt in hostile {
            #expect(try queue.authenticate(attempt) == nil, "\(attempt.prefix(60))")
        }

        // Revoked: refused for good; revoking twice keeps the first date; unknown id: nil.
        let revoked = try #require(try queue.revokeToken(id: token.id, now: now))
        #expect(revoked.isRevoked)
        #expect(try queue.authenticate(secret) == nil)
        #expect(try queue.revokeToken(id: token.id, now: now.addingTimeInterval(60))?.revokedAt == revoked.revokedAt)
        #expect(try queue.revokeToken(id: 999) == nil)
        #expect(try queue.listTokens().map(\.isRevoked) == [true])

        // Bad definitions are refused in French.
        #expect(throws: BackOfficeError.noService) { try queue.createToken(name: "x", services: []) }
        #expect(throws: BackOfficeError.invalidService("../etat-civil")) { try queue.createToken(name: "x", services: ["../etat-civil"]) }
        #expect(throws: BackOfficeError.noScope) { try queue.createToken(name: "x", services: ["a"], scopes: []) }
        #expect(throws: BackOfficeError.invalidTokenName) { try queue.createToken(name: "  ", services: ["a"]) }
        #expect(throws: BackOfficeError.invalidTokenName) { try queue.createToken(name: String(repeating: "n", count: 201), services: ["a"]) }
        for url in ["http://ec.example.org/", "ftp://x/", "https://user:pw@x.org/", "javascript:alert(1)", "https://", "https://a b/"] {
            #expect(throws: BackOfficeError.invalidWebhookURL) { try queue.createToken(name: "x", services: ["a"], webhookURL: url) }
        }
        #expect(BackOfficeError.noService.description.hasPrefix("Indiquez au moins un service"))
        #expect(try queue.listTokens().count == 1)
    }

    // MARK: - Isolation of services

    @Test func twoServicesCannotSeeEachOthersSubmissions() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let civil = try queue.createToken(name: "état civil", services: ["etat-civil"]).token
        let works = try queue.createToken(name: "services techniques", services: ["services-techniques"]).token
        let mine = try await queue.submit(Self.submission(1, attachment: Sample.abc.bytes)).reference
        let theirs = try await queue.submit(Self.submission(2, service: "services-techniques", attachment: Sample.abc.bytes)).reference
        let unknown = try Self.unknownReference(queue)
        let theirAttachment = try #require(try queue.find(reference: theirs)?.attachments.first?.id)

        // Pull and list give only the token's own.
        #expect(try queue.pull(token: civil, limit: 500).map(\.reference) == [mine])
        #expect(try queue.pull(token: civil, serviceID: "services-techniques").isEmpty)
        #expect(try queue.list(token: civil).items.map(\.reference) == [mine])
        #expect(try queue.list(token: civil, serviceID: "services-techniques").items.isEmpty)

        // The other's reference answers exactly as an unknown one, for every call.
        for reference in [theirs, unknown] {
            #expect(try queue.find(reference: reference, token: civil) == nil)
            #expect(try queue.attachment(reference: reference, id: theirAttachment, token: civil) == nil)
            #expect(try queue.ack(reference: reference, token: civil) == .notFound)
            #expect(try queue.addEvent(reference: reference, token: civil, kind: .enCours) == nil)
            // Even an event that would be refused on a visible request says "not found".
            #expect(try queue.addEvent(reference: reference, token: civil, kind: .message, message: "Bonjour") == nil)
        }
        let outcomes = try queue.auditLog(limit: 100).reversed().filter { $0.tokenID == civil.id && $0.reference != nil && $0.reference != mine }
        let forTheirs = outcomes.filter { $0.reference == theirs }.map { [$0.action, $0.outcome] }
        let forUnknown = outcomes.filter { $0.reference == unknown }.map { [$0.action, $0.outcome] }
        #expect(forTheirs == forUnknown)
        #expect(forTheirs.allSatisfy { $0[1] == "not-found" })

        // Nothing of theirs was touched.
        let record = try #require(try queue.find(reference: theirs, token: works))
        #expect(record.deliveryCount == 0 && record.acknowledgedAt == nil && record.status == "nouvelle")
        #expect(record.events.map(\.kind) == ["depot"])
        #expect(try queue.attachment(reference: theirs, id: theirAttachment, token: works)?.bytes == Sample.abc.bytes)
        // An attachment id of another request, under my reference: not found either.
        #expect(try queue.attachment(reference: mine, id: theirAttachment, token: civil) == nil)
        #expect(try queue.pull(token: works).map(\.reference) == [theirs])
    }

    @Test func scopesAreEnforced() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let reader = try queue.createToken(name: "lecture", services: ["etat-civil"], scopes: [.pull]).token
        let reference = try await queue.submit(Self.submission(1)).reference
        #expect(throws: BackOfficeError.missingScope(.ack)) { try queue.ack(reference: reference, token: reader) }
        #expect(throws: BackOfficeError.missingScope(.events)) { try queue.addEvent(reference: reference, token: reader, kind: .enCours) }
        await #expect(throws: BackOfficeError.missingScope(.submit)) {
            try await queue.submit(Self.submission(2, channel: .guichet), token: reader)
        }
        let counter = try queue.createToken(name: "accueil", services: ["etat-civil"], scopes: [.submit]).token
        #expect(throws: BackOfficeError.missingScope(.pull)) { try queue.pull(token: counter) }
        await #expect(throws: BackOfficeError.webChannelRefused) { try await queue.submit(Self.submission(3), token: counter) }
        await #expect(throws: BackOfficeError.serviceNotCovered) {
            try await queue.submit(Self.submission(4, service: "ccas", channel: .telephone), token: counter)
        }
        let taken = try await queue.submit(Self.submission(5, channel: .courrier), token: counter)
        #expect(try queue.find(reference: taken.reference)?.channel == .courrier)
        #expect(try queue.auditLog(limit: 1).first.map { [$0.action, $0.outcome] } == ["submit", "courrier"])
    }

    // MARK: - At-least-once delivery

    @Test func anExpiredLeaseRedeliversAndAnAckEndsDelivery() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let token = try queue.createToken(name: "ec", services: ["etat-civil"]).token
        let first = try await queue.submit(Self.submission(1)).reference
        let second = try await queue.submit(Self.submission(2)).reference
        let start = Date()

        let pulled = try queue.pull(token: token, limit: 1, lease: 30, now: start)
        #expect(pulled.map(\.reference) == [first])
        #expect(pulled[0].deliveryCount == 1)
        #expect(pulled[0].leaseUntil.map { abs($0.timeIntervalSince(start) - 30) < 0.01 } == true)
        #expect(pulled[0].payloadJSON == Self.submission(1).payloadJSON)
        // While leased, the next pull gets the other one, then nothing.
        #expect(try queue.pull(token: token, lease: 30, now: start.addingTimeInterval(10)).map(\.reference) == [second])
        #expect(try queue.pull(token: token, now: start.addingTimeInterval(29)).isEmpty)
        #expect(try queue.pull(token: token, now: start.addingTimeInterval(31)).map(\.reference) == [first])
        #expect(try queue.pull(token: token, now: start.addingTimeInterval(39)).isEmpty)
        // Lease expired without an ack: both come back, counted as a second delivery.
        let again = try queue.pull(token: token, now: start.addingTimeInterval(400))
        #expect(again.map(\.reference) == [first, second])
        #expect(again.map(\.deliveryCount) == [3, 2])
        #expect(try queue.ack(reference: first, token: token) == .acknowledged)
        #expect(try queue.pull(token: token, now: start.addingTimeInterval(800)).map(\.reference) == [second])
        // Filters.
        #expect(try queue.pull(token: token, status: "nouvelle", now: start.addingTimeInterval(5000)).map(\.reference) == [second])
        #expect(try queue.pull(token: token, formID: "autre", now: start.addingTimeInterval(10_000)).isEmpty)
        // Bounds.
        #expect(throws: BackOfficeError.invalidLimit(maximum: 500)) { try queue.pull(token: token, limit: 0) }
        #expect(throws: BackOfficeError.invalidLimit(maximum: 500)) { try queue.pull(token: token, limit: 501) }
        #expect(throws: BackOfficeError.invalidLease(minimum: 10, maximum: 86_400)) { try queue.pull(token: token, lease: 1) }
        #expect(throws: BackOfficeError.invalidLease(minimum: 10, maximum: 86_400)) { try queue.pull(token: token, lease: .infinity) }
        #expect(throws: BackOfficeError.invalidLease(minimum: 10, maximum: 86_400)) { try queue.pull(token: token, lease: .nan) }
    }

    @Test func ackIsIdempotent() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let one = try queue.createToken(name: "un", services: ["etat-civil"]).token
        let two = try queue.createToken(name: "deux", services: ["etat-civil"]).token
        let reference = try await queue.submit(Self.submission(1)).reference
        _ = try queue.pull(token: one)
        // Typed in any way a person may type it.
        #expect(try queue.ack(reference: reference.lowercased(), token: one) == .acknowledged)
        #expect(try queue.ack(reference: reference, token: one) == .alreadyAcknowledged)
        #expect(try queue.ack(reference: reference, token: two) == .alreadyAcknowledged)
        #expect(try queue.ack(reference: "n’importe quoi", token: one) == .notFound)
        #expect(try queue.ack(reference: String(repeating: "Z", count: 100_000), token: one) == .notFound)
        let record = try #require(try queue.find(reference: reference, token: two))
        #expect(record.status == QueueStatus.acknowledged)
        #expect(record.acknowledgedAt != nil && record.leaseUntil == nil)
        #expect(try queue.strings("SELECT acked_by FROM submissions") == [String(one.id)])
        #expect(try queue.pull(token: two, now: Date().addingTimeInterval(10_000)).isEmpty)
        // The cursor listing still shows it.
        let page = try queue.list(token: two)
        #expect(page.items.map(\.reference) == [reference] && !page.hasMore)
        #expect(try queue.list(token: two, after: page.cursor).items.isEmpty)
        #expect(try queue.list(token: two, after: page.cursor).cursor == page.cursor)
        for cursor in ["", "-1", "abc", "1e3", String(repeating: "9", count: 40), "１"] {
            #expect(throws: BackOfficeError.invalidCursor) { try queue.list(token: two, after: cursor) }
        }
    }

    @Test func cursorListingWalksEverythingInPages() throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let token = try queue.createToken(name: "ec", services: ["etat-civil"]).token
        var expected: [String] = []
        for number in 0..<25 {
            let service = number % 3 == 0 ? "ccas" : "etat-civil"
            let reference = try queue.submitNow(Self.submission(number, service: service)).reference
            if service == "etat-civil" { expected.append(reference) }
        }
        var seen: [String] = []
        var cursor: String? = nil
        var pages = 0
        repeat {
            let page = try queue.list(token: token, after: cursor, limit: 4)
            seen += page.items.map(\.reference)
            cursor = page.cursor
            pages += 1
            if !page.hasMore { break }
        } while pages < 100
        #expect(seen == expected)
        #expect(pages == 4) // 16 items in pages of 4: hasMore is exact, the 4th page says "no more"
    }

    /// Two queues on one file, two threads each, pulling small batches with a long lease until
    /// nothing is left, over several rounds: every item is handed out exactly once.
    @Test func concurrentPullersNeverHoldTheSameItem() throws {
        let folder = try TemporaryFolder()
        let path = folder.path()
        let queues = [try SubmissionQueue(path: path), try SubmissionQueue(path: path)]
        let token = try queues[0].createToken(name: "ec", services: ["etat-civil"]).token
        for round in 0..<4 {
            var submitted = Set<String>()
            for number in 0..<150 {
                submitted.insert(try queues[round % 2].submitNow(Self.submission(number)).reference)
            }
            let got = Locked<[String]>([])
            let failures = Locked<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 4) { worker in
                let queue = queues[worker % 2]
                while true {
                    do {
                        let batch = try queue.pull(token: token, limit: 1 + worker * 2, lease: 3600)
                        if batch.isEmpty { break }
                        got.update { $0 += batch.map(\.reference) }
                        // Ack half of them, as a back-office would once stored.
                        for item in batch where item.reference.hasSuffix("A") || worker == 0 {
                            _ = try queue.ack(reference: item.reference, token: token)
                        }
                    } catch {
                        failures.update { $0.append("\(error)") }
                        break
                    }
                }
            }
            #expect(failures.value == [])
            #expect(got.value.count == submitted.count, "round \(round): \(got.value.count) deliveries for \(submitted.count) items")
            #expect(Set(got.value) == submitted)
        }
        #expect(try queues[1].integrityReport() == [])
    }

    // MARK: - Events

    @Test func eventTransitionsFollowTheProcedure() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let token = try queue.createToken(name: "ec", services: ["etat-civil"]).token
        let reference = try await queue.submit(Self.submission(1)).reference
        let start = Date()
        func add(_ kind: EventKind, _ message: String? = nil, data: String? = nil, after seconds: Double) throws -> EventRecord? {
            try queue.addEvent(reference: reference, token: token, kind: kind, message: message, data: data,
                               at: start.addingTimeInterval(seconds))
        }

        #expect(try add(.accuseDeReception, after: 1)?.kind == "accuse-de-reception")
        #expect(throws: BackOfficeError.duplicateAcknowledgement) { try add(.accuseDeReception, after: 2) }
        #expect(throws: BackOfficeError.messageRequired(.incomplet)) { try add(.incomplet, data: #"{"date_limite":"2099-01-01"}"#, after: 3) }
        #expect(throws: BackOfficeError.deadlineRequired) { try add(.incomplet, "Il manque le livret de famille.", after: 3) }
        #expect(throws: BackOfficeError.deadlineRequired) { try add(.incomplet, "Il manque…", data: #"{"date_limite":"2099-02-30"}"#, after: 3) }
        #expect(throws: BackOfficeError.deadlineRequired) { try add(.incomplet, "Il manque…", data: #"{"date_limite":"2001-01-01"}"#, after: 3) }
        let incomplete = try add(.incomplet, "Il manque le livret de famille.", data: #"{"date_limite":"2099-01-01","pieces":["livret"]}"#, after: 4)
        #expect(incomplete?.data == #"{"date_limite":"2099-01-01","pieces":["livret"]}"#)
        #expect(try queue.find(reference: reference)?.status == "incomplet")
        _ = try add(.enCours, after: 5)
        _ = try add(.acceptee, "Votre acte vous sera envoyé par courrier.", after: 6)
        // A final decision is final.
        for kind in [EventKind.refusee, .sansSuite, .enCours, .incomplet, .acceptee, .accuseDeReception] {
            #expect(throws: BackOfficeError.transitionRefused(status: "acceptee", kind: kind)) {
                try add(kind, "x", data: #"{"date_limite":"2099-01-01"}"#, after: 7)
            }
        }
        // A message is still allowed and leaves the status alone.
        _ = try add(.message, "Le courrier est parti ce matin.", after: 8)
        let record = try #require(try queue.find(reference: reference, token: token))
        #expect(record.status == "acceptee")
        #expect(record.events.map(\.kind) == ["depot", "accuse-de-reception", "incomplet", "en-cours", "acceptee", "message"])
        #expect(record.events.map(\.at) == record.events.map(\.at).sorted())
        #expect(record.events.last?.message == "Le courrier est parti ce matin.")
    }

    @Test func hostileEventsAreRefusedInFrench() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let token = try queue.createToken(name: "ec", services: ["etat-civil"]).token
        let reference = try await queue.submit(Self.submission(1)).reference

        for kind in ["", "ACCEPTEE", "acceptée", "depot", "acceptee; DROP TABLE submissions", String(repeating: "k", count: 100_000)] {
            do {
                try queue.addEvent(reference: reference, token: token, kind: kind, message: "x")
                Issue.record("accepted kind \(kind.prefix(40))")
            } catch let error as BackOfficeError {
                guard case .unknownEventKind(let shown) = error else { Issue.record("\(error)"); continue }
                #expect(shown.count <= 40)
                #expect(error.description.hasPrefix("Type d’événement inconnu"))
            }
        }
        // 5 000 characters pass; 5 001 do not; neither do 10 MB, nor 100 000 combining marks
        // that would make a single "character".
        #expect(try queue.addEvent(reference: reference, token: token, kind: .message, message: String(repeating: "é", count: 5_000)) != nil)
        for message in [String(repeating: "a", count: 5_001), String(repeating: "🇫🇷", count: 5_000_000),
                        "e" + String(repeating: "\u{301}", count: 100_000)] {
            #expect(throws: BackOfficeError.messageTooLong(limit: 5_000)) {
                try queue.addEvent(reference: reference, token: token, kind: .message, message: message)
            }
        }
        #expect(BackOfficeError.messageTooLong(limit: 5_000).description == "Le message dépasse 5\u{202F}000 caractères : raccourcissez-le.")
        for message in ["a\u{0}b", "\u{1B}[31mrouge", "bip\u{7}"] {
            #expect(throws: BackOfficeError.forbiddenCharacters) {
                try queue.addEvent(reference: reference, token: token, kind: .message, message: message)
            }
        }
        #expect(throws: BackOfficeError.messageRequired(.message)) {
            try queue.addEvent(reference: reference, token: token, kind: .message, message: " \n ")
        }
        for data in ["[1,2]", "\"texte\"", "{", "{\"a\":\"\u{0}\"}", "{\"a\":\"" + String(repeating: "x", count: 10_000) + "\"}"] {
            #expect(throws: BackOfficeError.invalidData(limit: 10_000)) {
                try queue.addEvent(reference: reference, token: token, kind: .enCours, data: data)
            }
        }
        let received = try #require(try queue.find(reference: reference)?.receivedAt)
        #expect(throws: BackOfficeError.eventBeforeReceipt) {
            try queue.addEvent(reference: reference, token: token, kind: .enCours, at: received.addingTimeInterval(-1))
        }
        let record = try #require(try queue.find(reference: reference))
        #expect(record.events.map(\.kind) == ["depot", "message"])
        #expect(record.status == "nouvelle")
    }

    // MARK: - Audit

    @Test func theAuditLogHoldsNoPersonalData() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let token = try queue.createToken(name: "ec", services: ["etat-civil"]).token
        var item = Self.submission(1, attachment: Sample.abc.bytes)
        item.payloadJSON = #"{"nom":"Zorglub-Marqueur","courriel":"zorglub@example.org"}"#
        let reference = try await queue.submit(item).reference
        let record = try #require(try queue.pull(token: token).first)
        _ = try queue.find(reference: reference, token: token)
        _ = try queue.attachment(reference: reference, id: record.attachments[0].id, token: token)
        _ = try queue.list(token: token)
        _ = try queue.ack(reference: reference, token: token)
        try queue.addEvent(reference: reference, token: token, kind: .message, message: "Bonjour Zorglub-Marqueur")
        _ = try? queue.addEvent(reference: reference, token: token, kind: "Zorglub-Marqueur", message: "x")
        _ = try queue.find(reference: "Zorglub-Marqueur", token: token)
        try queue.recordAudit(tokenID: nil, action: "auth", reference: "zorglub@example.org", outcome: "Zorglub-Marqueur")
        try queue.recordAudit(tokenID: token.id, action: "Zorglub Marqueur", reference: nil, outcome: "refused")

        let log = try queue.auditLog(limit: 100)
        #expect(log.map(\.action).reversed() == ["pull", "find", "attachment", "list", "ack", "event", "event", "find", "auth", "autre"])
        #expect(log.map(\.outcome).reversed() == ["leased", "ok", "ok", "ok", "ok", "message", "invalid", "not-found", "autre", "refused"])
        #expect(Set(log.compactMap(\.reference)) == [reference])
        let dump = try queue.strings("SELECT quote(at) || quote(token_id) || quote(action) || quote(reference) || quote(outcome) FROM audit")
        #expect(dump.count == 10)
        #expect(!dump.joined().contains("Zorglub") && !dump.joined().contains("zorglub") && !dump.joined().contains("Bonjour"))
    }

    // MARK: - Webhook outbox

    @Test func webhookNoticesAreWrittenWithTheSubmissionAndRolledBackWithIt() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let (secret, hooked) = try queue.createToken(name: "ec", services: ["etat-civil", "ccas"], webhookURL: "https://ec.example.org/hook")
        _ = try queue.createToken(name: "sans webhook", services: ["etat-civil"])
        let revoked = try queue.createToken(name: "révoqué", services: ["etat-civil"], webhookURL: "https://old.example.org/").token
        try queue.revokeToken(id: revoked.id)
        _ = try queue.createToken(name: "autre service", services: ["services-techniques"], webhookURL: "https://st.example.org/")

        let stored = try await queue.submit(Self.submission(1))
        #expect(try queue.strings("SELECT token_id || ' ' || reference || ' ' || kind FROM outbox") == ["\(hooked.id) \(stored.reference) webhook"])
        let body = try queue.strings("SELECT body FROM outbox")[0]
        #expect(body.contains(#""evenement":"nouvelle-demande""#) && body.contains(stored.reference))
        #expect(!body.contains("Dupont")) // no personal data in the notice

        // A batch where one item breaks a constraint: the good ones keep their notice, the bad
        // one leaves none (its transaction rolled back).
        var bad = Self.submission(2)
        bad.retentionDays = 0
        let results = await queue.store.commit([Self.submission(3), bad, Self.submission(4, service: "ccas")])
        let references = results.compactMap { try? $0.get().reference }
        #expect(references.count == 2)
        #expect(try Set(queue.strings("SELECT reference FROM outbox")) == Set([stored.reference] + references))
        await #expect(throws: QueueError.self) { try await queue.submit(bad) }
        #expect(try queue.strings("SELECT COUNT(*) FROM outbox") == ["3"])
        #expect(try queue.count() == 3)

        // Claim, sign, fail, retry later, deliver.
        let now = Date()
        let claimed = try queue.claimOutbox(now: now, limit: 10)
        #expect(claimed.count == 3 && claimed.allSatisfy { $0.webhookURL == "https://ec.example.org/hook" && $0.attempts == 1 })
        #expect(try queue.claimOutbox(now: now.addingTimeInterval(1)).isEmpty) // held by the claim
        let header = try #require(claimed[0].signature(at: now))
        #expect(WebhookSignature.verify(header: header, body: claimed[0].body, secret: secret, now: now))
        #expect(!WebhookSignature.verify(header: header, body: claimed[0].body + " ", secret: secret, now: now))
        #expect(!WebhookSignature.verify(header: header, body: claimed[0].body, secret: secret, now: now.addingTimeInterval(3600)))
        let retry = try #require(try queue.outboxFailed(id: claimed[0].id, error: "HTTP 503", now: now))
        #expect(abs(retry.timeIntervalSince(now) - 30) < 0.01)
        try queue.outboxDelivered(id: claimed[1].id, now: now)
        #expect(try queue.outboxPending() == 2)
        #expect(try queue.claimOutbox(now: now.addingTimeInterval(31)).map(\.id) == [claimed[0].id])
        // Revoking the token gives its pending notices up.
        try queue.revokeToken(id: hooked.id)
        #expect(try queue.claimOutbox(now: now.addingTimeInterval(3600)).isEmpty)
        #expect(try queue.outboxPending() == 0)
        #expect(OutboxPolicy.delay(afterAttempts: 3) == 120 && OutboxPolicy.delay(afterAttempts: 30) == 6 * 3600)
    }

    // MARK: - Migration

    @Test func aVersionOneFileIsMigratedAndItsRequestsDelivered() throws {
        let folder = try TemporaryFolder()
        let path = folder.path()
        // A file as the previous release left it: schema v1 and one request.
        do {
            let database = try DatabaseQueue(path: path)
            try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try Schema.migrator.migrate(database, upTo: "v1")
            try database.write { db in
                try db.execute(sql: """
                    INSERT INTO submissions (reference, form_id, form_digest, service_id, channel, received_at, payload, key_hash, retention_days)
                    VALUES ('222-222-222', 'acte-naissance', 'd', 'etat-civil', 'web', '2026-01-05T10:00:00.000Z', ?, zeroblob(32), 365);
                    INSERT INTO events (submission_id, kind, at) VALUES (1, 'depot', '2026-01-05T10:00:00.000Z');
                    """, arguments: [Self.submission(1).payloadJSON])
            }
        }
        let queue = try SubmissionQueue(path: path)
        #expect(try queue.strings("SELECT identifier FROM grdb_migrations ORDER BY identifier") == ["v1", "v2", "v3", "v4", "v5"])
        let token = try queue.createToken(name: "ec", services: ["etat-civil"]).token
        #expect(try queue.pull(token: token).map(\.payloadJSON) == [Self.submission(1).payloadJSON])
        #expect(try queue.integrityReport() == [])
    }
}
