import GuichetModel
/// Writing `Mailbox` values into address headers (RFC 5322 §3.4).
extension HeaderField {
    /// Appends `name <address>, …`, folding between the mailboxes and inside long names.
    /// The addresses must have been validated.
    mutating func appendMailboxes(_ mailboxes: [Mailbox]) {
        for (index, mailbox) in mailboxes.enumerated() {
            let separator = index < mailboxes.count - 1 ? "," : ""
            let name = mailbox.name.map(HeaderText.sanitized) ?? ""
            if name.contains(where: { $0 != " " }) {
                appendDisplayName(name)
                append("<" + mailbox.address + ">" + separator)
            } else {
                append(mailbox.address + separator)
            }
        }
    }

    /// The display name in the most readable form that reads back exactly:
    /// - atoms (`Jean Dupont`) when it is printable ASCII words of atext separated by single spaces;
    /// - a quoted string (`"Dupont, Jean"`) for other printable ASCII, folded at its spaces
    ///   if long (RFC 5322 §3.2.4 allows folding white space inside a quoted string);
    /// - encoded words otherwise: non-ASCII names, names holding "=?", which a reader could
    ///   take for an encoded word even inside quotes (Python's `email` does), and names with
    ///   a word too long for a line (encoded words can be cut anywhere).
    mutating func appendDisplayName(_ name: String) {
        if HeaderText.isPrintableASCII(name) && !name.contains("=?") {
            let words = Self.words(of: DisplayName.isAtomSequence(name) ? name : DisplayName.quoted(name))
            if fitsWithinLines(words) {
                for word in words { append(word) }
                return
            }
        }
        appendEncodedWords(name)
    }
}

enum DisplayName {
    /// RFC 5322 §3.2.5 phrase of atoms: atext words separated by single spaces.
    static func isAtomSequence(_ name: String) -> Bool {
        name.split(separator: " ", omittingEmptySubsequences: false)
            .allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(MailAddress.isAtext) }
    }

    /// RFC 5322 §3.2.4: `"` and `\` escaped by a backslash, everything else as it is.
    static func quoted(_ name: String) -> String {
        var result = "\""
        for character in name {
            if character == "\"" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result + "\""
    }
}
