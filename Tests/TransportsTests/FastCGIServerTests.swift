import Foundation
import Gateway
import Testing
@testable import Transports

/// A real `FastCGIServer` on a real socket, driven by hand-built records.
@Suite("FastCGI server")
struct FastCGIServerTests {
    @Test("A POST: parameters and body reach the handler; STDOUT, empty STDOUT, END_REQUEST; then close")
    func normalRequest() async throws {
        try await withFastCGIServer { port in
            let (response, closed, records) = try await onThread {
                let connection = try RawConnection(port: port)
                try connection.send(FCGI.request(id: 1, method: "POST", uri: "/guichet/envoi?formulaire=contact",
                                                 extra: [("CONTENT_TYPE", "text/plain"), ("HTTP_X_TEST", "oui"),
                                                         ("HTTP_HOST", "mairie.example"), ("HTTPS", "on")],
                                                 body: Array("bonjour".utf8)))
                let response = try connection.response(id: 1)
                return (response, try connection.waitForClose(timeout: 2), connection.records)
            }
            #expect(response.protocolStatus == 0 && response.appStatus == 0)
            #expect(response.stdoutEnded)
            #expect(response.status == 200)
            #expect(response.text.hasPrefix("Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"))
            let fields = echoFields(response.body)
            #expect(fields["method"] == "POST")
            #expect(fields["path"] == "/guichet/envoi")
            #expect(fields["query"] == "formulaire=contact")
            #expect(fields["scheme"] == "https")
            #expect(fields["authority"] == "mairie.example")
            #expect(fields["header X-Test"] == "oui")
            #expect(fields["header Content-Length"] == "7")
            #expect(fields["body"] == "bonjour")
            #expect(records.last?.type == FCGI.endRequest, "END_REQUEST comes last")
            #expect(closed, "no FCGI_KEEP_CONN: the server closes")
        }
    }

    @Test("A request sent one byte at a time, with padded records and pairs split across PARAMS records")
    func byteByByte() async throws {
        try await withFastCGIServer { port in
            let response = try await onThread {
                let connection = try RawConnection(port: port)
                var bytes = FCGI.begin(id: 9)
                bytes += FCGI.stream(FCGI.params, id: 9, FCGI.pairs([
                    ("REQUEST_METHOD", "PUT"), ("REQUEST_URI", "/lent?" + String(repeating: "q", count: 200)),
                    ("CONTENT_LENGTH", "11"),
                ]), chunk: 3, padding: 5)
                bytes += FCGI.stream(FCGI.stdin, id: 9, Array("hello world".utf8), chunk: 4, padding: 3)
                try connection.sendByteByByte(bytes)
                return try connection.response(id: 9)
            }
            let fields = echoFields(response.body)
            #expect(response.status == 200)
            #expect(fields["method"] == "PUT")
            #expect(fields["query"] == String(repeating: "q", count: 200))
            #expect(fields["body"] == "hello world")
        }
    }

    @Test("FCGI_KEEP_CONN: two requests on one connection, the same id reused, and the connection stays open")
    func keepAlive() async throws {
        try await withFastCGIServer { port in
            let (first, second, closed) = try await onThread {
                let connection = try RawConnection(port: port)
                try connection.send(FCGI.request(id: 1, keepConnection: true, uri: "/un"))
                let first = try connection.response(id: 1)
                connection.forgetRecords()
                try connection.send(FCGI.request(id: 1, keepConnection: true, method: "POST", uri: "/deux",
                                                 body: Array("xyz".utf8)))
                let second = try connection.response(id: 1)
                return (first, second, try connection.waitForClose(timeout: 0.3))
            }
            #expect(echoFields(first.body)["path"] == "/un")
            #expect(echoFields(second.body)["path"] == "/deux")
            #expect(echoFields(second.body)["body"] == "xyz")
            #expect(!closed)
        }
    }

