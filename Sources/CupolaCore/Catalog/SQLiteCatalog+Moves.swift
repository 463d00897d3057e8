import Foundation
import GRDB

/// Frames found by where their file is or by what it holds: moved files keep their frame, and a
/// file with the same bytes as an ingested one reuses its renditions.
extension SQLiteCatalog {
    public func frame(at path: FilePathBytes) throws(CatalogError) -> CatalogFrame? {
        try perform {
            try queue.read { db in try Self.frames(in: db, filter: "source.path = ?", arguments: [Data(path.bytes)]).first }
        }
    }

    public func frame(withContent sha256: String, other path: FilePathBytes) throws(CatalogError) -> CatalogFrame? {
        try perform {
            try queue.read { db in
                // The earliest such frame: in the content index's own order, so the lookup stops
                // at the first row even when thousands of files share the bytes.
                try Self.frames(in: db, filter: "source.sha256 = ? AND source.path != ? AND source.state = 'ingested' ORDER BY source.id LIMIT 1",
                                arguments: [sha256, Data(path.bytes)]).first
            }
        }
    }

    /// Re-keys the source row to its new path (so the frame, its id in the catalog and its
    /// renditions stay), then rewrites the frame with its new identity and rendition paths.
    /// Returns the frame as it was: its old rendition files go unless the new frame names them.
    static func move(from: FilePathBytes, to frame: CatalogFrame, in db: Database) throws -> [CatalogFrame] {
        let old = try frames(in: db, filter: "source.path = ?", arguments: [Data(from.bytes)])
        // Whatever the catalog knew at the new path (a rejected file, say) gives way to the move.
        let displaced = try frames(in: db, filter: "source.path = ?", arguments: [Data(frame.source.path.bytes)])
        try db.execute(sql: "DELETE FROM source WHERE path = ?", arguments: [Data(frame.source.path.bytes)])
        try db.execute(sql: "UPDATE source SET path = ? WHERE path = ?", arguments: [Data(frame.source.path.bytes), Data(from.bytes)])
        try insert(frame, in: db)
        try markDirty(old.map(\.gallery.id), in: db)
        return old + displaced
    }
}
