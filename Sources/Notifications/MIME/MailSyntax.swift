import GuichetModel

/// The RFC 5322 syntax checks the encoder needs: addresses, Message-IDs, field names.
enum MailSyntax {
    /// Not an RFC limit: keeps `Message-ID: <…>` well under the 998-character line limit.
    static let maximumMessageIDLength = 250

    /// Header fields the encoder writes itself; `Cc` and `Bcc` would name recipients the
    /// envelope does not hold (or leak the hidden ones).
    static let reservedHeaderNames: Set<String> = [
        "date", "from", "to", "cc", "bcc", "reply-to", "subject", "message-id", "mime-version",
        "content-type", "content-transfer-encoding",
    ]

    /// `MailAddress.isValid` (GuichetModel): the grammar the gateway also checks before queueing.
    static func validateAddress(_ address: String) throws(MIMEError) {
        guard MailAddress.isValid(address) else { throw .invalidAddress(address) }
    }

    /// RFC 5322 §3.6.4 `id-left "@" id-right`, both dot-atoms (the no-fold-literal form of
    /// `id-right` is not needed for the IDs we generate).
    static func validateMessageID(_ id: String) throws(MIMEError) {
        let bytes = Array(id.utf8)
        guard bytes.count <= maximumMessageIDLength,
              let at = bytes.firstIndex(of: UInt8(ascii: "@")),
              bytes.lastIndex(of: UInt8(ascii: "@")) == at,
              MailAddress.isDotAtom(bytes[..<at]), MailAddress.isDotAtom(bytes[(at + 1)...])
        else { throw .invalidMessageID(id) }
    }

    /// RFC 5322 §3.6.8 `field-name = 1*ftext` (printable ASCII except ":"), and not one of
    /// the headers the encoder writes.
    static func validateHeaderName(_ name: String) throws(MIMEError) {
        guard !name.isEmpty, name.utf8.allSatisfy({ (33...126).contains($0) && $0 != UInt8(ascii: ":") })
        else { throw .invalidHeaderName(name) }
        guard !reservedHeaderNames.contains(name.lowercased()) else { throw .reservedHeaderName(name) }
    }
}

/// Text that goes into a header: subject, display names, extra header values.
enum HeaderText {
    /// Replaces every control character (C0, DEL, C1, which includes CR, LF, TAB and NEL) and
    /// the Unicode line and paragraph separators by a space. Nothing a sender writes can then
    /// end a header line and start another one ("Objet\r\nBcc: x@y" stays inside the subject),
    /// even in a reader that decodes encoded words before splitting lines.
    static func sanitized(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            result.append(isLineBreakingOrControl(scalar) ? " " : scalar)
        }
        return String(result)
    }

    static func isLineBreakingOrControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: return true
        default: return false
        }
    }

    static func trimmingSpaces(_ text: String) -> String {
        var trimmed = Substring(text)
        while trimmed.first == " " { trimmed.removeFirst() }
        while trimmed.last == " " { trimmed.removeLast() }
        return String(trimmed)
    }

    /// Printable ASCII and space only: the text can be written as it is.
    static func isPrintableASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { (32...126).contains($0) }
    }
}
