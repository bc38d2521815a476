import Foundation
@testable import Gateway
import HTTPTypes
import Queue
import Testing

/// Malformed, hostile and oversized bodies: each gets a clear 4xx page, never a crash, and
/// nothing is stored.
@Suite struct HostileInputTests {
    let boundary = "----GuichetTest7MA4YWxkTrZu0gW"

    func expectRefused(_ response: GatewayResponse, _ status: HTTPResponse.Status, _ fixture: GatewayFixture,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(response.head.status == status, "\(response.text.prefix(300))", sourceLocation: sourceLocation)
        #expect(response.text.contains("<h1>"), sourceLocation: sourceLocation)
        #expect(try fixture.queue.count() == 0, sourceLocation: sourceLocation)
    }

    @Test func malformedMultipartBodies() async throws {
        let fixture = try GatewayFixture()
        let valid = GatewayFixture.multipart(fixture.validContact(), files: [])
        let cases: [(String, [UInt8], String)] = [
            ("no closing boundary", Array(valid.dropLast(("--\(boundary)--\r\n").utf8.count)), "multipart/form-data; boundary=\(boundary)"),
            ("cut in the middle", Array(valid.prefix(valid.count / 2)), "multipart/form-data; boundary=\(boundary)"),
            ("empty boundary", valid, "multipart/form-data; boundary="),
            ("boundary of 71 characters", valid, "multipart/form-data; boundary=\(String(repeating: "a", count: 71))"),
            ("no boundary", valid, "multipart/form-data"),
            ("wrong boundary", valid, "multipart/form-data; boundary=autre"),
            ("garbage", Array("\u{0}\u{1}\u{2}--\r\n\r\n".utf8), "multipart/form-data; boundary=\(boundary)"),
            ("part without disposition", Array("--\(boundary)\r\nContent-Type: text/plain\r\n\r\nx\r\n--\(boundary)--\r\n".utf8),
             "multipart/form-data; boundary=\(boundary)"),
            ("empty body", [], "multipart/form-data; boundary=\(boundary)"),
            // MultipartKit 4.7.1 traps on this (a byte ≥ 0x80 in a header name): why the parser is ours.
            ("non-ASCII header name", Array("--\(boundary)\r\nCont".utf8) + [0xC3, 0xA9] + Array("nt-Disposition: form-data; name=\"nom\"\r\n\r\nx\r\n--\(boundary)--\r\n".utf8),
             "multipart/form-data; boundary=\(boundary)"),
            ("header line of 10 kB", Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(String(repeating: "n", count: 10_000))\"\r\n\r\nx\r\n--\(boundary)--\r\n".utf8),
             "multipart/form-data; boundary=\(boundary)"),
        ]
        for (name, body, type) in cases {
            let response = await fixture.post("contact", body: body, contentType: type)
            #expect(response.head.status == .badRequest, "\(name)")
        }
        #expect(try fixture.queue.count() == 0)
        let last = await fixture.post("contact", body: Array(valid.prefix(100)), contentType: "multipart/form-data; boundary=\(boundary)")
        try GatewayFixture.expectAccessible(last, name: "envoi-incomplet")
    }

    @Test func oversizedAndTooManyFields() async throws {
        let fixture = try GatewayFixture(limits: GatewayLimits(maximumFieldCount: 500, maximumFieldSize: 100 * 1024))
        let many = (0..<10_000).map { ("champ\($0)", "x") }
        try expectRefused(await fixture.post("contact", body: GatewayFixture.urlencoded(many)), .contentTooLarge, fixture)
        let huge = fixture.validContact() + [("message", String(repeating: "a", count: 200_000))]
        try expectRefused(await fixture.post("contact", body: GatewayFixture.urlencoded(huge)), .contentTooLarge, fixture)
        let manyParts = GatewayFixture.multipart(many, files: [])
        try expectRefused(await fixture.post("contact", body: manyParts, contentType: "multipart/form-data; boundary=\(boundary)"),
                          .contentTooLarge, fixture)
        let tooLarge = fixture.gateway.refuse(.bodyTooLarge)
        #expect(tooLarge.head.status == .contentTooLarge)
        try GatewayFixture.expectAccessible(tooLarge, name: "envoi-trop-volumineux")
    }

    @Test func badEncodingAndUnsupportedTypes() async throws {
        let fixture = try GatewayFixture()
        var invalidUTF8 = GatewayFixture.urlencoded(fixture.validContact())
        invalidUTF8 += Array("&message=%C3%28%FF".utf8)
        let response = await fixture.post("contact", body: invalidUTF8)
        try expectRefused(response, .badRequest, fixture)
        try GatewayFixture.expectAccessible(response, name: "caracteres-illisibles")
        let rawInvalid = Array("nom=".utf8) + [0xC3, 0x28, 0xFF]
        try expectRefused(await fixture.post("contact", body: rawInvalid), .badRequest, fixture)
        let multipartInvalid = GatewayFixture.multipart([("nom", "x")], files: []).map { $0 == UInt8(ascii: "x") ? 0xFF : $0 }
        try expectRefused(await fixture.post("contact", body: multipartInvalid, contentType: "multipart/form-data; boundary=\(boundary)"),
                          .badRequest, fixture)
        let json = await fixture.post("contact", body: Array(#"{"nom":"x"}"#.utf8), contentType: "application/json")
        try expectRefused(json, .unsupportedMediaType, fixture)
        try GatewayFixture.expectAccessible(json, name: "envoi-non-reconnu")
    }

    @Test func lineBreaksInSingleLineFieldsAreErrorsNotInjections() async throws {
        let fixture = try GatewayFixture()
        let pairs = fixture.validContact().map { $0.0 == "nom" ? ("nom", "Dupont\r\nBcc: victime@example.org") : $0 }
        let response = await fixture.post("contact", body: GatewayFixture.urlencoded(pairs))
        try expectRefused(response, .unprocessableContent, fixture)
        #expect(response.text.contains("href=\"#nom\""))
    }

    @Test func aFileWhoseBytesContradictItsTypeIsRefused() async throws {
        let fixture = try GatewayFixture()
        let program: [UInt8] = [0x4D, 0x5A, 0x90, 0x00] + Array(repeating: 0, count: 200)  // a Windows executable
        let body = GatewayFixture.multipart(fixture.validContact(), files: [
            .init(name: "piece-jointe", filename: "facture.pdf", type: "application/pdf", bytes: program),
        ])
        let response = await fixture.post("contact", body: body, contentType: "multipart/form-data; boundary=\(boundary)")
        try expectRefused(response, .unprocessableContent, fixture)
        #expect(response.text.contains("facture.pdf"))
    }

    /// Seeded random bodies, both encodings: the gateway answers every one with a page and
    /// stores nothing it has not validated.
    @Test func randomBodiesNeverCrash() async throws {
        let fixture = try GatewayFixture()
        var generator = SeededGenerator(seed: 20261122)
        let valid = GatewayFixture.multipart(fixture.validContact(), files: [
            .init(name: "piece-jointe", filename: "a.pdf", type: "application/pdf", bytes: GatewayFixture.pdf)])
        var accepted: [String] = []
        for round in 0..<300 {
            var body = round % 2 == 0 ? valid : GatewayFixture.urlencoded(fixture.validContact())
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let index = Int.random(in: 0..<body.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: body[index] = UInt8.random(in: 0...255, using: &generator)
                case 1: body.remove(at: index)
                default: body.insert(contentsOf: Array("\r\n--".utf8), at: index)
                }
            }
            let type = round % 2 == 0 ? "multipart/form-data; boundary=\(boundary)" : "application/x-www-form-urlencoded"
            let response = await fixture.post("contact", body: body, contentType: type)
            #expect([303, 400, 409, 413, 422].contains(response.head.status.code), "round \(round): \(response.head.status)")
            if let location = response.location { accepted.append(String(location.dropFirst("/guichet/suivi/".count).prefix { $0 != "?" })) }
        }
        // Only what was receipted is stored, and it went through validation.
        #expect(try fixture.queue.count() == accepted.count)
        for reference in accepted {
            let record = try #require(try fixture.queue.find(reference: reference))
            let payload = try JSONSerialization.jsonObject(with: Data(record.payloadJSON.utf8)) as! [String: Any]
            #expect(payload["nom"] != nil && payload["courriel"] != nil)
        }
    }
}

/// SplitMix64: the same sequence on every run, so a failure can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
