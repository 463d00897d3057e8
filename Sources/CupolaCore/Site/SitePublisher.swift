import Foundation

/// Writes the static gallery site (`DIR/site/`) from the published manifests.
///
/// Like the manifests, it is updated, not rebuilt: each manifest page gives a data script
/// (`data/<page>.js`) and a plain HTML page (`pages/<page>.html`) named after it, written once;
/// a changed gallery rewrites those of its new pages, its `index.html` and `pages.json`, and the
/// site's `index.html`. Every file is written whole (temporary name, then rename) and only when
/// its bytes change; files derived from pages the manifest no longer lists are removed after the
/// gallery's page that names them is replaced.
public struct SitePublisher: Sendable {
    let layout: LibraryLayout
    /// `[site] base_url`: with it, the IIIF documents are written too (`IIIFPublisher`).
    let baseURL: String?

    public init(layout: LibraryLayout, baseURL: String? = nil) {
        self.layout = layout
        self.baseURL = baseURL
    }

    /// Said once in a run's summary when the site is written without IIIF.
    public static let iiifSkipped = "IIIF manifests not written: set [site] base_url in cupola.toml to where the library is served"

    public struct Report: Sendable {
        public var written: [FilePathBytes] = []
        public var removed: [FilePathBytes] = []
        public var bytesWritten = 0
    }

    var siteFolder: FilePathBytes { layout.root.appending("site") }
    func galleryFolder(_ id: String) -> FilePathBytes { siteFolder.appending(id) }

    /// Brings the site up to date for `galleries` (nil: every gallery, every file re-derived and
    /// compared, as `cupola site` does). A gallery the site does not have yet is always written.
    @discardableResult
    public func publish(galleries: Set<String>?) throws -> Report {
        var report = Report()
        let index = try PublishedFile.read(PublishedIndex.self, at: layout.indexFile)
        try AtomicFile.makeFolderChecked(siteFolder.appending("assets"))
        try write(Data(SiteStyle.css.utf8), to: siteFolder.appending("assets").appending("site.css"), report: &report)
        try write(Data(SiteScript.gallery.utf8), to: siteFolder.appending("assets").appending("gallery.js"), report: &report)
        try write(Data(SiteScript.index.utf8), to: siteFolder.appending("assets").appending("index.js"), report: &report)
        var cards: [SitePages.Card] = []
        for entry in index.galleries {
            let state: SiteState
            let missing = !FileManager.default.fileExists(atPath: galleryFolder(entry.id).appending("index.html").description)
            if galleries == nil || galleries!.contains(entry.id) || missing {
                state = try publishGallery(entry.id, rederive: galleries == nil, report: &report)
            } else {
                state = SiteState.read(galleryFolder(entry.id).appending("pages.json"))
            }
            cards.append(SitePages.Card(id: entry.id, title: entry.title, mission: entry.mission, program: entry.program,
                                        frameCount: entry.frameCount, captureRange: entry.captureRange, cover: state.cover))
        }
        try removeGalleriesNotIn(Set(index.galleries.map(\.id)), report: &report)
        try write(Data(SitePages.index(cards).utf8), to: siteFolder.appending("index.html"), report: &report)
        if let baseURL {
            try IIIFPublisher(layout: layout, baseURL: baseURL).publish(index, galleries: galleries, report: &report)
        }
        return report
    }

    private func publishGallery(_ id: String, rederive: Bool, report: inout Report) throws -> SiteState {
        let manifestFile = layout.manifestFile(id)
        let manifest = try PublishedFile.read(PublishedManifest.self, at: manifestFile)
        guard manifest.schema == "cupola.gallery/2" else {
            throw SiteError(file: manifestFile.description, reason: "schema \(manifest.schema), the site reads cupola.gallery/2")
        }
        let folder = galleryFolder(id)
        try AtomicFile.makeFolderChecked(folder.appending("data"))
        try AtomicFile.makeFolderChecked(folder.appending("pages"))
        let stateFile = folder.appending("pages.json")
        let old = SiteState.read(stateFile)
        var state = SiteState()
        var toDerive: [PublishedManifest.Page] = []
        for page in manifest.pages {
            if !rederive, let known = old.pages[page.key],
               FileManager.default.fileExists(atPath: dataFile(page, in: folder).description),
               FileManager.default.fileExists(atPath: plainFile(page, in: folder).description) {
                state.pages[page.key] = known
            } else {
                toDerive.append(page)
            }
        }
        // Pages are independent, and so are a page's two files: all are made side by side.
        let derived = try toDerive.concurrentMap { page in
            let frames = try PublishedFile.frames(ofPage: layout.galleryFolder(id).appending(page.path))
            let reports = try SiteOutput.allCases.concurrentMap { output in
                try derive(output, of: page, frames: frames, gallery: id, folder: folder)
            }
            return (summary: SiteState.summary(of: frames), reports: reports)
        }
        for (page, result) in zip(toDerive, derived) {
            state.pages[page.key] = result.summary
            for part in result.reports {
                report.written += part.written
                report.bytesWritten += part.bytesWritten
            }
        }
        state.cover = manifest.pages.lazy.compactMap { state.pages[$0.key]?.cover }.first
        try write(try Self.encoder.encode(state) + Data("\n".utf8), to: stateFile, report: &report)
        let html = SitePages.gallery(manifest, data: try galleryData(manifest, state: state))
        try write(Data(html.utf8), to: folder.appending("index.html"), report: &report)
        let keys = Set(manifest.pages.map(\.key))
        try removeUnlisted(in: folder.appending("data"), suffix: ".js", keeping: keys, report: &report)
        try removeUnlisted(in: folder.appending("pages"), suffix: ".html", keeping: keys, report: &report)
        return state
    }

