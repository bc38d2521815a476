import Foundation
import GRDB
import GuichetModel
@testable import Queue
import Testing

/// Long-lived gateways copy the write-ahead log from a thread of their own, so that no
/// citizen's COMMIT pays for a checkpoint; the WAL must still be copied and kept small.
@Suite struct BackgroundCheckpointerTests {
    /// The size of the write-ahead log file (SQLite rewrites it from its start after a complete
    /// checkpoint rather than truncating it, so its size is its high-water mark).
    static func walBytes(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int) ?? 0
    }

    @Test func theWriterNoLongerCheckpointsAndTheThreadDoes() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path(), checkpointsInBackground: true)
        let checkpointer = try #require(queue.checkpointer)
        let autocheckpoint = try await queue.store.pool.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint")
        }
        #expect(autocheckpoint == 0)

        for number in 0..<50 { _ = try await queue.submit(Sample.submission(number)) }
        // The thread passes every 50 ms: wait for it (bounded), without calling it ourselves.
        let deadline = Date().addingTimeInterval(10)
        while checkpointer.frames.current == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(checkpointer.frames.current > 0)
        #expect(try queue.count() == 50)
    }

    /// Without SQLite's automatic checkpoints the log would only grow; with the background
    /// passes it is rewritten from its start and stays the size of a few transactions.
    @Test func theLogStaysSmallUnderAStreamOfCommits() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path()
        let queue = try SubmissionQueue(path: path, checkpointsInBackground: true)
        let checkpointer = try #require(queue.checkpointer)
        var largest = 0
        for round in 0..<40 {
            // 50 submissions (one attachment of 16 KB each: several pages per submission), then
            // one pass as the thread would run it.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in 0..<50 {
                    group.addTask {
                        let attachment = NewAttachment(fieldID: "piece", filename: "scan.pdf", contentType: "application/pdf",
                                                       bytes: [UInt8](repeating: UInt8(round), count: 16_384))
                        _ = try await queue.submit(Sample.submission(round * 50 + number, attachments: [attachment]))
                    }
                }
                try await group.waitForAll()
            }
            checkpointer.checkpointIfNeeded()
            largest = max(largest, Self.walBytes(path))
        }
        #expect(try queue.count() == 2_000)
        // 2,000 submissions of 16 KB are over 32 MB written; the log never held more than a
        // few rounds of them.
        #expect(largest < 8 << 20, "largest WAL: \(largest) bytes")
        #expect(checkpointer.passes.current >= 40)
    }

    /// Passes that run while the writer keeps committing never copy the whole log by
    /// themselves; the writer's finishing checkpoint makes it start over. Without it the log
    /// held every one of these submissions (over 100 MB).
    @Test func theLogStartsOverUnderAContinuousStream() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path()
        let queue = try SubmissionQueue(path: path, checkpointsInBackground: true)
        let checkpointer = try #require(queue.checkpointer)
        let watching = Task.detached {
            var largest = 0
            while !Task.isCancelled {
                largest = max(largest, Self.walBytes(path))
                try? await Task.sleep(for: .milliseconds(5))
            }
            return largest
        }
        // 16 writers at once for 3,000 submissions of five pages or more each, while the
        // checkpointer's own thread runs its passes.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<16 {
                group.addTask {
                    for number in stride(from: writer, to: 3_000, by: 16) {
                        let attachment = NewAttachment(fieldID: "piece", filename: "scan.pdf", contentType: "application/pdf",
                                                       bytes: [UInt8](repeating: UInt8(number % 251), count: 16_384))
                        _ = try await queue.submit(Sample.submission(number, attachments: [attachment]))
                    }
                }
            }
            try await group.waitForAll()
        }
        watching.cancel()
        let largest = await watching.value
        #expect(try queue.count() == 3_000)
        #expect(largest > 0)
        #expect(largest < 40 << 20, "largest WAL: \(largest) bytes")
        #expect(checkpointer.passes.current > 0)
        #expect(try queue.integrityReport().isEmpty)
    }

    /// A pass that finds nothing new does not touch the database; a CGI-style queue (the
    /// default) has no checkpointer and keeps SQLite's automatic checkpoints.
    @Test func nothingNewNothingDoneAndCGIKeepsSQLiteDefaults() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path(), checkpointsInBackground: true)
        let checkpointer = try #require(queue.checkpointer)
        _ = try await queue.submit(Sample.submission(1))
        _ = checkpointer.checkpointIfNeeded()
        let passes = checkpointer.passes.current
        #expect(checkpointer.checkpointIfNeeded() == false)
        #expect(checkpointer.passes.current == passes)

        let cgi = try SubmissionQueue(path: folder.path("cgi.sqlite"))
        #expect(cgi.checkpointer == nil)
        let autocheckpoint = try await cgi.store.pool.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint")
        }
        #expect(autocheckpoint == 1000)
    }
}
