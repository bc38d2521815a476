import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte searches over a text's UTF-8 with `memchr`, for rules that look for rare characters
/// in every text of a page and must not slow the checker down (most texts hold none).
enum ByteScan {
    /// Whether `byte` occurs in `text` followed by a byte for which `next` is true (nil: any
    /// byte, or the end), or preceded by `previous` bytes (the bytes just before, last first).
    static func contains(_ text: String, _ byte: UInt8, previous: [UInt8] = [], next: ((UInt8) -> Bool)? = nil) -> Bool {
        var text = text
        return text.withUTF8 { buffer in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return false }
            var offset = 0
            while offset < buffer.count {
                guard let found = memchr(base + offset, Int32(byte), buffer.count - offset) else { return false }
                let position = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
                offset = position + 1
                if !previous.isEmpty {
                    guard position >= previous.count else { continue }
                    if !previous.indices.allSatisfy({ buffer[position - 1 - $0] == previous[$0] }) { continue }
                }
                if let next {
                    guard position + 1 < buffer.count, next(buffer[position + 1]) else { continue }
                }
                return true
            }
            return false
        }
    }

    /// Whether `text` holds the bytes of `sequence`.
    static func contains(_ text: String, sequence: [UInt8]) -> Bool {
        guard let first = sequence.first else { return true }
        var text = text
        return text.withUTF8 { buffer in
            guard let base = buffer.baseAddress, buffer.count >= sequence.count else { return false }
            var offset = 0
            while offset + sequence.count <= buffer.count {
                guard let found = memchr(base + offset, Int32(first), buffer.count - offset) else { return false }
                let position = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
                guard position + sequence.count <= buffer.count else { return false }
                if sequence.withUnsafeBufferPointer({ memcmp(base + position, $0.baseAddress!, sequence.count) == 0 }) { return true }
                offset = position + 1
            }
            return false
        }
    }

    /// A set of bytes, for `firstMatch`: one table lookup per byte of text.
    struct ByteSet: Sendable {
        let members: [Bool]
        init(_ bytes: [UInt8]) {
            var members = Array(repeating: false, count: 256)
            for byte in bytes { members[Int(byte)] = true }
            self.members = members
        }
    }

    /// Whether some byte of `text` is in `set` and passes `check` (given the UTF-8 bytes and
    /// the byte's position): one pass, for short texts where `memchr` calls cost more.
    static func contains(_ text: String, anyOf set: ByteSet, where check: (UnsafeBufferPointer<UInt8>, Int) -> Bool) -> Bool {
        var text = text
        return text.withUTF8 { buffer in
            set.members.withUnsafeBufferPointer { members in
                for position in buffer.indices where members[Int(buffer[position])] {
                    if check(buffer, position) { return true }
                }
                return false
            }
        }
    }
}

extension String {
    /// Equal to `lowercase` (lower-case ASCII) ignoring ASCII case, without allocating the
    /// lower-cased copy that `lowercased() ==` makes.
    func equalsIgnoringASCIICase(_ lowercase: StaticString) -> Bool {
        // A one-character literal may be stored as a scalar, without bytes to point at.
        guard lowercase.hasPointerRepresentation else { return self.lowercased() == lowercase.description }
        let other = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        var index = 0
        for byte in utf8 {
            guard index < other.count else { return false }
            let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            guard folded == other[index] else { return false }
            index += 1
        }
        return index == other.count
    }
}

extension String {
    /// `contains(needle)` as Foundation answers it (a search by canonical equivalence),
    /// without asking Foundation (thousands of instructions a call) when the needle's bytes
    /// are not in the string and its characters cannot be written otherwise: a needle of
    /// ASCII characters that are the canonical decomposition of no other character (all but
    /// "K", ";" and "`", those of the Kelvin sign, the Greek question mark and the Greek
    /// varia) only matches its own bytes.
    func containsLikeFoundation(_ needle: String) -> Bool {
        let bytes = Array(needle.utf8)
        if bytes.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "K") && $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: "`") }),
           !ByteScan.contains(self, sequence: bytes) {
            return false
        }
        return contains(needle)
    }
}

extension String {
    /// `lowercased()`, with a fast path for the text of French pages: on ASCII, Latin-1 and
    /// general punctuation (’ – — …), lower-casing maps one scalar to one, A–Z and À–Þ (but
    /// ×) to the scalar 0x20 above, every other scalar to itself, while the standard
    /// library's general path builds a String per scalar (thousands of instructions for a
    /// link text with an accent). Any other scalar sends the whole text to `lowercased()`.
    /// `FastLowercaseTests` checks it against `lowercased()` for every scalar of the fast path.
    func fastLowercased() -> String {
        // On the UTF-8 bytes: A–Z are 0x41–0x5A, À–Þ are C3 80–C3 9E (× is C3 97), and their
        // lower case is 0x20 above (in the last byte); Latin-1 is C2/C3 xx, general
        // punctuation E2 80 xx and E2 81 80–AF.
        var text = self
        let lowered: [UInt8]? = text.withUTF8 { bytes in
            var copy: [UInt8]?
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte < 0x80 {
                    if byte >= 0x41 && byte <= 0x5A {
                        if copy == nil { copy = Array(bytes) }
                        copy![index] = byte + 0x20
                    }
                    index += 1
                } else if byte == 0xC2 {
                    index += 2
                } else if byte == 0xC3 {
                    let next = bytes[index + 1]
                    if next >= 0x80 && next <= 0x9E && next != 0x97 {
                        if copy == nil { copy = Array(bytes) }
                        copy![index + 1] = next + 0x20
                    }
                    index += 2
                } else if byte == 0xE2 && (bytes[index + 1] == 0x80 || (bytes[index + 1] == 0x81 && bytes[index + 2] <= 0xAF)) {
                    index += 3
                } else {
                    return nil // outside the fast path
                }
            }
            return copy ?? []
        }
        guard let lowered else { return lowercased() }
        return lowered.isEmpty ? self : String(decoding: lowered, as: UTF8.self)
    }
}
