import Foundation
import Synchronization

/// A file whose bytes an ingested frame already has (the same picture under a second name, or a
/// copy in another folder) is still a frame of its own, filed by its own name, but its renditions
/// are the other frame's files under its own names (hard links): decoding the same bytes again
/// would give the same pixels. The summary lists each such file with the frame it shares with.
///
/// Frames rendered in this run are found here until they are committed, then in the catalog.
final class ContentTwins: Sendable {
    private let catalog: any Catalog
    private let uncommitted = Mutex<[String: CatalogFrame]>([:])

    init(catalog: any Catalog) { self.catalog = catalog }

    /// Remembers a frame rendered by a worker, until its batch is committed.
    func rendered(_ frame: CatalogFrame) {
        guard let sha256 = frame.source.sha256 else { return }
        uncommitted.withLock { frames in if frames[sha256] == nil { frames[sha256] = frame } }
    }

    /// Called once a batch is in the catalog, where the frames are found from now on.
    func committed() { uncommitted.withLock { $0 = [:] } }

    /// The frame whose renditions a file with these bytes can share: one made from another file,
    /// with every rendition the settings ask for, made with the same settings and still on disk.
    func twin(of sha256: String, path: FilePathBytes, specs: [RenditionSpec], layout: LibraryLayout) -> CatalogFrame? {
        let candidate = uncommitted.withLock { $0[sha256] }.flatMap { $0.source.path == path ? nil : $0 }
            ?? (try? catalog.frame(withContent: sha256, other: path))
        guard let candidate else { return nil }
        for spec in specs {
            guard let rendition = candidate.renditions.first(where: { $0.name == spec.name }),
                  rendition.fingerprint == spec.fingerprint,
                  FileLink.size(layout.renditionFile(gallery: candidate.gallery.id, relativePath: rendition.path)) == rendition.bytes
            else { return nil }
        }
        return candidate
    }

    /// Links the twin's renditions under the job's stem and returns the job's frame, made from
    /// the twin's pixels and metadata and the job's own name.
    static func link(_ twin: CatalogFrame, for job: FrameJob, source: SourceRecord, specs: [RenditionSpec],
                     layout: LibraryLayout) throws -> CatalogFrame {
        let renditions = try specs.map { spec in
            var rendition = twin.renditions.first { $0.name == spec.name }!
            let relative = LibraryLayout.renditionPath(spec, stem: job.stem)
            try FileLink.link(layout.renditionFile(gallery: twin.gallery.id, relativePath: rendition.path),
                              as: layout.renditionFile(gallery: job.gallery.id, relativePath: relative))
            rendition.path = relative
            return rendition
        }
        return CatalogFrame(source: source, gallery: job.gallery, name: job.name, id: job.id, stem: job.stem,
                            format: twin.format, width: twin.width, height: twin.height,
                            metadata: twin.metadata, renditions: renditions)
    }
}
