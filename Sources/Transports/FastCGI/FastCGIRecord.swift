import NIOCore

// FastCGI 1.0 (Open Market, 1996): https://fastcgi-archives.github.io/FastCGI_Specification.html
// Every record is an 8-byte header (version, type, request id, content length, padding length,
// reserved), then the content, then the padding. Request id 0 is for management records.

/// The type of a record (spec §8). A struct, not an enum: a peer may send any byte, and an
/// unknown management type must be echoed back in `FCGI_UNKNOWN_TYPE`.
struct FastCGIRecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    var rawValue: UInt8

    static let beginRequest = Self(rawValue: 1)
    static let abortRequest = Self(rawValue: 2)
    static let endRequest = Self(rawValue: 3)
    static let params = Self(rawValue: 4)
    static let stdin = Self(rawValue: 5)
    static let stdout = Self(rawValue: 6)
    static let stderr = Self(rawValue: 7)
    static let data = Self(rawValue: 8)
    static let getValues = Self(rawValue: 9)
    static let getValuesResult = Self(rawValue: 10)
    static let unknownType = Self(rawValue: 11)

    var description: String { "FastCGI record type \(rawValue)" }
}

/// `FCGI_END_REQUEST`'s protocolStatus.
enum FastCGIProtocolStatus: UInt8, Sendable {
    case requestComplete = 0
    case cantMultiplexConnection = 1
    case overloaded = 2
    case unknownRole = 3
}

enum FastCGIRole: UInt16 {
    case responder = 1
    case authorizer = 2
    case filter = 3
}

/// One record, version 1 (the only one), without its padding.
struct FastCGIRecord: Sendable, Equatable {
    static let version: UInt8 = 1
    static let headerLength = 8
    static let maximumContentLength = 65_535
    /// `FCGI_KEEP_CONN` in `FCGI_BEGIN_REQUEST`'s flags.
    static let keepConnectionFlag: UInt8 = 1

    var type: FastCGIRecordType
    var requestID: UInt16
    var content: ByteBuffer

    init(type: FastCGIRecordType, requestID: UInt16, content: ByteBuffer = ByteBuffer()) {
        self.type = type
        self.requestID = requestID
        self.content = content
    }

    /// `FCGI_END_REQUEST`: the application's exit status and how the request ended.
    static func endRequest(requestID: UInt16, appStatus: UInt32 = 0,
                           protocolStatus: FastCGIProtocolStatus = .requestComplete) -> FastCGIRecord {
        var body = ByteBuffer()
        body.writeInteger(appStatus)
        body.writeInteger(protocolStatus.rawValue)
        body.writeRepeatingByte(0, count: 3)
        return FastCGIRecord(type: .endRequest, requestID: requestID, content: body)
    }

    /// `FCGI_UNKNOWN_TYPE`, the answer to a management record of a type this server does not know.
    static func unknownType(_ type: FastCGIRecordType) -> FastCGIRecord {
        var body = ByteBuffer()
        body.writeInteger(type.rawValue)
        body.writeRepeatingByte(0, count: 7)
        return FastCGIRecord(type: .unknownType, requestID: 0, content: body)
    }

    /// A whole stream (`FCGI_STDOUT`…): as many records of at most 65,535 bytes as needed
    /// (65,528, a multiple of 8, so that none needs padding), then the empty record that ends it.
    static func stream(_ type: FastCGIRecordType, requestID: UInt16, bytes: [UInt8]) -> [FastCGIRecord] {
        let chunk = maximumContentLength - maximumContentLength % 8
        var records: [FastCGIRecord] = []
        records.reserveCapacity(bytes.count / chunk + 2)
        var start = 0
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            records.append(FastCGIRecord(type: type, requestID: requestID,
                                         content: ByteBuffer(bytes: bytes[start..<end])))
            start = end
        }
        records.append(FastCGIRecord(type: type, requestID: requestID))
        return records
    }
}

/// Why a connection is closed without an answer: the peer does not speak FastCGI 1.0.
enum FastCGIProtocolError: Error, Equatable {
    case unsupportedVersion(UInt8)
    case truncatedNameValuePair
    case malformedBeginRequest
    case contentTooLong(Int)
}

// MARK: - Decoder and encoder

