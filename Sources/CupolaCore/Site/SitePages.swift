import Foundation

/// The site's HTML, built from escaped values only (`HTMLText`). Every page is usable without
/// JavaScript: the index is a list of links, a gallery lists its pages as plain HTML pages of
/// thumbnails, and scripts only add the filter box, the virtual grid and the viewer.
enum SitePages {
    /// A gallery as the index shows it.
    struct Card {
        let id: String
        let title: String
        let mission: String?
        let program: String?
        let frameCount: Int
        let captureRange: PublishedRange?
        let cover: SiteState.Cover?
    }

    static func document(title: String, stylesheet: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTMLText.escape(title))</title>
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="\(stylesheet)">
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    static func range(_ range: PublishedRange?) -> String {
        guard let range else { return "capture times unknown" }
        let first = String(range.first.prefix(10)), last = String(range.last.prefix(10))
        return first == last ? first : "\(first) to \(last)"
    }

    static func frames(_ count: Int) -> String { "\(HTMLText.count(count)) \(count == 1 ? "frame" : "frames")" }

    /// `site/index.html`: one card per gallery, in the index's order (missions chronologically,
    /// then the galleries that are no mission).
    static func index(_ cards: [Card]) -> String {
        let total = cards.reduce(0) { $0 + $1.frameCount }
        let items = cards.map { card -> String in
            let search = [card.title, card.id, card.mission ?? "", card.program ?? ""].joined(separator: " ").lowercased()
            let cover = card.cover.map {
                "<img src=\"../galleries/\(card.id)/\($0.src)\" width=\"\($0.width)\" height=\"\($0.height)\" "
                    + "loading=\"lazy\" alt=\"\(HTMLText.escape($0.alt))\">"
            } ?? "<span class=\"no-cover\"></span>"
            return """
                <li class="card" data-search="\(HTMLText.escape(search))"><a href="\(HTMLText.urlPath(card.id))/index.html">\(cover)\
                <span class="card-title">\(HTMLText.escape(card.title))</span>\
                <span class="card-meta">\(frames(card.frameCount)), \(range(card.captureRange))</span></a></li>
                """
        }
        let body = """
            <header>
            <h1>Galleries</h1>
            <p class="muted">\(frames(total)) in \(HTMLText.count(cards.count)) \(cards.count == 1 ? "gallery" : "galleries")</p>
            <p id="filter-box" hidden><label for="filter">Filter galleries</label> <input id="filter" type="search" autocomplete="off"></p>
            </header>
            <main>
            <ul class="cards">
            \(items.joined(separator: "\n"))
            </ul>
            <p id="no-match" hidden>No gallery matches the filter.</p>
            </main>
            <script src="assets/index.js"></script>
            """
        return document(title: "Galleries", stylesheet: "assets/site.css", body: body)
    }

    /// `site/<gallery>/index.html`: the grid, the viewer, and the list of plain pages for readers
    /// without JavaScript. `data` is the gallery's page list as JSON (see `SitePublisher`).
    static func gallery(_ manifest: PublishedManifest, data: String) -> String {
        let pageLinks = manifest.pages.map { page in
            "<li><a href=\"pages/\(HTMLText.urlPath(page.key)).html\">\(HTMLText.escape(page.firstFrame)) to "
                + "\(HTMLText.escape(page.lastFrame))</a> <span class=\"muted\">(\(frames(page.frameCount)), "
                + "\(range(page.captureRange)))</span></li>"
        }
        let body = """
            <header>
            <nav><a href="../index.html">All galleries</a></nav>
            <h1>\(HTMLText.escape(manifest.gallery.title))</h1>
            <p class="muted">\(frames(manifest.frameCount)), \(range(manifest.captureRange))</p>
            <p id="sections" class="sections" hidden><label for="section">Frames</label> <select id="section"></select></p>
            </header>
            <main>
            <noscript>
            <h2>Pages of this gallery</h2>
            <ol class="page-list">
            \(pageLinks.joined(separator: "\n"))
            </ol>
            </noscript>
            <div id="grid" class="grid"></div>
            <p id="status" role="status"></p>
            </main>
            <dialog id="viewer" class="viewer" aria-labelledby="viewer-title">
            <div class="viewer-bar">
            <h2 id="viewer-title"></h2>
            <button type="button" id="viewer-prev" aria-keyshortcuts="ArrowLeft">Previous</button>
            <button type="button" id="viewer-next" aria-keyshortcuts="ArrowRight">Next</button>
            <button type="button" id="viewer-close" aria-keyshortcuts="Escape">Close</button>
            </div>
            <div class="viewer-body">
            <picture><source id="viewer-small" media="(max-width: 900px)"><img id="viewer-image" alt=""></picture>
            <dl id="viewer-meta" class="meta"></dl>
            </div>
            </dialog>
            <script type="application/json" id="gallery-data">\(HTMLText.scriptSafe(data))</script>
            <script src="../assets/gallery.js"></script>
            """
        return document(title: manifest.gallery.title, stylesheet: "../assets/site.css", body: body)
    }

    /// `site/<gallery>/pages/<page>.html`: one manifest page as a plain list of thumbnails, each
    /// linking to its large rendition. It depends on the page's content and the gallery's id only,
    /// so, like the page, it never changes once written.
    static func plainPage(gallery: String, frames list: [PublishedFrame]) -> String {
        let base = "../../../galleries/\(HTMLText.urlPath(gallery))/"
        let items = list.map { frame -> String in
            let sizes = frame.renditions.sorted { ($0.value.width, $0.key) < ($1.value.width, $1.key) }
            let small = frame.renditions["thumb"] ?? sizes.first?.value
            let large = frame.renditions["large"] ?? sizes.last?.value
            let caption = "<span>\(HTMLText.escape(frame.id))<br>\(HTMLText.escape(HTMLText.time(frame.captured) ?? "time unknown"))</span>"
            guard let small, let large else { return "<li>\(caption)</li>" }
            return "<li><a href=\"\(base)\(HTMLText.urlPath(large.path))\"><img src=\"\(base)\(HTMLText.urlPath(small.path))\" "
                + "width=\"\(small.width)\" height=\"\(small.height)\" loading=\"lazy\" "
                + "alt=\"\(HTMLText.escape(HTMLText.alt(id: frame.id, captured: frame.captured)))\"></a>\(caption)</li>"
        }
        let first = list.first?.id ?? "", last = list.last?.id ?? ""
        let title = "\(first) to \(last)"
        let body = """
            <header>
            <nav><a href="../index.html">Back to the gallery</a></nav>
            <h1>\(HTMLText.escape(title))</h1>
            <p class="muted">\(frames(list.count))</p>
            </header>
            <main>
            <ul class="plain">
            \(items.joined(separator: "\n"))
            </ul>
            </main>
            """
        return document(title: title, stylesheet: "../../assets/site.css", body: body)
    }
}
