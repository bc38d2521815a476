import Foundation
import Testing
@testable import Accessibility

/// Whatever the bytes, the checker answers with findings or a clear French error, never a
/// crash, and in bounded time.
@Suite struct HostileInputTests {
    /// A seeded generator, so a failure can be replayed.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let page = Array(try! String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/skeleton.html"), encoding: .utf8).utf8)

    @Test func emptyPage() throws {
        let findings = try AccessibilityChecker.check(html: [UInt8](), path: "vide.html")
        #expect(findings.map(\.test).contains("8.1.1"))
    }

    @Test func binaryData() throws {
        var generator = SplitMix64(state: 42)
        let bytes = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let findings = try AccessibilityChecker.check(html: bytes, path: "binaire.html")
        #expect(findings.contains { $0.test == "8.1.1" })
    }

    @Test func truncatedPageAtEveryLength() throws {
        // Cut the conformant page at many points: still findings, never a crash.
        for length in stride(from: 0, through: Self.page.count, by: 7) {
            _ = try AccessibilityChecker.check(html: Array(Self.page.prefix(length)), path: "tronquee.html")
        }
        let half = try AccessibilityChecker.check(html: Array(Self.page.prefix(Self.page.count / 2)), path: "tronquee.html")
        #expect(half.contains { $0.test == "9.2.1" } || half.contains { $0.test == "9.1.1" })
    }

    @Test func tenMegabytePage() throws {
        let paragraph = "<p>Les inscriptions à la cantine sont ouvertes du <a href=\"/cantine\">1er au 15 septembre</a>.</p>\n"
        var html = String(decoding: Self.page, as: UTF8.self)
        let body = String(repeating: paragraph, count: 10 * 1024 * 1024 / paragraph.utf8.count)
        html = html.replacingOccurrences(of: "<h1>Inscription à la cantine</h1>", with: "<h1>Inscription à la cantine</h1>\n" + body)
        #expect(html.utf8.count > 10 * 1024 * 1024)
        let start = ContinuousClock.now
        let findings = try AccessibilityChecker.check(html: html, path: "gros.html")
        let elapsed = ContinuousClock.now - start
        print("10 MB page: \(findings.count) findings in \(elapsed)")
        #expect(findings.isEmpty)
        #expect(elapsed < .seconds(60))
    }

    @Test func hundredThousandNestedElements() throws {
        let html = "<!DOCTYPE html><html lang=\"fr\"><head><title>Profonde – Mairie</title></head><body><main><h1>Profond</h1>"
            + String(repeating: "<div>", count: 100_000) + "<a href=\"/x\"></a><img src=x.png>"
            + String(repeating: "</div>", count: 100_000) + "</main></body></html>"
        let start = ContinuousClock.now
        let findings = try AccessibilityChecker.check(html: html, path: "profonde.html")
        let elapsed = ContinuousClock.now - start
        print("100,000 nested divs: \(findings.map(\.test)) in \(elapsed)")
        #expect(findings.contains { $0.test == "6.2.1" })
        #expect(findings.contains { $0.test == "1.1.1" })
        #expect(elapsed < .seconds(30))
    }

    @Test func hundredThousandNestedLinksAndLabels() throws {
        // Rules that read a subtree (names, labels) must stay linear on hostile nesting.
        let html = "<!DOCTYPE html><html lang=\"fr\"><head><title>Profonde – Mairie</title></head><body><main>"
            + String(repeating: "<span lang=\"zz-9\" style=\"color:#999\"><a href=\"/x\">", count: 30_000) + "x"
            + String(repeating: "</a></span>", count: 30_000) + "</main></body></html>"
        let start = ContinuousClock.now
        _ = try AccessibilityChecker.check(html: html, path: "liens.html")
        let elapsed = ContinuousClock.now - start
        print("30,000 nested links: \(elapsed)")
        #expect(elapsed < .seconds(30))
    }

    @Test func brokenUTF8() throws {
        var bytes = Array("<!DOCTYPE html><html lang=\"fr\"><head><title>Caf".utf8)
        bytes += [0xC3, 0x28, 0xFF, 0xFE, 0xE2, 0x82] // invalid sequences
        bytes += Array("</title></head><body><main><h1>Menu</h1><img src=\"a".utf8) + [0xC3] + Array(".png\"></main></body></html>".utf8)
        let findings = try AccessibilityChecker.check(html: bytes, path: "utf8.html")
        #expect(findings.contains { $0.test == "1.1.1" })
    }

