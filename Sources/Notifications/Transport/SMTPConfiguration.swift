import Foundation

/// Where and how `SMTPTransport` hands messages over: a relay (the authority's mail server or
/// its provider's submission service), validated once, when the configuration is read.
///
/// The password is kept in memory as given; `description` and `dump` mask it.
public struct SMTPConfiguration: Sendable, Equatable {
    /// How the connection is protected.
    public enum Security: String, Sendable, Equatable, CaseIterable {
        /// `smtp://`, then STARTTLS, required: a relay that does not offer it gets nothing
        /// (the message is never sent in clear). The usual choice, on port 587.
        case starttls
        /// `smtp://` in clear, no STARTTLS even if offered. Only sensible for a relay on the
        /// same machine (127.0.0.1); credentials are refused over it anywhere else.
        case none
        /// `smtps://`: TLS from the first byte (port 465).
        case implicitTLS
    }

    /// A relay address taken apart: what `parse(url:)` returns.
    public struct Endpoint: Sendable, Equatable {
        /// Lowercased host name, IPv4 address, or IPv6 address without brackets.
        public let host: String
        public let port: Int
        /// `smtps://`.
        public let implicitTLS: Bool

        /// `smtp://host:port` or `smtps://host:port`, IPv6 in brackets.
        public var url: String {
            let shownHost = host.contains(":") ? "[\(host)]" : host
            return "\(implicitTLS ? "smtps" : "smtp")://\(shownHost):\(port)"
        }

        /// 127.0.0.0/8, ::1 or localhost.
        public var isLoopback: Bool {
            if host == "localhost" || host == "::1" { return true }
            let parts = host.split(separator: ".", omittingEmptySubsequences: false)
            return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
        }
    }

    /// The relay, normalized: `smtp://host:port` or `smtps://host:port`.
    public let url: String
    public let endpoint: Endpoint
    public let security: Security
    /// For SMTP AUTH (libcurl picks the best mechanism the relay offers: PLAIN, LOGIN…).
    public let username: String?
    public let password: String?
    /// A PEM file of certificate authorities to trust instead of the system's store (a
    /// relay with a certificate from a private CA). nil: the system store.
    public let caFile: String?
    /// The name given in EHLO; nil: this machine's host name.
    public let heloName: String?
    /// Seconds to set up the connection: TCP, TLS, greeting, EHLO, authentication.
    public let connectTimeout: TimeInterval
    /// Seconds for one whole transaction, connection included.
    public let timeout: TimeInterval

    /// Default ports when the URL has none: those of the schemes (as libcurl does).
    public static let defaultPort = 25
    public static let defaultImplicitTLSPort = 465

    /// - Parameters:
    ///   - url: `smtp://host[:port]` or `smtps://host[:port]`, nothing else (no user, no path).
    ///   - security: must match the scheme: `.implicitTLS` for `smtps://`, `.starttls` or
    ///     `.none` for `smtp://`.
    public init(url: String, security: Security, username: String? = nil, password: String? = nil,
                caFile: String? = nil, heloName: String? = nil, connectTimeout: TimeInterval = 10,
                timeout: TimeInterval = 60) throws(SMTPConfigurationError) {
        try self.init(url: url, chosen: security, username: username, password: password, caFile: caFile,
                      heloName: heloName, connectTimeout: connectTimeout, timeout: timeout)
    }

    /// The security follows the scheme: `.implicitTLS` for `smtps://`, `.starttls` for
    /// `smtp://`. (Two initializers rather than an optional `security`, where `.none` would
    /// silently mean nil.)
    public init(url: String, username: String? = nil, password: String? = nil, caFile: String? = nil,
                heloName: String? = nil, connectTimeout: TimeInterval = 10, timeout: TimeInterval = 60) throws(SMTPConfigurationError) {
        try self.init(url: url, chosen: nil, username: username, password: password, caFile: caFile,
                      heloName: heloName, connectTimeout: connectTimeout, timeout: timeout)
    }

