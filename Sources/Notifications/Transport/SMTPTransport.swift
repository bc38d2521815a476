import CCurl
import Foundation

/// Hands messages to an SMTP relay through libcurl's easy interface.
///
/// Connections are kept for the next message: a handle whose transaction succeeded goes back
/// to a small pool (at most `maximumIdleConnections`), and the next `send` takes it, so a
/// batch pays for TCP, TLS, EHLO and AUTH once. libcurl drops a pooled connection that has
/// been idle for more than 30 s, or that the relay closed, and opens a new one. Each call
/// takes its own handle out of the pool (or makes one), so concurrent calls from several
/// threads never share a handle; only the pool itself is behind a lock, never held during
/// network I/O. A handle whose transaction failed is closed, never pooled.
///
/// libcurl does the SMTP dot-stuffing of the message itself (a line starting with "." goes out
/// as ".." and arrives intact) and ends the data with CRLF "." CRLF; the message must already
/// have CRLF line ends (see `MIMEEncoder`).
///
/// Outcomes: a 5xx answer to MAIL FROM, RCPT TO, DATA or to the message is `permanent`
/// (except 530, authentication required: a configuration problem); everything else — 4xx,
/// no connection, timeout, TLS failure, refused authentication, no STARTTLS offered — is
/// `temporary`. Details are in French, carry the SMTP code, the enhanced status code when the
/// relay gave one and libcurl's error text, never the relay's free text (it often repeats
/// the address), the message or the password.
public final class SMTPTransport: MailTransport, @unchecked Sendable {
    public let configuration: SMTPConfiguration
    /// How many idle connections are kept for the next messages (0: a new connection each time).
    public let maximumIdleConnections: Int

    /// Seconds after which libcurl no longer reuses an idle connection (relays close idle
    /// connections after a while; 30 s stays well below the usual minutes).
    static let maximumIdleSeconds = 30

    private let lock = NSLock()
    /// Guarded by `lock`.
    private var idle: [CurlSession] = []

    public init(configuration: SMTPConfiguration, maximumIdleConnections: Int = 2) {
        self.configuration = configuration
        self.maximumIdleConnections = max(0, maximumIdleConnections)
    }

    deinit {
        // No other reference exists any more: no lock needed. Closing sends QUIT.
        for session in idle { session.close() }
    }

    /// Closes the pooled connections (QUIT), for instance at the end of a batch or before the
    /// program exits. The transport stays usable.
    public func closeIdleConnections() {
        lock.lock()
        let sessions = idle
        idle.removeAll()
        lock.unlock()
        for session in sessions { session.close() }
    }

    public func send(_ message: [UInt8], envelope: MailEnvelope) throws(MailTransportError) {
        try EnvelopeCheck.validate(envelope)
        guard CurlRuntime.ready else {
            throw .temporary("libcurl n’a pas pu être initialisée (curl_global_init) : message non envoyé")
        }
        var retried = false
        while true {
            let session: CurlSession
            let fromPool: Bool
            if let pooled = checkOut() {
                session = pooled
                fromPool = true
            } else if let fresh = CurlSession() {
                session = fresh
                fromPool = false
            } else {
                throw .temporary("libcurl n’a pas pu créer de session (curl_easy_init) : message non envoyé")
            }
            let outcome = session.perform(message: message, envelope: envelope, configuration: configuration)
            guard let failure = outcome.failure else {
                checkIn(session)
                return
            }
            session.close(unresponsive: outcome.curlCode == CURLE_OPERATION_TIMEDOUT)
            // A pooled connection the relay dropped at the very moment we used it: nothing of
            // the message went out and the relay answered nothing, so once more on a new one.
            if !retried && fromPool && outcome.reusedConnection && !outcome.uploadStarted
                && (outcome.responseCode == 0 || outcome.responseCode == 421) {
                retried = true
                continue
            }
            throw failure
        }
    }

    private func checkOut() -> CurlSession? {
        lock.lock()
        defer { lock.unlock() }
        return idle.popLast()
    }

