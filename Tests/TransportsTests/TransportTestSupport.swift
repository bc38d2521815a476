import Foundation
import Gateway
import HTTPTypes
import Testing
@testable import Transports

#if canImport(Glibc)
import Glibc
private let streamSocket = Int32(SOCK_STREAM.rawValue)
private let noSignal = Int32(MSG_NOSIGNAL)
#else
import Darwin
private let streamSocket = SOCK_STREAM
private let noSignal: Int32 = 0
#endif

// MARK: - A gateway handler that describes what it received

/// Echoes the request as lines of text, so that a test can check what the transport built.
/// `/gate` waits for the test to open `gate`; `/sleep` takes 600 ms.
struct EchoHandler: GatewayHandler {
    var limits: GatewayLimits = GatewayLimits()
    var gate: Gate? = nil

    func handle(_ request: GatewayRequest) async -> GatewayResponse {
        if request.path == "/gate", let gate { await gate.pass() }
        if request.path == "/sleep" { try? await Task.sleep(for: .milliseconds(600)) }
        var lines = [
            "method=\(request.head.method.rawValue)",
            "path=\(request.path)",
            "query=\(request.query)",
            "scheme=\(request.head.scheme ?? "-")",
            "authority=\(request.head.authority ?? "-")",
        ]
        for field in request.head.headerFields {
            lines.append("header \(field.name.rawName): \(field.value)")
        }
        lines.append("body-length=\(request.body.count)")
        lines.append("body=\(String(decoding: request.body.prefix(64), as: UTF8.self))")
        return GatewayResponse(status: .ok, contentType: "text/plain; charset=utf-8",
                               body: lines.joined(separator: "\n") + "\n")
    }

    func refuse(_ reason: TransportRefusal) -> GatewayResponse {
        switch reason {
        case .bodyTooLarge: GatewayResponse(status: .contentTooLarge, body: "refused: body too large")
        case .malformed: GatewayResponse(status: .badRequest, body: "refused: malformed")
        }
    }
}

