import ContentLoader
import FormKit
import Foundation
import GuichetModel
import Testing

/// The demo portal's forms all load, and cover the démarches the issue lists.
@Suite struct DemoFormsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func everyDemoFormLoads() throws {
        let config = try ConfigLoader.parse(String(contentsOf: Self.root.appendingPathComponent("guichet.yaml"), encoding: .utf8))
        let folder = Self.root.appendingPathComponent("Forms")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= 6)
        var kinds: Set<Procedure.Kind> = []
        for name in files {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            do {
                let form = try FormLoader.parse(text, file: "Forms/\(name)", services: config.services)
                kinds.insert(form.procedure.kind)
            } catch {
                Issue.record("\(error)")
            }
        }
        #expect(kinds.contains(.demande) && kinds.contains(.signalement))
    }
}
