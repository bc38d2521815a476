import ContentLoader
import Foundation
import GuichetModel
import Testing

@Suite struct ConfigLoaderTests {
    static let valid = """
        authority:
          name: "Ville de Brémonval"
          kind: commune
          address: { street: "1 place de la Mairie", postcode: "99150", city: "Brémonval" }
          phone: "01 99 00 10 00"
          email: "mairie@bremonval.example"
          siret: "21990150000013"
        base_url: "https://www.bremonval.example/"
        accessibility:
          status: partiellement
        dpo:
          name: "Délégué à la protection des données"
          email: "dpo@bremonval.example"
          address: "1 place de la Mairie, 99150 Brémonval"
        navigation:
          - { label: "Accueil", url: "/" }
          - { label: "Démarches", url: "/demarches/" }
        services:
          - id: etat-civil
            name: "Service état civil"
            email: "etat-civil@bremonval.example"
            phone: "01 99 00 10 10"
            address: "1 place de la Mairie, 99150 Brémonval"
            hours: "Du lundi au vendredi"
        """

    func failure(_ text: String) -> String? {
        do { _ = try ConfigLoader.parse(text); return nil } catch { return error.description }
    }

    @Test func readsTheAuthority() throws {
        let config = try ConfigLoader.parse(Self.valid)
        #expect(config.authority.name == "Ville de Brémonval")
        #expect(config.authority.address.singleLine == "1 place de la Mairie, 99150 Brémonval")
        #expect(config.baseURL == "https://www.bremonval.example")
        #expect(config.accessibility == .partiellement)
        #expect(config.accessibility.footerLabel == "Accessibilité : partiellement conforme")
        #expect(config.navigation.map(\.url) == ["/", "/demarches/"])
        #expect(config.navigation[1].line == 17)
        #expect(config.service(id: "etat-civil")?.phone == "01 99 00 10 10")
    }

    @Test func unknownAccessibilityStatus() {
        #expect(failure(Self.valid.replacingOccurrences(of: "status: partiellement", with: "status: partiel")) ==
            "guichet.yaml:10: L’état d’accessibilité « partiel » n’existe pas : écrivez non, partiellement ou totalement.")
    }

    @Test func unknownTopLevelKey() {
        #expect(failure(Self.valid + "\ntheme: bleu\n") ==
            "guichet.yaml:25: La clé « theme » n’est pas reconnue dans guichet.yaml. Clés possibles : authority, base_url, gateway_url, accessibility, dpo, navigation, services, mail.")
    }

    @Test func baseURLMustBeAbsolute() {
        #expect(failure(Self.valid.replacingOccurrences(of: "\"https://www.bremonval.example/\"", with: "www.bremonval.example")) ==
            "guichet.yaml:8: « base_url » doit commencer par https:// (par exemple https://www.ville.fr).")
    }

    @Test func missingAuthorityName() {
        #expect(failure(Self.valid.replacingOccurrences(of: "  name: \"Ville de Brémonval\"\n", with: "")) ==
            "guichet.yaml:2: La clé « name » est obligatoire dans « authority » et ne peut pas être vide.")
    }

    @Test func serviceIdsAreCleanAndUnique() {
        #expect(failure(Self.valid.replacingOccurrences(of: "id: etat-civil", with: "id: État civil")) ==
            "guichet.yaml:19: L’identifiant de service « État civil » ne doit contenir que des minuscules sans accent, des chiffres et des tirets.")
    }

    @Test func notAMapping() {
        #expect(failure("- a\n- b\n") == "guichet.yaml:1: Le document doit être une liste de clés « clé: valeur ».")
    }

    @Test func emptyFile() {
        #expect(failure("") == "guichet.yaml:1: Le fichier YAML est vide.")
    }
}