    @Test("FCGI_GET_VALUES: MPXS_CONNS is 0, MAX_CONNS and MAX_REQS given, unknown names left out")
    func getValues() async throws {
        try await withFastCGIServer(maximumConnections: 77) { port in
            let records = try await onThread {
                let connection = try RawConnection(port: port)
                try connection.send(FCGI.record(FCGI.getValues, id: 0, FCGI.pairs([
                    ("FCGI_MAX_CONNS", ""), ("FCGI_MAX_REQS", ""), ("FCGI_MPXS_CONNS", ""), ("FCGI_NOT_A_NAME", ""),
                ])))
                return try connection.readRecords { !$0.isEmpty }
            }
            #expect(records.count == 1)
            #expect(records[0].type == FCGI.getValuesResult && records[0].id == 0)
            #expect(records[0].content == FCGI.pairs([("FCGI_MAX_CONNS", "77"), ("FCGI_MAX_REQS", "77"), ("FCGI_MPXS_CONNS", "0")]))
        }
    }

    @Test("An unknown management record gets FCGI_UNKNOWN_TYPE, and the connection goes on")
    func unknownManagementType() async throws {
        try await withFastCGIServer { port in
            let (records, response) = try await onThread {
                let connection = try RawConnection(port: port)
                try connection.send(FCGI.record(42, id: 0, [1, 2, 3]))
                let records = try connection.readRecords { !$0.isEmpty }
                try connection.send(FCGI.request(id: 1, uri: "/apres"))
                return (records, try connection.response(id: 1))
            }
            #expect(records == [TestRecord(type: FCGI.unknownType, id: 0, content: [42, 0, 0, 0, 0, 0, 0, 0])])
            #expect(echoFields(response.body)["path"] == "/apres")
        }
    }

    @Test("A role other than RESPONDER gets FCGI_UNKNOWN_ROLE; with KEEP_CONN the next request is served")
    func unknownRole() async throws {
        try await withFastCGIServer { port in
            let (refused, response) = try await onThread {
                let connection = try RawConnection(port: port)
                try connection.send(FCGI.begin(id: 1, role: 2, keepConnection: true))  // AUTHORIZER
                let refused = try connection.response(id: 1)
                try connection.send(FCGI.stream(FCGI.params, id: 1, FCGI.pairs([("REQUEST_METHOD", "GET")])))
                connection.forgetRecords()
                try connection.send(FCGI.request(id: 2, uri: "/ensuite"))
                return (refused, try connection.response(id: 2))
            }
            #expect(refused.protocolStatus == 3 && refused.stdout.isEmpty)
            #expect(echoFields(response.body)["path"] == "/ensuite")
        }
    }

    @Test("A second BEGIN_REQUEST on a busy connection gets FCGI_CANT_MPX_CONN; the first is answered")
    func cannotMultiplex() async throws {
        try await withFastCGIServer { port in
            let records = try await onThread {
                let connection = try RawConnection(port: port)
                try connection.send(FCGI.begin(id: 1))
                try connection.send(FCGI.begin(id: 2, keepConnection: true))
                try connection.send(FCGI.stream(FCGI.params, id: 1, FCGI.pairs([("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/premier")])))
                try connection.send(FCGI.stream(FCGI.stdin, id: 1, []))
                return try connection.readRecords { $0.contains { $0.id == 1 && $0.type == FCGI.endRequest } }
            }
            let refused = FCGIResponse(records: records, id: 2)
            #expect(refused.protocolStatus == 1 && refused.stdout.isEmpty)
            #expect(echoFields(FCGIResponse(records: records, id: 1).body)["path"] == "/premier")
        }
    }

    @Test("FCGI_ABORT_REQUEST while the body arrives: END_REQUEST, no STDOUT, connection closed")
    func abortWhileReading() async throws {
        try await withFastCGIServer { port in
            let (records, closed) = try await onThread {
                let connection = try RawConnection(port: port)
                try connection.send(FCGI.begin(id: 4) + FCGI.stream(FCGI.params, id: 4, FCGI.pairs([("REQUEST_METHOD", "POST")])))
                try connection.send(FCGI.record(FCGI.stdin, id: 4, Array("partial".utf8)))
                try connection.send(FCGI.record(FCGI.abortRequest, id: 4))
                let records = try connection.readRecords { $0.contains { $0.type == FCGI.endRequest } }
                return (records, try connection.waitForClose(timeout: 2))
            }
            #expect(records.count == 1)
            let response = FCGIResponse(records: records, id: 4)
            #expect(response.appStatus == FastCGIConnectionHandler.abortedAppStatus && response.protocolStatus == 0)
            #expect(closed)
        }
    }

