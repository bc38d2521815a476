import Foundation

/// How a request reached the authority. Raw values are the ids stored in the database and
/// shown to back-offices.
public enum Channel: String, Sendable, CaseIterable, Codable {
    /// Submitted by the citizen on the web site (saisine par voie électronique).
    case web
    /// Typed in by an agent at the counter.
    case guichet
    /// Taken down by an agent on the phone.
    case telephone
    /// Received on paper by post.
    case courrier
    /// Received by e-mail.
    case courriel
}

/// A request about to be stored. The queue does not look inside `payloadJSON`: the gateway
/// has already validated it against the form (FormKit).
public struct NewSubmission: Sendable, Equatable {
    public var formID: String
    /// Digest of the form definition the request was validated against, so a back-office
    /// knows which version of the form the citizen saw.
    public var formDigest: String
    public var serviceID: String
    public var channel: Channel
    public var payloadJSON: String
    public var attachments: [NewAttachment]
    /// Days the request is kept after receipt (RGPD); nil: the form declares no limit here.
    public var retentionDays: Int?
    /// The citizen's e-mail address when e-mail is on: the *accusé d'enregistrement* is
    /// queued for it in the same transaction, and so is every later status change.
    public var notifyEmail: String?

    public init(formID: String, formDigest: String, serviceID: String, channel: Channel,
                payloadJSON: String, attachments: [NewAttachment] = [], retentionDays: Int? = nil,
                notifyEmail: String? = nil) {
        self.formID = formID
        self.formDigest = formDigest
        self.serviceID = serviceID
        self.channel = channel
        self.payloadJSON = payloadJSON
        self.attachments = attachments
        self.retentionDays = retentionDays
        self.notifyEmail = notifyEmail
    }
}

/// A file sent with a request (the value of a `file` field).
public struct NewAttachment: Sendable, Equatable {
    public var fieldID: String
    public var filename: String
    public var contentType: String
    public var bytes: [UInt8]

    public init(fieldID: String, filename: String, contentType: String, bytes: [UInt8]) {
        self.fieldID = fieldID
        self.filename = filename
        self.contentType = contentType
        self.bytes = bytes
    }
}

/// What the citizen gets once the request is durably stored: the reference to quote, the
/// secret key of the tracking page (never stored, only its SHA-256), and the date of receipt
/// that the *accusé d'enregistrement électronique* states.
public struct StoredReceipt: Sendable, Equatable {
    /// Canonical form, "7KM-4QX-29W".
    public var reference: String
    /// 26 characters of lowercase base32 (128 random bits), URL-safe.
    public var trackingKey: String
    /// Exactly the stored date (millisecond precision).
    public var receivedAt: Date
}

/// A stored request, as a back-office or the tracking page reads it.
public struct SubmissionRecord: Sendable, Equatable {
    public var reference: String
    public var formID: String
    public var formDigest: String
    public var serviceID: String
    public var channel: Channel
    public var receivedAt: Date
    public var payloadJSON: String
    public var status: String
    public var retentionDays: Int?
    public var attachments: [AttachmentInfo]
    /// Oldest first; the first one is always "depot".
    public var events: [EventRecord]
    /// Opaque position of this request in the queue, for `list(token:after:…)` ("after=").
    public var cursor: String
    /// Times the request was handed out by `pull` (more than 1: a lease expired unacknowledged).
    public var deliveryCount: Int
    /// End of the current or last lease, if the request was ever pulled.
    public var leaseUntil: Date?
    /// When a back-office acknowledged it (`ack`); nil while it is still to be delivered.
    public var acknowledgedAt: Date?
    /// When its content was erased at the end of its retention period (payload "{}", no
    /// attachments, no event texts); nil while it is kept whole.
    public var purgedAt: Date?
}

/// An attachment without its bytes (see `SubmissionQueue.attachmentBytes(id:)`).
public struct AttachmentInfo: Sendable, Equatable {
    public var id: Int64
    public var fieldID: String
    public var filename: String
    public var contentType: String
    public var size: Int
    /// Lowercase hexadecimal SHA-256 of the bytes.
    public var sha256: String
}

/// Something that happened to a request: "depot" when it was stored, then status changes.
public struct EventRecord: Sendable, Equatable {
    public var kind: String
    public var at: Date
    public var message: String?
    /// JSON text, if the event carries data.
    public var data: String?
}
