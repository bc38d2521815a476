import GuichetModel
import Yams

/// Reads a YAML mapping the way an editor's file deserves: every problem becomes a French
/// `Diagnostic` with the line it is on, and unknown keys are reported instead of ignored
/// (a misspelt `titre:` silently dropped is a bug the editor never sees).
public struct YAMLMapping {
    public let file: String
    public let node: Node
    /// Line of the mapping itself, for "missing key" problems.
    public var line: Int? { node.mark?.line.adjusted(by: lineOffset) }
    /// Added to Yams' lines when the YAML was cut out of a larger file (front matter).
    let lineOffset: Int
    private let pairs: [(key: String, keyLine: Int?, value: Node)]

    /// Parses `text` as one YAML document whose root must be a mapping.
    public static func parse(_ text: String, file: String, lineOffset: Int = 0) throws(Diagnostic) -> YAMLMapping {
        let root: Node?
        do {
            // The basic resolver: every plain scalar stays a string, which is how this type
            // reads them all (`int` parses the text itself, `null` looks at the plain text);
            // Yams' default resolver runs regular expressions on every scalar to tag it as a
            // number, a date or a boolean, tags nothing here reads. An explicit encoding: the
            // default one reads the whole process environment for each document. Together they
            // were two thirds of the front matter's time on a 10,000-page build.
            root = try Yams.compose(yaml: text, .basic, .default, .utf8)
        } catch let error as YamlError {
            throw YAMLMapping.diagnostic(for: error, text: text, file: file, lineOffset: lineOffset)
        } catch {
            throw Diagnostic(file: file, message: "Le fichier YAML est illisible (\(error)).")
        }
        guard let root else {
            throw Diagnostic(file: file, line: lineOffset + 1, message: "Le fichier YAML est vide.")
        }
        return try YAMLMapping(node: root, file: file, lineOffset: lineOffset, what: "Le document")
    }

    public init(node: Node, file: String, lineOffset: Int = 0, what: String) throws(Diagnostic) {
        guard let mapping = node.mapping else {
            throw Diagnostic(file: file, line: node.mark?.line.adjusted(by: lineOffset),
                             message: "\(what) doit être une liste de clés « clé: valeur ».")
        }
        self.file = file
        self.node = node
        self.lineOffset = lineOffset
        var pairs: [(String, Int?, Node)] = []
        var seen: Set<String> = []
        for (key, value) in mapping {
            let name = key.string ?? ""
            let keyLine = key.mark?.line.adjusted(by: lineOffset)
            if !seen.insert(name).inserted {
                throw Diagnostic(file: file, line: keyLine, message: "La clé « \(name) » apparaît deux fois : gardez-en une seule.")
            }
            pairs.append((name, keyLine, value))
        }
        self.pairs = pairs
    }

    public var keys: [String] { pairs.map(\.key) }

    /// Reports the first key that is not in `allowed`, suggesting the closest allowed key.
    public func rejectUnknownKeys(_ allowed: [String], context: String) throws(Diagnostic) {
        for pair in pairs where !allowed.contains(pair.key) {
            var message = "La clé « \(pair.key) » n’est pas reconnue \(context)."
            if let guess = closest(to: pair.key, in: allowed) {
                message += " Vouliez-vous écrire « \(guess) » ?"
            }
            message += " Clés possibles : \(allowed.joined(separator: ", "))."
            throw Diagnostic(file: file, line: pair.keyLine, message: message)
        }
    }

    public func lineOf(_ key: String) -> Int? {
        pairs.first { $0.key == key }.map { $0.value.mark?.line.adjusted(by: lineOffset) ?? $0.keyLine } ?? nil
    }

    public func node(_ key: String) -> Node? { pairs.first { $0.key == key }?.value }

    // MARK: - Typed access

    public func string(_ key: String) throws(Diagnostic) -> String? {
        guard let value = node(key) else { return nil }
        if value.null != nil && value.scalar?.style == .plain { return nil }
        guard let scalar = value.scalar else {
            throw Diagnostic(file: file, line: lineOf(key), message: "La valeur de « \(key) » doit être un texte.")
        }
        let text = scalar.string.trimmingWhitespace()
        return text.isEmpty ? nil : text
    }

    public func requiredString(_ key: String, context: String) throws(Diagnostic) -> String {
        guard let value = try string(key) else {
            throw Diagnostic(file: file, line: node(key) == nil ? line : lineOf(key),
                             message: "La clé « \(key) » est obligatoire \(context) et ne peut pas être vide.")
        }
        return value
    }

    public func int(_ key: String) throws(Diagnostic) -> Int? {
        guard let value = node(key) else { return nil }
        guard let scalar = value.scalar, let number = Int(scalar.string.trimmingWhitespace()) else {
            throw Diagnostic(file: file, line: lineOf(key),
                             message: "La valeur de « \(key) » doit être un nombre entier, par exemple 3.")
        }
        return number
    }

    public func mapping(_ key: String, what: String) throws(Diagnostic) -> YAMLMapping? {
        guard let value = node(key) else { return nil }
        return try YAMLMapping(node: value, file: file, lineOffset: lineOffset, what: what)
    }

    public func requiredMapping(_ key: String, what: String, context: String) throws(Diagnostic) -> YAMLMapping {
        guard let value = try mapping(key, what: what) else {
            throw Diagnostic(file: file, line: line, message: "La section « \(key) » est obligatoire \(context).")
        }
        return value
    }

    /// The items of a sequence, each with its line.
    public func sequence(_ key: String) throws(Diagnostic) -> [Node]? {
        guard let value = node(key) else { return nil }
        guard let items = value.sequence else {
            throw Diagnostic(file: file, line: lineOf(key),
                             message: "La valeur de « \(key) » doit être une liste (lignes commençant par « - »).")
        }
        return Array(items)
    }

    public func lineOf(_ node: Node) -> Int? { node.mark?.line.adjusted(by: lineOffset) }

    // MARK: - Errors from the YAML parser

    static func diagnostic(for error: YamlError, text: String, file: String, lineOffset: Int) -> Diagnostic {
        let advice = "La syntaxe YAML est invalide : vérifiez l’indentation, les deux-points après chaque clé et les guillemets autour des textes qui contiennent « : » ou « # »."
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return Diagnostic(file: file, line: mark.line + lineOffset, message: "\(advice) (détail : \(problem))")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.sorted().map { "« \($0) »" }.joined(separator: ", ")
            // Yams points at the mapping; the editor needs the line of the second occurrence.
            var line = context.mark.line
            if let key = duplicates.first {
                let hits = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated()
                    .filter { $0.element.drop(while: { $0 == " " }).hasPrefix(key + ":") }
                if hits.count >= 2 { line = hits[1].offset + 1 }
            }
            return Diagnostic(file: file, line: line + lineOffset,
                              message: "La clé \(keys) apparaît deux fois : gardez-en une seule.")
        case let .reader(problem, _, _, _):
            return Diagnostic(file: file, message: "Le fichier n’est pas un texte UTF-8 lisible (détail : \(problem)).")
        default:
            return Diagnostic(file: file, message: "\(advice) (détail : \(error))")
        }
    }
}

extension Int {
    fileprivate func adjusted(by offset: Int) -> Int { self + offset }
}

extension String {
    public func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

/// The allowed key at edit distance ≤ 2 from `word`, if one is that close.
func closest(to word: String, in candidates: [String]) -> String? {
    var best: (String, Int)?
    for candidate in candidates {
        let d = editDistance(Array(word.lowercased()), Array(candidate))
        if d <= 2, d < (best?.1 ?? .max) { best = (candidate, d) }
    }
    return best?.0
}

func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
