import FormKit
import Foundation
@testable import Gateway
import GuichetModel
import HTTPTypes
import Queue
import Testing

/// The e-mail side of a web submission: the address of the form queued with it, and the
/// receipt page telling what became of the e-mailed copy.
@Suite struct MailReceiptTests {
    static func submit(_ fixture: GatewayFixture) async throws -> (reference: String, location: String) {
        let response = await fixture.post("contact", body: GatewayFixture.urlencoded(fixture.validContact()),
                                          headers: [.origin: "http://127.0.0.1:8080"])
        let location = try #require(response.location, "\(response.text.prefix(300))")
        return (String(location.dropFirst("/guichet/suivi/".count).prefix { $0 != "?" }), location)
    }

    @Test func theReceiptPageFollowsTheEmailedCopy() async throws {
        let fixture = try GatewayFixture()
        let (reference, location) = try await Self.submit(fixture)
        let item = try #require(try fixture.queue.claimOutbox(kind: "mail", limit: 10).first)
        #expect(item.reference == reference)
        #expect(try fixture.queue.mailJob(for: item)?.recipient == "elise.dupont@example.org")

        let pending = await fixture.get(location)
        #expect(pending.text.contains("va vous être envoyée par courriel"))
        try GatewayFixture.expectAccessible(pending, name: "accuse-courriel-en-attente")

        try fixture.queue.outboxDelivered(id: item.id)
        #expect((await fixture.get(location)).text.contains("vous a été envoyée par courriel le "))
    }

    @Test func aRefusedAddressIsSaidOnTheReceiptPage() async throws {
        let fixture = try GatewayFixture()
        let (_, location) = try await Self.submit(fixture)
        let item = try #require(try fixture.queue.claimOutbox(kind: "mail", limit: 10).first)
        try fixture.queue.outboxFailed(id: item.id, error: "550 5.1.1 adresse inconnue", permanent: true)
        let page = await fixture.get(location)
        #expect(page.text.contains("n’a pas pu vous être envoyée par courriel"))
        try GatewayFixture.expectAccessible(page, name: "accuse-courriel-refuse")
    }

    @Test func withoutAnAddressNothingIsQueuedAndNothingPromised() async throws {
        let fixture = try GatewayFixture()
        let form = try #require(fixture.site.forms["signalement-voirie"])
        // The signalement's contact fields are optional: an anonymous one has no address.
        let values: [String: NormalizedValue] = [:]
        #expect(MailRecipient.address(form: form, values: values, site: fixture.site) == nil)
        let field = try #require(form.fields.first { $0.kind == .email && $0.autocomplete == "email" })
        #expect(MailRecipient.address(form: form, values: [field.id: .text(" voisin@example.org ")], site: fixture.site)
            == "voisin@example.org")
        // A site without `mail:` sends nothing, even with an address.
        var config = fixture.site.config
        config.mail = nil
        let silent = GatewaySite(config: config, forms: Array(fixture.site.forms.values), theme: fixture.site.theme)
        #expect(MailRecipient.address(form: try #require(fixture.site.forms["contact"]), values: ["courriel": .text("a@example.org")],
                                      site: silent) == nil)
        let gateway = GatewayCore(site: silent, queue: fixture.queue)
        let response = await gateway.handle(GatewayRequest(
            head: .init(method: .post, scheme: "http", authority: "127.0.0.1:8080", path: "/guichet/formulaires/contact",
                        headerFields: [.contentType: "application/x-www-form-urlencoded", .origin: "http://127.0.0.1:8080"]),
            body: GatewayFixture.urlencoded(fixture.validContact())))
        let location = try #require(response.location)
        #expect(try fixture.queue.outboxPending(kind: "mail") == 0)
        let page = await gateway.handle(GatewayRequest(head: .init(method: .get, scheme: "http", authority: "127.0.0.1:8080",
                                                                    path: location, headerFields: [:])))
        #expect(page.head.status == .ok && !page.text.contains("par courriel le") && !page.text.contains("mail-notice"))
    }
}
