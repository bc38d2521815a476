import Foundation
import GRDB
import GuichetModel

/// Delays of one month, in days with two decimals (24 h = 1 day, calendar days).
public struct DelayStats: Sendable, Equatable, Codable {
    /// Requests of the month that reached the step.
    public var count: Int
    /// Median, nil when `count` is 0.
    public var median: Double?
    /// 90th percentile (linear interpolation between closest ranks, as `PERCENTILE.INC`
    /// of spreadsheets and numpy's default), nil when `count` is 0.
    public var p90: Double?

    enum CodingKeys: String, CodingKey {
        case count = "nombre", median = "mediane_jours", p90 = "p90_jours"
    }

    init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        median = Self.percentile(sorted, 0.5).map(Self.hundredths)
        p90 = Self.percentile(sorted, 0.9).map(Self.hundredths)
    }

    /// Rounded to 0.01 day (about 15 minutes): stable figures in JSON, no 7.6000000000000005.
    static func hundredths(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    /// `p` in 0…1 of sorted `values`, linear interpolation between closest ranks.
    static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let rank = Double(values.count - 1) * p
        let lower = Int(rank.rounded(.down))
        let upper = min(lower + 1, values.count - 1)
        return values[lower] + (rank - Double(lower)) * (values[upper] - values[lower])
    }
}

/// The figures of one month of receipt (Paris time).
public struct MonthStats: Sendable, Equatable, Codable {
    /// "2026-11".
    public var month: String
    public var total: Int
    public var byForm: [String: Int]
    public var byService: [String: Int]
    public var byChannel: [String: Int]
    /// Current status of the month's requests.
    public var byStatus: [String: Int]
    /// From receipt to the first `accuse-de-reception`.
    public var acknowledgementDelay: DelayStats
    /// From receipt to the first decision (acceptee, refusee, sans-suite).
    public var decisionDelay: DelayStats

    enum CodingKeys: String, CodingKey {
        case month = "mois", total, byForm = "par_formulaire", byService = "par_service", byChannel = "par_canal",
             byStatus = "par_statut", acknowledgementDelay = "delai_accuse_reception", decisionDelay = "delai_decision"
    }
}

/// Steering figures (pilotage): volumes and delays per month. Purged requests count as any
/// other (their dates, form, service, channel and event kinds are kept). No personal data.
public struct QueueStats: Sendable, Equatable, Codable {
    /// Received from this instant (included), if limited.
    public var from: Date?
    /// Received before this instant (excluded), if limited.
    public var to: Date?
    public var total: Int
    /// Oldest month first; months without requests are left out.
    public var months: [MonthStats]

    enum CodingKeys: String, CodingKey {
        case from = "du", to = "au", total, months = "mois"
    }
}

extension SubmissionQueue {
    // MARK: - Statistics

    /// Volumes per form, service, channel and status, and the median and 90th percentile of
    /// the delays to the *accusé de réception* and to a decision, per month of receipt.
    public func stats(from: Date? = nil, to: Date? = nil) throws -> QueueStats {
        try read { db in
            var sql = """
                SELECT s.id, CAST(s.form_id AS BLOB) AS form_id, CAST(s.service_id AS BLOB) AS service_id, s.channel,
                       s.received_at, CAST(s.status AS BLOB) AS status,
                       (SELECT MIN(at) FROM events AS e WHERE e.submission_id = s.id AND e.kind = 'accuse-de-reception') AS are_at,
                       (SELECT MIN(at) FROM events AS e WHERE e.submission_id = s.id
                            AND e.kind IN ('acceptee', 'refusee', 'sans-suite')) AS decision_at
                FROM submissions AS s WHERE 1
                """
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let from {
                sql += " AND s.received_at >= ?"
                arguments.append(Timestamp.string(from))
            }
            if let to {
                sql += " AND s.received_at < ?"
                arguments.append(Timestamp.string(to))
            }
            sql += " ORDER BY s.received_at"
            struct Month {
                var total = 0
                var byForm: [String: Int] = [:], byService: [String: Int] = [:]
                var byChannel: [String: Int] = [:], byStatus: [String: Int] = [:]
                var acknowledgement: [Double] = [], decision: [Double] = []
            }
            var months: [String: Month] = [:]
            var total = 0
            let rows = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(arguments))
            while let row = try rows.next() {
                guard let received = Timestamp.milliseconds(row["received_at"] as String) else { continue }
                let date = ParisDateTime(Timestamp.date(milliseconds: received)).date
                let key = String(format: "%04d-%02d", date.year, date.month)
                var month = months[key] ?? Month()
                month.total += 1
                month.byForm[Store.string(row, "form_id") ?? "", default: 0] += 1
                month.byService[Store.string(row, "service_id") ?? "", default: 0] += 1
                month.byChannel[row["channel"] as String, default: 0] += 1
                month.byStatus[Store.string(row, "status") ?? "", default: 0] += 1
                if let at = (row["are_at"] as String?).flatMap(Timestamp.milliseconds) {
                    month.acknowledgement.append(Double(at - received) / 86_400_000)
                }
                if let at = (row["decision_at"] as String?).flatMap(Timestamp.milliseconds) {
                    month.decision.append(Double(at - received) / 86_400_000)
                }
                months[key] = month
                total += 1
            }
            return QueueStats(from: from, to: to, total: total, months: months.keys.sorted().map { key in
                let month = months[key]!
                return MonthStats(month: key, total: month.total, byForm: month.byForm, byService: month.byService,
                                  byChannel: month.byChannel, byStatus: month.byStatus,
                                  acknowledgementDelay: DelayStats(month.acknowledgement),
                                  decisionDelay: DelayStats(month.decision))
            })
        }
    }
}
