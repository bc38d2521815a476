import NIOCore
import Testing
@testable import Transports

@Suite("FastCGI records and name-value pairs")
struct FastCGIRecordTests {
    @Test("Name-value pairs: 1- and 4-byte lengths, as a client encodes them")
    func pairsDecode() throws {
        let long = String(repeating: "v", count: 300)
        let pairs = try FastCGINameValuePairs.decode(ByteBuffer(bytes: FCGI.pairs([
            ("REQUEST_METHOD", "GET"), ("EMPTY", ""), ("LONG", long), (String(repeating: "N", count: 128), "x"),
        ])))
        #expect(pairs.map(\.name) == ["REQUEST_METHOD", "EMPTY", "LONG", String(repeating: "N", count: 128)])
        #expect(pairs.map(\.value) == ["GET", "", long, "x"])
    }

    @Test("Name-value pairs round-trip through the encoder")
    func pairsRoundTrip() throws {
        var buffer = ByteBuffer()
        let pairs = [("FCGI_MPXS_CONNS", "0"), ("A", String(repeating: "é", count: 100))]
        FastCGINameValuePairs.encode(pairs, into: &buffer)
        #expect(Array(buffer.readableBytesView) == FCGI.pairs(pairs))
        let decoded = try FastCGINameValuePairs.decode(buffer)
        #expect(decoded.map(\.name) == pairs.map(\.0) && decoded.map(\.value) == pairs.map(\.1))
    }

    @Test("Lengths are checked against what is there", arguments: [
        [0x05] as [UInt8],                      // a name length, no value length
        [0x05, 0x01, 0x41],                     // lengths longer than the data
        [0x80, 0x00],                           // a cut 4-byte length
        [0xFF, 0xFF, 0xFF, 0xFF, 0x00],         // 2^31-1 bytes announced
        [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x41],   // idem for the value
        [0x00, 0x80, 0x00, 0x00, 0x02, 0x41],
    ])
    func pairsTruncated(bytes: [UInt8]) {
        #expect(throws: FastCGIProtocolError.truncatedNameValuePair) {
            try FastCGINameValuePairs.decode(ByteBuffer(bytes: bytes))
        }
    }

    @Test("A stream is cut in records of at most 65,535 bytes, then ended by an empty one")
    func streamSplit() {
        let bytes = (0..<200_000).map { UInt8($0 % 251) }
        let records = FastCGIRecord.stream(.stdout, requestID: 7, bytes: bytes)
        #expect(records.count == 5)
        #expect(records.allSatisfy { $0.content.readableBytes <= 65_535 && $0.requestID == 7 && $0.type == .stdout })
        #expect(records.last?.content.readableBytes == 0)
        #expect(records.flatMap { Array($0.content.readableBytesView) } == bytes)
        #expect(FastCGIRecord.stream(.stdout, requestID: 1, bytes: []).count == 1)
    }

    @Test("END_REQUEST and UNKNOWN_TYPE bodies")
    func recordBodies() {
        let end = FastCGIRecord.endRequest(requestID: 3, appStatus: 0x0102_0304, protocolStatus: .unknownRole)
        #expect(Array(end.content.readableBytesView) == [1, 2, 3, 4, 3, 0, 0, 0])
        #expect(Array(FastCGIRecord.unknownType(FastCGIRecordType(rawValue: 42)).content.readableBytesView) == [42, 0, 0, 0, 0, 0, 0, 0])
    }
}
