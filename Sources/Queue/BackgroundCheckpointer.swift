import Foundation
import GRDB

/// Copies the write-ahead log into the database file from a thread and a connection of its
/// own, so that no citizen's COMMIT ever waits for it (long-lived gateways only).
///
/// By default SQLite checkpoints inside the COMMIT that takes the log past 1,000 pages: that
/// one transaction copies every page and fsyncs the database file. Under load it stalled the
/// group committer for tens of milliseconds (a fifth of the writer's time), and every
/// submission waiting behind it: the gateway's p99 latency. Here the writer's automatic
/// checkpoints are off and this thread runs a PASSIVE checkpoint whenever transactions were
/// committed since its last pass: PASSIVE never blocks the writer nor readers, and copies what
/// it can (frames that a reader still uses wait for the next pass). Once the whole log has been
/// copied, the writer's next transaction starts it again from the beginning, so the log stays
/// the size of the last interval's writes.
///
/// Under a steady stream of submissions the log is never wholly copied by this thread alone:
/// the writer appends new transactions while a pass copies the older ones, so every pass ends
/// a few frames short, the log never starts over, and it grew by the size of every submission
/// (750 MB in a 10-second benchmark run, with the page-cache and fdatasync costs of a growing
/// file). So once the log is past `restartFrames`, a pass that ends short first catches up
/// with a few more passes, then asks the writer to finish (`takeFinishRequest`): between
/// two batches, the group committer runs a PASSIVE checkpoint on the writer connection, which
/// copies the few frames committed during the pass (the bulk is already done) while no new
/// ones can arrive, and the next transaction starts the log again.
///
/// CGI processes live for one request and keep SQLite's automatic checkpoints; they may share
/// the file with a gateway that uses this: a checkpoint that finds another one running gets
/// SQLITE_BUSY, and this thread simply tries again at its next pass.
final class BackgroundCheckpointer: @unchecked Sendable {  // state behind `state`
    /// Time between passes. A pass with nothing new to copy costs nothing.
    static let interval: TimeInterval = 0.05

    /// Size of the log (in frames of one page) from which the writer is asked to finish a
    /// pass that ended short. The finish costs the writer about 3 ms (a copy and an fsync of
    /// the database file): about 16 MB of log with 4 KB pages, a few times a second under the
    /// load of Benchmarks/gateway-vs-php.sh (16,384 frames measured no better there).
    static let restartFrames = 4_096

    /// Passes run back to back, at most, to catch up with the writer before it is asked to
    /// finish, and the number of new frames under which catching up stops.
    static let catchUpPasses = 4
    static let finishFrames = 256

    private let connection: DatabaseQueue
    private let transactions: Counter
    private let state = NSCondition()
    private var stopped = false
    private var checkpointedTransactions = 0
    private var finishWanted = false
    /// Passes that ran a checkpoint (read by tests).
    let passes = Counter()
    /// Sum over those passes of the frames SQLite reported as copied from the current log at
    /// the end of each pass: a measure of work done, for tests. A frame is counted again by
    /// each later pass until the log starts over, so this is not the number of frames copied.
    let frames = Counter()

    /// Opens a connection of its own on `path` and starts the thread. `transactions` is the
    /// committer's count of committed transactions.
    init(path: String, transactions: Counter) throws {
        var configuration = Configuration()
        configuration.label = "Guichet.Queue.checkpoint"
        // Never wait on a lock: a busy pass is retried at the next one.
        configuration.busyMode = .immediateError
        configuration.prepareDatabase { db in
            // The database file is fsync'd after each copy, as with SQLite's own checkpoints.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.transactions = transactions
        let thread = Thread { [self] in run() }
        thread.name = "Guichet.Queue.checkpoint"
        thread.start()
    }

    /// Ends the thread after its current pass (it holds the checkpointer until then).
    func stop() {
        state.lock()
        stopped = true
        state.signal()
        state.unlock()
    }

    /// One PASSIVE checkpoint, counted.
    private func pass() throws -> (walFrameCount: Int, checkpointedFrameCount: Int) {
        let result = try connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
        passes.add(1)
        frames.add(max(0, result.checkpointedFrameCount))
        return result
    }

    /// True once after a pass that could not copy the whole log: the writer should then run a
    /// checkpoint of its own between two transactions (see the type's comment).
    func takeFinishRequest() -> Bool {
        state.lock()
        defer { state.unlock() }
        let wanted = finishWanted
        finishWanted = false
        return wanted
    }

    private func run() {
        while true {
            state.lock()
            if !stopped { _ = state.wait(until: Date(timeIntervalSinceNow: Self.interval)) }
            let done = stopped
            state.unlock()
            if done { return }
            checkpointIfNeeded()
        }
    }

    /// One pass: a PASSIVE checkpoint if transactions were committed since the last complete
    /// one. Internal for tests, which call it directly to avoid waiting on the clock.
    @discardableResult
    func checkpointIfNeeded() -> Bool {
        state.lock()
        let committed = transactions.current
        let due = committed != checkpointedTransactions
        state.unlock()
        guard due else { return false }
        do {
            var result = try pass()
            var committedBefore = committed
            if result.walFrameCount >= Self.restartFrames {
                // Catch up with the writer before asking it to finish: each pass copies what
                // was committed during the previous one, so the writer's own copy (which
                // citizens wait for) is left with a few hundred frames, not a pass's worth.
                for _ in 0..<Self.catchUpPasses {
                    let previousFrames = result.walFrameCount
                    committedBefore = transactions.current
                    result = try pass()
                    if result.walFrameCount - previousFrames <= Self.finishFrames { break }
                }
            }
            // Frames still in use by a reader are copied at a later pass: only a complete copy
            // clears the debt.
            state.lock()
            if result.checkpointedFrameCount == result.walFrameCount {
                checkpointedTransactions = committedBefore
            }
            // "Complete" above means up to the last frame this pass saw. If the writer committed
            // since, the log holds newer frames and will not start over by itself.
            if result.walFrameCount >= Self.restartFrames
                && (result.checkpointedFrameCount != result.walFrameCount || transactions.current != committedBefore) {
                finishWanted = true
            }
            state.unlock()
            return true
        } catch {
            // SQLITE_BUSY (another checkpoint is running, or a CGI process's) or an I/O error:
            // nothing is lost, the log keeps the transactions until a later pass.
            return false
        }
    }
}
