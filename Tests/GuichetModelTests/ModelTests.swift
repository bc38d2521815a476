import GuichetModel
import Testing

@Suite struct ModelTests {
    @Test(arguments: [
        ("01 99 00 10 00", "tel:+33199001000"),
        ("0199001000", "tel:+33199001000"),
        ("+33 1 99 00 10 00", "tel:+33199001000"),
        ("3939", "tel:3939"),
    ])
    func phoneLinks(written: String, uri: String) {
        #expect(PhoneNumber.telURI(written) == uri)
    }

    @Test func frenchDates() {
        #expect(SimpleDate(iso: "2026-12-01")?.french == "1er décembre 2026")
        #expect(SimpleDate(iso: "2026-08-15")?.french == "15 août 2026")
        #expect(SimpleDate(iso: "2024-02-29") != nil)
        #expect(SimpleDate(iso: "2026-02-29") == nil)
        #expect(SimpleDate(iso: "2026-13-01") == nil)
        #expect(SimpleDate(iso: "26-11-20") == nil)
        #expect(SimpleDate(iso: "２０２６-11-20") == nil)
    }

    @Test func diagnosticsReadLikeCompilerMessages() {
        #expect(Diagnostic(file: "Content/a.md", line: 3, message: "Problème.").description == "Content/a.md:3: Problème.")
        #expect(Diagnostic(file: "guichet.yaml", message: "Problème.").description == "guichet.yaml: Problème.")
    }
}
