/// The one definition of an e-mail address the mail side accepts: `local@domain`, both parts
/// RFC 5322 dot-atoms (no quoted strings, no domain literals), at most 64 bytes before the `@`
/// and 254 in all (RFC 5321 §4.5.3.1). Stricter than "printable ASCII with one @" on purpose:
/// an unquoted `,`, `;`, `"`, `(`, `:` or `\` would change how a `To:` header is read (a comma
/// makes two recipients), and addresses are never quoted. The configuration, the gateway
/// (which address to queue) and the MIME encoder all ask this, so an address accepted at
/// submission is never refused at sending time.
public enum MailAddress {
    public static let maximumLength = 254
    public static let maximumLocalPartLength = 64

    public static func isValid(_ address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard bytes.count <= maximumLength,
              let at = bytes.firstIndex(of: UInt8(ascii: "@")),
              bytes.lastIndex(of: UInt8(ascii: "@")) == at else { return false }
        let local = bytes[..<at], domain = bytes[(at + 1)...]
        return local.count <= maximumLocalPartLength && isDotAtom(local) && isDotAtom(domain)
    }

    /// RFC 5322 §3.2.3 dot-atom-text: atext runs separated by single dots, no dot at either end.
    public static func isDotAtom(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last,
              first != UInt8(ascii: "."), last != UInt8(ascii: ".")
        else { return false }
        var previousWasDot = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                if previousWasDot { return false }
                previousWasDot = true
            } else {
                guard isAtext(byte) else { return false }
                previousWasDot = false
            }
        }
        return true
    }

    /// RFC 5322 §3.2.3 atext: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    public static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return atextSymbols.contains(byte)
        }
    }

    private static let atextSymbols = Set("!#$%&'*+-/=?^_`{|}~".utf8)
}
