import Foundation
import SiteBuilder

/// A whole site written as one string, the way Hugo's integration tests do:
///
///     -- Content/index.md --
///     ---
///     title: Accueil
///     ---
///
/// It is written to a fresh temporary folder. Unless the fixture provides its own,
/// `guichet.yaml`, the three required pages and the repository's `Theme/` are added.
struct FixtureSite {
    let root: URL

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let defaultConfig = """
        authority:
          name: "Ville de Test"
          address: { street: "1 place de la Mairie", postcode: "99150", city: "Testville" }
          phone: "01 99 00 10 00"
          email: "mairie@test.example"
          siret: "21990150000013"
        base_url: "https://www.test.example"
        accessibility:
          status: non
        dpo: { name: "DPO", email: "dpo@test.example", address: "1 place de la Mairie, 99150 Testville" }
        navigation:
          - { label: "Accueil", url: "/" }
        """

    static let requiredPages = """
        -- Content/mentions-legales.md --
        ---
        title: Mentions légales
        ---
        -- Content/donnees-personnelles.md --
        ---
        title: Données personnelles
        ---
        -- Content/accessibilite.md --
        ---
        title: Accessibilité
        ---
        """

    init(_ spec: String, withDefaults: Bool = true) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-fixture-\(UUID().uuidString)")
        var files = Self.parse(spec)
        if withDefaults {
            if files["guichet.yaml"] == nil { files["guichet.yaml"] = Self.defaultConfig }
            for (path, text) in Self.parse(Self.requiredPages) where files[path] == nil { files[path] = text }
        }
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        if withDefaults && !files.keys.contains(where: { $0.hasPrefix("Theme/") }) {
            try FileManager.default.copyItem(at: Self.repositoryRoot.appendingPathComponent("Theme"),
                                             to: root.appendingPathComponent("Theme"))
        }
    }

    static func parse(_ spec: String) -> [String: String] {
        var files: [String: String] = [:]
        var current: String?
        var lines: [Substring] = []
        func flush() { if let current { files[current] = lines.joined(separator: "\n") + "\n" } }
        for line in spec.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-- "), line.hasSuffix(" --"), line.count > 6 {
                flush()
                current = String(line.dropFirst(3).dropLast(3))
                lines = []
            } else {
                lines.append(line)
            }
        }
        flush()
        return files
    }

    func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// Builds into memory; returns the published files or the failure.
    func build() -> Result<MemoryOutput, BuildFailure> {
        let output = MemoryOutput()
        do {
            _ = try SiteBuild.run(root: root, output: output)
            return .success(output)
        } catch {
            return .failure(error)
        }
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}
