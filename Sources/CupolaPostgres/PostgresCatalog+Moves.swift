import CupolaCore
import Foundation
import PostgresNIO

/// Frames found by where their file is or by what it holds, moved files, frames refiled out of
/// `unassigned`, and rendition hashes recorded late: as `SQLiteCatalog` does them.
extension PostgresCatalog {
    public func frame(at path: FilePathBytes) throws(CatalogError) -> CatalogFrame? {
        try read { db in try Self.frames(in: db, where: "source.path = $1", [.bytes(path.bytes)]).first }
    }

    public func frame(withContent sha256: String, other path: FilePathBytes) throws(CatalogError) -> CatalogFrame? {
        try read { db in
            try Self.frames(in: db, where: "source.sha256 = $1 AND source.path <> $2 AND source.state = 'ingested'",
                            [.text(sha256), .bytes(path.bytes)], then: "ORDER BY source.id LIMIT 1").first
        }
    }

    /// Re-keys the source row to its new path, then rewrites the frame with its new identity and
    /// rendition paths. Returns the frame as it was, and whatever the new path held before.
    static func move(from: FilePathBytes, to frame: CatalogFrame, in db: Statements) throws -> [CatalogFrame] {
        let old = try frames(in: db, where: "source.path = $1", [.bytes(from.bytes)])
        let displaced = try frames(in: db, where: "source.path = $1", [.bytes(frame.source.path.bytes)])
        try db.execute("DELETE FROM source WHERE path = $1", [.bytes(frame.source.path.bytes)])
        try db.execute("UPDATE source SET path = $1 WHERE path = $2", [.bytes(frame.source.path.bytes), .bytes(from.bytes)])
        try insert(frame, in: db)
        try markDirty(old.map(\.gallery.id), in: db)
        return old + displaced
    }

    public func unassignedPaths() throws(CatalogError) -> [FilePathBytes] {
        try read { db in
            try db.rows("""
                SELECT source.path FROM frame JOIN source ON source.id = frame.source_id
                WHERE frame.gallery = $1 ORDER BY source.path
                """, [.text(GalleryIdentity.unassigned.id)]).map { FilePathBytes(bytes: try $0.bytes("path")) }
        }
    }

    public func stemTaken(_ stem: String, inGallery gallery: String, byOtherThan path: FilePathBytes) throws(CatalogError) -> Bool {
        try read { db in
            try !db.rows("""
                SELECT 1 FROM frame JOIN source ON source.id = frame.source_id
                WHERE frame.gallery = $1 AND frame.stem = $2 AND source.path <> $3 LIMIT 1
                """, [.text(gallery), .text(stem), .bytes(path.bytes)]).isEmpty
        }
    }

    public func refile(_ frame: CatalogFrame, leaving gallery: String) throws(CatalogError) {
        try write { db in
            try Self.insert(frame, in: db)
            try Self.markDirty([gallery], in: db)
        }
    }

    /// Sets only rows that have no hash yet, so a concurrent rebuild's own hash is never overwritten.
    public func recordDigests(_ digests: [RenditionDigest]) throws(CatalogError) {
        guard !digests.isEmpty else { return }
        try write { db in
            for digest in digests {
                try db.execute("""
                    UPDATE rendition SET sha256 = $1
                    WHERE name = $2 AND sha256 IS NULL AND source_id = (SELECT id FROM source WHERE path = $3)
                    """, [.text(digest.sha256), .text(digest.name), .bytes(digest.source.bytes)])
            }
        }
    }
}