    private init(url: String, chosen security: Security?, username: String?, password: String?, caFile: String?,
                 heloName: String?, connectTimeout: TimeInterval, timeout: TimeInterval) throws(SMTPConfigurationError) {
        let endpoint = try Self.parse(url: url)
        let security = security ?? (endpoint.implicitTLS ? .implicitTLS : .starttls)
        if endpoint.implicitTLS != (security == .implicitTLS) {
            throw .securityMismatch(scheme: endpoint.implicitTLS ? "smtps" : "smtp", security: security)
        }
        if (username == nil) != (password == nil) || username == "" {
            throw .incompleteCredentials
        }
        for value in [username, password].compactMap({ $0 }) where value.unicodeScalars.contains(where: Self.isControl) {
            throw .invalidCredentialCharacters
        }
        if username != nil && security == .none && !endpoint.isLoopback {
            throw .cleartextCredentials(host: endpoint.host)
        }
        if let caFile {
            guard !caFile.isEmpty, FileManager.default.isReadableFile(atPath: caFile) else {
                throw .unreadableCAFile(caFile)
            }
        }
        if let heloName, !Self.isValidHeloName(heloName) {
            throw .invalidHeloName
        }
        for value in [connectTimeout, timeout] where !(value.isFinite && value > 0 && value <= 86_400) {
            throw .invalidTimeout
        }
        self.url = endpoint.url
        self.endpoint = endpoint
        self.security = security
        self.username = username
        self.password = password
        self.caFile = caFile
        self.heloName = heloName
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// Takes a relay URL apart, or says in French what is wrong with it. The URL is never
    /// repeated in the error (it may hold a password someone put there by mistake).
    public static func parse(url: String) throws(SMTPConfigurationError) -> Endpoint {
        guard let separator = url.range(of: "://") else { throw .missingScheme }
        let scheme = url[..<separator.lowerBound].lowercased()
        let implicitTLS: Bool
        switch scheme {
        case "smtp": implicitTLS = false
        case "smtps": implicitTLS = true
        default:
            let shown = scheme.unicodeScalars.allSatisfy({ $0.isASCII && !isControl($0) }) && scheme.count <= 20 ? scheme : "?"
            throw .unsupportedScheme(shown)
        }
        let rest = url[separator.upperBound...]
        if rest.unicodeScalars.contains(where: { isControl($0) || $0 == " " }) { throw .invalidHost }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let tail = rest[authorityEnd...]
        if authority.contains("@") { throw .credentialsInURL }
        if !(tail.isEmpty || tail == "/") { throw .unexpectedPath }

        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidHost }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let afterHost = authority[authority.index(after: close)...]
            if !afterHost.isEmpty {
                guard afterHost.hasPrefix(":") else { throw .invalidHost }
                portText = afterHost.dropFirst()
            }
            guard host.contains(":"), host.allSatisfy({ $0.isASCII && $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw .invalidHost
            }
        } else {
            let pieces = authority.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw .invalidHost }
            host = pieces[0]
            portText = pieces.count == 2 ? pieces[1] : nil
            if host.isEmpty { throw .missingHost }
            guard isValidHostName(host) else { throw .invalidHost }
        }
        if host.isEmpty { throw .missingHost }

        var port = implicitTLS ? defaultImplicitTLSPort : defaultPort
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(portText), (1...65_535).contains(value) else {
                throw .invalidPort(portText.count <= 10 && portText.allSatisfy({ $0.isASCII && !$0.isWhitespace }) ? String(portText) : "?")
            }
            port = value
        }
        return Endpoint(host: host.lowercased(), port: port, implicitTLS: implicitTLS)
    }

    /// Letters, digits, dots and hyphens; labels of 1 to 63, 253 in all (IPv4 addresses too).
    static func isValidHostName(_ name: Substring) -> Bool {
        guard name.utf8.count <= 253 else { return false }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        // A trailing dot (fully qualified) is allowed, an empty label elsewhere is not.
        let checked = labels.last == "" && labels.count > 1 ? labels.dropLast() : labels[...]
        return checked.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") }
        }
    }

    /// A domain name, or an address literal such as `[192.0.2.1]`.
    static func isValidHeloName(_ name: String) -> Bool {
        if name.hasPrefix("[") && name.hasSuffix("]") {
            var literal = name.dropFirst().dropLast()
            if literal.lowercased().hasPrefix("ipv6:") { literal = literal.dropFirst(5) }
            return !literal.isEmpty && literal.allSatisfy { $0.isASCII && ($0.isHexDigit || $0 == ":" || $0 == ".") }
        }
        return isValidHostName(name[...]) && !name.hasSuffix(".")
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}

