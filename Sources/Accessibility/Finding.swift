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
}