    private func checkIn(_ session: CurlSession) {
        lock.lock()
        if idle.count < maximumIdleConnections {
            idle.append(session)
            lock.unlock()
        } else {
            lock.unlock()
            session.close()
        }
    }

    /// Classifies a failed transaction (internal, for the tests too).
    static func classify(curlCode: CURLcode, responseCode: Int, enhancedStatus: String?, uploadStarted: Bool,
                         errorText: String) -> MailTransportError {
        let curlPart = "curl \(curlCode.rawValue) : \(errorText)"
        let smtpPart = responseCode > 0 ? "\(responseCode)\(enhancedStatus.map { " \($0)" } ?? "")" : ""
        let transactionPhase = uploadStarted || curlCode == CURLE_SEND_ERROR || curlCode == CURLE_RECV_ERROR
        if (500..<600).contains(responseCode) && transactionPhase && curlCode != CURLE_LOGIN_DENIED {
            if responseCode == 530 {
                return .temporary("le relais exige une authentification : \(smtpPart) (\(curlPart)) ; vérifiez l’utilisateur et le mot de passe configurés")
            }
            return .permanent("le relais a refusé le message : \(smtpPart) (\(curlPart))")
        }
        let withCode = responseCode >= 400 ? " : \(smtpPart)" : responseCode > 0 ? " (dernière réponse du relais : \(responseCode))" : ""
        switch curlCode {
        case CURLE_LOGIN_DENIED:
            return .temporary("authentification refusée par le relais\(withCode) (\(curlPart)) ; vérifiez l’utilisateur et le mot de passe")
        case CURLE_USE_SSL_FAILED:
            return .temporary("le relais ne propose pas STARTTLS ou l’a refusé : message non envoyé en clair\(withCode) (\(curlPart))")
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED:
            return .temporary("échec de la connexion TLS au relais (\(curlPart))")
        case CURLE_COULDNT_CONNECT:
            return .temporary("connexion au relais impossible (\(curlPart))")
        case CURLE_COULDNT_RESOLVE_HOST:
            return .temporary("nom du relais introuvable (\(curlPart))")
        case CURLE_OPERATION_TIMEDOUT:
            return .temporary("le relais n’a pas répondu à temps\(withCode) (\(curlPart))")
        default:
            break
        }
        if (400..<500).contains(responseCode) {
            return .temporary("le relais a demandé de réessayer plus tard : \(smtpPart) (\(curlPart))")
        }
        if (500..<600).contains(responseCode) {
            return .temporary("le relais a refusé la session : \(smtpPart) (\(curlPart))")
        }
        return .temporary("échec de l’envoi au relais\(withCode) (\(curlPart))")
    }
}

/// `curl_global_init`, once, before the first handle (a lazy static is initialized once,
/// thread-safely).
enum CurlRuntime {
    static let ready: Bool = guichet_curl_global_init_all() == CURLE_OK
}

/// What one `perform` did.
struct CurlOutcome {
    var failure: MailTransportError?
    var curlCode: CURLcode = CURLE_OK
    var responseCode: Int
    var uploadStarted: Bool
    /// No new connection was opened (for a pooled handle: the transaction ran on the
    /// connection an earlier one left open).
    var reusedConnection: Bool
}

