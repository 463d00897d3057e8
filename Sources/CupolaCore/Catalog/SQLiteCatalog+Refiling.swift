import Foundation
import GRDB

/// Frames filed under `unassigned` by a cupola that could not parse their names: found and moved
/// to their mission gallery without touching anything but their rows (see `MissionRefiling`).
extension SQLiteCatalog {
    /// The source paths of every frame in `unassigned`.
    public func unassignedPaths() throws(CatalogError) -> [FilePathBytes] {
        try perform {
            try queue.read { db in
                try Data.fetchAll(db, sql: """
                    SELECT source.path FROM frame JOIN source ON source.id = frame.source_id
                    WHERE frame.gallery = ? ORDER BY source.path
                    """, arguments: [GalleryIdentity.unassigned.id]).map { FilePathBytes(bytes: [UInt8]($0)) }
            }
        }
    }

    /// Whether `stem` in `gallery` belongs to a file other than `path`.
    public func stemTaken(_ stem: String, inGallery gallery: String, byOtherThan path: FilePathBytes) throws(CatalogError) -> Bool {
        try perform {
            try queue.read { db in
                try Bool.fetchOne(db, sql: """
                    SELECT 1 FROM frame JOIN source ON source.id = frame.source_id
                    WHERE frame.gallery = ? AND frame.stem = ? AND source.path != ?
                    """, arguments: [gallery, stem, Data(path.bytes)]) ?? false
            }
        }
    }

    /// Rewrites a frame under its new identity through the ordinary insert (new order key, pages
    /// of both galleries marked by the triggers) and marks the gallery it left for republishing.
    public func refile(_ frame: CatalogFrame, leaving gallery: String) throws(CatalogError) {
        try perform {
            try queue.write { db in
                try Self.insert(frame, in: db)
                try Self.markDirty([gallery], in: db)
            }
        }
    }
}