/// Holds handlers at `/gate` until the test opens it; counts those that arrived.
actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private(set) var arrived = 0
    private(set) var passed = 0

    func pass() async {
        arrived += 1
        if !isOpen { await withCheckedContinuation { waiting.append($0) } }
        passed += 1
    }

    func open() {
        isOpen = true
        for continuation in waiting { continuation.resume() }
        waiting = []
    }

    func waitForArrival(count: Int = 1) async throws {
        let start = ContinuousClock.now
        while arrived < count {
            guard ContinuousClock.now - start < .seconds(5) else { throw TestFailure("no handler reached the gate") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The echo's lines as a dictionary (`header X: v` lines keep their prefix).
func echoFields(_ body: String) -> [String: String] {
    var fields: [String: String] = [:]
    for line in body.split(separator: "\n") {
        if line.hasPrefix("header ") {
            let rest = line.dropFirst("header ".count)
            guard let colon = rest.firstIndex(of: ":") else { continue }
            fields["header " + rest[..<colon]] = String(rest[rest.index(colon, offsetBy: 2)...])
        } else if let equals = line.firstIndex(of: "=") {
            fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
    }
    return fields
}

// MARK: - A running FastCGI server

/// Runs a server on 127.0.0.1 (port chosen by the system) for the time of `body`, then stops it.
func withFastCGIServer<T: Sendable>(
    handler: any GatewayHandler = EchoHandler(), limits: GatewayLimits? = nil,
    idleTimeout: Duration = .seconds(5), requestTimeout: Duration = .seconds(30), maximumConnections: Int = 1024,
    _ body: @Sendable (Int) async throws -> T
) async throws -> T {
    let server = FastCGIServer(handler: handler, limits: limits, idleTimeout: idleTimeout, requestTimeout: requestTimeout,
                               maximumConnections: maximumConnections, shutdownGracePeriod: .seconds(1))
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let task = Task {
        defer { continuation.finish() }
        try await server.run(host: "127.0.0.1", port: 0) { continuation.yield($0) }
    }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else {
        try await task.value
        throw TestFailure("the server stopped before it was ready")
    }
    do {
        let result = try await body(port)
        task.cancel()
        try await task.value
        return result
    } catch {
        task.cancel()
        _ = try? await task.value
        throw error
    }
}

/// Runs blocking socket code on its own thread, off Swift's cooperative pool (which the
/// handlers under test need).
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}

// MARK: - FastCGI records, built and parsed independently of the implementation

struct TestRecord: Equatable, CustomStringConvertible {
    var type: UInt8
    var id: UInt16
    var content: [UInt8]

    var description: String { "record(type \(type), id \(id), \(content.count) bytes)" }
}

enum FCGI {
    static let beginRequest: UInt8 = 1, abortRequest: UInt8 = 2, endRequest: UInt8 = 3, params: UInt8 = 4
    static let stdin: UInt8 = 5, stdout: UInt8 = 6, getValues: UInt8 = 9, getValuesResult: UInt8 = 10
    static let unknownType: UInt8 = 11

    static func record(_ type: UInt8, id: UInt16, _ content: [UInt8] = [], padding: UInt8 = 0,
                       version: UInt8 = 1) -> [UInt8] {
        precondition(content.count <= 65535)
        return [version, type, UInt8(id >> 8), UInt8(id & 0xFF), UInt8(content.count >> 8), UInt8(content.count & 0xFF),
                padding, 0] + content + [UInt8](repeating: 0, count: Int(padding))
    }

    static func begin(id: UInt16, role: UInt16 = 1, keepConnection: Bool = false) -> [UInt8] {
        record(beginRequest, id: id, [UInt8(role >> 8), UInt8(role & 0xFF), keepConnection ? 1 : 0, 0, 0, 0, 0, 0])
    }

    static func pairs(_ pairs: [(String, String)]) -> [UInt8] {
        func length(_ count: Int) -> [UInt8] {
            count < 128 ? [UInt8(count)]
                : [UInt8((count >> 24) & 0x7F) | 0x80, UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)]
        }
        var bytes: [UInt8] = []
        for (name, value) in pairs {
            bytes += length(name.utf8.count) + length(value.utf8.count) + Array(name.utf8) + Array(value.utf8)
        }
        return bytes
    }

    /// A stream (PARAMS, STDIN) cut into records of at most `chunk` bytes, then its empty record.
    static func stream(_ type: UInt8, id: UInt16, _ bytes: [UInt8], chunk: Int = 65535, padding: UInt8 = 0) -> [UInt8] {
        var out: [UInt8] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            out += record(type, id: id, Array(bytes[start..<end]), padding: padding)
            start = end
        }
        return out + record(type, id: id)
    }

    static func request(id: UInt16 = 1, keepConnection: Bool = false, method: String = "GET", uri: String = "/",
                        extra: [(String, String)] = [], body: [UInt8] = [], declareLength: Bool = true,
                        paramsChunk: Int = 65535) -> [UInt8] {
        var environment: [(String, String)] = [
            ("REQUEST_METHOD", method), ("REQUEST_URI", uri), ("SERVER_NAME", "mairie.example"),
            ("SERVER_PORT", "80"), ("SERVER_PROTOCOL", "HTTP/1.1"), ("GATEWAY_INTERFACE", "CGI/1.1"),
        ]
        if let question = uri.firstIndex(of: "?") {
            environment.append(("QUERY_STRING", String(uri[uri.index(after: question)...])))
        }
        if declareLength { environment.append(("CONTENT_LENGTH", body.isEmpty ? "" : String(body.count))) }
        environment += extra
        return begin(id: id, keepConnection: keepConnection)
            + stream(params, id: id, pairs(environment), chunk: paramsChunk)
            + stream(stdin, id: id, body)
    }

    /// Complete records at the front of `buffer`, removed from it.
    static func parse(_ buffer: inout [UInt8]) -> [TestRecord] {
        var records: [TestRecord] = []
        var offset = 0
        while buffer.count - offset >= 8 {
            let length = Int(buffer[offset + 4]) << 8 | Int(buffer[offset + 5])
            let padding = Int(buffer[offset + 6])
            guard buffer.count - offset >= 8 + length + padding else { break }
            records.append(TestRecord(type: buffer[offset + 1], id: UInt16(buffer[offset + 2]) << 8 | UInt16(buffer[offset + 3]),
                                      content: Array(buffer[(offset + 8)..<(offset + 8 + length)])))
            offset += 8 + length + padding
        }
        buffer.removeFirst(offset)
        return records
    }
}

/// What a responder sent back for one request id.
struct FCGIResponse {
    var stdout: [UInt8] = []
    var stdoutEnded = false
    var appStatus: UInt32?
    var protocolStatus: UInt8?

    init(records: [TestRecord], id: UInt16) {
        for record in records where record.id == id {
            switch record.type {
            case FCGI.stdout:
                if record.content.isEmpty { stdoutEnded = true } else { stdout += record.content }
            case FCGI.endRequest where record.content.count == 8:
                appStatus = record.content[0..<4].reduce(0) { $0 << 8 | UInt32($1) }
                protocolStatus = record.content[4]
            default: break
            }
        }
    }

    var text: String { String(decoding: stdout, as: UTF8.self) }
    /// The CGI status code, from `Status: NNN`.
    var status: Int? {
        guard text.hasPrefix("Status: ") else { return nil }
        return Int(text.dropFirst(8).prefix(3))
    }
    var body: String {
        guard let range = text.range(of: "\r\n\r\n") else { return "" }
        return String(text[range.upperBound...])
    }
}

// MARK: - A blocking client socket

/// A plain socket, so that tests control exactly which bytes go out and when.
/// Used from one thread at a time (see `onThread`).
final class RawConnection: @unchecked Sendable {
    let descriptor: Int32
    private var pending: [UInt8] = []
    private(set) var records: [TestRecord] = []
    private(set) var peerClosed = false

    init(port: Int) throws {
        descriptor = socket(AF_INET, streamSocket, 0)
        guard descriptor >= 0 else { throw TestFailure("socket: \(errno)") }
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(descriptor)
            throw TestFailure("connect to port \(port): errno \(errno)")
        }
    }

    init(unixPath: String) throws {
        descriptor = socket(AF_UNIX, streamSocket, 0)
        guard descriptor >= 0 else { throw TestFailure("socket: \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(unixPath.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.enumerated() where index < raw.count - 1 { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            close(descriptor)
            throw TestFailure("connect to \(unixPath): errno \(errno)")
        }
    }

    deinit { close(descriptor) }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let result = bytes.withUnsafeBytes { sendWithoutSignal(descriptor, $0.baseAddress! + sent, bytes.count - sent) }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { throw TestFailure("send: errno \(errno)") }
            sent += result
        }
    }

    /// One byte per write, with a pause, so that the server reads them in as many pieces.
    func sendByteByByte(_ bytes: [UInt8], pauseMicroseconds: UInt32 = 200) throws {
        for byte in bytes {
            try send([byte])
            usleep(pauseMicroseconds)
        }
    }

    /// Reads until `done` holds for the records so far, the peer closes, or `timeout` passes.
    @discardableResult
    func readRecords(timeout: Double = 5, until done: ([TestRecord]) -> Bool) throws -> [TestRecord] {
        let deadline = Date().addingTimeInterval(timeout)
        while !done(records) && !peerClosed {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw TestFailure("timed out; received \(records)") }
            try receive(waitingAtMost: left)
        }
        return records
    }

    /// The records of request `id` up to its END_REQUEST.
    func response(id: UInt16, timeout: Double = 5) throws -> FCGIResponse {
        let records = try readRecords(timeout: timeout) { $0.contains { $0.id == id && $0.type == FCGI.endRequest } }
        return FCGIResponse(records: records, id: id)
    }

    /// True when the peer closed the connection within `timeout`.
    func waitForClose(timeout: Double) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !peerClosed {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return false }
            try receive(waitingAtMost: left)
        }
        return true
    }

    func forgetRecords() { records = [] }

    private func receive(waitingAtMost seconds: Double) throws {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(max(1, min(seconds * 1000, 60_000))))
        if ready < 0 && errno == EINTR { return }
        guard ready > 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress!, $0.count, 0) }
        if count > 0 {
            pending += chunk[0..<count]
            records += FCGI.parse(&pending)
        } else if count == 0 || errno == ECONNRESET {
            peerClosed = true
        } else if errno != EINTR && errno != EAGAIN {
            throw TestFailure("recv: errno \(errno)")
        }
    }
}

private func sendWithoutSignal(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    send(descriptor, pointer, count, noSignal)
}
