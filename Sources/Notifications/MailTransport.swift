import Foundation

/// An e-mail address with an optional display name ("Ville de Brémonval <mairie@bremonval.example>").
public struct Mailbox: Sendable, Equatable {
    /// Display name, any Unicode (encoded as an RFC 2047 word when needed); nil: none.
    public var name: String?
    /// `local@domain`, ASCII (no SMTPUTF8 here: relays that lack it are common).
    public var address: String

    public init(name: String? = nil, address: String) {
        self.name = name
        self.address = address
    }
}

/// One message, before MIME encoding: a plain-text part and an HTML part with the same content.
public struct MailMessage: Sendable, Equatable {
    public var from: Mailbox
    public var to: [Mailbox]
    /// Where a reply goes (the handling service), nil: to `from`.
    public var replyTo: Mailbox?
    public var subject: String
    public var textBody: String
    public var htmlBody: String
    /// Without angle brackets: "outbox-42.7KM-4QX-29W@bremonval.example". Stable for one
    /// outbox item, so a message sent twice can be recognised as the same one.
    public var messageID: String
    public var date: Date
    /// Further headers, in order (for example `Auto-Submitted: auto-generated`). Names are
    /// ASCII tokens; values are encoded like the subject when they are not plain ASCII.
    public var extraHeaders: [(name: String, value: String)]

    public init(from: Mailbox, to: [Mailbox], replyTo: Mailbox? = nil, subject: String, textBody: String,
                htmlBody: String, messageID: String, date: Date, extraHeaders: [(name: String, value: String)] = []) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.messageID = messageID
        self.date = date
        self.extraHeaders = extraHeaders
    }

    public static func == (a: MailMessage, b: MailMessage) -> Bool {
        a.from == b.from && a.to == b.to && a.replyTo == b.replyTo && a.subject == b.subject
            && a.textBody == b.textBody && a.htmlBody == b.htmlBody && a.messageID == b.messageID
            && a.date == b.date && a.extraHeaders.map(\.name) == b.extraHeaders.map(\.name)
            && a.extraHeaders.map(\.value) == b.extraHeaders.map(\.value)
    }
}

/// SMTP envelope: who bounces go to, and who receives.
public struct MailEnvelope: Sendable, Equatable {
    public var sender: String
    public var recipients: [String]
    public init(sender: String, recipients: [String]) {
        self.sender = sender
        self.recipients = recipients
    }
}

/// Why a message was not handed over. The outbox retries `temporary` failures with backoff
/// and gives up at once on `permanent` ones (an address the relay refuses with a 5xx code).
public enum MailTransportError: Error, Sendable, Equatable {
    /// Relay down, timeout, 4xx answer, sendmail EX_TEMPFAIL…: try again later.
    case temporary(String)
    /// 5xx on the recipient or the message, sendmail EX_NOUSER…: trying again will not help.
    case permanent(String)

    /// Short text for the outbox's `last_error` and the operator (no personal data).
    public var detail: String {
        switch self {
        case .temporary(let text), .permanent(let text): return text
        }
    }

    public var isPermanent: Bool {
        if case .permanent = self { return true }
        return false
    }
}

/// Hands a MIME-encoded message (CRLF line ends, see `MIMEEncoder`) to the mail system.
/// Implementations: `SMTPTransport` (a relay, through libcurl), `SendmailTransport` (a local
/// sendmail program), `DirectoryTransport` (.eml files, for the local preview).
/// `send` blocks the calling thread; the sender runs it off the event loops.
public protocol MailTransport: Sendable {
    func send(_ message: [UInt8], envelope: MailEnvelope) throws(MailTransportError)
}
