import NIOCore
import Testing
@testable import Transports

/// The request path's byte-level shortcuts agree with the general code they stand in for.
@Suite struct TransportFastPathTests {
    @Test func fieldNamesMatchTheCharacterMapping() {
        let variables = [
            "HTTP_", "HTTP_ORIGIN", "HTTP_X_FORWARDED_FOR", "HTTP_USER_AGENT", "HTTP_x_lower_case", "HTTP_X__DOUBLE",
            "HTTP__LEADING", "HTTP_TRAILING_", "HTTP_DNT", "HTTP_X_1_2", "HTTP_ACCEPT_LANGUAGE", "HTTP_X-DASH",
            "HTTP_X.DOT", "HTTP_X Y", "HTTP_X\u{7F}", "HTTP_X\u{0}", "HTTP_É", "HTTP_X_É_Y", "HTTP_ß", "HTTP_\u{301}A",
            "HTTP_X(Y)", "HTTP_X:Y", "HTTP_MIXED_Case_NaMe", "HTTP_" + String(repeating: "A_", count: 200),
        ]
        for variable in variables {
            #expect(CGIAdapter.fieldName(forVariable: variable) == CGIAdapter.fieldNameReference(forVariable: variable),
                    "\(variable)")
        }
    }

    @Test func environmentMatchesThePairs() throws {
        let pairLists: [[(String, String)]] = [
            [], [("A", "1")], [("A", "1"), ("A", "2")], [("", "")], [("", "x"), ("X", "")],
            [("REQUEST_METHOD", "POST"), ("CONTENT_LENGTH", "12"), ("LONG", String(repeating: "v", count: 300)),
             (String(repeating: "N", count: 128), "x"), ("REQUEST_METHOD", "GET")],
            [("É", "é"), ("A", "\u{0}")],
        ]
        for pairs in pairLists {
            var buffer = ByteBuffer()
            FastCGINameValuePairs.encode(pairs.map { (name: $0.0, value: $0.1) }, into: &buffer)
            let expected = Dictionary(try FastCGINameValuePairs.decode(buffer).map { ($0.name, $0.value) },
                                      uniquingKeysWith: { _, last in last })
            #expect(try FastCGINameValuePairs.decodeEnvironment(buffer) == expected)
            // Cut anywhere inside: both refuse, or both read the same pairs.
            for cut in 0..<buffer.readableBytes {
                let truncated = buffer.getSlice(at: buffer.readerIndex, length: cut)!
                let reference = try? FastCGINameValuePairs.decode(truncated)
                let fast = try? FastCGINameValuePairs.decodeEnvironment(truncated)
                #expect((reference == nil) == (fast == nil))
                if let reference, let fast {
                    #expect(fast == Dictionary(reference.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last }))
                }
            }
        }
        // Invalid UTF-8 in a name or a value: read the same way (repaired) by both.
        let raw = ByteBuffer(bytes: [2, 2, 0xC3, 0x28, 0xFF, 0x41])
        #expect(try FastCGINameValuePairs.decodeEnvironment(raw)
                == Dictionary(try FastCGINameValuePairs.decode(raw).map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last }))
    }
}
