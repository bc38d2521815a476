// MARK: - 2.2 Cadres : titres partagés

/// 2.2.1 two frames with the same title but different sources: at least one of the titles
/// does not describe its frame (for a human: which one, and how to rename it).
final class FrameTitleUniquenessRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["iframe", "frame"]
    private var framesByTitle: [String: [(index: Int, source: String)]] = [:]

    func visit(_ element: Int, in page: PageContext) {
        guard !page.hiddenFromAssistiveTechnologies[element],
              let title = page.nonEmptyAttribute("title", of: element) else { return }
        let source = page.attribute("src", of: element)?.trimmingWhitespace()
            ?? page.attribute("srcdoc", of: element).map { "srcdoc:" + $0 } ?? ""
        framesByTitle[title.lowercased(), default: []].append((element, source))
    }

    func finish(in page: PageContext) {
        for (_, frames) in framesByTitle.sorted(by: { $0.value[0].index < $1.value[0].index }) {
            guard Set(frames.map(\.source)).count > 1 else { continue }
            let title = page.nonEmptyAttribute("title", of: frames[0].index) ?? ""
            page.report("2.2.1", .aVerifier, at: frames[1].index, Messages.frameTitleShared(title))
        }
    }
}
