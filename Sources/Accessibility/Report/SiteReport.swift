/// The checker's results for a set of pages, and the summary RGAA asks for: a status per
/// criterion and the conformity rate (conforming criteria ÷ applicable criteria).
public struct SiteReport: Sendable, Codable {
    public struct PageResult: Sendable, Codable {
        public var path: String
        public var findings: [Finding]
        /// Covered criteria that apply to this page (not written to JSON: the summary says it).
        public var applicable: [String]

        public init(path: String, findings: [Finding], applicable: Set<String>) {
            self.path = path
            self.findings = findings
            // Covered criteria come in order from `Coverage.criteria` (no sort per page).
            let ordered = Coverage.criteria.filter(applicable.contains)
            self.applicable = ordered.count == applicable.count ? ordered : applicable.sorted { $0.numericallyPrecedes($1) }
        }

        private enum CodingKeys: String, CodingKey { case path, findings }
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            path = try c.decode(String.self, forKey: .path)
            findings = try c.decode([Finding].self, forKey: .findings)
            applicable = []
        }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(path, forKey: .path)
            try c.encode(findings, forKey: .findings)
        }
    }

    public enum CriterionStatus: String, Sendable, Codable {
        case conforme, nonConforme = "non-conforme", nonApplicable = "non-applicable", aVerifier = "à-vérifier"

        public var label: String {
            switch self {
            case .conforme: return "conforme"
            case .nonConforme: return "non conforme"
            case .nonApplicable: return "non applicable"
            case .aVerifier: return "à vérifier"
            }
        }
    }

    public struct CriterionResult: Sendable, Codable {
        public var criterion: String
        public var title: String
        public var status: CriterionStatus
    }

    public struct Summary: Sendable, Codable {
        public var pages: Int
        public var nonConformities: Int
        public var toVerify: Int
        public var criteria: [CriterionResult]
        public var conforming: Int
        public var nonConforming: Int
        public var toVerifyCriteria: Int
        public var notApplicable: Int
        /// Conforming ÷ applicable, in percent, where applicable counts the criteria still to
        /// verify by a person: a criterion is not conforming until someone has looked.
        public var rate: Double?
        /// How many of RGAA's 106 criteria the checker does not look at at all.
        public var notCovered: Int
    }

    public var files: [PageResult]
    public var summary: Summary

    public init(pages: [PageResult]) {
        files = pages
        var statuses: [String: CriterionStatus] = [:]
        for criterion in Coverage.criteria { statuses[criterion] = .nonApplicable }
        let decidable = Coverage.decidedCriteria
        for page in pages {
            for criterion in page.applicable where statuses[criterion] == .nonApplicable {
                statuses[criterion] = decidable.contains(criterion) ? .conforme : .aVerifier
            }
            for finding in page.findings {
                let current = statuses[finding.criterion] ?? .nonApplicable
                switch finding.status {
                case .nonConforme: statuses[finding.criterion] = .nonConforme
                case .aVerifier where current != .nonConforme: statuses[finding.criterion] = .aVerifier
                default: break
                }
            }
        }
        let results = statuses.keys.sorted { $0.numericallyPrecedes($1) }.map {
            CriterionResult(criterion: $0, title: RGAA.criterion($0)?.title ?? "", status: statuses[$0]!)
        }
        let count = { (status: CriterionStatus) in results.filter { $0.status == status }.count }
        let conforming = count(.conforme), nonConforming = count(.nonConforme), toVerify = count(.aVerifier)
        let applicable = conforming + nonConforming + toVerify
        let all = pages.flatMap(\.findings)
        summary = Summary(pages: pages.count,
                          nonConformities: all.filter { $0.status == .nonConforme }.count,
                          toVerify: all.filter { $0.status == .aVerifier }.count,
                          criteria: results, conforming: conforming, nonConforming: nonConforming,
                          toVerifyCriteria: toVerify, notApplicable: count(.nonApplicable),
                          rate: applicable == 0 ? nil : (Double(conforming) / Double(applicable) * 1000).rounded() / 10,
                          notCovered: RGAA.criteria.count - Coverage.criteria.count)
    }

    public var hasNonConformities: Bool { summary.nonConformities > 0 }
}
