/// CSS custom properties (`--brand: #1b3a6b`) and `var(--brand, fallback)` substitution, as
/// CSS Variables Level 1 defines them: custom properties inherit; a declaration's `var()` is
/// replaced at computed-value time, by the value the element inherits or declares; a
/// reference that cannot be replaced (undefined, cyclic) makes the value invalid.
///
/// The checker keeps why a value is invalid, so that a finding can tell the editor which
/// variable it could not read instead of computing against a colour that is not there.
enum CSSVariables {
    /// Why a `var()` could not be replaced.
    enum Failure: Error, Equatable, Sendable {
        /// No rule the checker can apply defines this custom property.
        case undefined(String)
        /// The custom property is defined from itself, directly or through others.
        case cyclic(String)
        /// `var()` without a custom property name, unbalanced parentheses, or a value that
        /// grows past `maximumLength` once replaced.
        case malformed
    }

    /// The computed custom properties of an element: a valid value, or why it is invalid.
    typealias Values = [String: Result<String, Failure>]

    static let maximumLength = 16 * 1024

    /// True when `value` holds a `var(` (ASCII case-insensitive), without allocating.
    static func containsReference(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { bytes in
            guard bytes.count >= 5 else { return false }
            for index in 0...(bytes.count - 4) where bytes[index + 3] == UInt8(ascii: "(") {
                if bytes[index] | 0x20 == UInt8(ascii: "v"), bytes[index + 1] | 0x20 == UInt8(ascii: "a"),
                   bytes[index + 2] | 0x20 == UInt8(ascii: "r") {
                    return true
                }
            }
            return false
        }
    }

    /// `value` with every `var(--name[, fallback])` replaced through `lookup`, which gives the
    /// computed value of a custom property (nil: not defined).
    static func substitute(_ value: String, lookup: (String) -> Result<String, Failure>?) -> Result<String, Failure> {
        guard containsReference(value) else { return .success(value) }
        let bytes = Array(value.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if index + 4 <= bytes.count, bytes[index] | 0x20 == UInt8(ascii: "v"), bytes[index + 1] | 0x20 == UInt8(ascii: "a"),
               bytes[index + 2] | 0x20 == UInt8(ascii: "r"), bytes[index + 3] == UInt8(ascii: "("),
               index == 0 || !isNameByte(bytes[index - 1]) {
                // Find the matching ")" and the first top-level ",".
                var depth = 1
                var cursor = index + 4
                var comma: Int?
                while cursor < bytes.count {
                    let byte = bytes[cursor]
                    if byte == UInt8(ascii: "(") { depth += 1 }
                    if byte == UInt8(ascii: ")") { depth -= 1; if depth == 0 { break } }
                    if byte == UInt8(ascii: ","), depth == 1, comma == nil { comma = cursor }
                    cursor += 1
                }
                guard cursor < bytes.count else { return .failure(.malformed) }
                let name = trimmed(bytes[(index + 4)..<(comma ?? cursor)])
                guard name.count > 2, name.hasPrefix("--") else { return .failure(.malformed) }
                let replacement: Result<String, Failure>
                if let found = lookup(name), case .success = found {
                    replacement = found
                } else if let comma {
                    let fallback = trimmed(bytes[(comma + 1)..<cursor])
                    // The fallback may itself hold var(); if it fails, the original reason
                    // (an undefined or cyclic name) is the one worth telling.
                    switch substitute(fallback, lookup: lookup) {
                    case .success(let text): replacement = .success(text)
                    case .failure(let failure): replacement = lookup(name) ?? .failure(failure)
                    }
                } else {
                    replacement = lookup(name) ?? .failure(.undefined(name))
                }
                switch replacement {
                case .success(let text): output.append(contentsOf: text.utf8)
                case .failure(let failure): return .failure(failure)
                }
                guard output.count <= maximumLength else { return .failure(.malformed) }
                index = cursor + 1
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return .success(String(decoding: output, as: UTF8.self))
    }

    /// The computed custom properties of an element: what it inherits, overridden by what
    /// it declares, each declared value with its own `var()` replaced (cycles detected).
    static func compute(declared: [String: String], inherited: Values) -> Values {
        guard !declared.isEmpty else { return inherited }
        var result = inherited
        var state: [String: Bool] = [:] // false: being resolved; true: done
        func resolve(_ name: String) -> Result<String, Failure>? {
            guard let raw = declared[name] else { return inherited[name] }
            if let done = state[name] {
                return done ? result[name] : .failure(.cyclic(name))
            }
            state[name] = false
            var value = substitute(raw, lookup: resolve)
            // A cycle met while resolving `name` makes every custom property in it invalid.
            if case .failure(.cyclic) = value, state[name] == false { value = .failure(.cyclic(name)) }
            state[name] = true
            result[name] = value
            return value
        }
        for name in declared.keys.sorted() { _ = resolve(name) }
        return result
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        var slice = bytes
        while let first = slice.first, ClassList.isSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, ClassList.isSpace(last) { slice = slice.dropLast() }
        return String(decoding: slice, as: UTF8.self)
    }
}
