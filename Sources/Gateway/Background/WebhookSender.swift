import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Queue

/// One failed attempt of a pass: what is written in the outbox's `last_error` and the log.
/// Never any personal data: outbox and token numbers, an HTTP status or a network cause.
public struct WebhookFailure: Sendable, Equatable {
    public var outboxID: Int64
    public var tokenID: Int64?
    public var attempts: Int
    public var error: String
    /// When the notice will be tried again; nil when it was given up (see `OutboxPolicy`).
    public var retryAt: Date?
}

/// What one pass of `WebhookSender` did.
public struct WebhookPassReport: Sendable, Equatable {
    public var delivered = 0
    public var failures: [WebhookFailure] = []

    public init() {}

    /// Failed this time, tried again later.
    public var retrying: Int { failures.filter { $0.retryAt != nil }.count }
    /// Failed for the last time (`OutboxPolicy.maximumAttempts` reached).
    public var givenUp: Int { failures.filter { $0.retryAt == nil }.count }
    public var attempted: Int { delivered + failures.count }
}

/// Sends the outbox's "new submission" notices (kind `webhook`) to the back-offices' URLs.
///
/// One pass (`runOnce`) claims the due items, POSTs each body as it is stored (the signature
/// covers these exact bytes) with `Content-Type: application/json`, `X-Guichet-Signature` and
/// a `User-Agent`, within `timeout` seconds; a 2xx answer marks it delivered, anything else
/// (another status, a redirection — never followed —, a timeout, a refused connection, an
/// unknown host, a URL that is not http/https) marks it failed, so the outbox's backoff applies.
///
/// Items of one URL are sent one after the other, different URLs in parallel. When a URL
/// cannot be reached at all (timeout, refused connection, DNS), its other items of the same
/// pass are failed at once rather than each waiting for the timeout.
///
/// Delivery is at-least-once: a receiver that answered 2xx after the timeout gets the notice
/// again. The notice carries the reference; the back-office then pulls.
public final class WebhookSender: Sendable {
    public static let userAgent = "Guichet-Webhook/1 (avis de nouvelle demande)"

    let queue: SubmissionQueue
    /// Whole seconds (libcurl's timer inside URLSession counts in whole seconds).
    public let timeout: Int
    let batchSize: Int
    let parallelURLs: Int
    let clock: @Sendable () -> Date
    let session: URLSession
    let log: @Sendable (String) -> Void

    /// - Parameters:
    ///   - timeout: seconds allowed for a whole exchange (connection, request, answer); at least 1.
    ///   - clock: the time used for claims, backoff and signatures (replaced in tests).
    ///   - log: receives one French line per failed attempt (default: standard error).
    public init(queue: SubmissionQueue, timeout: Int = 10, batchSize: Int = 20, parallelURLs: Int = 4,
                clock: @escaping @Sendable () -> Date = { Date() },
                log: @escaping @Sendable (String) -> Void = BackgroundLog.standardError) {
        self.queue = queue
        self.timeout = max(1, timeout)
        self.batchSize = max(1, min(batchSize, 500))
        self.parallelURLs = max(1, parallelURLs)
        self.clock = clock
        self.log = log
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = TimeInterval(self.timeout)
        configuration.timeoutIntervalForResource = TimeInterval(self.timeout)
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpMaximumConnectionsPerHost = 2
        session = URLSession(configuration: configuration, delegate: RefuseRedirections(), delegateQueue: nil)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    /// How long claimed items stay reserved: longer than the worst pass over one batch (every
    /// item of one slow URL answering just before the timeout), so that a `guichet queue
    /// deliver` running beside the gateway never sends the same item at the same time.
    var claimSeconds: TimeInterval { TimeInterval(timeout * batchSize + 60) }

    /// One pass: every item due now, batch after batch (at most `maximumBatches`). Database
    /// failures are thrown (the items already claimed come back after their claim); network
    /// failures are recorded in the outbox and reported, never thrown.
    public func runOnce(maximumBatches: Int = 25) async throws -> WebhookPassReport {
        var report = WebhookPassReport()
        for _ in 0..<max(1, maximumBatches) {
            if Task.isCancelled { break }
            let now = clock()
            let (queue, limit, claim) = (self.queue, batchSize, claimSeconds)
            let items = try await BackgroundLog.offPool { try queue.claimOutbox(kind: "webhook", now: now, limit: limit, claim: claim) }
            if items.isEmpty { break }
            try await send(items, into: &report)
            if items.count < batchSize { break }
        }
        return report
    }

    private func send(_ items: [OutboxItem], into report: inout WebhookPassReport) async throws {
        // Group by URL, keeping the claim order inside each group.
        var order: [String] = []
        var groups: [String: [OutboxItem]] = [:]
        for item in items {
            let url = item.webhookURL ?? ""
            if groups[url] == nil { order.append(url) }
            groups[url, default: []].append(item)
        }
        let results = await withTaskGroup(of: [(OutboxItem, Outcome)].self) { group in
            var results: [(OutboxItem, Outcome)] = []
            var next = 0
            func startNext() {
                guard next < order.count, let batch = groups[order[next]] else { return }
                next += 1
                group.addTask { await self.sendSequentially(batch) }
            }
            for _ in 0..<parallelURLs { startNext() }
            for await done in group {
                results += done
                startNext()
            }
            return results
        }
        // Record the outcomes (off the cooperative pool: SQLite may wait for its lock).
        for (item, outcome) in results.sorted(by: { $0.0.id < $1.0.id }) {
            switch outcome {
            case .delivered:
                let (queue, now) = (self.queue, clock())
                try await BackgroundLog.offPool { try queue.outboxDelivered(id: item.id, now: now) }
                report.delivered += 1
            case let .failed(error), let .unreachable(error):
                let (queue, now) = (self.queue, clock())
                let retry = try await BackgroundLog.offPool { try queue.outboxFailed(id: item.id, error: error, now: now) }
                let failure = WebhookFailure(outboxID: item.id, tokenID: item.tokenID, attempts: item.attempts, error: error, retryAt: retry)
                report.failures.append(failure)
                log(Self.logLine(failure))
            case .cancelled:
                // Stopping: the item stays claimed and comes back after its claim.
                break
            }
        }
    }

    enum Outcome: Sendable, Equatable {
        case delivered
        /// The receiver answered, but not 2xx.
        case failed(String)
        /// The receiver could not be reached (the URL's other items of this pass are skipped).
        case unreachable(String)
        case cancelled
    }

    private func sendSequentially(_ items: [OutboxItem]) async -> [(OutboxItem, Outcome)] {
        var results: [(OutboxItem, Outcome)] = []
        var unreachable: String?
        for item in items {
            if Task.isCancelled {
                results.append((item, .cancelled))
            } else if let unreachable {
                results.append((item, .unreachable("non tenté : destinataire injoignable à ce passage (\(unreachable))")))
            } else {
                let outcome = await send(item)
                if case let .unreachable(reason) = outcome { unreachable = reason }
                results.append((item, outcome))
            }
        }
        return results
    }

    /// One POST. Exposed to the module for tests.
    func send(_ item: OutboxItem) async -> Outcome {
        guard let text = item.webhookURL, let url = URL(string: text),
              let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            return .unreachable("adresse de webhook refusée : seules les URL http:// et https:// sont acceptées")
        }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: TimeInterval(timeout))
        request.httpMethod = "POST"
        request.httpBody = Data(item.body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(Self.userAgent, forHTTPHeaderField: "User-Agent")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let signature = item.signature(at: clock()) {
            request.setValue(signature, forHTTPHeaderField: WebhookSignature.headerName)
        }
        switch await post(request) {
        case let .success(status) where (200...299).contains(status):
            return .delivered
        case let .success(status) where (300...399).contains(status):
            return .failed("réponse HTTP \(status) (redirection non suivie : indiquez l’adresse finale du webhook)")
        case let .success(status):
            return .failed("réponse HTTP \(status)")
        case let .failure(error):
            if Task.isCancelled { return .cancelled }
            return Self.describe(error)
        }
    }