    @Test("FCGI_ABORT_REQUEST while the handler works: its late answer is never written; the next request is")
    func abortWhileHandling() async throws {
        let gate = Gate()
        try await withFastCGIServer(handler: EchoHandler(gate: gate)) { port in
            let connection = try await onThread {
                let connection = try RawConnection(port: port)
                try connection.send(FCGI.request(id: 1, keepConnection: true, uri: "/gate"))
                return connection
            }
            try await gate.waitForArrival()
            let aborted = try await onThread {
                try connection.send(FCGI.record(FCGI.abortRequest, id: 1))
                return try connection.response(id: 1)
            }
            await gate.open()
            while await gate.passed < 1 { try await Task.sleep(for: .milliseconds(5)) }
            try await Task.sleep(for: .milliseconds(50))  // time for the late answer to hop back
            let records = try await onThread {
                try connection.send(FCGI.request(id: 2, keepConnection: true, uri: "/suivante"))
                return try connection.readRecords { $0.contains { $0.id == 2 && $0.type == FCGI.endRequest } }
            }
            #expect(aborted.appStatus == FastCGIConnectionHandler.abortedAppStatus && aborted.stdout.isEmpty)
            #expect(records.filter { $0.id == 1 }.count == 1, "only the END_REQUEST of the aborted request: \(records)")
            #expect(echoFields(FCGIResponse(records: records, id: 2).body)["path"] == "/suivante")
        }
    }

    @Test("A record of another version closes that connection without an answer; the server serves the next one")
    func wrongVersion() async throws {
        try await withFastCGIServer { port in
            let (closed, records, response) = try await onThread {
                let bad = try RawConnection(port: port)
                try bad.send(FCGI.record(FCGI.beginRequest, id: 1, [0, 1, 0, 0, 0, 0, 0, 0], version: 2))
                let closed = try bad.waitForClose(timeout: 2)
                let good = try RawConnection(port: port)
                try good.send(FCGI.request(id: 1, uri: "/bien"))
                return (closed, bad.records, try good.response(id: 1))
            }
            #expect(closed && records.isEmpty)
            #expect(echoFields(response.body)["path"] == "/bien")
        }
    }

    @Test("Parameters over the limit: refused, the rest dropped, the connection still usable")
    func parametersTooLarge() async throws {
        let limits = GatewayLimits(maximumBodySize: 10_000, maximumParametersSize: 1024)
        try await withFastCGIServer(handler: EchoHandler(limits: limits)) { port in
            let (refused, next) = try await onThread {
                let connection = try RawConnection(port: port)
                try connection.send(FCGI.request(id: 1, keepConnection: true,
                                                 extra: [("HTTP_X_BIG", String(repeating: "b", count: 2000))],
                                                 body: Array("corps".utf8), paramsChunk: 500))
                let refused = try connection.response(id: 1)
                connection.forgetRecords()
                try connection.send(FCGI.request(id: 1, keepConnection: true, uri: "/normale"))
                return (refused, try connection.response(id: 1))
            }
            #expect(refused.status == 400 && refused.body == "refused: malformed")
            #expect(refused.protocolStatus == 0)
            #expect(echoFields(next.body)["path"] == "/normale")
        }
    }

