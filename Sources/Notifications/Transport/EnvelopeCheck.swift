/// Checks of an envelope before it goes to a relay or a program: an address that could end
/// an SMTP command (CR, LF), be read as an option by sendmail ("-oQ/tmp"), or break out of
/// the angle brackets would let a citizen's input steer the mail system. Such a message is
/// refused for good (`permanent`); the details never repeat the address (personal data).
enum EnvelopeCheck {
    static func validate(_ envelope: MailEnvelope) throws(MailTransportError) {
        try check(envelope.sender, role: "l’adresse d’expéditeur (enveloppe)", allowEmpty: true)
        guard !envelope.recipients.isEmpty else {
            throw .permanent("aucun destinataire : message non envoyé")
        }
        for recipient in envelope.recipients {
            try check(recipient, role: "une adresse de destinataire", allowEmpty: false)
        }
    }

    private static func check(_ address: String, role: String, allowEmpty: Bool) throws(MailTransportError) {
        if address.isEmpty {
            if allowEmpty { return }
            throw .permanent("\(role) est vide : message non envoyé")
        }
        if address.hasPrefix("-") {
            throw .permanent("\(role) commence par « - » (elle serait lue comme une option) : message non envoyé")
        }
        for scalar in address.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                throw .permanent("\(role) contient un caractère de contrôle (retour à la ligne…) : message non envoyé")
            }
            if !scalar.isASCII {
                throw .permanent("\(role) contient des caractères non ASCII, que le relais n’accepterait pas : message non envoyé")
            }
            if scalar == "<" || scalar == ">" || scalar == " " {
                throw .permanent("\(role) contient une espace ou un chevron : message non envoyé")
            }
        }
        if address.utf8.count > 254 {
            throw .permanent("\(role) dépasse 254 caractères : message non envoyé")
        }
    }
}
