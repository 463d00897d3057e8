import CupolaCore
import Foundation
import PostgresNIO

/// A camera raw and a JPEG with one frame id in one gallery are one frame, in either order, in one
/// run or two, and from one worker or two: the frame is the primary's (`[raw] pairs`), the other
/// file its companion original (`SQLiteCatalog+Companions` says the same of the embedded catalog).
extension PostgresCatalog {
    /// Two workers committing the raw and the JPEG of one frame at once would each miss the other:
    /// a transaction that may pair first takes a lock on the gallery and frame id, all of them
    /// in one order so that two transactions never wait on each other.
    static func lockPairs(of changes: [CatalogChange], in db: Statements) throws {
        let keys = Set(changes.compactMap { change -> String? in
            guard case .commit(let frame) = change, PairPrimary.mayPair(frame.format) else { return nil }
            return "cupola pair \(frame.gallery.id) \(frame.id)"
        })
        for key in keys.sorted() {
            try db.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [.text(key)])
        }
    }

    /// Commits a frame, pairing it with a partner already in the catalog. Returns the frames whose
    /// renditions are no longer wanted: a file that joins its primary's frame gives up its own, and
    /// a primary that comes second takes the frame's place.
    static func commit(_ frame: CatalogFrame, pairs: PairPrimary, in db: Statements) throws -> [CatalogFrame] {
        guard let partner = try partner(of: frame, in: db) else {
            if frame.renditions.isEmpty { _ = try upsert(frame.unpairedSource, in: db) } else { try insert(frame, in: db) }
            return []
        }
        if !pairs.isPrimary(frame.format) || frame.renditions.isEmpty {
            var source = frame.source
            source.state = .ingested
            source.reason = nil
            let id = try upsert(source, in: db)
            let earlier = try frames(in: db, where: "source.id = $1", [.int(Int(id))])
            try db.execute("DELETE FROM frame WHERE source_id = $1", [.int(Int(id))])
            try addCompanion(id, format: frame.format, to: partner.sourceId, in: db)
            try markDirty([frame.gallery.id], in: db)
            return earlier + [frame]
        }
        let replaced = try frames(in: db, where: "source.id = $1", [.int(Int(partner.sourceId))])
        try db.execute("DELETE FROM frame WHERE source_id = $1", [.int(Int(partner.sourceId))])
        let id = try insert(frame, in: db)
        try addCompanion(partner.sourceId, format: partner.format, to: id, in: db)
        return replaced
    }

    /// The frame this one pairs with: same gallery and id, one of the two a raw and the other a
    /// JPEG, and neither in a pair with a third file.
    private static func partner(of frame: CatalogFrame, in db: Statements) throws -> (sourceId: Int64, format: String)? {
        guard PairPrimary.mayPair(frame.format) else { return nil }
        let path = SQLValue.bytes(frame.source.path.bytes)
        let own = try db.rows("SELECT id FROM source WHERE path = $1", [path]).first.map { try $0.int64("id") }
        let candidates = try db.rows("""
            SELECT frame.source_id, frame.format FROM frame JOIN source ON source.id = frame.source_id
            WHERE frame.gallery = $1 AND frame.frame_id = $2 AND source.path <> $3 ORDER BY frame.source_id
            """, [.text(frame.gallery.id), .text(frame.id), path])
        for row in candidates {
            let id = try row.int64("source_id"), format = try row.text("format")
            guard PairPrimary.isRaw(format) != PairPrimary.isRaw(frame.format), PairPrimary.mayPair(format) else { continue }
            let others = try db.int("""
                SELECT count(*) FROM companion WHERE frame_source_id IN ($1, $2::bigint)
                AND source_id <> $1 AND source_id IS DISTINCT FROM $2::bigint
                """, [.int(Int(id)), .int(own.map { Int($0) })])
            if others == 0 { return (id, format) }
        }
        return nil
    }

    /// A companion's file moved: its source row follows, and adding its companion row again marks
    /// its frame changed (the triggers). Returns the frame's gallery; nil when `from` is no companion.
    static func moveCompanion(from: FilePathBytes, to source: SourceRecord, in db: Statements) throws -> String? {
        guard let row = try db.rows("""
            SELECT companion.source_id, companion.frame_source_id, companion.format, frame.gallery
            FROM source JOIN companion ON companion.source_id = source.id
            JOIN frame ON frame.source_id = companion.frame_source_id WHERE source.path = $1
            """, [.bytes(from.bytes)]).first else { return nil }
        let id = try row.int64("source_id"), frameSourceId = try row.int64("frame_source_id"), format = try row.text("format")
        try db.execute("""
            UPDATE source SET path = $1, root = $2, label = $3, size = $4, mtime_ns = $5, inode = $6 WHERE id = $7
            """, [.bytes(source.path.bytes), .bytes(source.root.bytes), .text(source.label), .int(Int(source.stat.size)),
                  .int(Int(source.stat.modifiedNanoseconds)), .int(Int(Int64(bitPattern: source.stat.inode))), .int(Int(id))])
        try db.execute("DELETE FROM companion WHERE source_id = $1", [.int(Int(id))])
        try addCompanion(id, format: format, to: frameSourceId, in: db)
        return try row.text("gallery")
    }

    private static func addCompanion(_ sourceId: Int64, format: String, to frameSourceId: Int64, in db: Statements) throws {
        try db.execute("""
            INSERT INTO companion (source_id, frame_source_id, format) VALUES ($1, $2, $3)
            ON CONFLICT (source_id) DO UPDATE SET frame_source_id = excluded.frame_source_id, format = excluded.format
            """, [.int(Int(sourceId)), .int(Int(frameSourceId)), .text(format)])
    }

    public func joinsPair(_ frame: CatalogFrame, pairs: PairPrimary) throws(CatalogError) -> Bool {
        guard pairs.isCompanion(frame.format) else { return false }
        return try read { db in try Self.partner(of: frame, in: db) != nil }
    }

    public func companionsToPromote(pairs: PairPrimary) throws(CatalogError) -> [SourceRecord] {
        try read { db in
            try db.rows("""
                SELECT \(Self.sourceColumns) FROM source WHERE id IN (SELECT source_id FROM companion WHERE \(pairs.promotedCompanions))
                ORDER BY path
                """).map(Self.sourceRecord)
        }
    }

    /// Before the frame or companion rows of some sources go: a companion's frame is marked dirty
    /// (the frame stays, without it); a frame's companions are forgotten, so that each is ingested
    /// again as a frame of its own. `sourceIds` is a query giving those sources' ids.
    static func releasePairs(ofSourceIds sourceIds: String, _ values: [SQLValue] = [], in db: Statements) throws {
        let galleries = try db.rows("""
            SELECT frame.gallery FROM companion JOIN frame ON frame.source_id = companion.frame_source_id
            WHERE companion.source_id IN (\(sourceIds))
            """, values).map { try $0.text("gallery") }
        try markDirty(galleries, in: db)
        try db.execute("DELETE FROM companion WHERE source_id IN (\(sourceIds))", values)
        try db.execute("""
            DELETE FROM source WHERE id IN (SELECT source_id FROM companion WHERE frame_source_id IN (\(sourceIds)))
            """, values)
    }

    /// The companions of the frames with these source ids, by frame.
    static func companions(ofSourceIds ids: [Int64], in db: Statements) throws -> [Int64: [CompanionOriginal]] {
        guard !ids.isEmpty else { return [:] }
        var result: [Int64: [CompanionOriginal]] = [:]
        for row in try db.rows("""
            SELECT companion.frame_source_id, companion.format, source.path, source.root, source.label, source.size, source.sha256
            FROM companion JOIN source ON source.id = companion.source_id
            WHERE companion.frame_source_id IN (\(ids.map(String.init).joined(separator: ","))) ORDER BY source.path
            """) {
            result[try row.int64("frame_source_id"), default: []].append(CompanionOriginal(
                path: FilePathBytes(bytes: try row.bytes("path")), root: FilePathBytes(bytes: try row.bytes("root")),
                label: try row.text("label"), format: try row.text("format"), bytes: try row.int64("size"),
                sha256: try row.optionalText("sha256")))
        }
        return result
    }

    public func pairedFrameIds(among ids: [String]) throws(CatalogError) -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try read { db in
            Set(try db.rows("""
                SELECT DISTINCT frame.frame_id FROM frame JOIN companion ON companion.frame_source_id = frame.source_id
                WHERE frame.frame_id = ANY($1)
                """, [.texts(ids)]).map { try $0.text("frame_id") })
        }
    }
}
