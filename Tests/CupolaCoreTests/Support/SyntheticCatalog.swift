@testable import CupolaCore
import Foundation
import Testing

/// A library whose catalog is filled directly with frame records (no image is decoded), for
/// testing what is published from a catalog at sizes where ingesting real files would be slow.
final class SyntheticCatalog {
    let folder: TemporaryFolder
    let layout: LibraryLayout
    let catalog: any Catalog

    init(_ name: String = #function, kind: CatalogKind = .sqlite) throws {
        folder = TemporaryFolder(name)
        layout = LibraryLayout(root: FilePathBytes(folder.path))
        catalog = try kind.open(for: layout, name: name)
    }

    /// The catalog as SQLite, for tests that look at its rows (made with the default kind).
    var sqlite: SQLiteCatalog {
        get throws { try #require(catalog as? SQLiteCatalog) }
    }

    /// Frame `ISS070-E-<number>`, captured `second` seconds after a fixed start (undated when nil).
    static func frame(_ number: Int, second: Int?) -> CatalogFrame {
        let name = FrameName(fileName: "ISS070-E-\(number).JPG")!
        let path = FilePathBytes("/downlink/ISS070-E-\(number).JPG")
        let source = SourceRecord(path: path, root: FilePathBytes("/downlink"), label: "downlink/ISS070-E-\(number).JPG",
                                  stat: FileStat(size: 1000 + Int64(number), modifiedNanoseconds: 0, inode: UInt64(number)),
                                  sha256: String(repeating: "ab", count: 32), state: .ingested)
        var metadata = FrameMetadata()
        if let second {
            let date = Date(timeIntervalSince1970: 1_700_000_000 + Double(second))
            metadata.captured = ISO8601DateFormatter().string(from: date)
        }
        let renditions = ["large", "thumb"].map {
            RenditionRecord(name: $0, fingerprint: "f", path: "\($0)/\(name.id).jpg", bytes: 100, width: 256, height: 171)
        }
        return CatalogFrame(source: source, gallery: name.gallery, name: name, id: name.id, stem: name.id,
                            format: "jpeg", width: 640, height: 427, metadata: metadata, renditions: renditions)
    }

    /// Publishes what changed, as a run does.
    @discardableResult
    func publish() throws -> GalleryPublisher.Report {
        let dirty = try catalog.dirtyGalleries()
        let report = try GalleryPublisher(layout: layout, catalog: catalog).publish(galleries: dirty)
        try catalog.markClean(dirty)
        return report
    }

    /// Every file under `galleries/`, by relative path.
    func publishedFiles() throws -> [String: Data] { try files(under: "galleries") }

    /// Every file under a folder of the library, by path relative to it.
    func files(under folder: String) throws -> [String: Data] {
        try TestIngest.files(under: self.folder.url.appendingPathComponent(folder))
    }
}
