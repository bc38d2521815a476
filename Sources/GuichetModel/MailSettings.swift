/// How the gateway sends e-mail to citizens (`mail:` in `guichet.yaml`). Without that section
/// no e-mail is sent and the receipt page does not promise one.
public struct MailSettings: Sendable, Equatable {
    /// The envelope and `From:` address ("ne-pas-repondre@ville.fr"); the display name is the
    /// authority's name. Replies go to the handling service (`Reply-To:`).
    public var from: String
    public var transport: Transport

    public enum Transport: Sendable, Equatable {
        /// A relay: `smtp://host:port` (STARTTLS unless `security` says otherwise) or
        /// `smtps://host:port` (TLS from the first byte).
        case smtp(SMTPRelay)
        /// A local sendmail-compatible program (Postfix, OpenSMTPD, msmtp, nullmailer…).
        case sendmail(path: String)
        /// `.eml` files in a folder: the local preview (`guichet serve`), never production.
        case directory(path: String)
    }

    public struct SMTPRelay: Sendable, Equatable {
        public var url: String
        public var security: Security
        public var username: String?
        /// A file holding the password (kept out of `guichet.yaml`, which is in the
        /// repository). The environment variable `GUICHET_SMTP_PASSWORD` wins over it.
        public var passwordFile: String?
        /// PEM certificates of a private certification authority; nil: the system's.
        public var caFile: String?

        public enum Security: String, Sendable, Equatable, CaseIterable {
            /// STARTTLS required: the message never travels in clear.
            case starttls
            /// TLS from the start (`smtps://`, port 465).
            case tls
            /// No encryption: only for a relay on the same machine (127.0.0.1).
            case aucune
        }

        public init(url: String, security: Security, username: String? = nil, passwordFile: String? = nil,
                    caFile: String? = nil) {
            self.url = url
            self.security = security
            self.username = username
            self.passwordFile = passwordFile
            self.caFile = caFile
        }
    }

    public init(from: String, transport: Transport) {
        self.from = from
        self.transport = transport
    }

    /// Whether `address` can be an envelope and header address (`MailAddress.isValid`) whose
    /// domain is a real host name (with a dot, or `localhost`): what the configuration's `from`
    /// and a citizen's address must be before anything is queued for them.
    public static func isPlausibleAddress(_ address: String) -> Bool {
        guard MailAddress.isValid(address), let domain = address.split(separator: "@").last else { return false }
        // `isValid` allows only ASCII here: a byte search is the same test, without Foundation's
        // string search (run for every submission that gives an e-mail address).
        return domain.utf8.contains(UInt8(ascii: ".")) || domain == "localhost"
    }
}
