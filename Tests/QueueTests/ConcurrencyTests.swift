import Foundation
import GuichetModel
@testable import Queue
import Testing

@Suite struct ConcurrencyTests {
    @Test func twoThousandConcurrentSubmissionsAreGroupedAndAllKept() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let count = 2_000
        let receipts = try await withThrowingTaskGroup(of: (Int, StoredReceipt).self) { group in
            for number in 0..<count {
                group.addTask { (number, try await queue.submit(Sample.submission(number))) }
            }
            var receipts: [Int: StoredReceipt] = [:]
            for try await (number, receipt) in group { receipts[number] = receipt }
            return receipts
        }
        #expect(receipts.count == count)
        #expect(Set(receipts.values.map(\.reference)).count == count)
        #expect(try queue.count() == count)
        for (number, receipt) in receipts {
            let record = try queue.find(reference: receipt.reference, trackingKey: receipt.trackingKey)
            #expect(record?.payloadJSON == Sample.submission(number).payloadJSON)
        }
        // Group commit: far fewer transactions than submissions.
        let transactions = queue.committedTransactions
        #expect(transactions < count / 4, "\(transactions) transactions for \(count) submissions")
        #expect(try queue.integrityReport() == [])
    }

    /// The callback interface of the FastCGI server, from plain threads: each completion is
    /// called exactly once, after the transaction that holds its submission committed.
    @Test func completionsFromPlainThreadsComeOnceEachAfterTheCommit() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let threads = 8, perThread = 150
        let answers = Locked<[Int: [Result<StoredReceipt, QueueError>]]>([:])
        let early = Locked<Int>(0)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let group = DispatchGroup()
            for _ in 0..<(threads * perThread) { group.enter() }
            DispatchQueue.global().async {
                DispatchQueue.concurrentPerform(iterations: threads) { thread in
                    for index in 0..<perThread {
                        let number = thread * perThread + index
                        // Raised right after each COMMIT returns: the one that holds this
                        // submission comes after this reading.
                        let committedBefore = queue.committedTransactions
                        queue.submit(Sample.submission(number)) { result in
                            if queue.committedTransactions <= committedBefore { early.update { $0 += 1 } }
                            answers.update { $0[number, default: []].append(result) }
                            group.leave()
                        }
                    }
                }
                group.notify(queue: .global()) { done.resume() }
            }
        }
        let all = answers.value
        #expect(all.count == threads * perThread)
        #expect(all.values.allSatisfy { $0.count == 1 }, "one completion per submission")
        #expect(early.value == 0, "answered before the commit that holds the submission")
        let receipts = try all.sorted { $0.key < $1.key }.map { try $0.value[0].get() }
        #expect(Set(receipts.map(\.reference)).count == receipts.count)
        for (number, receipt) in receipts.enumerated() {
            let record = try queue.find(reference: receipt.reference, trackingKey: receipt.trackingKey)
            #expect(record?.payloadJSON == Sample.submission(number).payloadJSON)
        }
        #expect(try queue.count() == threads * perThread)
        #expect(queue.committedTransactions < threads * perThread / 4, "grouped: \(queue.committedTransactions) transactions")
        #expect(try queue.integrityReport() == [])
    }

    /// The group committer's gathering wait: it ends at its deadline on the monotonic clock,
    /// or when signalled, and a deadline already past does not wait at all.
    @Test func theMonotonicConditionWaitsUntilItsDeadlineOrItsSignal() {
        let condition = MonotonicCondition()
        condition.lock()
        #expect(!condition.wait(until: MonotonicCondition.now() - 1))
        let deadline = MonotonicCondition.now() + 20_000_000
        while condition.wait(until: deadline) {}  // woken early only spuriously
        #expect(MonotonicCondition.now() >= deadline)
        condition.unlock()

        let flag = Locked(false)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(10)) {
            condition.lock()
            flag.update { $0 = true }
            condition.signal()
            condition.unlock()
        }
        condition.lock()
        let far = MonotonicCondition.now() + 60_000_000_000
        while !flag.value && condition.wait(until: far) {}
        condition.unlock()
        #expect(flag.value, "the signal ended the wait, not its deadline a minute away")
    }

    /// A bad submission among good ones sent through the completions: the good ones are
    /// stored and answered with their receipt, the bad one gets the error, nothing half-stored.
    @Test func aBadSubmissionThroughTheCompletionsCostsTheOthersNothing() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        var bad = Sample.submission(99)
        bad.retentionDays = 0  // breaks the table's CHECK
        let items = (0..<20).map { Sample.submission($0) } + [bad] + (20..<40).map { Sample.submission($0) }
        let results = await withTaskGroup(of: (Int, Result<StoredReceipt, QueueError>).self) { group in
            for (index, item) in items.enumerated() {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        queue.submit(item) { continuation.resume(returning: (index, $0)) }
                    }
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == items.count)
        for (index, result) in results {
            if index == 20 {
                #expect(throws: QueueError.self) { try result.get() }
            } else {
                let receipt = try result.get()
                #expect(try queue.find(reference: receipt.reference, trackingKey: receipt.trackingKey)?.payloadJSON == items[index].payloadJSON)
            }
        }
        #expect(try queue.count() == items.count - 1)
        #expect(try queue.integrityReport() == [])
    }

    /// Several queues on one file, as several CGI processes or gateway workers would be:
    /// opened at the same moment on a file that does not exist yet (they race to create the
    /// schema), then writing at once, grouped and one by one.
    @Test func severalInstancesOnOneFileLoseNothing() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path()
        let instances = 4
        let failures = Locked<[String]>([])
        let opened = Locked<[SubmissionQueue]>([])
        DispatchQueue.concurrentPerform(iterations: instances) { _ in
            do {
                let queue = try SubmissionQueue(path: path)
                opened.update { $0.append(queue) }
            } catch {
                failures.update { $0.append("open: \(error)") }
            }
        }
        let queues = opened.value
        #expect(failures.value == [])
        try #require(queues.count == instances)

        let perGrouped = 250, perDirect = 100
        // Two instances write with group commit from tasks...
        async let grouped: [StoredReceipt] = withThrowingTaskGroup(of: StoredReceipt.self) { group in
            for queue in queues.prefix(2) {
                for number in 0..<perGrouped {
                    group.addTask { try await queue.submit(Sample.submission(number)) }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        // ...while two others write one transaction per submission from plain threads.
        let direct = Locked<[StoredReceipt]>([])
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                DispatchQueue.concurrentPerform(iterations: 2) { worker in
                    let queue = queues[2 + worker]
                    for number in 0..<perDirect {
                        do {
                            let receipt = try queue.submitNow(Sample.submission(number))
                            direct.update { $0.append(receipt) }
                        } catch {
                            failures.update { $0.append("submitNow: \(error)") }
                        }
                    }
                }
                done.resume()
            }
        }
        let all = try await grouped + direct.value
        #expect(failures.value == [])
        let expected = 2 * perGrouped + 2 * perDirect
        #expect(all.count == expected)
        #expect(Set(all.map(\.reference)).count == expected)
        for queue in queues {
            #expect(try queue.count() == expected)
        }
        let reader = try SubmissionQueue(path: path)
        for receipt in all {
            #expect(try reader.find(reference: receipt.reference, trackingKey: receipt.trackingKey) != nil)
        }
        #expect(try reader.integrityReport() == [])
    }

    /// Eight openers racing on a file that does not exist yet, twenty times. Two races are
    /// absorbed here: `PRAGMA journal_mode = WAL` answering "database is locked" at once (no
    /// busy handler), and two openers both running migration v1 (the loser rolls back).
    @Test func manyOpenersRacingOnANewFile() throws {
        for _ in 0..<20 {
            let folder = try TemporaryFolder()
            let path = folder.path()
            let failures = Locked<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                do {
                    let queue = try SubmissionQueue(path: path)
                    _ = try queue.submitNow(Sample.submission(1))
                } catch {
                    failures.update { $0.append("\(error)") }
                }
            }
            #expect(failures.value == [])
            #expect(try SubmissionQueue(path: path).count() == 8)
        }
    }

    /// Figures, not a check: `GUICHET_QUEUE_BENCH=1 swift test --filter groupCommitFigures`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["GUICHET_QUEUE_BENCH"] != nil))
    func groupCommitFigures() async throws {
        let count = 3_000
        /// `clients` callers, each submitting its share one after another (0: synchronous path).
        func measure(_ label: String, batch: Int, clients: Int) async throws {
            let folder = try TemporaryFolder()
            let queue = try SubmissionQueue(path: folder.path(), maximumBatchSize: batch, referenceSeed: nil)
            let start = ContinuousClock.now
            if clients > 0 {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for client in 0..<clients {
                        group.addTask {
                            for number in stride(from: client, to: count, by: clients) {
                                _ = try await queue.submit(Sample.submission(number))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            } else {
                for number in 0..<count { _ = try queue.submitNow(Sample.submission(number)) }
            }
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            print("\(label): \(count) submissions in \(String(format: "%.2f", seconds)) s = \(Int(Double(count) / seconds)) submissions/s, \(queue.committedTransactions) transactions")
        }
        try await measure("submitNow, one after another", batch: 1, clients: 0)
        try await measure("submit, 16 clients, no grouping (batch 1)", batch: 1, clients: 16)
        try await measure("submit, 16 clients, group commit", batch: 256, clients: 16)
        try await measure("submit, \(count) at once, no grouping (batch 1)", batch: 1, clients: count)
        try await measure("submit, \(count) at once, group commit", batch: 256, clients: count)
    }
}

/// A value shared between threads in tests.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value {
        lock.lock(); defer { lock.unlock() }
        return stored
    }

    func update(_ body: (inout Value) throws -> Void) rethrows {
        lock.lock(); defer { lock.unlock() }
        try body(&stored)
    }
}
