// MARK: - 4.3, 4.10, 4.11 Médias temporels

/// What static HTML says about `<video>` and `<audio>`, all for a human: whether a media
/// needs captions, makes sound or can be controlled depends on its content and on the
/// player around it.
/// 4.3.1 a video without a captions or subtitles track; 4.3.2 a subtitles track where
/// captions are expected; 4.10.1 autoplay without muted; 4.11.1 no native controls.
final class MediaRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["video", "audio"]

    func visit(_ element: Int, in page: PageContext) {
        guard !page.notRendered[element] else { return }
        let node = page.node(element)
        if node.name == "video" {
            let kinds = page.document.children(of: element).filter { page.node($0).name == "track" }
                .map { page.attribute("kind", of: $0)?.trimmingWhitespace().lowercased() ?? "subtitles" }
            if kinds.contains("captions") {
                // Fine: captions are declared as such.
            } else if kinds.contains(where: { $0.isEmpty || $0 == "subtitles" }) {
                page.report("4.3.2", .aVerifier, at: element, Messages.trackSubtitlesNotCaptions)
            } else {
                page.report("4.3.1", .aVerifier, at: element, Messages.videoWithoutCaptions)
            }
        }
        if node.has("autoplay") && !node.has("muted") {
            page.report("4.10.1", .aVerifier, at: element, Messages.autoplayWithSound(node.name))
        }
        if !node.has("controls") {
            page.report("4.11.1", .aVerifier, at: element, Messages.mediaWithoutControls(node.name))
        }
    }
}