    /// The status of the answer, or the network error. Cancelling the calling task cancels the
    /// request.
    private func post(_ request: URLRequest) async -> Result<Int, URLError> {
        let holder = TaskHolder()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Int, URLError>, Never>) in
                let task = session.dataTask(with: request) { _, response, error in
                    if let error {
                        continuation.resume(returning: .failure(error as? URLError ?? URLError(.unknown)))
                    } else if let status = (response as? HTTPURLResponse)?.statusCode {
                        continuation.resume(returning: .success(status))
                    } else {
                        continuation.resume(returning: .failure(URLError(.badServerResponse)))
                    }
                }
                if !holder.start(task) {
                    // Cancelled before it started: the task is never resumed, its handler never runs.
                    continuation.resume(returning: .failure(URLError(.cancelled)))
                }
            }
        } onCancel: {
            holder.cancel()
        }
    }

    /// French causes, without the URL (it is in the token's configuration) nor anything else.
    static func describe(_ error: URLError) -> Outcome {
        switch error.code {
        case .timedOut:
            return .unreachable("pas de réponse dans le délai imparti")
        case .cannotConnectToHost:
            return .unreachable("connexion refusée")
        case .cannotFindHost, .dnsLookupFailed:
            return .unreachable("nom d’hôte introuvable (DNS)")
        case .notConnectedToInternet:
            return .unreachable("réseau indisponible")
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            return .unreachable("échec de la connexion TLS (certificat du destinataire refusé ?)")
        case .networkConnectionLost:
            return .failed("connexion coupée avant la réponse")
        case .badServerResponse, .cannotParseResponse:
            return .failed("réponse HTTP illisible")
        case .unsupportedURL, .badURL:
            return .unreachable("adresse de webhook inutilisable")
        case .cancelled:
            return .cancelled
        default:
            return .failed("erreur réseau (code \(error.code.rawValue))")
        }
    }

    static func logLine(_ failure: WebhookFailure) -> String {
        let who = "avis n° \(failure.outboxID)" + (failure.tokenID.map { " (jeton n° \($0))" } ?? "")
        if let retry = failure.retryAt {
            return "Webhook : \(who) non remis, essai \(failure.attempts) : \(failure.error). Nouvel essai à partir de \(BackgroundLog.time(retry))."
        }
        return "Webhook : \(who) abandonné après \(failure.attempts) essais : \(failure.error). Le logiciel métier peut toujours relever la demande."
    }
}

/// Redirections are never followed: the 3xx answer is the answer (a failure).
private final class RefuseRedirections: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}

/// The data task of a request, for cancelling it from the task's cancellation handler (which
/// may run before the task exists).
private final class TaskHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var task: URLSessionDataTask?
    private var cancelled = false

    /// Resumes `task` unless the request was already cancelled (then returns false).
    func start(_ task: URLSessionDataTask) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !cancelled else { return false }
        self.task = task
        task.resume()
        return true
    }

    func cancel() {
        lock.lock()
        cancelled = true
        let task = self.task
        lock.unlock()
        task?.cancel()
    }
}
