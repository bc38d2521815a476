// MARK: - 4.13 Compatibilité des médias

/// 4.13.1 a media played through `<object>` or `<embed>` (a video, a sound, Flash) or a
/// third-party video player in an `<iframe>`: whether its controls reach assistive
/// technologies is for a human to test. Native `<video>`/`<audio>` are left to 4.11.
final class MediaPlayerRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["object", "embed", "iframe"]

    func visit(_ element: Int, in page: PageContext) {
        guard !page.notRendered[element], !page.inForeignContent[element] else { return }
        let node = page.node(element)
        let source = (node.attribute(node.name == "object" ? "data" : "src") ?? "").lowercased()
        let path = source.split(separator: "?").first.map(String.init) ?? source
        if node.name == "iframe" {
            guard Self.playerHosts.contains(where: { source.contains($0) }) else { return }
        } else {
            let type = (node.attribute("type") ?? "").lowercased()
            guard type.hasPrefix("video/") || type.hasPrefix("audio/") || type.contains("shockwave")
                    || Self.mediaExtensions.contains(where: { path.hasSuffix($0) }) else { return }
            // An <embed> inside an <object> is its fallback: one finding for the pair.
            if node.name == "embed", page.document.nearestAncestor(of: element, named: ["object"]) != nil { return }
        }
        page.report("4.13.1", .aVerifier, at: element, Messages.nonNativePlayer(node.name))
    }

    static let mediaExtensions = [".mp4", ".webm", ".ogv", ".ogg", ".mp3", ".wav", ".m4a", ".avi", ".mov", ".flv", ".swf", ".wmv"]
    static let playerHosts = ["youtube.com/embed", "youtube-nocookie.com/embed", "player.vimeo.com", "dailymotion.com/embed",
                              "geo.dailymotion.com", "/videos/embed/"]
}

// MARK: - 5.1, 5.3 Tableaux complexes et de mise en forme

/// 5.1.1 a complex data table (a header cell spanning several rows or columns, a
/// `rowgroup`/`colgroup` scope, several rows of headers, a header inside the grid) without a
/// summary tied by `aria-describedby` or `summary`: a person reads its caption to see if it
/// explains the structure. 5.3.1 a layout table (role="presentation"/"none"): a person checks
/// that its content still makes sense read cell by cell.
final class TableSummaryRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["table"]
    private var tables: [Int] = []

    func visit(_ element: Int, in page: PageContext) {
        guard !page.hiddenFromAssistiveTechnologies[element] else { return }
        tables.append(element)
    }

    func finish(in page: PageContext) {
        for table in tables {
            let role = page.explicitRole(of: table)
            if role == "presentation" || role == "none" {
                page.report("5.3.1", .aVerifier, at: table, Messages.layoutTableLinearisation)
            } else if role == nil || role == "table" || role == "grid" || role == "treegrid" {
                if isComplex(table, in: page) && !hasSummary(table, in: page) {
                    page.report("5.1.1", .aVerifier, at: table, Messages.complexTableWithoutSummary)
                }
            }
        }
    }

    private func hasSummary(_ table: Int, in page: PageContext) -> Bool {
        if page.nonEmptyAttribute("summary", of: table) != nil { return true }
        guard let ids = page.nonEmptyAttribute("aria-describedby", of: table) else { return false }
        return ids.split(separator: " ").contains { page.document.elementsByID[String($0)] != nil }
    }

    private func isComplex(_ table: Int, in page: PageContext) -> Bool {
        var rows: [Int] = []
        for child in page.document.children(of: table) {
            switch page.node(child).name {
            case "tr": rows.append(child)
            case "thead", "tbody", "tfoot": rows += page.document.children(of: child).filter { page.node($0).name == "tr" }
            default: break
            }
        }
        var headerRows = 0
        for (rowNumber, row) in rows.enumerated() {
            var headerCells = 0, cells = 0
            for cell in page.document.children(of: row) {
                let node = page.node(cell)
                guard node.name == "td" || node.name == "th" else { continue }
                cells += 1
                guard node.name == "th" else { continue }
                headerCells += 1
                // A header inside the grid, neither in the first row nor in the first column.
                if rowNumber > 0 && cells > 1 && headerCells < cells { return true }
                if let scope = node.attribute("scope")?.lowercased().trimmingWhitespace(), scope == "rowgroup" || scope == "colgroup" { return true }
                if (Int(node.attribute("colspan") ?? "1") ?? 1) > 1 || (Int(node.attribute("rowspan") ?? "1") ?? 1) > 1 { return true }
            }
            // A row of headers only (column headers); two such rows: headers on several levels.
            if cells >= 2 && headerCells == cells { headerRows += 1 }
        }
        return headerRows >= 2
    }
}