    @Test("A body over the limit: the handler's refusal, whether CONTENT_LENGTH says so or not")
    func bodyTooLarge() async throws {
        let limits = GatewayLimits(maximumBodySize: 1000)
        try await withFastCGIServer(handler: EchoHandler(limits: limits)) { port in
            let (undeclared, declared, next) = try await onThread {
                let connection = try RawConnection(port: port)
                let big = [UInt8](repeating: 0x61, count: 5000)
                try connection.send(FCGI.request(id: 1, keepConnection: true, method: "POST", body: big,
                                                 declareLength: false, paramsChunk: 16))
                let undeclared = try connection.response(id: 1)
                connection.forgetRecords()
                try connection.send(FCGI.request(id: 2, keepConnection: true, method: "POST", body: big))
                let declared = try connection.response(id: 2)
                connection.forgetRecords()
                try connection.send(FCGI.request(id: 3, keepConnection: true, method: "POST",
                                                 body: [UInt8](repeating: 0x62, count: 1000)))
                return (undeclared, declared, try connection.response(id: 3))
            }
            for refused in [undeclared, declared] {
                #expect(refused.status == 413 && refused.body == "refused: body too large")
                #expect(refused.stdoutEnded && refused.protocolStatus == 0)
            }
            #expect(echoFields(next.body)["body-length"] == "1000", "exactly the limit is accepted")
        }
    }

    @Test("A record cut in the middle, then silence: closed after the idle timeout")
    func idleTimeout() async throws {
        try await withFastCGIServer(idleTimeout: .milliseconds(300)) { port in
            let (closed, elapsed, records) = try await onThread {
                let connection = try RawConnection(port: port)
                let start = Date()
                try connection.send(Array(FCGI.begin(id: 1).prefix(5)))
                let closed = try connection.waitForClose(timeout: 5)
                return (closed, Date().timeIntervalSince(start), connection.records)
            }
            #expect(closed && records.isEmpty)
            #expect(elapsed >= 0.25 && elapsed < 4, "closed after \(elapsed) s")
        }
    }

    @Test("The idle timeout does not cut a handler that takes longer than it")
    func idleTimeoutSparesHandler() async throws {
        try await withFastCGIServer(idleTimeout: .milliseconds(200)) { port in
            let response = try await onThread {
                let connection = try RawConnection(port: port)
                try connection.send(FCGI.request(id: 1, uri: "/sleep"))
                return try connection.response(id: 1)
            }
            #expect(echoFields(response.body)["path"] == "/sleep")
        }
    }

    @Test("A client that drips its request never idles, but the request timeout closes it")
    func requestTimeout() async throws {
        try await withFastCGIServer(idleTimeout: .seconds(5), requestTimeout: .milliseconds(400)) { port in
            let (closed, elapsed) = try await onThread {
                let connection = try RawConnection(port: port)
                let start = Date()
                try connection.send(FCGI.begin(id: 1) + FCGI.stream(FCGI.params, id: 1, FCGI.pairs([("REQUEST_METHOD", "POST")])))
                var closed = false
                for _ in 0..<80 where !closed {
                    try? connection.send(FCGI.record(FCGI.stdin, id: 1, [0x61]))
                    closed = try connection.waitForClose(timeout: 0.05)
                }
                return (closed, Date().timeIntervalSince(start))
            }
            #expect(closed)
            #expect(elapsed >= 0.35 && elapsed < 3.5, "closed after \(elapsed) s")
        }
    }

    @Test("Over maximumConnections: FCGI_OVERLOADED, and served again once a connection closes")
    func overloaded() async throws {
        try await withFastCGIServer(maximumConnections: 1) { port in
            let (refused, served) = try await onThread {
                var first: RawConnection? = try RawConnection(port: port)
                try first?.send(FCGI.record(FCGI.getValues, id: 0, FCGI.pairs([("FCGI_MPXS_CONNS", "")])))
                _ = try first?.readRecords { !$0.isEmpty }  // the first connection is registered
                let second = try RawConnection(port: port)
                try second.send(FCGI.request(id: 1))
                let refused = try second.response(id: 1)
                first = nil
                Thread.sleep(forTimeInterval: 0.1)
                let third = try RawConnection(port: port)
                try third.send(FCGI.request(id: 1, uri: "/servie"))
                return (refused, try third.response(id: 1))
            }
            #expect(refused.protocolStatus == 2 && refused.stdout.isEmpty)
            #expect(echoFields(served.body)["path"] == "/servie")
        }
    }

