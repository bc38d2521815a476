import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh folder under the system's temporary folder, removed when released.
final class ScratchFolder: @unchecked Sendable {
    let path: String

    init(_ label: String = "notifications") throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("guichet-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }
}

/// One message as `smtp_server.py` recorded it.
struct ReceivedMail: Decodable, Sendable {
    let mailFrom: String
    let mailOptions: [String]
    let rcptTos: [String]
    let data: [UInt8]
    let tls: Bool
    let authUser: String?
    let authMechanism: String?
    let connection: Int?

    enum CodingKeys: String, CodingKey {
        case mailFrom = "mail_from", mailOptions = "mail_options", rcptTos = "rcpt_tos", data, tls
        case authUser = "auth_user", authMechanism = "auth_mechanism", connection
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        mailFrom = try container.decode(String.self, forKey: .mailFrom)
        mailOptions = try container.decode([String].self, forKey: .mailOptions)
        rcptTos = try container.decode([String].self, forKey: .rcptTos)
        let encoded = try container.decode(String.self, forKey: .data)
        guard let bytes = Data(base64Encoded: encoded) else {
            throw DecodingError.dataCorruptedError(forKey: .data, in: container, debugDescription: "not base64")
        }
        data = Array(bytes)
        tls = try container.decode(Bool.self, forKey: .tls)
        authUser = try container.decodeIfPresent(String.self, forKey: .authUser)
        authMechanism = try container.decodeIfPresent(String.self, forKey: .authMechanism)
        connection = try container.decodeIfPresent(Int.self, forKey: .connection)
    }
}

struct TestSupportError: Error, CustomStringConvertible {
    let description: String
}

/// `Support/smtp_server.py` (aiosmtpd) run as a subprocess on 127.0.0.1, on a port the OS
/// chose. Call `stop()` in a `defer`; releasing the object stops it too.
final class SMTPTestServer: @unchecked Sendable {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("smtp_server.py").path

    let port: Int
    let outDirectory: String
    private let process: Process
    private let stderrPath: String
    private let lock = NSLock()
    private var stopped = false

    /// - Parameter options: the script's options besides `--port` and `--out`, e.g. `["--refuse-first", "1"]`.
    init(_ options: [String] = [], in folder: ScratchFolder, startTimeout: TimeInterval = 60) throws {
        let serverFolder = folder.file("smtp-\(UUID().uuidString.prefix(8))")
        outDirectory = (serverFolder as NSString).appendingPathComponent("received")
        try FileManager.default.createDirectory(atPath: outDirectory, withIntermediateDirectories: true)
        stderrPath = (serverFolder as NSString).appendingPathComponent("stderr.log")
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)

        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", Self.script, "--port", "0", "--out", outDirectory] + options
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        process.standardInput = FileHandle.nullDevice
        try process.run()

        // The first line is "PORT n"; read it on another thread so a server that never
        // prints cannot block the test.
        let firstLine = LockedValue<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        let reader = output.fileHandleForReading
        DispatchQueue.global().async {
            var bytes: [UInt8] = []
            while !bytes.contains(0x0A) {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                bytes += chunk
            }
            firstLine.set(String(decoding: bytes.prefix(while: { $0 != 0x0A }), as: UTF8.self))
            done.signal()
        }
        let started = done.wait(timeout: .now() + startTimeout) == .success
        let line = firstLine.get() ?? ""
        guard started, line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)), port > 0 else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let log = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            throw TestSupportError(description: "smtp_server.py did not start (first line: \(line.debugDescription)); stderr:\n\(log)")
        }
        self.port = port
    }

    deinit { stop() }

    var url: String { "smtp://127.0.0.1:\(port)" }

    /// SIGTERM, then SIGKILL if it is still there after 5 s; waits for the process to end.
    func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        guard !wasStopped, process.isRunning else { return }
        let pid = process.processIdentifier
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    /// The accepted messages, in the order the server accepted them.
    func received() throws -> [ReceivedMail] {
        let names = try FileManager.default.contentsOfDirectory(atPath: outDirectory)
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
            .sorted { Int($0.dropLast(5)) ?? 0 < Int($1.dropLast(5)) ?? 0 }
        return try names.map { name in
            let data = try Data(contentsOf: URL(fileURLWithPath: (outDirectory as NSString).appendingPathComponent(name)))
            return try JSONDecoder().decode(ReceivedMail.self, from: data)
        }
    }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
}

final class LockedValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func get() -> Value {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func set(_ newValue: Value) {
        lock.lock()
        value = newValue
        lock.unlock()
    }

    func update(_ change: (inout Value) -> Void) {
        lock.lock()
        change(&value)
        lock.unlock()
    }
}

enum TestProcesses {
    /// Runs a program to its end and returns its exit status; its output is discarded.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A self-signed certificate for localhost and 127.0.0.1, valid two days: (certificate, key).
    static func selfSignedCertificate(in folder: ScratchFolder, name: String = "relais") throws -> (cert: String, key: String) {
        let cert = folder.file("\(name).crt"), key = folder.file("\(name).key")
        let status = try run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "2", "-keyout", key, "-out", cert,
        ])
        guard status == 0 else { throw TestSupportError(description: "openssl req failed with status \(status)") }
        return (cert, key)
    }

    /// A TCP port on 127.0.0.1 with nothing listening: bound by the OS, then released.
    static func closedPort() throws -> Int {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw TestSupportError(description: "socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw TestSupportError(description: "bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw TestSupportError(description: "getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