// MARK: - 7.4 Changements de contexte

/// 7.4.1 an inline `onchange`/`oninput` handler on a form field: choosing an option may open
/// a page or send the form with no button, the classic context change. For a human: the
/// handler may only update a counter.
final class ContextChangeRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["select", "input", "textarea"]

    func visit(_ element: Int, in page: PageContext) {
        guard !page.notRendered[element] else { return }
        let node = page.node(element)
        guard let handler = ["onchange", "oninput"].first(where: { node.has($0) }) else { return }
        page.report("7.4.1", .aVerifier, at: element, Messages.changeHandler(node.name, handler))
    }
}

// MARK: - 9.4 Citations

/// 9.4.1, 9.4.2 text between quotation marks (« », “ ”) that reads like a quotation (eight
/// words or more) and is not in `<q>` or `<blockquote>`; a whole paragraph in quotation
/// marks is a block quotation (9.4.2). For a human: quotation marks also frame titles,
/// names and terms.
final class QuotationRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["p", "li", "dd", "td", "th", "figcaption", "blockquote", "q"]
    /// One past the end of the last `<blockquote>` or `<q>` met: elements before it are inside
    /// (the walk is in document order), with no walk up the tree.
    private var quotedUntil = -1
    static let blocks: Set<String> = ["p", "li", "dd", "td", "th", "figcaption", "div", "ul", "ol", "table", "blockquote"]
    static let skipped: Set<String> = ["q", "code", "kbd", "samp", "pre", "script", "style", "template", "cite"]
    static let quotationBytes = ByteScan.ByteSet([0xAB, 0x9C])

    func visit(_ element: Int, in page: PageContext) {
        let name = page.node(element).name
        if name == "blockquote" || name == "q" {
            quotedUntil = max(quotedUntil, page.document.subtreeEnd(of: element))
            return
        }
        guard element >= quotedUntil, !page.notRendered[element], !page.inForeignContent[element],
              holdsQuotationMark(element, in: page), let text = ownText(of: element, in: page) else { return }
        for quoted in Self.quotations(in: text) where quoted.inner.first?.isUppercase == true
            && Self.wordCount(quoted.inner) >= 8 && !Self.announcesExample(quoted.before) {
            // What the paragraph says besides the quotation (an attribution at most, for a block).
            var rest = text
            if let range = text.range(of: quoted.whole) { rest.removeSubrange(range) }
            rest = rest.trimmingWhitespace()
            if name == "p" && (rest.isEmpty || rest.hasPrefix("—") || rest.hasPrefix("–") || rest.hasPrefix("(")) {
                page.report("9.4.2", .aVerifier, at: element, Messages.blockQuotation(quoted.inner))
            } else {
                page.report("9.4.1", .aVerifier, at: element, Messages.inlineQuotation(quoted.inner))
            }
            return
        }
    }

    /// Some text node below holds « (C2 AB) or “ (E2 80 9C): most blocks have none, and
    /// are passed over by looking at their bytes only.
    /// Nested blocks are skipped: they are visited on their own, so each text is read once.
    private func holdsQuotationMark(_ element: Int, in page: PageContext) -> Bool {
        let document = page.document
        let end = document.subtreeEnd(of: element)
        return document.nodes.withUnsafeBufferPointer { nodes in
            var index = element + 1
            while index < end {
                if nodes[index].kind == .text {
                    let text = nodes[index].text
                    let found = ByteScan.contains(text, anyOf: Self.quotationBytes) { bytes, at in
                        // « is C2 AB, “ is E2 80 9C.
                        bytes[at] == 0xAB ? at >= 1 && bytes[at - 1] == 0xC2 : at >= 2 && bytes[at - 1] == 0x80 && bytes[at - 2] == 0xE2
                    }
                    if found { return true }
                    index += 1
                } else if Self.blocks.contains(nodes[index].name) {
                    index = document.subtreeEnd(of: index)
                } else {
                    index += 1
                }
            }
            return false
        }
    }

    /// The element's text, without what is already marked up (`<q>`, code) or belongs to a
    /// nested block (that block is visited on its own); nil when there is none.
    private func ownText(of element: Int, in page: PageContext) -> String? {
        let nodes = page.document.nodes
        var text = ""
        var index = element + 1
        let end = page.document.subtreeEnd(of: element)
        while index < end {
            let node = nodes[index]
            if node.kind == .text {
                text += node.text
                index += 1
            } else if Self.skipped.contains(node.name) || Self.blocks.contains(node.name) {
                index = page.document.subtreeEnd(of: index)
            } else {
                index += 1
            }
        }
        let collapsed = text.collapsingWhitespace()
        return collapsed.isEmpty ? nil : collapsed
    }

    /// Spans between « and » or “ and ”, with the text before them. A quotation starts
    /// with a capital letter (a sentence quoted); one announced as an example ("par exemple",
    /// "ex. :") is an example, not a quotation.
    static func quotations(in text: String) -> [(whole: String, inner: String, before: Substring)] {
        var result: [(String, String, Substring)] = []
        // Scalars, not characters: no grapheme breaking on every paragraph.
        let scalars = text.unicodeScalars
        for (open, close) in [("«", "»"), ("“", "”")] as [(Unicode.Scalar, Unicode.Scalar)] {
            var from = scalars.startIndex
            while let start = scalars[from...].firstIndex(of: open),
                  let stop = scalars[scalars.index(after: start)...].firstIndex(of: close) {
                let after = scalars.index(after: start), end = scalars.index(after: stop)
                result.append((String(text[start..<end]), text[after..<stop].trimmingWhitespace(), text[..<start]))
                from = end
            }
        }
        return result
    }

    static func announcesExample(_ before: Substring) -> Bool {
        let lead = before.suffix(30).lowercased()
        return lead.contains("exemple") || lead.contains("ex.") || lead.contains("ex :") || lead.contains("ex:")
    }

    /// Runs of letters and digits ("l’école" is two words).
    static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            let letter = scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
            if letter && !inWord { count += 1 }
            inWord = letter || (inWord && scalar == "-")
        }
        return count
    }
}

