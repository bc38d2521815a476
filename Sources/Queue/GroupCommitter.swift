/// Group commit: the one writer of a `SubmissionQueue`'s group of concurrent `submit` calls.
///
/// The first submission to arrive while no transaction is running starts one at once (no
/// added latency when the gateway is quiet). Submissions arriving while a transaction commits
/// wait in `pending` and all go into the next transaction, up to `maximumBatchSize` items or
/// `maximumBatchBytes` of payload and attachments. Under load, one fsync then receipts many
/// submissions; each caller is answered only after the COMMIT of its own transaction returned.
actor GroupCommitter {
    private struct Pending {
        var submission: NewSubmission
        var continuation: CheckedContinuation<Result<StoredReceipt, QueueError>, Never>
    }

    /// Batches stop growing past this many bytes (keeps memory and transaction size bounded
    /// when large attachments arrive together); a single larger submission still goes alone.
    static let maximumBatchBytes = 64 << 20

    private let store: Store
    private let checkpointer: BackgroundCheckpointer?
    private let maximumBatchSize: Int
    private var pending: [Pending] = []
    private var draining = false

    init(store: Store, maximumBatchSize: Int, checkpointer: BackgroundCheckpointer? = nil) {
        self.store = store
        self.maximumBatchSize = maximumBatchSize
        self.checkpointer = checkpointer
    }

    func submit(_ submission: NewSubmission) async -> Result<StoredReceipt, QueueError> {
        await withCheckedContinuation { continuation in
            pending.append(Pending(submission: submission, continuation: continuation))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = takeBatch()
            let results = await store.commit(batch.map(\.submission))
            assert(results.count == batch.count, "one result per submission")
            for (item, result) in zip(batch, results) {
                item.continuation.resume(returning: result)
            }
            // After the answers: the batch's citizens do not wait for it, the next batch does
            // (a few frames' copy, once per pass of the checkpointer at most).
            if checkpointer?.takeFinishRequest() == true {
                await store.finishCheckpoint()
            }
        }
        draining = false
    }

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
