import ContentLoader
import FormKit
import Foundation
import GuichetModel
import Rendering

/// Stage 1: reads `guichet.yaml`, `Content/` and `Theme/`.
public enum SiteLoader {
    /// Larger Markdown files are refused: nobody writes a 5 MB service page, and reading one
    /// would only slow down (or exhaust) the build.
    public static let maximumPageBytes = 2_000_000

    public static func load(root: URL) throws(BuildFailure) -> SiteSource {
        let configPath = root.appendingPathComponent(ConfigLoader.fileName).path
        guard let configData = FileManager.default.contents(atPath: configPath) else {
            throw BuildFailure(stage: "lecture", kind: .configuration, diagnostics: [Diagnostic(
                file: ConfigLoader.fileName,
                message: "Le fichier de configuration est introuvable dans \(root.path) : créez guichet.yaml (voir le README) ou indiquez le bon dossier avec --root.")])
        }
        let config: SiteConfig
        let theme: Theme
        do throws(Diagnostic) {
            guard let text = String(data: configData, encoding: .utf8) else {
                throw Diagnostic(file: ConfigLoader.fileName, message: "Le fichier n’est pas un texte UTF-8 : enregistrez-le en UTF-8.")
            }
            config = try ConfigLoader.parse(text)
            theme = try Theme.load(root: root)
        } catch {
            throw BuildFailure(stage: "lecture", kind: .configuration, diagnostics: [error])
        }

        let contentDir = root.appendingPathComponent("Content")
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: contentDir.path, isDirectory: &isDir), isDir.boolValue else {
            throw BuildFailure(stage: "lecture", kind: .configuration, diagnostics: [Diagnostic(
                file: "Content", message: "Le dossier Content/ est introuvable : c’est là que se trouvent les pages du site.")])
        }
        var diagnostics: [Diagnostic] = []
        var markdownPaths: [String] = []
        var files: [ContentFile] = []
        for relative in listFiles(in: contentDir) {
            let sourcePath = "Content/\(relative)"
            if let problem = namingProblem(relative) {
                diagnostics.append(Diagnostic(file: sourcePath, message: problem))
                continue
            }
            if relative.hasSuffix(".md") {
                markdownPaths.append(relative)
            } else {
                files.append(ContentFile(sourcePath: sourcePath, url: "/" + relative))
            }
        }

        // Reading and parsing front matter is independent per page: spread it over the cores.
        let paths = markdownPaths
        let results = ConcurrentSlots<Result<SourcePage, Diagnostic>>(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            let relative = paths[index]
            results[index] = readPage(at: contentDir.appendingPathComponent(relative), sourcePath: "Content/\(relative)")
        }
        var pages: [SourcePage] = []
        pages.reserveCapacity(markdownPaths.count)
        for result in results.values {
            switch result {
            case .success(let page): pages.append(page)
            case .failure(let diagnostic): diagnostics.append(diagnostic)
            case nil: break
            }
        }
        let (forms, formProblems) = FormLoader.loadFolder(root.appendingPathComponent("Forms"), services: config.services)
        diagnostics += formProblems
        if !diagnostics.isEmpty { throw BuildFailure(stage: "lecture", diagnostics: diagnostics) }
        return SiteSource(root: root, config: config, pages: pages, files: files, forms: forms, theme: theme)
    }

    static func readPage(at url: URL, sourcePath: String) -> Result<SourcePage, Diagnostic> {
        let bytes: [UInt8]
        switch FileReader.read(url.path, limit: maximumPageBytes) {
        case .success(let read): bytes = read
        case .failure(.tooLarge(let size)):
            return .failure(Diagnostic(file: sourcePath, message:
                "La page fait \(size / 1_000_000) Mo : une page ne peut pas dépasser 2 Mo. Découpez-la en plusieurs pages."))
        case .failure:
            return .failure(Diagnostic(file: sourcePath, message: "Le fichier est illisible : vérifiez ses droits d’accès."))
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(Diagnostic(file: sourcePath, message:
                "Le fichier n’est pas un texte UTF-8 (caractères accentués mal codés) : enregistrez-le en UTF-8."))
        }
        // memchr: the generic search was a quarter of the time spent reading pages.
        let nulOffset = bytes.withUnsafeBytes { raw -> Int? in
            guard let base = raw.baseAddress, let nul = memchr(base, 0, raw.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(nul))
        }
        if let nulOffset {
            let line = bytes[..<nulOffset].reduce(1) { $1 == 10 ? $0 + 1 : $0 }
            return .failure(Diagnostic(file: sourcePath, line: line, message:
                "Le fichier contient un caractère nul : ce n’est pas un texte. Vérifiez qu’il s’agit bien d’une page Markdown."))
        }
        do {
            return .success(try FrontMatterParser.parse(text, file: sourcePath))
        } catch {
            return .failure(error)
        }
    }

    /// Files under `dir`, relative, sorted, skipping hidden files (editors' tools leave some).
    /// Plain `readdir`: Foundation's enumerator builds a URL and looks up attributes for each
    /// entry, a second of serial work on 10,000 pages. Symbolic links are followed to a file,
    /// never into a folder (a loop would never end).
    static func listFiles(in dir: URL) -> [String] {
        var result: [String] = []
        func walk(_ absolute: String, _ relative: String) {
            guard let handle = opendir(absolute) else { return }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name.hasPrefix(".") { continue }
                let path = absolute + "/" + name
                let child = relative.isEmpty ? name : relative + "/" + name
                var type = entry.pointee.d_type
                if type == UInt8(DT_UNKNOWN) || type == UInt8(DT_LNK) {
                    // Some file systems leave d_type unknown; a link counts as what it points to.
                    var info = stat()
                    guard stat(path, &info) == 0 else { continue }
                    switch info.st_mode & S_IFMT {
                    case S_IFREG: type = UInt8(DT_REG)
                    case S_IFDIR where type == UInt8(DT_UNKNOWN): type = UInt8(DT_DIR)
                    default: continue
                    }
                }
                if type == UInt8(DT_REG) {
                    result.append(child)
                } else if type == UInt8(DT_DIR) {
                    walk(path, child)
                }
            }
        }
        walk(dir.standardizedFileURL.path, "")
        return result.sorted()
    }

    /// URLs come from file names, so names must make clean URLs: a person reads them, spells
    /// them on the phone, and servers differ on accents and spaces.
    static func namingProblem(_ relative: String) -> String? {
        // On bytes: every allowed character is ASCII (a tenth of a second of serial work on
        // 10,000 files when done by Character).
        let segments = relative.utf8.split(separator: UInt8(ascii: "/"))
        for (index, bytes) in segments.enumerated() {
            let isLast = index == segments.count - 1
            let allowed: (UInt8) -> Bool = { b in
                (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
                    || b == UInt8(ascii: "-") || (isLast && (b == UInt8(ascii: ".") || b == UInt8(ascii: "_")))
            }
            if !bytes.allSatisfy(allowed) {
                let segment = Substring(bytes)
                let what = isLast ? "Le nom du fichier" : "Le nom du dossier"
                return "\(what) « \(segment) » donne l’adresse de la page : n’utilisez que des minuscules sans accent, des chiffres et des tirets (par exemple acte-de-naissance.md)."
            }
        }
        return nil
    }
}