// MARK: - 11.3 Étiquettes cohérentes

/// 11.3.1 fields of the same page with the same purpose (the same `autocomplete` token, `on`
/// and `off` aside) whose labels differ. For a human: "Adresse de facturation" and "Adresse
/// de livraison" differ on purpose; "Courriel" and "E-mail" for the same data do not.
final class SameFunctionLabelRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["input", "select", "textarea"]
    private var fields: [(index: Int, token: String)] = []

    func visit(_ element: Int, in page: PageContext) {
        guard !page.hiddenFromAssistiveTechnologies[element],
              let token = Self.purpose(of: page.node(element)) else { return }
        fields.append((element, token))
    }

    func finish(in page: PageContext) {
        guard fields.count >= 2 else { return }
        // Names are computed only for purposes that come back.
        var counts: [String: Int] = [:]
        for field in fields { counts[field.token, default: 0] += 1 }
        guard counts.values.contains(where: { $0 >= 2 }) else { return }
        var labels: [String: [(index: Int, label: String)]] = [:]
        var order: [String] = []
        for field in fields where counts[field.token, default: 0] >= 2 {
            let label = Self.normalized(page.accessibleName(of: field.index))
            guard !label.isEmpty else { continue }
            if labels[field.token] == nil { order.append(field.token) }
            labels[field.token, default: []].append((field.index, label))
        }
        for token in order {
            guard let entries = labels[token] else { continue }
            var distinct: [String] = []
            for entry in entries where !distinct.contains(where: { $0.lowercased() == entry.label.lowercased() }) { distinct.append(entry.label) }
            guard distinct.count >= 2, let second = entries.first(where: { $0.label.lowercased() != entries[0].label.lowercased() }) else { continue }
            page.report("11.3.1", .aVerifier, at: second.index, Messages.sameFunctionDifferentLabels(token: token, labels: distinct))
        }
    }

    /// The field's purpose from `autocomplete`, section and shipping/billing kept (they tell
    /// two purposes apart); nil for on/off and fields without one.
    static func purpose(of node: NodeView) -> String? {
        guard let value = node.attribute("autocomplete")?.lowercased().collapsingWhitespace(), !value.isEmpty,
              value != "on", value != "off" else { return nil }
        if node.name == "input", let type = node.attribute("type")?.lowercased(), ["hidden", "submit", "button", "reset", "image"].contains(type) {
            return nil
        }
        return value
    }

    static let star = Array("*".utf8), oblig = Array("obligatoire".utf8), requis = Array("(requis)".utf8)
    static let marks = ["(obligatoire)", "(requis)", "obligatoire", "*"].map { Array($0.utf8) }

    static func removing(_ mark: [UInt8], from bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if index + mark.count <= bytes.count && bytes[index] == mark[0] && bytes[index..<index + mark.count].elementsEqual(mark) {
                index += mark.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }

    /// The label without what marks a required field ("*", "(obligatoire)").
    static func normalized(_ label: String) -> String {
        var text = label.collapsingWhitespace()
        // (Foundation's search only when a mark may be there: labels are read on every page.)
        if ByteScan.contains(text, sequence: Self.star) || ByteScan.contains(text, sequence: Self.oblig) || ByteScan.contains(text, sequence: Self.requis) {
            // The marks are ASCII: removing their bytes keeps the UTF-8 valid.
            var bytes = Array(text.utf8)
            for mark in Self.marks { bytes = Self.removing(mark, from: bytes) }
            text = String(decoding: bytes, as: UTF8.self).collapsingWhitespace()
        }
        while let last = text.unicodeScalars.last, last == ":" || last == " " || last == "\u{00A0}" || last == "\u{202F}" {
            text.unicodeScalars.removeLast()
        }
        return text
    }
}

