import Foundation

/// Colours and `background` shorthands parsed from declared values, kept per checking
/// thread from one page to the next: both are pure functions of the text, and the pages of
/// a site share their style sheets, so the same values come back on every page (parsing
/// them again, page after page, was a quarter of the contrast rule's own work).
final class CSSParseCache {
    private var colors: [String: CSSColor?] = [:]
    private var shorthands: [String: CSSColor.ShorthandBackground] = [:]
    /// Per thread and kind: hostile pages (a different colour on every element) cannot make
    /// a cache grow without end.
    static let maximumEntries = 4_096

    func color(_ value: String) -> CSSColor? {
        if let known = colors[value] { return known }
        let parsed = CSSColor(css: value)
        if colors.count < Self.maximumEntries { colors[value] = parsed }
        return parsed
    }

    func shorthand(_ value: String) -> CSSColor.ShorthandBackground {
        if let known = shorthands[value] { return known }
        let parsed = CSSColor.shorthandBackground(value)
        if shorthands.count < Self.maximumEntries { shorthands[value] = parsed }
        return parsed
    }

    /// The cache of the calling thread. Threads never share one, so it needs no lock: the
    /// rules take it when they are made, and a page is checked on one thread, synchronously,
    /// from start to end.
    static var forCurrentThread: CSSParseCache {
        let storage = Thread.current.threadDictionary
        if let cache = storage[key] as? CSSParseCache { return cache }
        let cache = CSSParseCache()
        storage[key] = cache
        return cache
    }

    private static let key = "Guichet.Accessibility.CSSParseCache"
}
