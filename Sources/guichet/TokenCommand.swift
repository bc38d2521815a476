import ArgumentParser
import Foundation
import Queue

/// `guichet token create|list|revoke`: the back-office API's tokens.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke back-office API tokens (each one sees only its services).",
        discussion: """
        Only the SHA-256 of a token is stored: its secret is printed once, at creation.
        Exemples :
          guichet token create --service etat-civil --name "Logiciel état civil" --scope pull,ack,events
          guichet token list
          guichet token revoke 3
        """,
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create a token; its secret is printed once on standard output.",
            discussion: """
            Services are checked against ROOT/guichet.yaml when it exists.
              guichet token create --service etat-civil --service ccas --name "Accueil mairie" --scope pull,ack,events,submit
              guichet token create --service services-techniques --webhook https://st.example.org/guichet
            """)
        @OptionGroup var site: SiteOptions
        @OptionGroup var queue: QueueOptions

        @Option(name: .long, help: "Service id whose requests the token sees (repeat for several).")
        var service: [String] = []

        @Option(name: .long, help: "A name telling who holds the token.")
        var name: String?

        @Option(name: .long, help: "Comma-separated rights among pull, ack, events, submit (default: all).")
        var scope: [String] = []

        @Option(name: .long, help: "https URL receiving signed \"new submission\" notices.")
        var webhook: String?

        func run() throws {
            guard !service.isEmpty else {
                printError("Indiquez au moins un service avec --service (par exemple --service etat-civil).")
                throw ExitCode(2)
            }
            var scopes: [TokenScope] = []
            for word in scope.flatMap({ $0.split(separator: ",") }).map({ $0.trimmingCharacters(in: .whitespaces) }) where !word.isEmpty {
                guard let parsed = TokenScope(rawValue: word) else {
                    printError("Droit inconnu « \(word.prefix(40)) ». Droits possibles : \(TokenScope.allCases.map(\.rawValue).joined(separator: ", ")).")
                    throw ExitCode(2)
                }
                scopes.append(parsed)
            }
            if scope.isEmpty { scopes = TokenScope.allCases }
            let root = site.rootURL
            if let loaded = try loadSiteIfPresent(root: root) {
                let known = Set(loaded.config.services.map(\.id))
                for id in service where !known.contains(id) {
                    printError("Le service « \(id.prefix(60)) » n’existe pas dans guichet.yaml. Services connus : \(known.sorted().joined(separator: ", ")).")
                    throw ExitCode(2)
                }
            } else {
                printError("Remarque : pas de guichet.yaml dans \(root.path) ; les identifiants de service n’ont pas été vérifiés.")
            }
            let database = try openQueue(path: queue.path(root: root), create: true)
            let created: (secret: String, token: TokenInfo)
            do {
                created = try database.createToken(name: name ?? "jeton " + service.joined(separator: ", "), services: service,
                                                   scopes: scopes, webhookURL: webhook)
            } catch let error as BackOfficeError {
                printError(error.description)
                throw ExitCode(2)
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
            let token = created.token
            printError("Jeton n° \(token.id) « \(token.name) » créé pour \(token.services.joined(separator: ", ")) (droits : \(token.scopes.map(\.rawValue).joined(separator: ", "))).")
            print(created.secret)
            printError("""
                Attention : ce secret ne sera plus jamais affiché. Copiez-le maintenant dans la configuration \
                du logiciel métier (en-tête « Authorization: Bearer … ») ; Guichet n’en garde que l’empreinte. \
                S’il est perdu ou divulgué, révoquez-le (guichet token revoke \(token.id)) et créez-en un autre.
                """)
            if let url = token.webhookURL {
                printError("Les avis « nouvelle demande » envoyés à \(url) sont signés : en-tête \(WebhookSignature.headerName), HMAC-SHA256 dont la clé est l’empreinte SHA-256 du secret.")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List tokens (never their secrets).",
            discussion: """
              guichet token list
              guichet token list --format json
            """)
        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        @OptionGroup var site: SiteOptions
        @OptionGroup var queue: QueueOptions

        @Option(name: .long, help: "Output format: text or json.")
        var format: Format = .text

        func run() throws {
            let database = try openQueue(path: queue.path(root: site.rootURL))
            let tokens: [TokenInfo]
            do {
                tokens = try database.listTokens()
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
            switch format {
            case .json:
                let items: [[String: Any]] = tokens.map { token in
                    var item: [String: Any] = [
                        "id": token.id, "nom": token.name, "services": token.services,
                        "droits": token.scopes.map(\.rawValue), "cree_le": iso8601(token.createdAt),
                    ]
                    item["revoque_le"] = token.revokedAt.map(iso8601) ?? NSNull()
                    item["derniere_utilisation"] = token.lastUsedAt.map(iso8601) ?? NSNull()
                    item["webhook"] = token.webhookURL ?? NSNull()
                    return item
                }
                print(jsonText(items))
            case .text:
                if tokens.isEmpty {
                    print("Aucun jeton. Créez-en un avec : guichet token create --service ID")
                    return
                }
                for token in tokens {
                    let state = token.revokedAt.map { "révoqué le \(frenchDateTime($0))" } ?? "actif"
                    let used = token.lastUsedAt.map { "dernière utilisation le \(frenchDateTime($0))" } ?? "jamais utilisé"
                    print("n° \(token.id) « \(token.name) » — \(state)")
                    print("    services : \(token.services.joined(separator: ", ")) ; droits : \(token.scopes.map(\.rawValue).joined(separator: ", "))")
                    print("    créé le \(frenchDateTime(token.createdAt)) ; \(used)\(token.webhookURL.map { " ; webhook : \($0)" } ?? "")")
                }
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke",
            abstract: "Revoke a token for good (its calls are refused at once).",
            discussion: """
              guichet token revoke 3
            """)
        @OptionGroup var site: SiteOptions
        @OptionGroup var queue: QueueOptions

        @Argument(help: "Token number (see guichet token list).")
        var id: String

        func run() throws {
            guard let number = Int64(id), number > 0 else {
                printError("« \(id.prefix(40)) » n’est pas un numéro de jeton : voyez guichet token list.")
                throw ExitCode(2)
            }
            let database = try openQueue(path: queue.path(root: site.rootURL))
            let before: TokenInfo?
            let after: TokenInfo?
            do {
                before = try database.token(id: number)
                after = try database.revokeToken(id: number)
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
            guard let after else {
                printError("Aucun jeton n° \(number) : voyez guichet token list.")
                throw ExitCode(1)
            }
            if before?.isRevoked == true {
                print("Le jeton n° \(number) « \(after.name) » était déjà révoqué (depuis le \(after.revokedAt.map(frenchDateTime) ?? "?")).")
            } else {
                print("Jeton n° \(number) « \(after.name) » révoqué : ses appels sont refusés dès maintenant.")
            }
        }
    }
}
