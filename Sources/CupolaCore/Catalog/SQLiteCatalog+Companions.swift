import Foundation
import GRDB

/// A camera raw and a JPEG with one frame id in one gallery are one frame, in either order and
/// in one run or two: the frame is the primary's (`[raw] pairs`: the JPEG, the camera's own
/// processing, unless the settings say the raw), the other file its companion original. Two JPEGs
/// (or two raws) with one id stay two frames, named apart.
extension SQLiteCatalog {
    /// Commits a frame, pairing it with a partner already in the catalog. Returns the frames whose
    /// renditions are no longer wanted: a file that joins its primary's frame gives up its own, and
    /// a primary that comes second takes the frame's place.
    static func commit(_ frame: CatalogFrame, pairs: PairPrimary, in db: Database) throws -> [CatalogFrame] {
        guard let partner = try partner(of: frame, in: db) else {
            if frame.renditions.isEmpty { _ = try upsert(frame.unpairedSource, in: db) } else { try insert(frame, in: db) }
            return []
        }
        if !pairs.isPrimary(frame.format) || frame.renditions.isEmpty {
            var source = frame.source
            source.state = .ingested
            source.reason = nil
            let id = try upsert(source, in: db)
            let earlier = try frames(in: db, filter: "source.id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM frame WHERE source_id = ?", arguments: [id])
            try addCompanion(id, format: frame.format, to: partner.sourceId, in: db)
            try markDirty([frame.gallery.id], in: db)
            return earlier + [frame]
        }
        let replaced = try frames(in: db, filter: "source.id = ?", arguments: [partner.sourceId])
        try db.execute(sql: "DELETE FROM frame WHERE source_id = ?", arguments: [partner.sourceId])
        try insert(frame, in: db)
        let id = try Int64.fetchOne(db, sql: "SELECT id FROM source WHERE path = ?", arguments: [Data(frame.source.path.bytes)])!
        try addCompanion(partner.sourceId, format: partner.format, to: id, in: db)
        return replaced
    }

    /// The frame this one pairs with: same gallery and id, one of the two a raw and the other a
    /// JPEG, and neither in a pair with a third file.
    private static func partner(of frame: CatalogFrame, in db: Database) throws -> (sourceId: Int64, format: String)? {
        guard PairPrimary.mayPair(frame.format) else { return nil }
        let path = Data(frame.source.path.bytes)
        let own = try Int64.fetchOne(db, sql: "SELECT id FROM source WHERE path = ?", arguments: [path])
        let candidates = try Row.fetchAll(db, sql: """
            SELECT frame.source_id, frame.format FROM frame JOIN source ON source.id = frame.source_id
            WHERE frame.gallery = ? AND frame.frame_id = ? AND source.path != ? ORDER BY frame.source_id
            """, arguments: [frame.gallery.id, frame.id, path])
        for row in candidates {
            let id: Int64 = row[0], format: String = row[1]
            guard PairPrimary.isRaw(format) != PairPrimary.isRaw(frame.format), PairPrimary.mayPair(format) else { continue }
            let others = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM companion WHERE frame_source_id IN (?1, ?2) AND source_id IS NOT ?1 AND source_id IS NOT ?2
                """, arguments: [id, own]) ?? 0
            if others == 0 { return (id, format) }
        }
        return nil
    }

    /// A companion's file moved: its source row follows, and adding its companion row again marks
    /// its frame changed (the triggers). Returns the frame's gallery; nil when `from` is no companion.
    static func moveCompanion(from: FilePathBytes, to source: SourceRecord, in db: Database) throws -> String? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT companion.source_id, companion.frame_source_id, companion.format, frame.gallery
            FROM source JOIN companion ON companion.source_id = source.id
            JOIN frame ON frame.source_id = companion.frame_source_id WHERE source.path = ?
            """, arguments: [Data(from.bytes)]) else { return nil }
        let id: Int64 = row[0], frameSourceId: Int64 = row[1], format: String = row[2]
        try db.execute(sql: """
            UPDATE source SET path = ?, root = ?, label = ?, size = ?, mtime_ns = ?, inode = ? WHERE id = ?
            """, arguments: [Data(source.path.bytes), Data(source.root.bytes), source.label, source.stat.size,
                            source.stat.modifiedNanoseconds, Int64(bitPattern: source.stat.inode), id])
        try db.execute(sql: "DELETE FROM companion WHERE source_id = ?", arguments: [id])
        try addCompanion(id, format: format, to: frameSourceId, in: db)
        return row[3]
    }

