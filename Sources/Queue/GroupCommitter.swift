import Foundation
import GRDB

/// Group commit: the one writer of a `SubmissionQueue`'s group of concurrent submissions.
///
/// The first submission to arrive while no transaction is running starts one at once (no
/// added latency when the gateway is quiet). Submissions arriving while a transaction commits
/// wait in `pending` and all go into the next transaction (under load, after a short wait for
/// it to fill: `takeBatch`), up to `maximumBatchSize` items or
/// `maximumBatchBytes` of payload and attachments. Under load, one fsync then receipts many
/// submissions; each caller is answered only after the COMMIT of its own transaction returned.
///
/// Callers hand their submission over with a completion, called on the writer's queue (GRDB's
/// serial writer) right after the COMMIT. The submitting thread is never blocked, and no actor
/// or continuation sits between the writer and the caller's answer: the FastCGI gateway's task
/// ends when it has handed its submission over, and the writer's completion brings the answer
/// to the connection's event loop (`submit(_:) async` keeps the task-based interface for the
/// other callers, on top of this one).
final class GroupCommitter: @unchecked Sendable {  // mutable state behind `lock`
    typealias Completion = @Sendable (Result<StoredReceipt, QueueError>) -> Void

    private struct Pending {
        var submission: NewSubmission
        var key: Store.NewKey
        var completion: Completion
    }

    /// Batches stop growing past this many bytes (keeps memory and transaction size bounded
    /// when large attachments arrive together); a single larger submission still goes alone.
    static let maximumBatchBytes = 64 << 20

    /// Under load, how long the writer may wait for the next batch to fill up to the size of
    /// the previous one before it begins the transaction (see `takeBatch`).
    static let gatherWindow: UInt64 = 400_000  // nanoseconds
    /// A writer that stayed idle longer than this is not under load: no gathering.
    static let idleGap: UInt64 = 5_000_000  // nanoseconds

    private let store: Store
    private let checkpointer: BackgroundCheckpointer?
    private let maximumBatchSize: Int
    /// Guards the variables below; signalled when `pending` reaches `gatherTarget`.
    private let lock = MonotonicCondition()
    private var pending: [Pending] = []
    /// True from the moment a batch is scheduled on the writer until `pending` is found empty.
    private var draining = false
    /// Size of the last batch taken.
    private var lastBatchSize = 0
    /// When the writer last found nothing to do (`MonotonicCondition.now()`).
    private var idleSince: UInt64 = 0
    /// While the writer gathers a batch: the number of waiting submissions it waits for (0
    /// otherwise).
    private var gatherTarget = 0

    init(store: Store, maximumBatchSize: Int, checkpointer: BackgroundCheckpointer? = nil) {
        self.store = store
        self.maximumBatchSize = maximumBatchSize
        self.checkpointer = checkpointer
    }

    /// Queues `submission`; `completion` runs once, on the writer's queue, after the COMMIT of
    /// the transaction that stored it (or with the error that kept it out). It must return
    /// quickly and never wait on the queue: the next batch waits for it.
    func submit(_ submission: NewSubmission, completion: @escaping Completion) {
        // The tracking key (random bytes and SHA-256) is drawn here, on the submitting thread:
        // the one writer should spend its time on SQLite.
        let item = Pending(submission: submission, key: Store.NewKey(), completion: completion)
        lock.lock()
        pending.append(item)
        let start = !draining
        draining = true
        // After a quiet spell the last batch's size says nothing of the load: no gathering.
        if start && MonotonicCondition.now() - idleSince > Self.idleGap { lastBatchSize = 0 }
        if gatherTarget > 0 && pending.count >= gatherTarget { lock.signal() }
        lock.unlock()
        if start { scheduleBatch() }
    }

    func submit(_ submission: NewSubmission) async -> Result<StoredReceipt, QueueError> {
        await withCheckedContinuation { continuation in
            submit(submission) { continuation.resume(returning: $0) }
        }
    }

    /// One batch per turn of the writer's queue: a write of another caller (a back-office
    /// acknowledgement in the same process) waits for one batch at most (its gathering window,
    /// transaction and completions), never for a stream.
    private func scheduleBatch() {
        store.pool.asyncWriteWithoutTransaction { db in
            self.runBatch(db)
        }
    }

    private func runBatch(_ db: Database) {
        guard let batch = takeBatch() else { return }
        let results = store.commit(batch.map(\.submission), keys: batch.map(\.key), db)
        precondition(results.count == batch.count, "one result per submission")
        for (item, result) in zip(batch, results) {
            item.completion(result)
        }
        // After the answers: the batch's citizens do not wait for it, the next batch does
        // (a few frames' copy, once per pass of the checkpointer at most).
        if checkpointer?.takeFinishRequest() == true {
            store.finishCheckpoint(db)
        }
        lock.lock()
        let more = !pending.isEmpty
        if !more { goIdle() }
        lock.unlock()
        if more { scheduleBatch() }
    }

    /// With `lock` held.
    private func goIdle() {
        draining = false
        idleSince = MonotonicCondition.now()
    }

    /// The next batch, or nil (and the writer is released) when nothing is waiting.
    ///
    /// When the previous batch held several submissions (the gateway is under load) and fewer
    /// are waiting now, the writer first waits up to `gatherWindow` for as many as the previous
    /// batch held. Otherwise, the writer being faster than the batches' hand-offs, it started
    /// each transaction as soon as the previous one ended, with the few submissions that had
    /// arrived meanwhile: more transactions of fewer submissions, each paying a COMMIT and its
    /// fsync. Measured with Benchmarks/gateway-ab.sh (0.4 ms against none, 16, 24 and 32
    /// connections, six pairs): 4 to 18 % more submissions per second, 4 to 17 % less CPU per
    /// submission, and a lower p99 in each pair; a 0.15 ms or 0.8 ms window did worse. At a
    /// quiet time nothing is delayed: no wait after a batch of one, nor after the writer stayed
    /// idle for more than `idleGap`.
    private func takeBatch() -> [Pending]? {
        lock.lock()
        defer { lock.unlock() }
        if lastBatchSize > 1 && !pending.isEmpty && pending.count < lastBatchSize {
            gatherTarget = lastBatchSize
            let deadline = MonotonicCondition.now() + Self.gatherWindow
            while pending.count < gatherTarget && lock.wait(until: deadline) {}
            gatherTarget = 0
        }
        guard !pending.isEmpty else {
            goIdle()
            lastBatchSize = 0
            return nil
        }
        var count = 0, bytes = 0
        for item in pending {
            let size = item.submission.payloadJSON.utf8.count
                + item.submission.attachments.reduce(0) { $0 + $1.bytes.count }
            if count == maximumBatchSize || (count > 0 && bytes + size > Self.maximumBatchBytes) { break }
            count += 1
            bytes += size
        }
        let batch = Array(pending.prefix(count))
        pending.removeFirst(count)
        lastBatchSize = count
        return batch
    }
}