/// Bytes → records. A version other than 1 throws as soon as the first byte is seen, which
/// closes that connection (and only it). Content length is a 16-bit field, so a record is at
/// most 8 + 65,535 + 255 bytes: that is all this decoder ever waits for.
struct FastCGIRecordDecoder: ByteToMessageDecoder {
    typealias InboundOut = FastCGIRecord

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let start = buffer.readerIndex
        guard let version = buffer.getInteger(at: start, as: UInt8.self) else { return .needMoreData }
        guard version == FastCGIRecord.version else { throw FastCGIProtocolError.unsupportedVersion(version) }
        guard buffer.readableBytes >= FastCGIRecord.headerLength,
              let type = buffer.getInteger(at: start + 1, as: UInt8.self),
              let requestID = buffer.getInteger(at: start + 2, as: UInt16.self),
              let contentLength = buffer.getInteger(at: start + 4, as: UInt16.self),
              let paddingLength = buffer.getInteger(at: start + 6, as: UInt8.self)
        else { return .needMoreData }
        let total = FastCGIRecord.headerLength + Int(contentLength) + Int(paddingLength)
        guard buffer.readableBytes >= total else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: FastCGIRecord.headerLength)
        let content = buffer.readSlice(length: Int(contentLength))!
        buffer.moveReaderIndex(forwardBy: Int(paddingLength))
        let record = FastCGIRecord(type: FastCGIRecordType(rawValue: type), requestID: requestID, content: content)
        context.fireChannelRead(Self.wrapInboundOut(record))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer,
                             seenEOF: Bool) throws -> DecodingState {
        // Whole records still buffered are delivered; a partial one at end of input is dropped.
        try decode(context: context, buffer: &buffer)
    }
}

/// Records → bytes, each padded to a multiple of 8 bytes as the spec recommends.
struct FastCGIRecordEncoder: MessageToByteEncoder {
    typealias OutboundIn = FastCGIRecord

    func encode(data record: FastCGIRecord, out: inout ByteBuffer) throws {
        let length = record.content.readableBytes
        guard length <= FastCGIRecord.maximumContentLength else { throw FastCGIProtocolError.contentTooLong(length) }
        let padding = (8 - length % 8) % 8
        out.reserveCapacity(minimumWritableBytes: FastCGIRecord.headerLength + length + padding)
        out.writeInteger(FastCGIRecord.version)
        out.writeInteger(record.type.rawValue)
        out.writeInteger(record.requestID)
        out.writeInteger(UInt16(length))
        out.writeInteger(UInt8(padding))
        out.writeInteger(UInt8(0))
        var content = record.content
        out.writeBuffer(&content)
        out.writeRepeatingByte(0, count: padding)
    }
}

// MARK: - Name-value pairs

/// The encoding of `FCGI_PARAMS` and `FCGI_GET_VALUES` (spec §3.4): each length is one byte
/// below 128, else four bytes with the high bit set (31 bits). Every length is checked against
/// what is left before anything is read.
enum FastCGINameValuePairs {
    static func decode(_ buffer: ByteBuffer) throws -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        try forEachPair(in: buffer) { pairs.append(($0, $1)) }
        return pairs
    }

    /// `decode` straight into the CGI environment (a later pair of the same name wins), without
    /// the array of pairs in between: this runs for every request.
    static func decodeEnvironment(_ buffer: ByteBuffer) throws -> [String: String] {
        var environment: [String: String] = [:]
        environment.reserveCapacity(32)  // nginx's fastcgi_params pass about 20 to 30
        try forEachPair(in: buffer) { environment[$0] = $1 }
        return environment
    }

    private static func forEachPair(in buffer: ByteBuffer, _ body: (String, String) -> Void) throws {
        var buffer = buffer
        while buffer.readableBytes > 0 {
            let nameLength = try readLength(&buffer)
            let valueLength = try readLength(&buffer)
            guard nameLength <= buffer.readableBytes, valueLength <= buffer.readableBytes - nameLength else {
                throw FastCGIProtocolError.truncatedNameValuePair
            }
            let name = buffer.readString(length: nameLength) ?? ""
            body(name, buffer.readString(length: valueLength) ?? "")
        }
    }

    private static func readLength(_ buffer: inout ByteBuffer) throws -> Int {
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else {
            throw FastCGIProtocolError.truncatedNameValuePair
        }
        if first & 0x80 == 0 {
            buffer.moveReaderIndex(forwardBy: 1)
            return Int(first)
        }
        guard let long = buffer.readInteger(as: UInt32.self) else { throw FastCGIProtocolError.truncatedNameValuePair }
        return Int(long & 0x7FFF_FFFF)
    }

    static func encode(_ pairs: [(name: String, value: String)], into buffer: inout ByteBuffer) {
        for (name, value) in pairs {
            writeLength(name.utf8.count, into: &buffer)
            writeLength(value.utf8.count, into: &buffer)
            buffer.writeString(name)
            buffer.writeString(value)
        }
    }

    private static func writeLength(_ length: Int, into buffer: inout ByteBuffer) {
        if length < 0x80 {
            buffer.writeInteger(UInt8(length))
        } else {
            buffer.writeInteger(UInt32(length) | 0x8000_0000)
        }
    }
}
