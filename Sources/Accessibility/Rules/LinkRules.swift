// MARK: - 6.1, 6.2 Liens; 12.7 lien d'évitement; 13.2 nouvelles fenêtres

/// 6.2.1 every link has a name; 6.1.1 generic link texts (for a human); 12.7.1 the skip
/// link's target exists (and its absence is flagged for a human); 13.2.1 links opening a
/// new window without saying so (for a human).
final class LinkRule: Rule {
    let elements: Set<String> = []
    private var anchorNames: Set<String> = []
    /// The first in-page links of the body, candidates for a skip link.
    private var firstLinks: [(index: Int, name: String, href: String)] = []
    private var links: [Int] = []

    func visit(_ element: Int, in page: PageContext) {
        let node = page.node(element)
        if node.name == "a", let name = node.attribute("name") { anchorNames.insert(name) }
        let role = page.explicitRole(of: element)
        let isLink = role.map(ARIARoles.linkRoles.contains) ?? (node.name == "a" && node.has("href"))
        guard isLink, !page.hiddenFromAssistiveTechnologies[element] else { return }
        links.append(element)
    }

    /// Names are computed once the walk is over, when hidden subtrees are all known.
    private func check(_ element: Int, in page: PageContext) {
        let node = page.node(element)
        let name = page.accessibleName(of: element)
        if firstLinks.count < 3, let href = node.attribute("href")?.trimmingWhitespace() {
            firstLinks.append((element, name, href))
        }
        if name.isEmpty {
            page.report("6.2.1", .nonConforme, at: element, Messages.linkWithoutName)
            return
        }
        // Generic texts are short: a longer name is not one (and is not lower-cased for it).
        if name.utf8.count <= Self.longestGenericText,
           Self.genericLinkTexts.contains(name.fastLowercased().trimmingCharacters(in: Self.punctuation)) {
            page.report("6.1.1", .aVerifier, at: element, Messages.genericLinkText(name))
        }
        if let href = node.attribute("href"), let format = Self.officeFormat(of: href) {
            page.report("13.3.1", .aVerifier, at: element, Messages.officeDocument(format))
        }
        if node.attribute("target")?.lowercased() == "_blank" {
            let lowered = name.fastLowercased()
            if !Self.newWindowWords.contains(where: { lowered.containsLikeFoundation($0) }) {
                page.report("13.2.1", .aVerifier, at: element, Messages.newWindowWithoutWarning)
            }
        }
    }

    func finish(in page: PageContext) {
        for link in links { check(link, in: page) }
        guard page.document.nodes.contains(where: { $0.name == "body" }) else { return }
        let skipLinks = firstLinks.filter { link in
            link.href.hasPrefix("#") && link.href.count > 1
                && Self.skipLinkWords.contains { link.name.fastLowercased().containsLikeFoundation($0) }
        }
        guard !skipLinks.isEmpty else {
            if !links.isEmpty { page.report("12.7.1", .aVerifier, at: nil, Messages.skipLinkMissing) }
            return
        }
        for link in skipLinks {
            let target = String(link.href.dropFirst()).removingPercentEncodingIfPossible()
            if page.document.elementsByID[target] == nil && !anchorNames.contains(target) {
                page.report("12.7.1", .nonConforme, at: link.index, Messages.skipLinkBroken(link.href))
            }
        }
    }

    /// The extension of a link to an office document (PDF, word processor, spreadsheet, slides).
    static func officeFormat(of href: String) -> String? {
        // On contiguous bytes: every link of every page comes here (twice), and most have
        // no extension at all; the generic `String.UTF8View` searches cost ten times more.
        var href = href
        return href.withUTF8 { bytes -> String? in
            var end = 0
            while end < bytes.count, bytes[end] != UInt8(ascii: "?"), bytes[end] != UInt8(ascii: "#") { end += 1 }
            guard end > 0 else { return nil }
            // The last dot of the path, with no slash after it.
            var dot = end - 1
            while dot >= 0, bytes[dot] != UInt8(ascii: ".") {
                if bytes[dot] == UInt8(ascii: "/") { return nil }
                dot -= 1
            }
            guard dot >= 0, end - (dot + 1) <= 4 else { return nil }
            let ext = String(decoding: UnsafeBufferPointer(rebasing: bytes[(dot + 1)..<end]), as: UTF8.self).lowercased()
            return officeExtensions.contains(ext) ? ext : nil
        }
    }

    static let officeExtensions: Set<String> = ["pdf", "doc", "docx", "odt", "rtf", "xls", "xlsx", "ods", "csv",
                                                "ppt", "pptx", "odp", "epub"]
    static let punctuation: Set<Character> = [".", "…", ":", "!", "?", " ", ">", "»", "→", "-", "(", ")", "[", "]"]
    static let genericLinkTexts: Set<String> = [
        "ici", "cliquez ici", "cliquer ici", "lire la suite", "la suite", "suite", "en savoir plus", "plus",
        "voir", "voir plus", "lien", "ce lien", "en lire plus", "détails", "plus d'infos", "plus d’infos",
        "click here", "here", "read more", "more", "learn more", "link",
    ]
    static let longestGenericText = genericLinkTexts.map { $0.utf8.count }.max()! + 8
    static let newWindowWords = ["nouvelle fenêtre", "nouvel onglet", "new window", "new tab", "fenêtre externe"]
    static let skipLinkWords = ["contenu", "aller au", "accès", "skip", "main", "principal", "évitement"]
}

extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }

    /// Decodes %XX escapes (UTF-8); the string itself when it is not valid percent-encoding.
    func removingPercentEncodingIfPossible() -> String {
        guard containsLikeFoundation("%") else { return self }
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? self
    }
}
