/// One result of the RGAA checker on one element of one page.
public struct Finding: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        /// Certain: the page does not conform to this test.
        case nonConforme = "non-conforme"
        /// Only a person can decide; the checker says what to look at.
        case aVerifier = "à-vérifier"
    }

    /// RGAA 4.1.2 test number, "11.1.1".
    public var test: String
    /// Criterion, "11.1".
    public var criterion: String { test.split(separator: ".").prefix(2).joined(separator: ".") }
    public var status: Status
    /// 1-based line in the HTML, when known.
    public var line: Int?
    /// French: what is wrong.
    public var message: String
    /// French: how to fix it.
    public var fix: String
    /// A short excerpt of the element (≤ 120 characters).
    public var snippet: String
    /// The checked file, as the caller named it ("" when unknown).
    public var file: String

    public init(test: String, status: Status, line: Int?, message: String, fix: String, snippet: String,
                file: String = "") {
        self.file = file
        self.test = test
        self.status = status
        self.line = line
        self.message = message
        self.fix = fix
        self.snippet = snippet
    }

    // MARK: - Codable: `criterion` is written too, so the JSON report carries it.

    private enum CodingKeys: String, CodingKey {
        case test, criterion, status, line, message, fix, snippet, file
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(test: try container.decode(String.self, forKey: .test),
                  status: try container.decode(Status.self, forKey: .status),
                  line: try container.decodeIfPresent(Int.self, forKey: .line),
                  message: try container.decode(String.self, forKey: .message),
                  fix: try container.decode(String.self, forKey: .fix),
                  snippet: try container.decode(String.self, forKey: .snippet),
                  file: try container.decodeIfPresent(String.self, forKey: .file) ?? "")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(test, forKey: .test)
        try container.encode(criterion, forKey: .criterion)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(line, forKey: .line)
        try container.encode(message, forKey: .message)
        try container.encode(fix, forKey: .fix)
        try container.encode(snippet, forKey: .snippet)
        try container.encode(file, forKey: .file)
    }
}
