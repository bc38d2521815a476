import Foundation

/// Token buckets in memory, one per key (a back-office token's id): `burst` requests at once,
/// then `rate` per second. Kept by the long-lived gateway (FastCGI, HTTP); a CGI process
/// serves one request and starts with full buckets.
final class RateLimiter: @unchecked Sendable {
    let rate: Double
    let burst: Double
    private let lock = NSLock()
    private var buckets: [Int64: (tokens: Double, at: Date)] = [:]

    init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = burst
    }

    /// nil when the request may go on (one token taken); otherwise the seconds to wait for one.
    func take(_ key: Int64, now: Date) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        var bucket = buckets[key] ?? (burst, now)
        let elapsed = max(0, now.timeIntervalSince(bucket.at))
        bucket.tokens = min(burst, bucket.tokens + elapsed * rate)
        bucket.at = now
        if bucket.tokens >= 1 {
            bucket.tokens -= 1
            buckets[key] = bucket
            return nil
        }
        buckets[key] = bucket
        return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
    }
}

/// What the back-office API keeps between requests: the rate limits, and throttles on the
/// audit lines written for refused calls (so a flood of wrong tokens or of refused requests
/// cannot turn into a flood of writes on the queue).
public final class BackOfficeAPIState: Sendable {
    /// 20 requests per second per token, 60 at once.
    let perToken: RateLimiter
    /// Audit lines for calls without a valid token: 5 per second, 20 at once, for everyone.
    let refusedAudit = RateLimiter(rate: 5, burst: 20)
    /// Audit lines for calls refused by the rate limit: 1 per second per token.
    let throttledAudit = RateLimiter(rate: 1, burst: 1)

    /// Also count the token's calls of the last minute in the queue's audit log, and refuse
    /// beyond `rate` × 60. For CGI, where each request is a new process and the buckets above
    /// always start full.
    let countsInDatabase: Bool

    public init(rate: Double = 20, burst: Double = 60, countsInDatabase: Bool = false) {
        perToken = RateLimiter(rate: rate, burst: burst)
        self.countsInDatabase = countsInDatabase
    }

    /// Most calls of one token in any minute, when counted in the database.
    var perMinute: Int { Int(perToken.rate * 60) }
}