extension SMTPConfiguration: CustomStringConvertible, CustomReflectable {
    /// French, without the password: "smtp://relais.example:587 (STARTTLS obligatoire, utilisateur guichet)".
    public var description: String {
        var parts = [security.frenchName]
        if let username { parts.append("utilisateur \(username), mot de passe masqué") }
        if let caFile { parts.append("autorité de certification \(caFile)") }
        return "\(url) (\(parts.joined(separator: ", ")))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "url": url, "security": security, "username": username as Any,
            "password": password == nil ? "nil" : "(masqué)", "caFile": caFile as Any,
            "heloName": heloName as Any, "connectTimeout": connectTimeout, "timeout": timeout,
        ], displayStyle: .struct)
    }
}

extension SMTPConfiguration.Security {
    var frenchName: String {
        switch self {
        case .starttls: return "STARTTLS obligatoire"
        case .none: return "sans chiffrement"
        case .implicitTLS: return "TLS implicite"
        }
    }
}

/// A relay configuration that cannot work; `description` says why, in French.
public enum SMTPConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingScheme
    case unsupportedScheme(String)
    case missingHost
    case invalidHost
    case invalidPort(String)
    case credentialsInURL
    case unexpectedPath
    case securityMismatch(scheme: String, security: SMTPConfiguration.Security)
    case incompleteCredentials
    case invalidCredentialCharacters
    case cleartextCredentials(host: String)
    case unreadableCAFile(String)
    case invalidHeloName
    case invalidTimeout

    public var description: String {
        switch self {
        case .missingScheme:
            return "Adresse du relais SMTP invalide : elle doit commencer par smtp:// ou smtps:// (par exemple smtp://relais.exemple.fr:587)."
        case .unsupportedScheme(let scheme):
            return "Adresse du relais SMTP invalide : le schéma « \(scheme) » n’est pas pris en charge, seulement smtp:// (avec STARTTLS ou en clair) et smtps:// (TLS implicite)."
        case .missingHost:
            return "Adresse du relais SMTP invalide : le nom du serveur manque (par exemple smtp://relais.exemple.fr:587)."
        case .invalidHost:
            return "Adresse du relais SMTP invalide : le nom du serveur n’est ni un nom de domaine, ni une adresse IPv4, ni une adresse IPv6 entre crochets."
        case .invalidPort(let port):
            return "Adresse du relais SMTP invalide : le port « \(port) » doit être un nombre entre 1 et 65535."
        case .credentialsInURL:
            return "Adresse du relais SMTP invalide : l’utilisateur et le mot de passe ne vont pas dans l’adresse, indiquez-les à part."
        case .unexpectedPath:
            return "Adresse du relais SMTP invalide : rien ne doit suivre le port (ni chemin, ni paramètres)."
        case .securityMismatch(let scheme, let security):
            return "Configuration du relais SMTP incohérente : \(scheme):// ne va pas avec le mode « \(security.frenchName) » (smtps:// est le TLS implicite, smtp:// sert à STARTTLS ou au clair)."
        case .incompleteCredentials:
            return "Configuration du relais SMTP incomplète : il faut un nom d’utilisateur et un mot de passe, ou ni l’un ni l’autre."
        case .invalidCredentialCharacters:
            return "Configuration du relais SMTP invalide : le nom d’utilisateur ou le mot de passe contient un caractère de contrôle."
        case .cleartextCredentials(let host):
            return "Configuration du relais SMTP refusée : le mot de passe circulerait en clair vers \(host). Utilisez STARTTLS ou smtps://, le mode sans chiffrement n’est permis que vers 127.0.0.1."
        case .unreadableCAFile(let path):
            return "Configuration du relais SMTP invalide : le fichier d’autorité de certification « \(path) » est introuvable ou illisible."
        case .invalidHeloName:
            return "Configuration du relais SMTP invalide : le nom annoncé (EHLO) doit être un nom de domaine ou une adresse entre crochets."
        case .invalidTimeout:
            return "Configuration du relais SMTP invalide : les délais doivent être des nombres de secondes positifs (au plus un jour)."
        }
    }
}
