import Foundation

/// One header field, written token by token and folded (RFC 5322 §2.2.3) so that no line
/// exceeds 78 characters unless a single token is longer than that (a very long address):
/// such a line may reach the hard limit of 998 characters, beyond which `lines()` throws.
///
/// Folding only ever happens between tokens, by a CRLF before the space that separates them,
/// so unfolding (removing the CRLF) gives back exactly the value that was written.
struct HeaderField {
    static let lineLimit = 78
    static let hardLineLimit = 998

    let name: String
    private var finishedLines: [String] = []
    /// The line being written, without line end.
    private var current: String
    /// Whether `current` holds a token: folding before the first token would only move the
    /// value to the next line, and readers keep the white space that starts an unstructured
    /// value (Python's `email` does), so the first token stays after the name.
    private var currentHasToken = false

    init(name: String) {
        self.name = name
        current = name + ":"
    }

    /// Appends ` token`, on a new line when it does not fit on this one (unless this line
    /// holds no token yet: then it stays, however long).
    mutating func append(_ token: String) {
        if currentHasToken && current.utf8.count + 1 + token.utf8.count > Self.lineLimit {
            fold()
        }
        current += " " + token
        currentHasToken = true
    }

    /// Appends the words of an ASCII value, folding at its spaces. Runs of spaces are kept
    /// (a token carries the extra ones in front), so the unfolded value is the one given.
    mutating func appendWords(_ text: String) {
        for word in Self.words(of: text) { append(word) }
    }

    /// Appends `text` as RFC 2047 "B" encoded words in UTF-8. Each word is at most 75
    /// characters (§2) and fits on its line; words split between characters, or between
    /// Unicode scalars for a character too long for one word (a long emoji sequence), never
    /// inside a UTF-8 sequence (§5: each word must be decodable on its own). Readers ignore
    /// the folding white space between adjacent encoded words (§6.2), so the text comes back
    /// whole, spaces included.
    ///
    /// Text that one word can carry is never split: it goes on the next line if this one is
    /// too short. Besides being tidier, this keeps short display names away from readers that
    /// do not ignore the space between encoded words in an address header (Python's `email`
    /// before the fix of CPython issue gh-128110, among others).
    mutating func appendEncodedWords(_ text: String) {
        var pending: [UInt8] = []
        var capacity = EncodedWord.capacity(forRoom: roomForNextToken)
        let size = text.utf8.count
        if size > capacity && size <= EncodedWord.maximumBytes && currentHasToken {
            fold()
            capacity = EncodedWord.capacity(forRoom: roomForNextToken)
        }
        for unit in EncodedWord.units(of: text) {
            if pending.count + unit.count <= capacity {
                pending += unit
                continue
            }
            if !pending.isEmpty {
                append(EncodedWord.make(pending))
                pending = []
                capacity = EncodedWord.capacity(forRoom: roomForNextToken)
            }
            if unit.count > capacity {
                // Even after the name: nothing else fits (a very long name, a huge emoji).
                fold()
                capacity = EncodedWord.capacity(forRoom: roomForNextToken)
            }
            pending = unit
        }
        if !pending.isEmpty { append(EncodedWord.make(pending)) }
    }

    /// Whether `words` can be appended with no line over 78 characters: the first one on
    /// this line if it holds no token yet (it cannot move), every one on a line of its own.
    func fitsWithinLines(_ words: [String]) -> Bool {
        for (index, word) in words.enumerated() {
            let room = index == 0 && !currentHasToken ? roomForNextToken : Self.lineLimit - 1
            if word.utf8.count > room { return false }
        }
        return true
    }

    /// The field's lines, without line ends.
    func lines() throws(MIMEError) -> [String] {
        let all = finishedLines + [current]
        guard all.allSatisfy({ $0.utf8.count <= Self.hardLineLimit }) else { throw .headerTooLong(name) }
        return all
    }

    /// Characters a token can take on the current line after its separating space.
    private var roomForNextToken: Int {
        Self.lineLimit - current.utf8.count - 1
    }

    private mutating func fold() {
        finishedLines.append(current)
        current = ""
        currentHasToken = false
    }

    /// "a  b c" → ["a", " b", "c"]: split at the last space of each run, so a fold never
    /// leaves a line of white space only and unfolding restores every space.
    static func words(of text: String) -> [String] {
        var words: [String] = []
        var word = ""
        for character in text {
            if character == " " && !word.isEmpty && word.contains(where: { $0 != " " }) {
                words.append(word)
                word = ""
            } else {
                word.append(character)
            }
        }
        if !word.isEmpty {
            // Trailing spaces stay with the last word: a line of spaces only is not allowed.
            if !words.isEmpty && !word.contains(where: { $0 != " " }) {
                words[words.count - 1] += " " + word
            } else {
                words.append(word)
            }
        }
        return words
    }
}

/// RFC 2047 encoded words, "B" (base64) form, UTF-8.
enum EncodedWord {
    static let maximumLength = 75
    /// "=?UTF-8?B?" and "?=".
    static let overhead = 12
    /// The most bytes one word can carry: 60 base64 characters.
    static let maximumBytes = (maximumLength - overhead) / 4 * 3

    static func make(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }

    /// Bytes a word can carry when it may be `room` characters long.
    static func capacity(forRoom room: Int) -> Int {
        max(0, (min(room, maximumLength) - overhead) / 4 * 3)
    }

    /// The UTF-8 bytes of each character, or of each scalar of a character longer than one
    /// word can carry: the pieces that must not be split.
    static func units(of text: String) -> [[UInt8]] {
        var units: [[UInt8]] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if bytes.count <= maximumBytes {
                units.append(bytes)
            } else {
                units += character.unicodeScalars.map { Array(String($0).utf8) }
            }
        }
        return units
    }
}
