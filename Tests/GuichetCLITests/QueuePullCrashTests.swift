import Crypto
import Foundation
import Queue
import Testing

/// `guichet queue pull` killed with SIGKILL at random moments: nothing is lost. Every request
/// acknowledged has its complete folder on disk; the others come back once their lease ends.
@Suite struct QueuePullCrashTests {
    let cli = BuildCommandTests()

    @Test func sigkillDuringAPullLosesNothing() async throws {
        let folder = try cli.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("queue.sqlite").path
        let out = folder.appendingPathComponent("releve")
        let queue = try SubmissionQueue(path: database)
        var expected: [String: [UInt8]] = [:]  // reference → bytes of its attachment
        for index in 0..<120 {
            let bytes = Array("%PDF-1.4 piece \(index) ".utf8) + Array(repeating: UInt8(index % 251), count: 150_000)
            let stored = try queue.submitNow(NewSubmission(
                formID: "contact", formDigest: "d", serviceID: "accueil", channel: .web,
                payloadJSON: #"{"nom":"Personne \#(index)"}"#,
                attachments: [NewAttachment(fieldID: "piece-jointe", filename: "piece.pdf", contentType: "application/pdf", bytes: bytes)],
                retentionDays: 30))
            expected[stored.reference] = bytes
        }

        // Three pulls killed at random moments, with a short lease so the test does not wait long.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3 {
            let process = Process()
            process.executableURL = BuildCommandTests.binary
            process.arguments = ["queue", "pull", "--service", "accueil", "--format", "jsonl", "--out", out.path,
                                 "--lease", "10", "--db", database, "--root", folder.path]
            process.standardOutput = Pipe()
            process.standardError = Pipe()
            try process.run()
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...600, using: &generator)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        // Everything acknowledged so far must already be complete on disk.
        try checkFolders(out: out, expected: expected, onlyAcknowledged: try acknowledged(queue, expected.keys))

        // Once the leases have ended, a normal pull takes the rest.
        try await Task.sleep(for: .seconds(11))
        let finish = try cli.run(["queue", "pull", "--service", "accueil", "--format", "jsonl", "--out", out.path,
                                  "--db", database, "--root", folder.path])
        #expect(finish.status == 0, "\(finish.stderr)")
        let done = try acknowledged(queue, expected.keys)
        #expect(done.count == expected.count, "every request acknowledged in the end")
        try checkFolders(out: out, expected: expected, onlyAcknowledged: done)
    }

    func acknowledged(_ queue: SubmissionQueue, _ references: Dictionary<String, [UInt8]>.Keys) throws -> Set<String> {
        Set(try references.filter { try queue.find(reference: $0)?.acknowledgedAt != nil })
    }

    /// Each acknowledged reference has demande.json naming it and its attachment, byte for byte.
    func checkFolders(out: URL, expected: [String: [UInt8]], onlyAcknowledged: Set<String>,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        for reference in onlyAcknowledged {
            let item = out.appendingPathComponent(reference)
            let document = try Data(contentsOf: item.appendingPathComponent("demande.json"))
            #expect(String(decoding: document, as: UTF8.self).contains(reference), sourceLocation: sourceLocation)
            let pieces = try FileManager.default.contentsOfDirectory(atPath: item.path).filter { $0.hasPrefix("piece-") }
            #expect(pieces.count == 1, "\(reference): \(pieces)", sourceLocation: sourceLocation)
            if let piece = pieces.first {
                let bytes = try Data(contentsOf: item.appendingPathComponent(piece))
                #expect(SHA256.hash(data: bytes) == SHA256.hash(data: Data(expected[reference]!)), "\(reference)", sourceLocation: sourceLocation)
            }
        }
    }
}
