import Foundation
import GuichetModel

/// Turns what an editor wrote in a link into the URL to publish, or says why it cannot.
///
/// Editors write links the way they see their files: `acte-de-naissance.md`,
/// `../pratique/horaires.md`, or the public address `/demarches/`. Relative links are read
/// from the Markdown file's folder (not from the page's URL, which has one more level), then
/// published as absolute paths so they work wherever the page is shown (404 page included).
public struct LinkResolver: Sendable {
    let plan: SitePlan

    public init(plan: SitePlan) { self.plan = plan }

    public enum Outcome: Equatable {
        case keep
        case rewrite(String)
        case broken(String)
    }

    static let allowedSchemes: Set<String> = ["http", "https", "mailto", "tel"]

    public func resolve(_ raw: String, isImage: Bool, fromSource sourcePath: String) -> Outcome {
        let link = Self.trimmingSpaces(raw)
        if link.isEmpty {
            return .broken("Le lien n’a pas d’adresse : indiquez entre parenthèses la page ou le fichier visé.")
        }
        if let scheme = Self.scheme(of: link) {
            if Self.allowedSchemes.contains(scheme) { return .keep }
            return .broken("Les adresses « \(scheme): » ne sont pas acceptées : utilisez un lien https://, mailto: ou tel:, ou un lien vers une page du site.")
        }
        if link.hasPrefix("//") { return .keep }
        if link.hasPrefix("#") {
            return isImage ? .broken("L’image « \(link) » n’indique pas de fichier.") : .keep
        }

        var path = link
        var suffix = ""
        // On bytes: a Character walk of every link cost more than the rest of its resolution.
        // Both marks are ASCII, so the byte index is a Character boundary.
        if let cut = path.utf8.firstIndex(where: { $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "?") }) {
            suffix = String(path[cut...])
            path = String(path[..<cut])
        }
        // Foundation's decoding goes through NSString; most links have nothing to decode.
        let decoded = path.utf8.contains(UInt8(ascii: "%")) ? path.removingPercentEncoding ?? path : path
        // The folder of the Markdown file, as a Content-relative path ("demarches/etat-civil").
        var base = sourcePath.utf8.split(separator: UInt8(ascii: "/")).dropFirst().dropLast().map { String(Substring($0)) }
        if decoded.hasPrefix("/") { base = [] }
        guard let segments = Self.normalize(base: base, relative: decoded) else {
            return .broken("Le lien « \(raw) » remonte au-dessus du dossier Content/ : corrigez le nombre de « ../ ».")
        }
        let joined = segments.joined(separator: "/")

        if decoded.hasSuffix(".md") {
            let target = "Content/" + joined
            guard let entry = plan.bySourcePath[target] else {
                return .broken("Le lien « \(raw) » mène à une page qui n’existe pas (\(target) est introuvable) : corrigez le nom du fichier ou créez la page.")
            }
            if isImage { return .broken("L’image « \(raw) » désigne une page, pas un fichier d’image.") }
            return .rewrite(plan.entries[entry].url + suffix)
        }

        let absolute = "/" + joined
        let candidates = decoded.hasSuffix("/") || joined.isEmpty ? [absolute.hasSuffix("/") ? absolute : absolute + "/"]
                                                                : [absolute, absolute + "/"]
        for candidate in candidates where plan.publishedFiles.contains(candidate) {
            if isImage && candidate.hasSuffix("/") {
                return .broken("L’image « \(raw) » désigne une page, pas un fichier d’image.")
            }
            return candidate == link ? .keep : .rewrite(candidate + suffix)
        }
        if absolute.hasSuffix("/index.html"), plan.byURL[String(absolute.dropLast("index.html".count))] != nil {
            return .rewrite(String(absolute.dropLast("index.html".count)) + suffix)
        }
        let what = isImage ? "L’image « \(raw) » désigne un fichier" : "Le lien « \(raw) » mène à une adresse"
        return .broken("\(what) qui n’existe pas sur le site (\(absolute)) : vérifiez l’orthographe, ou placez le fichier dans Content/.")
    }

    /// `raw` without the spaces and tabs around it (what `CharacterSet.whitespaces` holds:
    /// tab, the Unicode space separators and, in Foundation's table, the zero-width space),
    /// without a round trip through NSString, which cost more than the rest of the resolution
    /// on a large site. A test compares the two on every character of the BMP.
    static func trimmingSpaces(_ raw: String) -> String {
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "\t" || scalar == "\u{200B}" || scalar.properties.generalCategory == .spaceSeparator
        }
        let scalars = raw.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return raw }
        return String(scalars[first...last])
    }

    /// The URL scheme (`https`, `javascript`…), lowercased, if the link starts with one.
    static func scheme(of link: String) -> String? {
        // RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":", all ASCII, so bytes do.
        let bytes = link.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let candidate = bytes[..<colon]
        func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
        guard let first = candidate.first, isLetter(first), candidate.allSatisfy({
            isLetter($0) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
        }) else { return nil }
        return String(Substring(candidate)).lowercased()
    }

    /// Applies `.` and `..` segments; nil when `..` would leave the root.
    static func normalize(base: [String], relative: String) -> [String]? {
        var stack = base
        for segment in relative.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if segment.elementsEqual(".".utf8) { continue }
            if segment.elementsEqual("..".utf8) {
                if stack.isEmpty { return nil }
                stack.removeLast()
            } else {
                stack.append(String(Substring(segment)))
            }
        }
        return stack
    }
}
