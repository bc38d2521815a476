import Foundation
import Testing

/// Python 3's `email` package as an outside reader of the encoder's output: it parses each
/// message with `BytesParser(policy=email.policy.default)` and reports what a mail client
/// would see (decoded headers, addresses, bodies) and every defect it noticed.
enum PythonMailReader {
    struct Message: Decodable {
        /// Every header, in order, with its decoded value.
        let headers: [[String]]
        /// Defects of the message and of each header's parse.
        let defects: [String]
        let subject: String?
        let from: [Address]?
        let to: [Address]?
        let replyTo: [Address]?
        let messageID: String?
        /// Seconds since 1970, from the parsed `Date` header.
        let timestamp: Double?
        let contentType: String
        let parts: [Part]

        var headerNames: [String] { headers.map { $0[0] } }
        func header(_ name: String) -> String? {
            headers.first { $0[0].lowercased() == name.lowercased() }?[1]
        }
    }

    struct Address: Decodable, Equatable, CustomStringConvertible {
        /// `display_name` from the modern parser (`email.headerregistry`).
        let name: String
        let address: String
        /// The display name as RFC 2047 §6.2 reads it: Python 3.11's modern parser turns
        /// the white space between two adjacent encoded words of a display name into a
        /// space (CPython issue gh-128110, fixed later) and shortens runs of spaces, so
        /// names that need several encoded words are also decoded with the legacy API
        /// (`getaddresses` then `decode_header`, which drops that white space).
        let rfc2047Name: String?
        /// How many encoded words the display name was written with.
        let encodedWords: Int
        var description: String { "\(name) <\(address)>" }

        init(name: String, address: String) {
            self.name = name
            self.address = address
            rfc2047Name = name
            encodedWords = 0
        }

        /// Equal for a test when both readings agree with the expected name and address.
        static func == (a: Address, b: Address) -> Bool {
            a.name == b.name && a.address == b.address && a.rfc2047Name == b.rfc2047Name
        }
    }

    struct Part: Decodable {
        let contentType: String
        let charset: String?
        let transferEncoding: String?
        let content: String
        let defects: [String]
    }

    /// Parses all `messages` in one Python process (starting Python costs ~50 ms).
    static func read(_ messages: [[UInt8]]) throws -> [Message] {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("guichet-mime-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("read.py")
        let input = folder.appendingPathComponent("messages.json")
        let output = folder.appendingPathComponent("parsed.json")
        let errors = folder.appendingPathComponent("stderr.txt")
        try Data(source.utf8).write(to: script)
        try JSONEncoder().encode(messages.map { Data($0).base64EncodedString() }).write(to: input)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, input.path, output.path]
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let detail = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw OracleFailure(detail: "python3 exited with \(process.terminationStatus): \(detail)")
        }
        return try JSONDecoder().decode([Message].self, from: Data(contentsOf: output))
    }

    static func read(_ message: [UInt8]) throws -> Message {
        try #require(try read([message]).first)
    }

    struct OracleFailure: Error, CustomStringConvertible {
        let detail: String
        var description: String { detail }
    }

    private static let source = #"""
import base64, json, re, sys
from email import policy
from email.header import decode_header, make_header
from email.parser import BytesParser
from email.utils import getaddresses

def rfc2047_names(raw, name):
    value = raw[name]
    if value is None:
        return None
    unfolded = re.sub(r"\r?\n(?=[ \t])", "", str(value))
    return [(str(make_header(decode_header(n))), n.count("=?")) for n, _ in getaddresses([unfolded])]

def addresses(msg, raw, name):
    header = msg[name]
    if header is None:
        return None
    legacy = rfc2047_names(raw, name)
    if len(legacy) != len(header.addresses):
        legacy = [(None, -1)] * len(header.addresses)
    return [{"name": a.display_name, "address": a.addr_spec, "rfc2047Name": n, "encodedWords": count}
            for a, (n, count) in zip(header.addresses, legacy)]

def read(raw):
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    legacy = BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True)
    defects = [repr(d) for d in msg.defects]
    headers = []
    for name, value in msg.items():
        defects += ["%s: %r" % (name, d) for d in value.defects]
        headers.append([name, str(value)])
    date = msg["Date"]
    parts = []
    for part in msg.iter_parts():
        parts.append({
            "contentType": part.get_content_type(),
            "charset": part.get_content_charset(),
            "transferEncoding": part.get("Content-Transfer-Encoding"),
            "content": part.get_content(),
            "defects": [repr(d) for d in part.defects]
                + ["%s: %r" % (n, d) for n, v in part.items() for d in v.defects],
        })
    return {
        "headers": headers,
        "defects": defects,
        "subject": None if msg["Subject"] is None else str(msg["Subject"]),
        "from": addresses(msg, legacy, "From"),
        "to": addresses(msg, legacy, "To"),
        "replyTo": addresses(msg, legacy, "Reply-To"),
        "messageID": None if msg["Message-ID"] is None else str(msg["Message-ID"]),
        "timestamp": None if date is None or date.datetime is None else date.datetime.timestamp(),
        "contentType": msg.get_content_type(),
        "parts": parts,
    }

with open(sys.argv[1]) as f:
    messages = json.load(f)
with open(sys.argv[2], "w") as f:
    json.dump([read(base64.b64decode(m)) for m in messages], f)
"""#
}

/// Raw-byte views of an encoded message, for the checks Python does not make.
enum MIMERawLines {
    /// The lines of a CRLF message, without their ends.
    static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 13 && bytes[index + 1] == 10 {
                lines.append(bytes[start..<index])
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        if start < bytes.count { lines.append(bytes[start...]) }
        return lines
    }

    /// Every CR is followed by LF and every LF preceded by CR.
    static func hasOnlyCRLF(_ bytes: [UInt8]) -> Bool {
        for (index, byte) in bytes.enumerated() {
            if byte == 13 && (index + 1 == bytes.count || bytes[index + 1] != 10) { return false }
            if byte == 10 && (index == 0 || bytes[index - 1] != 13) { return false }
        }
        return true
    }

    /// The header section as text, unfolded lines kept (up to the first empty line).
    static func headerLines(_ bytes: [UInt8]) -> [String] {
        var result: [String] = []
        for line in lines(bytes) {
            if line.isEmpty { break }
            result.append(String(decoding: line, as: UTF8.self))
        }
        return result
    }
}

/// SplitMix64: a small seeded generator, so the random test draws the same cases every run.
struct MIMESeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