// MARK: - 12.10 Raccourcis clavier

/// 12.10.1 single-key shortcuts: an `aria-keyshortcuts` made of one printable key, or a
/// keyboard handler on the document itself (`<body onkeydown>`), where shortcuts usually
/// live. For a human: whether the shortcut can be turned off or remapped. (`accesskey`
/// always needs a modifier key, so it is not a single-key shortcut.)
final class KeyboardShortcutRule: Rule {
    let elements: Set<String> = []

    func visit(_ element: Int, in page: PageContext) {
        // Most elements have neither attribute: look at name lengths before comparing names.
        let interesting = page.document.nodes.withUnsafeBufferPointer { nodes in
            nodes[element].attributes.contains { $0.name.utf8.count == 17 || (7...10).contains($0.name.utf8.count) }
        }
        guard interesting, !page.inForeignContent[element] else { return }
        let node = page.node(element)
        if let shortcuts = node.attribute("aria-keyshortcuts"), !page.notRendered[element],
           let single = shortcuts.split(whereSeparator: \.isWhitespace).first(where: Self.isSingleKey) {
            page.report("12.10.1", .aVerifier, at: element, Messages.singleKeyShortcut(String(single)))
        }
        if node.name == "body" || node.name == "html",
           let handler = ["onkeydown", "onkeypress", "onkeyup"].first(where: { node.has($0) }) {
            page.report("12.10.1", .aVerifier, at: element, Messages.documentKeyHandler(node.name, handler))
        }
    }

    /// One printable character, or a named key that types one ("Space" aside), without a modifier.
    static func isSingleKey(_ token: Substring) -> Bool {
        guard !token.contains("+") || token == "+" else { return false }
        return token.count == 1 && !token.first!.isWhitespace
    }
}

// MARK: - 13.5 Contenus cryptiques

