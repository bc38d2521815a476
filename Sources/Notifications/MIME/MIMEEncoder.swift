/// Turns a `MailMessage` into the bytes a `MailTransport` sends: an RFC 5322 message with
/// CRLF line ends, all ASCII, lines of at most 78 characters (998 for a header holding a
/// very long address), as `multipart/alternative` with a text part then an HTML part
/// (RFC 2046 §5.1.4: the preferred form last), both UTF-8 in quoted-printable.
///
/// Header text (subject, display names, extra header values) never ends a header line:
/// control characters become spaces (`HeaderText.sanitized`), non-ASCII text becomes RFC 2047
/// encoded words. Addresses, the Message-ID and header names are checked, not repaired.
///
/// The output depends on the message only (same message, same bytes), so it can be
/// compared in tests and a resent message is identical: the boundary is derived from the
/// content (see `boundary(for:)`), and the date comes from `message.date`.
public enum MIMEEncoder {
    public static func encode(_ message: MailMessage) throws(MIMEError) -> [UInt8] {
        try validate(message)
        let text = QuotedPrintable.encode(message.textBody)
        let html = QuotedPrintable.encode(message.htmlBody)
        let boundary = boundary(for: message.messageID, parts: [text, html])

        var output: [UInt8] = []
        output.reserveCapacity(text.count + html.count + 2048)
        for line in try headerLines(message, boundary: boundary) {
            output += Array(line.utf8) + Bytes.crlf
        }
        output += Bytes.crlf
        for (contentType, body) in [("text/plain", text), ("text/html", html)] {
            output += Array("--\(boundary)".utf8) + Bytes.crlf
            output += Array("Content-Type: \(contentType); charset=utf-8".utf8) + Bytes.crlf
            output += Array("Content-Transfer-Encoding: quoted-printable".utf8) + Bytes.crlf
            output += Bytes.crlf
            // The CRLF before a delimiter belongs to the delimiter (RFC 2046 §5.1.1), so the
            // body reads back with or without its final line end, as it was given.
            output += body + Bytes.crlf
        }
        output += Array("--\(boundary)--".utf8) + Bytes.crlf
        return output
    }

    static func validate(_ message: MailMessage) throws(MIMEError) {
        guard !message.to.isEmpty else { throw .noRecipient }
        for mailbox in [message.from] + message.to + (message.replyTo.map { [$0] } ?? []) {
            try MailSyntax.validateAddress(mailbox.address)
        }
        try MailSyntax.validateMessageID(message.messageID)
        for header in message.extraHeaders {
            try MailSyntax.validateHeaderName(header.name)
        }
    }

    /// The header section, one folded line per element, in the order of RFC 5322 §3.6's
    /// examples; the extra headers come after `MIME-Version`, before the content headers.
    static func headerLines(_ message: MailMessage, boundary: String) throws(MIMEError) -> [String] {
        var fields: [HeaderField] = []
        func add(_ name: String, _ write: (inout HeaderField) -> Void) {
            var field = HeaderField(name: name)
            write(&field)
            fields.append(field)
        }
        add("Date") { $0.appendWords(RFC5322Date.format(message.date)) }
        add("From") { $0.appendMailboxes([message.from]) }
        add("To") { $0.appendMailboxes(message.to) }
        if let replyTo = message.replyTo {
            add("Reply-To") { $0.appendMailboxes([replyTo]) }
        }
        add("Subject") { $0.appendUnstructured(HeaderText.sanitized(message.subject)) }
        add("Message-ID") { $0.append("<\(message.messageID)>") }
        add("MIME-Version") { $0.append("1.0") }
        for header in message.extraHeaders {
            add(header.name) { $0.appendExtraValue(HeaderText.sanitized(header.value)) }
        }
        add("Content-Type") {
            $0.append("multipart/alternative;")
            $0.append("boundary=\"\(boundary)\"")
        }
        var lines: [String] = []
        for field in fields { lines += try field.lines() }
        return lines
    }

    /// "=_Guichet_" and 16 hex digits of an FNV-1a hash of the Message-ID and the encoded
    /// parts. It cannot occur in a part: quoted-printable never writes "=_" ("=" is always
    /// followed by a hex digit or a line end), so no search for a collision is needed. The
    /// hash only makes boundaries differ between messages (a message quoted in another one).
    static func boundary(for messageID: String, parts: [[UInt8]]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ bytes: some Sequence<UInt8>) {
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        mix(messageID.utf8)
        for part in parts {
            mix([0])
            mix(part)
        }
        let hex = String(hash, radix: 16)
        return "=_Guichet_" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension HeaderField {
    /// An unstructured value (RFC 5322 §3.2.5) such as the subject: as it is when it is
    /// plain ASCII that folds cleanly, as encoded words otherwise. Encoded words also carry
    /// leading or trailing spaces and words too long for a line, which plain text cannot
    /// (readers strip the first, and the second would exceed 78 characters).
    mutating func appendUnstructured(_ text: String) {
        let words = Self.words(of: text)
        if HeaderText.isPrintableASCII(text), !text.contains("=?"), !text.hasPrefix(" "), !text.hasSuffix(" "),
           fitsWithinLines(words) {
            for word in words { append(word) }
        } else {
            appendEncodedWords(text)
        }
    }

    /// An extra header may be structured (`List-Unsubscribe: <mailto:…>`), where encoded
    /// words are not allowed: printable ASCII values are written as they are, others (and
    /// ASCII holding "=?", which readers would take for an encoded word) as encoded words.
    /// Leading and trailing spaces are dropped: readers would drop them anyway.
    mutating func appendExtraValue(_ value: String) {
        let trimmed = HeaderText.trimmingSpaces(value)
        if HeaderText.isPrintableASCII(trimmed) && !trimmed.contains("=?") {
            appendWords(trimmed)
        } else {
            appendEncodedWords(trimmed)
        }
    }
}