    /// The two files the site derives from each manifest page.
    private enum SiteOutput: CaseIterable { case dataScript, plainPage }

    private func dataFile(_ page: PublishedManifest.Page, in folder: FilePathBytes) -> FilePathBytes {
        folder.appending("data").appending(page.key + ".js")
    }

    private func plainFile(_ page: PublishedManifest.Page, in folder: FilePathBytes) -> FilePathBytes {
        folder.appending("pages").appending(page.key + ".html")
    }

    /// One of a page's two files, written when its bytes change.
    private func derive(_ output: SiteOutput, of page: PublishedManifest.Page, frames: [PublishedFrame],
                        gallery id: String, folder: FilePathBytes) throws -> Report {
        var report = Report()
        switch output {
        case .dataScript:
            try write(try dataScript(gallery: id, key: page.key, frames: frames), to: dataFile(page, in: folder), report: &report)
        case .plainPage:
            try write(Data(SitePages.plainPage(gallery: id, frames: frames).utf8), to: plainFile(page, in: folder), report: &report)
        }
        return report
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `data/<page>.js`: `cupolaPage("<page>", [frames…]);`, one frame a line.
    private func dataScript(gallery: String, key: String, frames: [PublishedFrame]) throws -> Data {
        var text = "cupolaPage(\(HTMLText.scriptSafe(String(decoding: try Self.encoder.encode(key), as: UTF8.self))), [\n"
        // Most libraries keep no originals: then no frame needs its own look.
        let keepsOriginals = FileManager.default.fileExists(atPath: layout.root.appending("originals").appending(gallery).description)
        for (offset, frame) in frames.enumerated() {
            let original = keepsOriginals ? original(of: frame, gallery: gallery) : nil
            text += HTMLText.scriptSafe(SiteFrame(frame, original: original).json) + (offset == frames.count - 1 ? "\n" : ",\n")
        }
        return Data((text + "]);\n").utf8)
    }

    /// The original's copy under `originals/` (`--originals copy|move`), when the library keeps one.
    private func original(of frame: PublishedFrame, gallery: String) -> String? {
        guard let rendition = frame.renditions.values.first else { return nil }
        let name = rendition.path.split(separator: "/").last.map(String.init) ?? rendition.path
        let stem = name.split(separator: ".").count > 1 ? String(name[..<name.lastIndex(of: ".")!]) : name
        let sourceName = frame.source.split(separator: "/").last.map(String.init) ?? frame.source
        let file = layout.originalCopy(gallery: gallery, stem: stem, sourceName: Array(sourceName.utf8))
        guard FileManager.default.fileExists(atPath: file.description) else { return nil }
        return "originals/\(gallery)/" + String(decoding: file.lastComponent, as: UTF8.self)
    }

    /// The page list the gallery's script works from: per page its key, frame count, capture
    /// range and least/greatest id.
    private func galleryData(_ manifest: PublishedManifest, state: SiteState) throws -> String {
        struct Page: Encodable { let k: String; let n: Int; let a: String?; let b: String?; let lo: String; let hi: String }
        struct Gallery: Encodable { let id: String; let title: String; let base: String; let root: String; let pages: [Page] }
        let pages = manifest.pages.map { page in
            Page(k: page.key, n: page.frameCount, a: page.captureRange?.first, b: page.captureRange?.last,
                 lo: state.pages[page.key]?.lo ?? "", hi: state.pages[page.key]?.hi ?? "")
        }
        let gallery = Gallery(id: manifest.gallery.id, title: manifest.gallery.title,
                              base: "../../galleries/\(HTMLText.urlPath(manifest.gallery.id))/", root: "../../", pages: pages)
        return String(decoding: try Self.encoder.encode(gallery), as: UTF8.self)
    }

    private func removeUnlisted(in folder: FilePathBytes, suffix: String, keeping keys: Set<String>, report: inout Report) throws {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.description)) ?? [] {
            let key = name.hasSuffix(suffix) ? String(name.dropLast(suffix.count)) : name
            guard !keys.contains(key) else { continue }
            AtomicFile.remove(folder.appending(name))
            report.removed.append(folder.appending(name))
        }
    }

    /// A gallery whose last frame left loses its site folder too.
    private func removeGalleriesNotIn(_ ids: Set<String>, report: inout Report) throws {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: siteFolder.description)) ?? []
        where name != "assets" && !ids.contains(name) && !name.contains(".") {
            let folder = siteFolder.appending(name)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.description, isDirectory: &isFolder), isFolder.boolValue else { continue }
            try FileManager.default.removeItem(atPath: folder.description)
            report.removed.append(folder)
        }
    }

    private func write(_ data: Data, to file: FilePathBytes, report: inout Report) throws {
        guard try AtomicFile.writeIfChanged(data, to: file) else { return }
        report.written.append(file)
        report.bytesWritten += data.count
    }
}
