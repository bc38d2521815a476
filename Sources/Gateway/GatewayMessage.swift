import HTTPTypes

/// One request as every transport (CGI, FastCGI, the preview HTTP server) hands it to the
/// gateway: the head in swift-http-types' terms and the whole body, already read within
/// `GatewayLimits.maximumBodySize`. The core never sees a socket, an environment or a record.
public struct GatewayRequest: Sendable {
    public var head: HTTPRequest
    public var body: [UInt8]

    public init(head: HTTPRequest, body: [UInt8] = []) {
        self.head = head
        self.body = body
    }

    /// The path without the query string (`/guichet/suivi/ABC`).
    public var path: String {
        let full = head.path ?? "/"
        return full.firstIndex(of: "?").map { String(full[..<$0]) } ?? full
    }

    /// The raw query string, without `?` ("" when there is none).
    public var query: String {
        let full = head.path ?? ""
        return full.firstIndex(of: "?").map { String(full[full.index(after: $0)...]) } ?? ""
    }
}

/// The gateway's answer; transports write the head (CGI as a `Status:` header) then the body.
public struct GatewayResponse: Sendable {
    public var head: HTTPResponse
    public var body: [UInt8]

    public init(head: HTTPResponse, body: [UInt8] = []) {
        self.head = head
        self.body = body
    }

    public init(status: HTTPResponse.Status, contentType: String = "text/html; charset=utf-8", body: String,
                extraHeaders: HTTPFields = [:]) {
        var fields = extraHeaders
        fields[.contentType] = contentType
        fields[.cacheControl] = fields[.cacheControl] ?? "no-store"
        self.head = HTTPResponse(status: status, headerFields: fields)
        self.body = Array(body.utf8)
    }
}

/// Sizes a transport enforces *before* buffering a request, so that a hostile client cannot
/// make the gateway hold more than this in memory.
public struct GatewayLimits: Sendable, Equatable {
    /// Whole request body (all files together), in bytes.
    public var maximumBodySize: Int
    /// FastCGI parameters (the CGI environment) of one request, in bytes.
    public var maximumParametersSize: Int
    /// Parts of a multipart body or pairs of a urlencoded one.
    public var maximumFieldCount: Int
    /// One text value, in bytes (FormKit also bounds it in characters).
    public var maximumFieldSize: Int

    public init(maximumBodySize: Int = 25 * 1024 * 1024, maximumParametersSize: Int = 64 * 1024,
                maximumFieldCount: Int = 500, maximumFieldSize: Int = 100 * 1024) {
        self.maximumBodySize = maximumBodySize
        self.maximumParametersSize = maximumParametersSize
        self.maximumFieldCount = maximumFieldCount
        self.maximumFieldSize = maximumFieldSize
    }
}

/// Why a transport refused a request without handing it to the core.
public enum TransportRefusal: Error, Sendable, Equatable {
    /// Declared or actual body larger than `GatewayLimits.maximumBodySize`.
    case bodyTooLarge
    /// The request could not be understood (missing method, broken length, bad encoding).
    case malformed
}

/// What transports call. The real implementation is `GatewayCore`; transport tests may use
/// their own, since what they test is the framing, not the forms.
public protocol GatewayHandler: Sendable {
    var limits: GatewayLimits { get }
    func handle(_ request: GatewayRequest) async -> GatewayResponse
    /// `handle` for a transport that is not running in a Swift task (the FastCGI server's
    /// event loops): `completion` gets the answer once, on any thread, possibly before this
    /// returns. The default runs `handle` in a new task.
    func handle(_ request: GatewayRequest, completion: @escaping @Sendable (GatewayResponse) -> Void)
    /// The page shown when a transport refuses a request before it reaches `handle`.
    func refuse(_ reason: TransportRefusal) -> GatewayResponse
}

extension GatewayHandler {
    public func handle(_ request: GatewayRequest, completion: @escaping @Sendable (GatewayResponse) -> Void) {
        Task { completion(await handle(request)) }
    }
}
