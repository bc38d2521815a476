/// Why a `MailMessage` cannot be encoded. Nothing is sent: these are mistakes in the
/// message (an address typed wrong in a form, a header added by the code), and trying again
/// would fail the same way.
public enum MIMEError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a `local@domain` address we can write without quoting (the address as given).
    case invalidAddress(String)
    /// The message has no recipient.
    case noRecipient
    /// The Message-ID (without angle brackets) is not `left@right` in dot-atom form.
    case invalidMessageID(String)
    /// An extra header name that is not an RFC 5322 field name (printable ASCII, no colon).
    case invalidHeaderName(String)
    /// An extra header the encoder writes itself (or one that would contradict the envelope).
    case reservedHeaderName(String)
    /// A header line that cannot be folded under the 998-character limit of RFC 5322 (its name).
    case headerTooLong(String)

    public var description: String {
        switch self {
        case let .invalidAddress(address):
            return "adresse électronique invalide : « \(Self.printable(address)) » (forme attendue : nom@domaine, sans espace ni accent)."
        case .noRecipient:
            return "message sans destinataire : au moins une adresse est nécessaire."
        case let .invalidMessageID(id):
            return "identifiant de message (Message-ID) invalide : « \(Self.printable(id)) » (forme attendue : partie@domaine)."
        case let .invalidHeaderName(name):
            return "nom d'en-tête invalide : « \(Self.printable(name)) » (caractères ASCII visibles, sans deux-points)."
        case let .reservedHeaderName(name):
            return "l'en-tête « \(Self.printable(name)) » est écrit par Guichet lui-même et ne peut pas être ajouté."
        case let .headerTooLong(name):
            return "l'en-tête « \(Self.printable(name)) » dépasse 998 caractères sur une ligne et ne peut pas être replié."
        }
    }

    /// The value as it can safely go to a log line: control characters shown as escapes
    /// (an address carrying "\r\n" must not split the operator's log), long values cut.
    static func printable(_ value: String, limit: Int = 100) -> String {
        var result = ""
        for scalar in value.unicodeScalars {
            if result.unicodeScalars.count >= limit {
                result += "…"
                break
            }
            if HeaderText.isLineBreakingOrControl(scalar) {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
