import FormKit
import Foundation
import GuichetModel
import Testing
@testable import Gateway

/// The fast paths of the request path give what the straightforward code they replace gives,
/// on malformed and hostile input too.
@Suite struct GatewayFastPathTests {
    /// The exact urlencoded Content-Type skips the media type parser: same form as through it.
    @Test func theUsualContentTypeReadsAsTheParsedOne() {
        let bodies = ["a=1&b=2", "a=%C3%A9&a=+x+", "", "=&&=", "a=%FF", String(repeating: "k=v&", count: 600)].map { Array($0.utf8) }
        for body in bodies {
            let fast = RequestBody.parse(contentType: "application/x-www-form-urlencoded", body: body, limits: GatewayLimits())
            for variant in ["application/x-www-form-urlencoded; charset=UTF-8", " Application/X-WWW-Form-URLEncoded ",
                            "application/x-www-form-urlencoded;"] {
                let parsed = RequestBody.parse(contentType: variant, body: body, limits: GatewayLimits())
                #expect(fast.map(\.values) == parsed.map(\.values), "\(variant)")
            }
        }
        for other in ["application/x-www-form-urlencodedx", "application/x-www-form", "text/plain"] {
            #expect(RequestBody.parse(contentType: other, body: Array("a=1".utf8), limits: GatewayLimits()).map(\.values) == .failure(.unsupportedMediaType))
        }
    }

    /// `handle(_:completion:)` sends what `submissionFormID` recognizes straight to the queue,
    /// everything else to `handle(_:)`: it must recognize only what `handle(_:)` routes as a
    /// submission to that form.
    @Test func theSubmissionRouteIsReadAsHandleReadsIt() throws {
        let gateway = try GatewayFixture().gateway
        let cases: [(String, String?)] = [
            ("/guichet/formulaires/contact", "contact"), ("/guichet/formulaires/contact/", "contact"),
            ("/guichet/formulaires//contact", "contact"), ("/guichet/formulaires/a/b", nil), ("/guichet/formulaires/", nil),
            ("/guichet/formulaires", nil), ("/guichetformulaires/contact", nil), ("/guichetx/formulaires/contact", nil),
            ("/guichet/suivi/ABCD", nil), ("/autre/formulaires/contact", nil), ("/guichet/formulaires/%C3%A9", "%C3%A9"),
            ("/guichet/api/formulaires/contact", nil), ("", nil), ("/", nil),
        ]
        for (path, expected) in cases {
            #expect(gateway.submissionFormID(path) == expected, "\(path)")
        }
    }

