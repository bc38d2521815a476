import Foundation
import Testing

/// Runs the real `guichet` binary, as an editor or a CI job does, and checks what they see:
/// the exit code and the messages on standard error.
@Suite struct BuildCommandTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The binary built next to the test bundle (`swift build --build-tests` builds both).
    static var binary: URL {
        let products = Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
            + [repositoryRoot.appendingPathComponent(".build/debug")]
        return products.map { $0.appendingPathComponent("guichet") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
            ?? repositoryRoot.appendingPathComponent(".build/debug/guichet")
    }

    struct Outcome { var status: Int32; var stderr: String; var stdout: String }
    init() {}

    func run(_ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        let err = Pipe(), out = Pipe()
        process.standardError = err
        process.standardOutput = out
        try process.run()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stderr: String(decoding: errData, as: UTF8.self),
                       stdout: String(decoding: outData, as: UTF8.self))
    }

    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Package.swift links jemalloc as the allocator with --no-as-needed; if a toolchain or a
    /// flag change let the linker drop it, builds would silently fall back to glibc's malloc
    /// and lose about a fifth of their speed. jemalloc prints its statistics on exit when
    /// MALLOC_CONF asks, which glibc ignores.
    @Test func theBinaryAllocatesThroughJemalloc() throws {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["--help"]
        process.environment = ProcessInfo.processInfo.environment.merging(["MALLOC_CONF": "stats_print:true"]) { $1 }
        let err = Pipe(), out = Pipe()
        process.standardError = err
        process.standardOutput = out
        try process.run()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        _ = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: errData, as: UTF8.self).contains("Begin jemalloc statistics"))
    }

    @Test func buildsTheDemoWithProgressAndExitZero() throws {
        let out = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try run(["build", "--root", Self.repositoryRoot.path, "--output", out.appendingPathComponent("site").path,
                              "--reports", out.appendingPathComponent("reports").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("[1/5] lecture du contenu\n[2/5] plan du site\n[3/5] rendu des pages\n[4/5] vérification RGAA\n[5/5] écriture du site\n"))
        #expect(result.stderr.contains("0 non-conformité"))
        #expect(result.stderr.contains("taux de conformité automatique : "))
        #expect(result.stderr.contains("Site construit : "))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("site/index.html").path))
        // The à-vérifier report is written beside, never inside, the published folder.
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("reports/accessibilite.html").path))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("site/accessibilite.html").path))
        let statement = try String(contentsOf: out.appendingPathComponent("site/accessibilite/index.html"), encoding: .utf8)
        #expect(statement.contains("taux de conformité mesuré automatiquement : "))
        #expect(statement.contains("Ce taux ne remplace pas un audit"))
    }

    @Test func contentProblemsExitOneWithFileAndLine() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.copyItem(at: Self.repositoryRoot.appendingPathComponent("Theme"), to: root.appendingPathComponent("Theme"))
        try FileManager.default.copyItem(at: Self.repositoryRoot.appendingPathComponent("guichet.yaml"), to: root.appendingPathComponent("guichet.yaml"))
        for folder in ["Content", "Forms"] {
            try FileManager.default.copyItem(at: Self.repositoryRoot.appendingPathComponent(folder), to: root.appendingPathComponent(folder))
        }
        try Data("---\ntitle: Essai\n---\n\n[Lien cassé](nulle-part.md)\n".utf8)
            .write(to: root.appendingPathComponent("Content/essai.md"))
        let result = try run(["build", "--root", root.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("Content/essai.md:5: Le lien « nulle-part.md » mène à une page qui n’existe pas (Content/nulle-part.md est introuvable) : corrigez le nom du fichier ou créez la page.\n"))
        #expect(result.stderr.contains("[rendu des pages] Échec de la construction : 1 problème à corriger. Le site précédent n’a pas été modifié."))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("site").path))
    }

    @Test func configurationProblemsExitTwo() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try run(["build", "--root", root.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("guichet.yaml: Le fichier de configuration est introuvable dans \(root.path)"))
    }

    @Test func usageErrorsExitTwo() throws {
        let result = try run(["build", "--nope"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("Unknown option '--nope'"))
    }

    @Test func helpDescribesTheCommands() throws {
        let result = try run(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("build"))
        #expect(result.stdout.contains("Exit codes: 0 success, 1 findings or validation failure, 2 usage or"))
    }
}
