import Foundation
import GuichetModel

/// Builds the transport that `guichet.yaml` (`mail:`) or the `--smtp URL` option asks for.
public enum MailSetup {
    /// The environment variable holding the relay's password (wins over `password_file`).
    public static let passwordVariable = "GUICHET_SMTP_PASSWORD"

    /// - Parameters:
    ///   - root: the site's folder; relative paths of `guichet.yaml` are read from it.
    ///   - smtpOverride: `--smtp URL`: this relay instead of the configured transport. Its
    ///     security follows the URL: `smtps://` is TLS, `smtp://` is STARTTLS, except on the
    ///     loopback interface (a relay on the same machine), where it is plain. No credentials:
    ///     those of `guichet.yaml` belong to its own relay and are never sent to another host.
    /// - Throws: a French sentence for the operator (exit 2 in the CLI).
    public static func transport(for settings: MailSettings, root: URL, smtpOverride: String? = nil,
                                 environment: [String: String] = ProcessInfo.processInfo.environment) throws(MailSetupError) -> any MailTransport {
        if let smtpOverride {
            let endpoint: SMTPConfiguration.Endpoint
            do {
                endpoint = try SMTPConfiguration.parse(url: smtpOverride)
            } catch {
                throw MailSetupError("--smtp : \(error.description)")
            }
            let security: SMTPConfiguration.Security = endpoint.implicitTLS ? .implicitTLS : endpoint.isLoopback ? .none : .starttls
            return try smtp(url: smtpOverride, security: security, relay: nil, root: root, environment: environment)
        }
        switch settings.transport {
        case let .smtp(relay):
            let security: SMTPConfiguration.Security
            switch relay.security {
            case .starttls: security = .starttls
            case .tls: security = .implicitTLS
            case .aucune: security = .none
            }
            return try smtp(url: relay.url, security: security, relay: relay, root: root, environment: environment)
        case let .sendmail(path):
            return SendmailTransport(program: path)
        case let .directory(path):
            return DirectoryTransport(directory: resolve(path, root: root))
        }
    }

    static func smtp(url: String, security: SMTPConfiguration.Security, relay: MailSettings.SMTPRelay?, root: URL,
                     environment: [String: String]) throws(MailSetupError) -> SMTPTransport {
        var password: String?
        if let username = relay?.username {
            if let fromEnvironment = environment[passwordVariable], !fromEnvironment.isEmpty {
                password = fromEnvironment
            } else if let file = relay?.passwordFile {
                let path = resolve(file, root: root)
                guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                    throw MailSetupError("Le mot de passe du relais est illisible dans \(path) (« password_file » de guichet.yaml) : vérifiez que le fichier existe et que le compte du guichet peut le lire.")
                }
                password = text.trimmingCharacters(in: .newlines)
            }
            guard password?.isEmpty == false else {
                throw MailSetupError("Le relais demande l’utilisateur « \(username) » mais aucun mot de passe n’est donné : indiquez « password_file » dans la section « smtp » de guichet.yaml, ou la variable d’environnement \(passwordVariable).")
            }
        }
        do {
            return SMTPTransport(configuration: try SMTPConfiguration(
                url: url, security: security, username: relay?.username, password: password,
                caFile: relay?.caFile.map { resolve($0, root: root) }))
        } catch {
            throw MailSetupError("Relais SMTP : \(error.description)")
        }
    }

    static func resolve(_ path: String, root: URL) -> String {
        path.hasPrefix("/") ? path : root.appendingPathComponent(path).path
    }
}

/// Why e-mail cannot be set up, in French.
public struct MailSetupError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
