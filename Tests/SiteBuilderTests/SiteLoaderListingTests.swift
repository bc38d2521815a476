import Foundation
@testable import SiteBuilder
import Testing

/// `SiteLoader.listFiles` walks Content/ with readdir: what it lists decides which pages exist.
@Suite struct SiteLoaderListingTests {
    @Test func nestedSortedHiddenSkippedLinksToFilesFollowedLinksToFoldersNot() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-listing-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let fm = FileManager.default
        for folder in ["demarches/etat-civil", ".git/objects", "pratique", "ailleurs"] {
            try fm.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for file in ["index.md", "demarches/etat-civil/naissance.md", "demarches/index.md", "pratique/plan.pdf",
                     ".brouillon.md", "demarches/.~lock.md#", ".git/objects/x", "ailleurs/cible.md"] {
            try Data("x".utf8).write(to: root.appendingPathComponent(file))
        }
        // A link to a file is listed under its own name; a link to a folder is not entered
        // (a link to a parent would loop forever); a dangling link is skipped.
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("pratique/lien.md").path,
                                  withDestinationPath: root.appendingPathComponent("ailleurs/cible.md").path)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("demarches/boucle").path, withDestinationPath: root.path)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("pratique/absent.md").path, withDestinationPath: "/nulle/part.md")

        #expect(SiteLoader.listFiles(in: root) == [
            "ailleurs/cible.md", "demarches/etat-civil/naissance.md", "demarches/index.md", "index.md",
            "pratique/lien.md", "pratique/plan.pdf",
        ])
        #expect(SiteLoader.listFiles(in: root.appendingPathComponent("absent")) == [])
    }
}
