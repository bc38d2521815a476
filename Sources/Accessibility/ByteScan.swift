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