    @Test("1,000 requests on parallel connections, each answered with its own")
    func thousandRequests() async throws {
        try await withFastCGIServer { port in
            let failures = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<50 {
                    group.addTask {
                        try await onThread {
                            var failures: [String] = []
                            for index in 0..<20 {
                                let number = worker * 20 + index
                                let connection = try RawConnection(port: port)
                                try connection.send(FCGI.request(id: UInt16(number % 65535 + 1), method: "POST",
                                                                 uri: "/n/\(number)?i=\(number)",
                                                                 body: Array("corps \(number)".utf8)))
                                let response = try connection.response(id: UInt16(number % 65535 + 1))
                                let fields = echoFields(response.body)
                                if fields["path"] != "/n/\(number)" || fields["body"] != "corps \(number)" || response.status != 200 {
                                    failures.append("\(number): \(response.text)")
                                }
                            }
                            return failures
                        }
                    }
                }
                var all: [String] = []
                for try await failures in group { all += failures }
                return all
            }
            #expect(failures.isEmpty, "\(failures.prefix(3))")
        }
    }

    @Test("A large response is cut into STDOUT records of at most 65,535 bytes")
    func largeResponse() async throws {
        struct LargeHandler: GatewayHandler {
            var limits = GatewayLimits()
            func handle(_ request: GatewayRequest) async -> GatewayResponse {
                GatewayResponse(status: .ok, body: String(repeating: "0123456789", count: 20_000))
            }
            func refuse(_ reason: TransportRefusal) -> GatewayResponse { GatewayResponse(status: .badRequest, body: "") }
        }
        try await withFastCGIServer(handler: LargeHandler()) { port in
            let records = try await onThread {
                let connection = try RawConnection(port: port)
                try connection.send(FCGI.request(id: 1))
                return try connection.readRecords { $0.contains { $0.type == FCGI.endRequest } }
            }
            let stdout = records.filter { $0.type == FCGI.stdout }
            #expect(stdout.count >= 5 && stdout.allSatisfy { $0.content.count <= 65_535 })
            #expect(FCGIResponse(records: records, id: 1).body.count == 200_000)
        }
    }

    @Test("On a Unix socket: mode 0660, a stale socket file replaced, a live one or a regular file left alone")
    func unixSocket() async throws {
        let folder = "/tmp/gx-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/fcgi.sock"

        // A stale socket file: bound, then its process gone (the descriptor closed, the file left).
        try makeStaleSocket(at: path)
        let server = FastCGIServer(handler: EchoHandler(), shutdownGracePeriod: .seconds(1))
        let (ready, continuation) = AsyncStream.makeStream(of: Void.self)
        let task = Task {
            defer { continuation.finish() }
            try await server.run(socketPath: path) { continuation.yield() }
        }
        var iterator = ready.makeAsyncIterator()
        _ = await iterator.next()

        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o660)
        let response = try await onThread {
            let connection = try RawConnection(unixPath: path)
            try connection.send(FCGI.request(id: 1, uri: "/unix"))
            return try connection.response(id: 1)
        }
        #expect(echoFields(response.body)["path"] == "/unix")

        await #expect(throws: FastCGIServerError.socketInUse(path)) {
            try await FastCGIServer(handler: EchoHandler()).run(socketPath: path)
        }
        task.cancel()
        try await task.value
        #expect(!FileManager.default.fileExists(atPath: path), "the socket file is removed on stop")

        let regular = folder + "/not-a-socket"
        #expect(FileManager.default.createFile(atPath: regular, contents: Data("keep".utf8)))
        await #expect(throws: FastCGIServerError.notASocket(regular)) {
            try await FastCGIServer(handler: EchoHandler()).run(socketPath: regular)
        }
        #expect(FileManager.default.contents(atPath: regular) == Data("keep".utf8))
    }
}

/// Leaves a socket file nobody listens on, as a crashed server would.
private func makeStaleSocket(at path: String) throws {
    #if canImport(Glibc)
    let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let descriptor = socket(AF_UNIX, SOCK_STREAM, 0)
    #endif
    guard descriptor >= 0 else { throw TestFailure("socket") }
    defer { close(descriptor) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (index, byte) in bytes.enumerated() where index < raw.count - 1 { raw[index] = byte }
    }
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard result == 0 else { throw TestFailure("bind \(path): errno \(errno)") }
}
