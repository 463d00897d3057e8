import Foundation

/// Publishes galleries from the catalog as paged manifests (`cupola.gallery/2`): re-cuts only the
/// stretches of a gallery whose frames changed, writes the pages that came out different, then the
/// manifest and the index. Files are written whole (temporary name, then rename) and never patched;
/// a page is named by its content, so a reader of the old manifest still finds the old pages until
/// the new manifest is in place. A file whose bytes would not change is not rewritten.
public struct GalleryPublisher: Sendable {
    let layout: LibraryLayout
    let catalog: any Catalog

    /// Frames read from the catalog at a time.
    static let batchSize = 512
    /// With more changed frames than this, a gallery is re-cut in one pass instead of by stretches.
    static let wholeGalleryThreshold = 2048

    public init(layout: LibraryLayout, catalog: any Catalog) {
        self.layout = layout
        self.catalog = catalog
    }

    /// What one publication wrote.
    public struct Report: Sendable {
        /// Files written under `galleries/`, and files removed there.
        public var written: [FilePathBytes] = []
        public var removed: [FilePathBytes] = []
        public var bytesWritten = 0
        /// Galleries brought from `cupola.gallery/1` to `/2`.
        public var upgraded: [String] = []
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Republishes `galleries` and the index. `checkPages` re-reads every page that stays, to
    /// rewrite one that was damaged (repair); otherwise a page file that exists is trusted.
    @discardableResult
    public func publish(galleries: Set<String>, checkPages: Bool = false) throws -> Report {
        var report = Report()
        let upgrading = try catalog.galleriesAwaitingUpgrade()
        for id in galleries.sorted() {
            try publishGallery(id, whole: checkPages || upgrading.contains(id), checkPages: checkPages, report: &report)
            if upgrading.contains(id) { report.upgraded.append(id) }
        }
        try AtomicFile.makeFolder(layout.galleriesFolder)
        try write(try indexData(), to: layout.indexFile, report: &report)
        return report
    }

    private func publishGallery(_ id: String, whole: Bool, checkPages: Bool, report: inout Report) throws {
        let folder = layout.galleryFolder(id)
        guard let identity = try catalog.galleryIdentity(id) else {
            try unpublish(id, report: &report)
            return
        }
        let old = try catalog.pages(ofGallery: id)
        var changed: [[UInt8]]? = nil
        if !whole && !old.isEmpty {
            let keys = try catalog.changedKeys(inGallery: id, limit: Self.wholeGalleryThreshold)
            if keys.count < Self.wholeGalleryThreshold { changed = keys }
        }
        try AtomicFile.makeFolder(folder.appending("pages"))
        var cut = PageRecut(gallery: id, old: old, catalog: catalog)
        try cut.run(changedKeys: changed) { page in
            let file = folder.appending(page.record.path)
            if checkPages ? FileManager.default.contents(atPath: file.description) != page.data
                          : !FileManager.default.fileExists(atPath: file.description) {
                try AtomicFile.write(page.data, to: file)
                report.written.append(file)
                report.bytesWritten += page.data.count
            }
        }
        try catalog.replacePages(ofGallery: id, identity: identity, removing: cut.removing, adding: cut.adding)
        try write(try manifestData(gallery: id, identity: identity), to: layout.manifestFile(id), report: &report)
        try removeRetiredPages(id, sweep: cut.isWhole, report: &report)
    }

    /// A gallery whose last frame left: its manifest and pages go.
    private func unpublish(_ id: String, report: inout Report) throws {
        let old = try catalog.pages(ofGallery: id)
        try catalog.replacePages(ofGallery: id, identity: nil, removing: old, adding: [])
        let manifest = layout.manifestFile(id)
        if FileManager.default.fileExists(atPath: manifest.description) {
            AtomicFile.remove(manifest)
            report.removed.append(manifest)
        }
        // The empty `pages/` folder stays: this process remembers the folders it made.
        try removeRetiredPages(id, sweep: true, report: &report)
    }

    /// Deletes the page files the catalog no longer lists, once the manifest no longer names them.
    /// `sweep` also deletes any other file in `pages/` that no page row names (left by a killed run).
    private func removeRetiredPages(_ id: String, sweep: Bool, report: inout Report) throws {
        let folder = layout.galleryFolder(id)
        for path in try catalog.retiredPages(ofGallery: id) {
            let file = folder.appending(path)
            if FileManager.default.fileExists(atPath: file.description) {
                AtomicFile.remove(file)
                report.removed.append(file)
            }
        }
        try catalog.forgetRetiredPages(ofGallery: id)
        guard sweep else { return }
        let kept = Set(try catalog.pages(ofGallery: id).map(\.path))
        let pages = folder.appending("pages")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: pages.description)) ?? []
        where !kept.contains("pages/\(name)") && !name.hasPrefix(AtomicFile.temporaryMarker) {
            AtomicFile.remove(pages.appending(name))
            report.removed.append(pages.appending(name))
        }
    }

    /// The manifest as the catalog's page rows say it should be; nil for a gallery with no frames.
    public func manifestData(gallery id: String) throws -> Data? {
        guard let identity = try catalog.galleryIdentity(id) else { return nil }
        return try manifestData(gallery: id, identity: identity)
    }

    private func manifestData(gallery id: String, identity: GalleryIdentity) throws -> Data {
        let pages = try catalog.pages(ofGallery: id)
        let manifest = GalleryManifest(
            gallery: identity, frameCount: pages.reduce(0) { $0 + $1.frameCount },
            captureRange: CaptureRange(pages.flatMap { [$0.captureFirst, $0.captureLast] }),
            pages: pages.map(GalleryManifest.Page.init))
        return try Self.encoder.encode(manifest) + Data("\n".utf8)
    }

    public func indexData() throws -> Data {
        // Missions chronologically by program, then the galleries that are no mission, then themes.
        let galleries = try catalog.publishedGalleries().sorted { $0.identity < $1.identity }
        let index = GalleryIndex(
            // A theme lists frames its mission galleries hold: the library's total counts them once.
            galleryCount: galleries.count,
            frameCount: galleries.filter { !$0.identity.isTheme }.reduce(0) { $0 + $1.frameCount },
            galleries: galleries.map {
                GalleryIndex.Entry(id: $0.identity.id, kind: $0.identity.indexKind, title: $0.identity.title, mission: $0.identity.mission,
                                   expedition: $0.identity.expedition, program: $0.identity.program,
                                   order: $0.identity.order, frameCount: $0.frameCount,
                                   captureRange: CaptureRange(first: $0.firstCapture, last: $0.lastCapture),
                                   manifest: "\($0.identity.id)/manifest.json")
            })
        return try Self.encoder.encode(index) + Data("\n".utf8)
    }

    private func write(_ data: Data, to file: FilePathBytes, report: inout Report) throws {
        guard try AtomicFile.writeIfChanged(data, to: file) else { return }
        report.written.append(file)
        report.bytesWritten += data.count
    }
}