    private static func addCompanion(_ sourceId: Int64, format: String, to frameSourceId: Int64, in db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO companion (source_id, frame_source_id, format) VALUES (?, ?, ?)",
                       arguments: [sourceId, frameSourceId, format])
    }

    /// Before a source's frame or companion row goes: a companion's frame is marked dirty (the
    /// frame stays, without it); a frame's companions are forgotten, so that each is ingested
    /// again as a frame of its own (the pipeline offers them at once).
    static func releasePairs(ofSourceAt path: FilePathBytes, in db: Database) throws {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM source WHERE path = ?", arguments: [Data(path.bytes)]) else { return }
        try releasePairs(ofSourceIds: "SELECT \(id)", in: db)
    }

    /// `sourceIds`: a query giving the ids of the sources that lose their frame or companion row.
    static func releasePairs(ofSourceIds sourceIds: String, in db: Database) throws {
        let galleries = try String.fetchAll(db, sql: """
            SELECT frame.gallery FROM companion JOIN frame ON frame.source_id = companion.frame_source_id
            WHERE companion.source_id IN (\(sourceIds))
            """)
        try markDirty(galleries, in: db)
        try db.execute(sql: "DELETE FROM companion WHERE source_id IN (\(sourceIds))")
        try db.execute(sql: """
            DELETE FROM source WHERE id IN (SELECT source_id FROM companion WHERE frame_source_id IN (\(sourceIds)))
            """)
    }

    /// The companions of the frames with these source ids, by frame.
    static func companions(ofSourceIds ids: [Int64], in db: Database) throws -> [Int64: [CompanionOriginal]] {
        guard !ids.isEmpty else { return [:] }
        let list = ids.map(String.init).joined(separator: ",")
        var result: [Int64: [CompanionOriginal]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT companion.frame_source_id, companion.format, source.path, source.root, source.label, source.size, source.sha256
            FROM companion JOIN source ON source.id = companion.source_id
            WHERE companion.frame_source_id IN (\(list)) ORDER BY source.path
            """) {
            result[row[0], default: []].append(CompanionOriginal(
                path: FilePathBytes(bytes: [UInt8](row[2] as Data)), root: FilePathBytes(bytes: [UInt8](row[3] as Data)),
                label: row[4], format: row[1], bytes: row[5], sha256: row[6]))
        }
        return result
    }

    public func joinsPair(_ frame: CatalogFrame, pairs: PairPrimary) throws(CatalogError) -> Bool {
        guard pairs.isCompanion(frame.format) else { return false }
        return try perform { try queue.read { db in try Self.partner(of: frame, in: db) != nil } }
    }

    public func companionsToPromote(pairs: PairPrimary) throws(CatalogError) -> [SourceRecord] {
        try perform {
            try queue.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT \(Self.sourceColumns) FROM source WHERE id IN (SELECT source_id FROM companion WHERE \(pairs.promotedCompanions))
                    ORDER BY path
                    """).map(Self.sourceRecord)
            }
        }
    }

    public func pairedFrameIds(among ids: [String]) throws(CatalogError) -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try perform {
            try queue.read { db in
                let marks = ids.map { _ in "?" }.joined(separator: ",")
                return Set(try String.fetchAll(db, sql: """
                    SELECT DISTINCT frame.frame_id FROM frame JOIN companion ON companion.frame_source_id = frame.source_id
                    WHERE frame.frame_id IN (\(marks))
                    """, arguments: StatementArguments(ids)))
            }
        }
    }
}