/// One easy handle, with the state its callbacks see. The callbacks' context pointer is this
/// object's `TransferState`, which lives as long as the handle: libcurl may call the header
/// callback when it closes the connection (the QUIT answer), after `perform` returned.
/// Used by one thread at a time (taken out of the pool under the transport's lock).
final class CurlSession: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    private let state = TransferState()
    private var closed = false

    init?() {
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
    }

    deinit { close() }

    /// Closes the handle and its connection (QUIT, and waits for the answer).
    /// - Parameter unresponsive: the relay stopped answering. libcurl 7.88 keeps such a
    ///   connection and would wait for its QUIT answer as long as for any other (its
    ///   cleanup ignores the options set now), so the socket is shut down first: QUIT
    ///   then fails at once.
    func close(unresponsive: Bool = false) {
        guard !closed else { return }
        closed = true
        if unresponsive {
            var socket = curl_socket_t(-1)
            if guichet_curl_getinfo_socket(handle, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket >= 0 {
                _ = shutdown(socket, Int32(SHUT_RDWR))
            }
        }
        curl_easy_cleanup(handle)
    }

    func perform(message: [UInt8], envelope: MailEnvelope, configuration: SMTPConfiguration) -> CurlOutcome {
        state.begin(message: message)
        defer { state.end() }
        var recipients: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(recipients) }
        for recipient in envelope.recipients {
            guard let appended = curl_slist_append(recipients, "<\(recipient)>") else {
                return CurlOutcome(failure: .temporary("mémoire insuffisante pour préparer l’envoi"), responseCode: 0,
                                   uploadStarted: false, reusedConnection: false)
            }
            recipients = appended
        }

        // Everything is set again for each message: the handle may come from the pool.
        curl_easy_reset(handle)
        var setupFailure: CURLcode = CURLE_OK
        func set(_ result: CURLcode) {
            if setupFailure == CURLE_OK && result != CURLE_OK { setupFailure = result }
        }
        let context = Unmanaged.passUnretained(state).toOpaque()
        var url = configuration.url
        if let helo = configuration.heloName { url += "/" + helo }
        set(guichet_curl_setopt_string(handle, CURLOPT_URL, url))
        set(guichet_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        set(guichet_curl_setopt_long(handle, CURLOPT_VERBOSE, 0))
        set(guichet_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, state.errorBuffer))
        set(guichet_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout)))
        set(guichet_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(configuration.timeout)))
        // libcurl 7.88 does not apply CURLOPT_TIMEOUT to the wait for the answer after the
        // data (measured: a relay silent after the data held `curl -m 3` for 20 s, as long as
        // the relay took); this bounds every single answer's wait, that one included.
        set(guichet_curl_setopt_long(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, max(1, Int(configuration.timeout.rounded(.up)))))
        set(guichet_curl_setopt_long(handle, CURLOPT_MAXAGE_CONN, SMTPTransport.maximumIdleSeconds))
        switch configuration.security {
        case .starttls, .implicitTLS:
            set(guichet_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)))
            set(guichet_curl_setopt_long(handle, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2)))
            set(guichet_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
            set(guichet_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
            if let caFile = configuration.caFile {
                set(guichet_curl_setopt_string(handle, CURLOPT_CAINFO, caFile))
            }
        case .none:
            set(guichet_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue)))
        }
        if let username = configuration.username, let password = configuration.password {
            set(guichet_curl_setopt_string(handle, CURLOPT_USERNAME, username))
            set(guichet_curl_setopt_string(handle, CURLOPT_PASSWORD, password))
        }
        set(guichet_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(envelope.sender)>"))
        set(guichet_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients))
        set(guichet_curl_setopt_long(handle, CURLOPT_UPLOAD, 1))
        // The size goes out as SIZE= with MAIL FROM: a relay can refuse a too large message at once.
        set(guichet_curl_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count)))
        set(guichet_curl_setopt_io(handle, CURLOPT_READFUNCTION) { buffer, size, count, context in
            guard let buffer, let context else { return 0 }
            return Unmanaged<TransferState>.fromOpaque(context).takeUnretainedValue().read(into: buffer, capacity: size * count)
        })
        set(guichet_curl_setopt_pointer(handle, CURLOPT_READDATA, context))
        set(guichet_curl_setopt_io(handle, CURLOPT_HEADERFUNCTION) { buffer, size, count, context in
            guard let buffer, let context else { return size * count }
            Unmanaged<TransferState>.fromOpaque(context).takeUnretainedValue().response(line: buffer, length: size * count)
            return size * count
        })
        set(guichet_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context))
        guard setupFailure == CURLE_OK else {
            return CurlOutcome(failure: .temporary("libcurl refuse la configuration du relais (curl \(setupFailure.rawValue) : \(Self.text(of: setupFailure)))"),
                               responseCode: 0, uploadStarted: false, reusedConnection: false)
        }

        let result = curl_easy_perform(handle)
        // The recipient list is freed on return: libcurl must not keep a pointer to it.
        _ = guichet_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, nil)

        var responseCode = 0
        _ = guichet_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode)
        var connects = 0
        _ = guichet_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        let outcome = CurlOutcome(failure: nil, responseCode: responseCode, uploadStarted: state.uploadStarted,
                                  reusedConnection: connects == 0)
        guard result != CURLE_OK else { return outcome }
        var failed = outcome
        failed.curlCode = result
        let enhanced = state.failureLine.flatMap { $0.code == responseCode ? $0.enhanced : nil }
        failed.failure = SMTPTransport.classify(curlCode: result, responseCode: responseCode, enhancedStatus: enhanced,
                                                uploadStarted: state.uploadStarted, errorText: state.errorText(for: result))
        return failed
    }

    static func milliseconds(_ seconds: TimeInterval) -> Int {
        max(1, Int((seconds * 1000).rounded(.up)))
    }

    static func text(of code: CURLcode) -> String {
        curl_easy_strerror(code).map { String(cString: $0) } ?? "erreur \(code.rawValue)"
    }
}

