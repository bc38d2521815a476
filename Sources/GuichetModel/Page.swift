/// The metadata an editor writes at the top of a Markdown page.
public struct FrontMatter: Sendable, Equatable {
    public var title: String
    public var description: String?
    /// Theme label that groups entries on listing pages ("État civil").
    public var section: String?
    /// Position among its siblings on listing pages; pages without one come after, by title.
    public var order: Int?
    /// Identifier of a form of `Forms/` shown on the page (forms issue).
    public var form: String?
    /// Date of the last update in ISO form (`2026-11-20`), shown as "Mis à jour le 20 novembre 2026".
    public var updated: SimpleDate?

    public init(title: String, description: String? = nil, section: String? = nil, order: Int? = nil,
                form: String? = nil, updated: SimpleDate? = nil) {
        self.title = title
        self.description = description
        self.section = section
        self.order = order
        self.form = form
        self.updated = updated
    }

    /// The keys an editor may write; any other key is a mistake worth reporting.
    public static let allowedKeys: [String] = ["title", "description", "section", "order", "form", "updated"]
}

/// A Markdown source file of `Content/`, after its front matter was read.
public struct SourcePage: Sendable, Equatable {
    /// Path relative to the site root, with `/` separators (`Content/demarches/index.md`).
    public var sourcePath: String
    public var frontMatter: FrontMatter
    public var body: String
    /// Line of the file where `body` starts, so Markdown line numbers map back to the file.
    public var bodyFirstLine: Int
    /// Line of the `form:` key, for a message when that form does not exist.
    public var formLine: Int?

    public init(sourcePath: String, frontMatter: FrontMatter, body: String, bodyFirstLine: Int, formLine: Int? = nil) {
        self.sourcePath = sourcePath
        self.frontMatter = frontMatter
        self.body = body
        self.bodyFirstLine = bodyFirstLine
        self.formLine = formLine
    }
}

/// A calendar date without time or zone (what an editor means by "2026-11-20").
public struct SimpleDate: Sendable, Hashable, Comparable {
    public var year: Int
    public var month: Int
    public var day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= SimpleDate.daysIn(month: month, year: year) else {
            return nil
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`; nil for anything else, including impossible dates (2026-02-30).
    public init?(iso: String) {
        let parts = iso.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public var iso: String {
        let m = month < 10 ? "0\(month)" : "\(month)"
        let d = day < 10 ? "0\(day)" : "\(day)"
        return "\(year)-\(m)-\(d)"
    }

    static let frenchMonths = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet",
                               "août", "septembre", "octobre", "novembre", "décembre"]

    /// "1er décembre 2026", "20 novembre 2026": the French way, with the ordinal for the first.
    public var french: String {
        "\(day == 1 ? "1er" : String(day)) \(SimpleDate.frenchMonths[month - 1]) \(year)"
    }

    public static func < (a: SimpleDate, b: SimpleDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}

#if canImport(Foundation)
import Foundation

extension SimpleDate {
    /// Today in metropolitan France, whatever the server's time zone.
    public static func today() -> SimpleDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return SimpleDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}
#endif
