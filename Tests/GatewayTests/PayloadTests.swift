import FormKit
import Foundation
@testable import Gateway
import GuichetModel
import Testing

/// The stored payload is JSON any parser reads back to the same values, whatever the citizen typed.
@Suite struct PayloadTests {
    @Test func hostileTextSurvivesTheRoundTrip() throws {
        let nasty = "Guillemets \" et \\ barre, tab\t, retour\r\n, NUL \u{0}, bip \u{7}, émoji 🏛️, RTL \u{202E}, fin"
        let values: [String: NormalizedValue] = [
            "texte": .text(nasty), "liste": .list(["a\"b", "c\\d"]), "nombre": .number(12.5), "entier": .number(3),
            "grand": .number(1e300), "date": .date(SimpleDate(year: 2026, month: 2, day: 28)!), "case": .flag(true),
            "adresse": .address(street: "1 rue \"A\"", complement: nil, postcode: "12345", commune: "Brémonval"),
            "fichiers": .files([UploadedFile(filename: "a\"b.pdf", size: 12, detectedType: "pdf")]),
            "clé \"bizarre\"": .text("x"),
        ]
        let json = SubmissionPayload.json(values)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["texte"] as? String == nasty)
        #expect(object["liste"] as? [String] == ["a\"b", "c\\d"])
        #expect((object["nombre"] as? NSNumber)?.doubleValue == 12.5)
        #expect(json.contains("\"entier\":3"))
        #expect((object["grand"] as? NSNumber)?.doubleValue == 1e300)
        #expect(object["date"] as? String == "2026-02-28")
        #expect(json.contains("\"case\":true"))
        let address = try #require(object["adresse"] as? [String: String])
        #expect(address == ["voie": "1 rue \"A\"", "code_postal": "12345", "commune": "Brémonval"])
        let files = try #require(object["fichiers"] as? [[String: Any]])
        #expect(files.first?["nom"] as? String == "a\"b.pdf" && files.first?["taille"] as? Int == 12)
        #expect(object["clé \"bizarre\""] as? String == "x")
        #expect(json.hasPrefix("{\"adresse\":"), "keys in sorted order")
        let withComplement = SubmissionPayload.json(["a": .address(street: "v", complement: "c", postcode: "p", commune: "m")])
        #expect(withComplement == #"{"a":{"code_postal":"p","commune":"m","complement":"c","voie":"v"}}"#)
    }
}
