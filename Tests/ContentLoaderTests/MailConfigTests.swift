import ContentLoader
import Foundation
import GuichetModel
import Testing

/// The `mail:` section of guichet.yaml (issue 7): each mistake gets its line and a French fix.
@Suite struct MailConfigTests {
    static func config(_ mail: String) -> String {
        ConfigLoaderTests.valid + "\nmail:\n" + mail.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "  " + $0 }.joined(separator: "\n") + "\n"
    }

    func failure(_ mail: String) -> String? {
        do { _ = try ConfigLoader.parse(Self.config(mail)); return nil } catch { return error.description }
    }

    @Test func noSectionMeansNoMail() throws {
        #expect(try ConfigLoader.parse(ConfigLoaderTests.valid).mail == nil)
    }

    @Test func readsARelayWithStarttlsByDefault() throws {
        let mail = try #require(try ConfigLoader.parse(Self.config("""
            from: ne-pas-repondre@ville.example
            transport: smtp
            smtp:
              url: smtp://relais.ville.example:587
              username: guichet
              password_file: /etc/guichet/smtp
              ca_file: certs/ac.pem
            """)).mail)
        #expect(mail == MailSettings(from: "ne-pas-repondre@ville.example", transport: .smtp(.init(
            url: "smtp://relais.ville.example:587", security: .starttls, username: "guichet",
            passwordFile: "/etc/guichet/smtp", caFile: "certs/ac.pem"))))
    }

    @Test func smtpsMeansTLSAndSendmailAndFolderHaveDefaults() throws {
        let tls = try ConfigLoader.parse(Self.config("from: a@ville.example\ntransport: smtp\nsmtp: { url: \"smtps://relais.ville.example\" }")).mail
        #expect(tls?.transport == .smtp(.init(url: "smtps://relais.ville.example", security: .tls)))
        #expect(try ConfigLoader.parse(Self.config("from: a@ville.example\ntransport: sendmail")).mail?.transport
            == .sendmail(path: "/usr/sbin/sendmail"))
        #expect(try ConfigLoader.parse(Self.config("from: a@ville.example\ntransport: dossier")).mail?.transport
            == .directory(path: "var/courriels"))
    }

    @Test func mistakesAreExplained() {
        #expect(failure("transport: smtp\nsmtp: { url: \"smtp://r.example\" }")?.contains("« from »") == true)
        #expect(failure("from: \"Mairie <a@ville.example>\"\ntransport: sendmail")
            == "guichet.yaml:26: « from » doit être une adresse électronique seule, sans nom ni chevrons (par exemple ne-pas-repondre@ville.fr) : le nom affiché est celui de la collectivité.")
        #expect(failure("from: a@ville.example\ntransport: pigeon")
            == "guichet.yaml:27: Le transport « pigeon » n’existe pas : écrivez smtp, sendmail ou dossier.")
        #expect(failure("from: a@ville.example\ntransport: smtp")?.hasPrefix("guichet.yaml:27: Avec « transport: smtp », ajoutez une section « smtp »") == true)
        #expect(failure("from: a@ville.example\ntransport: smtp\nsmtp: { url: \"http://relais.example\" }")?
            .contains("doit commencer par smtp:// (STARTTLS, port 587 ou 25) ou smtps:// (TLS, port 465)") == true)
        #expect(failure("from: a@ville.example\ntransport: smtp\nsmtp: { url: \"smtp://r.example\", security: ssl }")?
            .contains("« security » vaut starttls, tls ou aucune (et non « ssl »)") == true)
        #expect(failure("from: a@ville.example\ntransport: smtp\nsmtp: { url: \"smtp://r.example\", security: tls }")?
            .contains("accordez les deux") == true)
        #expect(failure("from: a@ville.example\ntransport: smtp\nsmtp: { url: \"smtp://r.example\", password: secret }")?
            .contains("Le mot de passe du relais ne s’écrit pas dans guichet.yaml") == true)
        #expect(failure("from: a@ville.example\ntransport: smtp\nsmtp: { url: \"smtp://r.example\", pasword_file: x }")?
            .contains("Vouliez-vous écrire « password_file » ?") == true)
        #expect(failure("form: a@ville.example\ntransport: sendmail")?.contains("Vouliez-vous écrire « from » ?") == true)
    }

    @Test func hostileValuesAreRefused() {
        for from in ["a@b", "\"a b@ville.example\"", "a@@ville.example", "\"\(String(repeating: "a", count: 300))@ville.example\"", "\"a\\r\\nBcc: x@y.example\""] {
            #expect(failure("from: \(from)\ntransport: sendmail") != nil, "from: \(from)")
        }
        #expect(failure("- une\n- liste") != nil)
    }
}