/// 13.5.1 emoticons (`:-)`, `;)`, `^^`…) and emoji in text, with no definition at hand
/// (`<abbr title>`, a `title` on the element, `role="img"` with a name). For a human: the
/// meaning may be given just before or after.
final class CrypticContentRule: Rule {
    let elements: Set<String> = []
    static let emoticons: Set<String> = [":-)", ":)", ";-)", ";)", ":-(", ":(", ":-D", ":D", ":-P", ":P", ":-p", ":p",
                                         ":-/", ":'(", ":-O", ":o", "^^", "^_^", "XD", ":-|", "o_O", "O_o", "T_T", "-_-"]

    func visit(_ element: Int, in page: PageContext) {
        let candidate: String? = page.document.nodes.withUnsafeBufferPointer { nodes in
            var child = nodes[element].firstChild
            while child >= 0 {
                if nodes[child].kind == .text, Self.mayHoldCryptic(nodes[child].text) { return nodes[child].text }
                child = nodes[child].nextSibling
            }
            return nil
        }
        guard let text = candidate, !page.hiddenFromAssistiveTechnologies[element], !page.inForeignContent[element],
              !Self.codeLike.contains(page.node(element).name), let found = Self.cryptic(in: text),
              !Self.defined(element, in: page) else { return }
        page.report("13.5.1", .aVerifier, at: element, Messages.crypticContent(found))
    }

    /// Where symbols are code or not shown as text.
    static let codeLike: Set<String> = ["script", "style", "template", "code", "pre", "kbd", "samp", "textarea", "title"]

    /// Bytes that start an emoticon or an emoji (4-byte UTF-8, or U+2600–U+27BF): most
    /// text has none and is passed over without decoding.
    static func mayHoldCryptic(_ text: String) -> Bool {
        ByteScan.contains(text, anyOf: crypticBytes) { bytes, at in
            let next: UInt8 = at + 1 < bytes.count ? bytes[at + 1] : 0
            switch bytes[at] {
            case UInt8(ascii: ":"), UInt8(ascii: ";"): return isEmoticonSecond(next)
            case UInt8(ascii: "X"): return next == UInt8(ascii: "D")
            case 0xE2: return next >= 0x98 && next <= 0x9E // U+2600–U+27BF
            default: return true // ^ _ and the lead byte of a 4-byte sequence (emoji)
            }
        }
    }

    static let crypticBytes = ByteScan.ByteSet([UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "X"), UInt8(ascii: "^"), UInt8(ascii: "_"), 0xE2, 0xF0])

    /// What follows ":" or ";" in an emoticon.
    static func isEmoticonSecond(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: ")"), UInt8(ascii: "("), UInt8(ascii: "D"), UInt8(ascii: "P"), UInt8(ascii: "p"),
             UInt8(ascii: "/"), UInt8(ascii: "'"), UInt8(ascii: "O"), UInt8(ascii: "|"), UInt8(ascii: "o"): return true
        default: return false
        }
    }

    /// The first emoticon (a whole word) or emoji of the text.
    static func cryptic(in text: String) -> String? {
        for word in text.split(whereSeparator: \.isWhitespace) {
            var token = Substring(word)
            // Punctuation after an emoticon ("super :-)." or "^^,").
            while let last = token.last, [".", ",", "!", "?"].contains(last), token.count > 2 { token = token.dropLast() }
            if emoticons.contains(String(token)) { return String(token) }
        }
        for scalar in text.unicodeScalars where scalar.value >= 0x2600 {
            let properties = scalar.properties
            if properties.isEmojiPresentation || (scalar.value >= 0x1F300 && scalar.value <= 0x1FAFF && properties.isEmoji) {
                return String(scalar)
            }
        }
        return nil
    }

    /// A definition is at hand: `title` on the element or an ancestor (abbr, link, control),
    /// or an image role with a name.
    static func defined(_ element: Int, in page: PageContext) -> Bool {
        var current = element
        var depth = 0
        while current >= 0 && depth < 3 {
            let node = page.node(current)
            if page.nonEmptyAttribute("title", of: current) != nil { return true }
            if node.attribute("role")?.lowercased() == "img", page.nonEmptyAttribute("aria-label", of: current) != nil
                || page.nonEmptyAttribute("aria-labelledby", of: current) != nil { return true }
            current = node.parent
            depth += 1
        }
        return false
    }
}