/// What the read and header callbacks work on.
final class TransferState {
    let errorBuffer: UnsafeMutablePointer<CChar>
    private var message: [UInt8] = []
    private var offset = 0
    private(set) var uploadStarted = false
    /// The last answer of 400 or more: its code and enhanced status code ("5.1.1"), never its text.
    private(set) var failureLine: (code: Int, enhanced: String?)?

    init() {
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit { errorBuffer.deallocate() }

    func begin(message: [UInt8]) {
        self.message = message
        offset = 0
        uploadStarted = false
        failureLine = nil
        errorBuffer[0] = 0
    }

    /// Drops the message (personal data) as soon as the transaction is over.
    func end() {
        message = []
        offset = 0
    }

    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        uploadStarted = true
        let count = min(capacity, message.count - offset)
        guard count > 0 else { return 0 }
        message.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }

    /// One line of a server answer ("550 5.1.1 …\r\n").
    func response(line: UnsafeMutablePointer<CChar>, length: Int) {
        let bytes = UnsafeRawBufferPointer(start: line, count: length)
        guard length >= 3, bytes.prefix(3).allSatisfy({ (0x30...0x39).contains($0) }) else { return }
        let code = bytes.prefix(3).reduce(0) { $0 * 10 + Int($1 - 0x30) }
        guard code >= 400 else { return }
        var enhanced: String?
        if length > 4, bytes[3] == 0x20 || bytes[3] == 0x2D {
            // "x.y.z" with the class equal to the code's first digit, digits only.
            let rest = bytes.dropFirst(4).prefix(while: { $0 != 0x20 && $0 != 0x0D && $0 != 0x0A })
            let parts = rest.split(separator: 0x2E, omittingEmptySubsequences: false)
            if parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy { (0x30...0x39).contains($0) } }),
               parts[0].count == 1, parts[0].first == bytes[0] {
                enhanced = String(decoding: rest, as: UTF8.self)
            }
        }
        // The answer to QUIT (221) is below 400, so the failing answer is not overwritten.
        failureLine = (code, enhanced)
    }

    /// libcurl's error text: the error buffer when it says more than the generic text.
    func errorText(for code: CURLcode) -> String {
        let generic = CurlSession.text(of: code)
        let specific = String(decoding: UnsafeRawBufferPointer(start: errorBuffer, count: strlen(errorBuffer)), as: UTF8.self)
            .unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }
            .map(String.init).joined()
            .trimmingCharacters(in: .whitespaces)
        guard !specific.isEmpty, specific != generic else { return generic }
        return "\(generic) — \(specific.prefix(200))"
    }
}
