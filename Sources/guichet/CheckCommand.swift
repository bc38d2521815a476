import Accessibility
import ArgumentParser
import Foundation
import Synchronization

/// `guichet check`: the RGAA checker on any HTML files or folders.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check HTML pages against RGAA 4.1.2 (French accessibility standard).",
        discussion: """
        Exit codes: 0 no non-conformity, 1 at least one non-conformity, 2 usage error.
        'à vérifier' items (what only a person can judge) are reported without failing.
        Examples:
          guichet check site/
          guichet check site/index.html --format json > rapport.json
          guichet check site/ --format html > rapport.html
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, html
    }

    @Argument(help: "HTML files or folders (folders are searched for .html files).")
    var paths: [String]

    @Option(name: .long, help: "Output format: text, json or html.")
    var format: Format = .text

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one HTML file or folder.") }
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("'\(path)' does not exist.")
        }
    }

    func run() throws {
        var pages: [SiteChecker.Page] = []
        // Page path → the folder that "/" means for its links, and the page's own file.
        var locations: [String: (root: URL, file: URL)] = [:]
        for path in paths {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            let files = isDirectory.boolValue ? htmlFiles(in: url) : [url]
            let base = url.path.hasSuffix("/") ? url.path : url.path + "/"
            for file in files {
                let filePath = file.path
                // Read later, on the checking threads; an unreadable file is still a usage error.
                guard FileManager.default.isReadableFile(atPath: filePath) else {
                    printError("guichet: impossible de lire \(filePath)")
                    throw ExitCode(2)
                }
                let display = isDirectory.boolValue ? relative(filePath, file, base: base, prefix: path) : path
                pages.append(SiteChecker.Page(path: display, file: filePath))
                locations[display] = (isDirectory.boolValue ? url : file.deletingLastPathComponent(), file)
            }
        }
        let known = locations
        let stylesheets = LocalStylesheets()
        let report = SiteChecker.check(pages) { pagePath, href in
            guard let location = known[pagePath] else { return nil }
            return stylesheets.read(href: href, page: location.file, root: location.root)
        }
        switch format {
        case .text: print(ReportFormatter.text(report), terminator: "")
        case .json: print(ReportFormatter.json(report), terminator: "")
        case .html: print(ReportFormatter.html(report), terminator: "")
        }
        if report.hasNonConformities { throw ExitCode(1) }
    }

    func htmlFiles(in folder: URL) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        // Sorted by path, each path computed once (not twice per comparison).
        return enumerator.compactMap { $0 as? URL }
            .filter { ["html", "htm"].contains($0.pathExtension.lowercased()) }
            .map { (path: $0.path, url: $0) }
            .sorted { $0.path < $1.path }
            .map(\.url)
    }

    /// The page's name in the report: `prefix` (the folder as given) and its path inside the
    /// folder. The enumerator's paths start with the folder's (`base`, ending in "/"), so the
    /// costly standardisation is only for the odd one that does not.
    func relative(_ filePath: String, _ file: URL, base: String, prefix: String) -> String {
        let inside: String
        if filePath.hasPrefix(base) {
            inside = String(filePath.dropFirst(base.count))
        } else {
            let standardized = file.standardizedFileURL.path
            inside = standardized.hasPrefix(base) ? String(standardized.dropFirst(base.count)) : filePath
        }
        return (prefix.hasSuffix("/") ? prefix : prefix + "/") + inside
    }
}

/// Stylesheets of checked pages, read from disk only: `/assets/x.css` from the checked
/// folder, `x.css` next to the page. Remote sheets are not fetched (the checker works offline).
/// Each file is read once per run: every page of a site links the same sheets.
final class LocalStylesheets: Sendable {
    private let cache = Mutex<[String: String?]>([:])

    func read(href: String, page: URL, root: URL) -> String? {
        if href.contains("://") || href.hasPrefix("//") { return nil }
        var path = href
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<cut]) }
        let base = path.hasPrefix("/") ? root.path : page.deletingLastPathComponent().path
        let key = base + "\u{0}" + path
        if let known = cache.withLock({ $0[key] }) { return known }
        let text = Self.read(path: path, page: page, root: root)
        cache.withLock { $0[key] = .some(text) }
        return text
    }

    private static func read(path: String, page: URL, root: URL) -> String? {
        let url: URL
        if path.hasPrefix("/") {
            url = root.appendingPathComponent(String(path.dropFirst()))
        } else {
            url = page.deletingLastPathComponent().appendingPathComponent(path)
        }
        // Never read outside the checked folder.
        let resolved = url.standardizedFileURL.path
        guard resolved.hasPrefix(root.standardizedFileURL.path), let data = FileManager.default.contents(atPath: resolved),
              data.count < 2_000_000 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
