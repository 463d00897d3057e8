import Foundation

/// Rebuilds gallery manifests and the index from the catalog, never patching a file in place.
/// A file whose bytes would not change is not rewritten, so a no-op run touches nothing.
public struct GalleryPublisher: Sendable {
    let layout: LibraryLayout
    let catalog: any Catalog

    public init(layout: LibraryLayout, catalog: any Catalog) {
        self.layout = layout
        self.catalog = catalog
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Frames in manifest order: by capture time (undated last), then id, then source.
    static func ordered(_ frames: [CatalogFrame]) -> [CatalogFrame] {
        frames.sorted { a, b in
            switch (a.metadata.captured, b.metadata.captured) {
            case let (x?, y?) where x != y: return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default: break
            }
            if a.id != b.id { return a.id < b.id }
            return a.source.label < b.source.label || (a.source.label == b.source.label && a.source.path < b.source.path)
        }
    }

    public func manifestData(gallery id: String) throws -> Data? {
        let frames = Self.ordered(try catalog.frames(inGallery: id))
        guard let identity = frames.first?.gallery else { return nil }
        let manifest = GalleryManifest(gallery: identity, frameCount: frames.count,
                                       captureRange: CaptureRange(frames.map(\.metadata.captured)),
                                       frames: frames.map(ManifestFrame.init))
        return try Self.encoder.encode(manifest) + Data("\n".utf8)
    }

    public func indexData() throws -> Data {
        let galleries = try catalog.galleries()
        let index = GalleryIndex(
            galleryCount: galleries.count, frameCount: galleries.reduce(0) { $0 + $1.frameCount },
            galleries: galleries.map {
                GalleryIndex.Entry(id: $0.identity.id, title: $0.identity.title, mission: $0.identity.mission,
                                   expedition: $0.identity.expedition, frameCount: $0.frameCount,
                                   captureRange: CaptureRange(first: $0.firstCapture, last: $0.lastCapture),
                                   manifest: "\($0.identity.id)/manifest.json")
            })
        return try Self.encoder.encode(index) + Data("\n".utf8)
    }

    /// Rewrites the manifests of `galleries` and the index; returns the files that changed.
    @discardableResult
    public func publish(galleries: Set<String>) throws -> [FilePathBytes] {
        var written: [FilePathBytes] = []
        for id in galleries.sorted() {
            let file = layout.manifestFile(id)
            if let data = try manifestData(gallery: id) {
                try AtomicFile.makeFolder(layout.galleryFolder(id))
                if try writeIfChanged(data, to: file) { written.append(file) }
            } else if FileManager.default.fileExists(atPath: file.description) {
                AtomicFile.remove(file)
                written.append(file)
            }
        }
        try AtomicFile.makeFolder(layout.galleriesFolder)
        if try writeIfChanged(try indexData(), to: layout.indexFile) { written.append(layout.indexFile) }
        return written
    }

    private func writeIfChanged(_ data: Data, to file: FilePathBytes) throws -> Bool {
        if let existing = FileManager.default.contents(atPath: file.description), existing == data { return false }
        try AtomicFile.write(data, to: file)
        return true
    }
}
