import Foundation

/// `site/<gallery>/pages.json`: what the site keeps about each manifest page it has derived, so
/// that a change to one page does not make it read every other page again: the least and greatest
/// frame id on the page (for permalinks) and its first frame's thumbnail (the gallery's cover).
struct SiteState: Codable, Equatable {
    var schema = "cupola.site-pages/1"
    var pages: [String: Page] = [:]
    /// The gallery's cover: the first thumbnail in gallery order.
    var cover: Cover?

    struct Page: Codable, Equatable {
        /// Least and greatest frame id, compared as UTF-16 code units like JavaScript's `<`.
        let lo: String
        let hi: String
        let cover: Cover?
    }

    struct Cover: Codable, Equatable {
        /// URL relative to the gallery's folder under `galleries/`.
        let src: String
        let width: Int
        let height: Int
        let alt: String
    }

    init() {}

    static func summary(of frames: [PublishedFrame]) -> Page {
        let ids = frames.map(\.id)
        let precedes: (String, String) -> Bool = { $0.utf16.lexicographicallyPrecedes($1.utf16) }
        let cover = frames.lazy.compactMap { frame -> Cover? in
            let sizes = frame.renditions.values.sorted { $0.width < $1.width }
            guard let thumb = frame.renditions["thumb"] ?? sizes.first else { return nil }
            return Cover(src: HTMLText.urlPath(thumb.path), width: thumb.width, height: thumb.height,
                         alt: HTMLText.alt(id: frame.id, captured: frame.captured))
        }.first
        return Page(lo: ids.min(by: precedes) ?? "", hi: ids.max(by: precedes) ?? "", cover: cover)
    }

    static func read(_ file: FilePathBytes) -> SiteState {
        guard let data = FileManager.default.contents(atPath: file.description),
              let state = try? JSONDecoder().decode(SiteState.self, from: data),
              state.schema == SiteState().schema else { return SiteState() }
        return state
    }
}
