#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension String {
    /// Byte offset of the first occurrence of `needle` (memchr for the first byte, then
    /// memcmp): the generic `firstRange(of:)` was half of the render stage's time.
    func byteOffset(of needle: String) -> Int? {
        var haystack = self, needle = needle
        return haystack.withUTF8 { hay -> Int? in
            needle.withUTF8 { pin -> Int? in
                guard let first = pin.first, pin.count <= hay.count, let hayBase = hay.baseAddress,
                      let pinBase = pin.baseAddress else { return nil }
                var offset = 0
                let last = hay.count - pin.count
                while offset <= last {
                    guard let found = memchr(hayBase + offset, Int32(first), last - offset + 1) else { return nil }
                    let position = hayBase.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    if memcmp(hayBase + position, pinBase, pin.count) == 0 { return position }
                    offset = position + 1
                }
                return nil
            }
        }
    }

    /// 1-based line of a byte offset.
    func lineNumber(atByte offset: Int) -> Int {
        var text = self
        return text.withUTF8 { bytes in
            var line = 1
            var cursor = 0
            while cursor < offset, let base = bytes.baseAddress,
                  let found = memchr(base + cursor, 10, offset - cursor) {
                line += 1
                cursor = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
            }
            return line
        }
    }
}
