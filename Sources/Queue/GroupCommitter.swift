import Foundation

/// Group commit: the one writer of a `SubmissionQueue`'s group of concurrent `submit` calls.
///
/// The first submission to arrive while no transaction is running starts one at once (no
/// added latency when the gateway is quiet). Submissions arriving while a transaction commits
/// wait in `pending` and all go into the next transaction, up to `maximumBatchSize` items or
/// `maximumBatchBytes` of payload and attachments. Under load, one fsync then receipts many
/// submissions; each caller is answered only after the COMMIT of its own transaction returned.
///
/// Transactions are written from a thread of its own, which calls the queue's writer
/// synchronously: an actor awaiting GRDB's asynchronous write cost two thread hand-offs per
/// batch, about 0.3 ms of the writer's 1.7 ms cycle under the load of
/// Benchmarks/gateway-vs-php.sh, while the submissions waiting for the next batch waited too.
final class GroupCommitter: @unchecked Sendable {  // state behind `state`
    private struct Pending {
        var submission: NewSubmission
        var key: Store.NewKey
        var continuation: CheckedContinuation<Result<StoredReceipt, QueueError>, Never>
    }

    /// Batches stop growing past this many bytes (keeps memory and transaction size bounded
    /// when large attachments arrive together); a single larger submission still goes alone.
    static let maximumBatchBytes = 64 << 20

    private let store: Store
    private let checkpointer: BackgroundCheckpointer?
    private let maximumBatchSize: Int
    private let state = NSCondition()
    private var pending: [Pending] = []
    private var stopped = false

    init(store: Store, maximumBatchSize: Int, checkpointer: BackgroundCheckpointer? = nil) {
        self.store = store
        self.maximumBatchSize = maximumBatchSize
        self.checkpointer = checkpointer
        let thread = Thread { [self] in run() }
        thread.name = "Guichet.Queue.commit"
        thread.start()
    }

    func submit(_ submission: NewSubmission) async -> Result<StoredReceipt, QueueError> {
        // Drawn and hashed here, in the submitting task, not by the one writer.
        let key = Store.NewKey()
        return await withCheckedContinuation { continuation in
            state.lock()
            pending.append(Pending(submission: submission, key: key, continuation: continuation))
            state.signal()
            state.unlock()
        }
    }

    /// Ends the thread once the submissions already handed over are stored.
    func stop() {
        state.lock()
        stopped = true
        state.signal()
        state.unlock()
    }

    private func run() {
        while true {
            state.lock()
            while pending.isEmpty && !stopped { state.wait() }
            if pending.isEmpty {
                state.unlock()
                return
            }
            let batch = takeBatch()
            state.unlock()

            let results = store.commit(batch.map(\.submission), keys: batch.map(\.key))
            assert(results.count == batch.count, "one result per submission")
            for (item, result) in zip(batch, results) {
                item.continuation.resume(returning: result)
            }
            // After the answers: the batch's citizens do not wait for it, the next batch does
            // (a few frames' copy, a few times a second at most).
            if checkpointer?.takeFinishRequest() == true {
                store.finishCheckpoint()
            }
        }
    }

    /// The next batch; called with `state` locked.
    private func takeBatch() -> [Pending] {
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
        return batch
    }
}