    @Test func megabyteAttributeValue() throws {
        let huge = String(repeating: "a", count: 1024 * 1024)
        let html = "<!DOCTYPE html><html lang=\"fr\"><head><title>Attribut – Mairie</title></head><body><main><h1>T</h1>"
            + "<img src=\"x.png\" alt=\"\(huge)\"><p class=\"\(huge)\" title=\"\(huge)\">Texte</p><div role=\"\(huge)\">x</div></main></body></html>"
        let findings = try AccessibilityChecker.check(html: html, path: "attribut.html")
        #expect(findings.contains { $0.test == "7.1.1" })
        #expect(findings.allSatisfy { $0.snippet.count <= 120 && $0.message.count < 2_000 })
    }

    @Test func pageOverTwentyMegabytesIsRefusedClearly() {
        let bytes = [UInt8](repeating: UInt8(ascii: " "), count: 21 * 1024 * 1024)
        do {
            _ = try AccessibilityChecker.check(html: bytes, path: "enorme.html")
            Issue.record("a 21 Mo page must be refused")
        } catch {
            #expect(error.description == "La page fait 21 Mo : au-delà de 20 Mo, le vérificateur RGAA refuse de l'analyser. Découpez la page en plusieurs pages plus légères.")
        }
    }

    /// Pages given as files are read on the checking threads: a missing file, a folder, an
    /// empty file and a file over the limit (refused from its size, before it is read) each
    /// get an 8.2.1 finding with a French sentence, and the other pages are still checked.
    @Test func pagesReadFromFilesThatCannotBeChecked() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-pages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("bonne.html")
        try Data(Self.page).write(to: good)
        let empty = folder.appendingPathComponent("vide.html")
        try Data().write(to: empty)
        let huge = folder.appendingPathComponent("enorme.html")
        FileManager.default.createFile(atPath: huge.path, contents: nil)
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: UInt64(HTMLDocument.maximumByteCount + 1)) // sparse: nothing is written
        try handle.close()
        let report = SiteChecker.check([
            SiteChecker.Page(path: "bonne.html", file: good.path),
            SiteChecker.Page(path: "absente.html", file: folder.appendingPathComponent("absente.html").path),
            SiteChecker.Page(path: "dossier.html", file: folder.path),
            SiteChecker.Page(path: "vide.html", file: empty.path),
            SiteChecker.Page(path: "enorme.html", file: huge.path),
        ])
        let byPath = Dictionary(uniqueKeysWithValues: report.files.map { ($0.path, $0.findings) })
        #expect(byPath["bonne.html"]?.contains { $0.test == "8.2.1" } == false)
        #expect(byPath["absente.html"]?.first?.message == HTMLDocumentError.cannotRead.description)
        #expect(byPath["dossier.html"]?.first?.test == "8.2.1")
        #expect(byPath["vide.html"]?.contains { $0.test == "8.1.1" } == true)
        let refusal = try #require(byPath["enorme.html"]?.first)
        #expect(refusal.test == "8.2.1" && refusal.message.contains("au-delà de 20 Mo"))
    }

    /// 1,000 fields without a label: 200 findings are listed, then one says how many more.
    @Test func findingsOfOneTestAreCappedPerPage() throws {
        let fields = String(repeating: "<p><input type=text name=x></p>", count: 1_000)
        let html = "<!DOCTYPE html><html lang=fr><head><title>Champs</title></head><body><main><h1>Champs</h1><form>\(fields)</form></main></body></html>"
        let findings = try AccessibilityChecker.check(html: html, path: "champs.html").filter { $0.test == "11.1.1" }
        #expect(findings.count == PageContext.maximumFindingsPerTest + 1)
        let summary = try #require(findings.first { $0.line == nil })
        #expect(summary.message == "800 autres cas du même test (11.1.1) sur cette page ne sont pas détaillés : seuls les 200 premiers sont listés.")
        #expect(summary.status == .nonConforme)
    }

    @Test func aPageGivenAsTextIsCheckedLikeItsBytes() throws {
        let text = String(decoding: Self.page, as: UTF8.self)
        let fromText = SiteChecker.check([SiteChecker.Page(path: "p.html", text: text)])
        let fromBytes = SiteChecker.check([SiteChecker.Page(path: "p.html", html: Self.page)])
        #expect(fromText.files.map(\.findings) == fromBytes.files.map(\.findings))
        #expect(!fromText.files[0].findings.isEmpty || fromText.files[0].applicable.count > 3)
    }

    @Test func seededRandomMutationsOfARealPage() throws {
        var generator = SplitMix64(state: 2026)
        let alphabet = Array("<>/=\"' &;#!-abcdefghilmnoprstuvxyz0123456789".utf8) + [0x00, 0xC3, 0xA9, 0xFF]
        for _ in 0..<300 {
            var bytes = Self.page
            for _ in 0..<Int.random(in: 1...40, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0...2, using: &generator) {
                case 0: bytes[position] = alphabet.randomElement(using: &generator)!
                case 1: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
                default: bytes.remove(at: position)
                }
            }
            _ = try AccessibilityChecker.check(html: bytes, path: "mutation.html")
        }
    }
}