    @Test func percentDecodingMatchesTheReference() {
        let fixed = [
            "", "a", "+", "++", "a+b", "%", "%4", "%41", "%4g", "%g4", "%%41", "%41%", "%zz", "a%2", "%2B", "%20+%20",
            "%C3%A9", "%C3", "%C3%", "%C3%28", "%FF", "%FE%FF", "%C0%AF", "%E0%80%AF", "%ED%A0%80", "%F4%90%80%80",
            "%F0%9F%98%80", "%00", "a%00b", "%e2%80%99", "caf\u{e9}", "Bonjour%2C%20%C3%A0%20quelle%20heure",
            String(repeating: "%41", count: 10_000), String(repeating: "é", count: 5_000),
        ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xC3, 0xA9], [0x80, 0x25, 0x34, 0x31], [0xED, 0xA0, 0x80]]
        var generator = SeededGenerator(seed: 3)
        let alphabet: [UInt8] = Array("%+aF09g=&".utf8) + [0x00, 0x7F, 0x80, 0xC3, 0xA9, 0xE2, 0xFF, 0xED, 0xF0, 0x9F]
        var random: [[UInt8]] = []
        for _ in 0..<20_000 {
            random.append((0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        for bytes in fixed + random {
            // Slices that do not start at index 0, as the parser passes them.
            let padded = [UInt8(ascii: "x")] + bytes + [UInt8(ascii: "y")]
            let slice = padded[1..<(padded.count - 1)]
            let fast = RequestBody.percentDecode(slice)
            let reference = RequestBody.percentDecodeReference(slice)
            #expect(fast == reference, "\(bytes)")
            #expect(fast.map { Array($0.utf8) } == reference.map { Array($0.utf8) })
        }
    }

    /// The urlencoded parser's answer, rebuilt from the reference decoder.
    func referenceParse(_ body: [UInt8], limits: GatewayLimits) -> Result<[String: [String]], BodyProblem> {
        var values: [String: [String]] = [:]
        var count = 0
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            count += 1
            guard count <= limits.maximumFieldCount else { return .failure(.tooManyFields) }
            guard pair.count <= limits.maximumFieldSize else { return .failure(.fieldTooLarge) }
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let name = equals.map { pair[pair.startIndex..<$0] } ?? pair[...]
            let value = equals.map { pair[pair.index(after: $0)...] } ?? []
            guard let name = RequestBody.percentDecodeReference(name),
                  let value = RequestBody.percentDecodeReference(value) else { return .failure(.badEncoding) }
            values[name, default: []].append(value)
        }
        return .success(values)
    }

    @Test func urlencodedBodiesMatchTheReference() {
        let thousands = (0..<10_000).map { "champ\($0 % 37)=valeur+\($0)" }.joined(separator: "&")
        let bodies = [
            "", "&", "&&&", "=", "==", "=x", "a=", "a", "a&b", "a=1&a=2&a=", "=x&a=&&b", "a=%zz&b=%C3%A9", "a=%C3&b=1",
            "a+b=c+d", "%61=%62", "a=b=c", "a=%FF", "%FF=a", "nom=Martin&pr%C3%A9nom=%C3%89lise", thousands,
            String(repeating: "&", count: 20_000) + "a=1",
        ].map { Array($0.utf8) }
        for limits in [GatewayLimits(), GatewayLimits(maximumFieldCount: 20_000, maximumFieldSize: 8)] {
            for body in bodies {
                let fast = RequestBody.parseURLEncoded(body, limits: limits).map(\.values)
                #expect(fast == referenceParse(body, limits: limits), "\(String(decoding: body.prefix(60), as: UTF8.self))")
            }
        }
        // 10,000 fields: refused over the default limit, all kept under a higher one.
        #expect(RequestBody.parseURLEncoded(Array(thousands.utf8), limits: GatewayLimits()).map(\.fieldCount) == .failure(.tooManyFields))
        let many = RequestBody.parseURLEncoded(Array(thousands.utf8), limits: GatewayLimits(maximumFieldCount: 10_000))
        #expect((try? many.get())?.values.values.map(\.count).reduce(0, +) == 10_000)
    }

    @Test func payloadJSONMatchesTheAPIJSONTree() {
        let values: [String: NormalizedValue] = [
            "nom": .text("Martin"), "message": .text("Ligne 1\nLigne \"2\"\t\\ \u{1}\u{7F} é ’ 😀"), "vide": .text(""),
            "choix": .list(["a", "b\"c"]), "aucun": .list([]), "nombre": .number(12), "decimal": .number(12.5),
            "negatif": .number(-3), "grand": .number(1e20), "date": .date(SimpleDate(year: 2026, month: 11, day: 23)!),
            "oui": .flag(true), "non": .flag(false),
            "adresse": .address(street: "12 rue des Tilleuls", complement: nil, postcode: "12345", commune: "Brémonval"),
            "adresse2": .address(street: "1 \"rue\"", complement: "Bât. B", postcode: "75001", commune: "Paris"),
            "pieces": .files([UploadedFile(filename: "a \"b\".pdf", size: 1234, detectedType: "pdf"),
                              UploadedFile(filename: "x", size: 0, detectedType: nil)]),
            "Z-majuscule": .text("z"), "é-clé": .text("accent"), "\u{1}": .text("contrôle"),
        ]
        #expect(SubmissionPayload.json(values) == SubmissionPayload.jsonReference(values))
        #expect(SubmissionPayload.json([:]) == SubmissionPayload.jsonReference([:]))
        for (key, value) in values {
            #expect(SubmissionPayload.json([key: value]) == SubmissionPayload.jsonReference([key: value]))
        }
    }

    @Test func addressTrimmingMatchesFoundation() {
        for text in ["", " ", "a", " a", "a ", "\ta\t", "a@b.fr", " a@b.fr ", "\u{A0}a@b.fr", "a@b.fr\u{3000}", "é@b.fr",
                     "a@b.fé", "\u{7F}a", "a\u{7F}", "\na\n", "a b"] {
            #expect(MailRecipient.trimmingWhitespaces(text) == text.trimmingCharacters(in: .whitespaces), "\(text)")
        }
    }
}
