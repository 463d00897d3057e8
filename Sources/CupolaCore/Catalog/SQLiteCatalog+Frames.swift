import Foundation
import GRDB

extension SQLiteCatalog {
    /// The one encoder for the catalog's JSON columns: sorted keys, so the same value always
    /// gives the same text (migrations and page rows use it too).
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    @discardableResult
    public func apply(_ changes: [CatalogChange], pairs: PairPrimary) throws(CatalogError) -> [CatalogFrame] {
        guard !changes.isEmpty else { return [] }
        return try perform {
            try queue.write { db in
                var retired: [CatalogFrame] = []
                for change in changes {
                    switch change {
                    case .commit(let frame): retired += try Self.commit(frame, pairs: pairs, in: db)
                    case .refresh(let source): _ = try Self.upsert(source, in: db)
                    case .outcome(let source):
                        retired += try Self.frames(in: db, filter: "source.path = ?", arguments: [Data(source.path.bytes)])
                        try Self.releasePairs(ofSourceAt: source.path, in: db)
                        let id = try Self.upsert(source, in: db)
                        try db.execute(sql: "DELETE FROM frame WHERE source_id = ?", arguments: [id])
                    case .remove(let path):
                        retired += try Self.frames(in: db, filter: "source.path = ?", arguments: [Data(path.bytes)])
                        try Self.releasePairs(ofSourceAt: path, in: db)
                        try db.execute(sql: "DELETE FROM source WHERE path = ?", arguments: [Data(path.bytes)])
                    case .move(let from, let frame):
                        retired += try Self.move(from: from, to: frame, in: db)
                    case .moveCompanion(let from, let source):
                        if let gallery = try Self.moveCompanion(from: from, to: source, in: db) { try Self.markDirty([gallery], in: db) }
                    }
                }
                try Self.markDirty(retired.map(\.gallery.id), in: db)
                return retired
            }
        }
    }

    static func insert(_ frame: CatalogFrame, in db: Database) throws {
        let gallery = String(decoding: try encoder.encode(frame.gallery), as: UTF8.self)
        let name = try frame.name.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        let metadata = String(decoding: try encoder.encode(frame.metadata), as: UTF8.self)
        var source = frame.source
        source.state = .ingested
        source.reason = nil
        let id = try upsert(source, in: db)
        try markDirty([frame.gallery.id], in: db)
        try db.executeCached("DELETE FROM frame WHERE source_id = ?", [id])
        try db.executeCached("""
            INSERT INTO frame (source_id, gallery, gallery_json, frame_id, name_json, stem, format, width, height, captured, metadata_json, sort_key)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [id, frame.gallery.id, gallery, frame.id, name, frame.stem, frame.format,
                             frame.width, frame.height, frame.metadata.captured, metadata, Data(frame.orderKey)])
        for rendition in frame.renditions { try insert(rendition, of: id, in: db) }
        // Last: the triggers clear the entry as the renditions go in. A frame with a raw companion
        // is left without one: `frame` does not carry the companion, the catalog's rows do.
        try db.executeCached("""
            UPDATE frame SET page_entry = ?, page_entry_format = ?
            WHERE source_id = ? AND NOT EXISTS (SELECT 1 FROM companion WHERE frame_source_id = ?)
            """, [try PageEntry.json(frame), PageEntry.format, id, id])
    }

    private static func insert(_ rendition: RenditionRecord, of sourceId: Int64, in db: Database) throws {
        try db.executeCached("""
            INSERT INTO rendition (source_id, name, fingerprint, path, bytes, width, height, sha256)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [sourceId, rendition.name, rendition.fingerprint, rendition.path,
                  rendition.bytes, rendition.width, rendition.height, rendition.sha256])
    }

    public func stemOwner(_ key: StemKey) throws(CatalogError) -> FilePathBytes? {
        try perform {
            try queue.read { db in
                let statement = try db.cachedStatement(sql: """
                    SELECT source.path FROM frame JOIN source ON source.id = frame.source_id WHERE frame.gallery = ? AND frame.stem = ?
                    """)
                return try Data.fetchOne(statement, arguments: [key.gallery, key.stem]).map { FilePathBytes(bytes: [UInt8]($0)) }
            }
        }
    }

    static func markDirty(_ galleries: [String], in db: Database) throws {
        for gallery in Set(galleries) {
            try db.executeCached("INSERT OR IGNORE INTO dirty_gallery (gallery) VALUES (?)", [gallery])
        }
    }

    public func dirtyGalleries() throws(CatalogError) -> Set<String> {
        try perform { try queue.read { db in Set(try String.fetchAll(db, sql: "SELECT gallery FROM dirty_gallery")) } }
    }

    public func markClean(_ galleries: Set<String>) throws(CatalogError) {
        guard !galleries.isEmpty else { return }
        try perform {
            try queue.write { db in
                for gallery in galleries {
                    try db.execute(sql: "DELETE FROM dirty_gallery WHERE gallery = ?", arguments: [gallery])
                }
            }
        }
    }

    public func updateRenditions(of path: FilePathBytes, gallery: String, with records: [RenditionRecord],
                                 removing names: [String]) throws(CatalogError) {
        try perform {
            try queue.write { db in
                guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM source WHERE path = ?", arguments: [Data(path.bytes)]) else { return }
                for name in names + records.map(\.name) {
                    try db.execute(sql: "DELETE FROM rendition WHERE source_id = ? AND name = ?", arguments: [id, name])
                }
                for rendition in records { try Self.insert(rendition, of: id, in: db) }
                try Self.markDirty([gallery], in: db)
            }
        }
    }

    public func staleRenditionCount(current specs: [RenditionSpec]) throws(CatalogError) -> Int {
        guard !specs.isEmpty else { return 0 }
        let values = specs.map { _ in "(?, ?)" }.joined(separator: ", ")
        let arguments = StatementArguments(specs.flatMap { [$0.name, $0.fingerprint] })
        return try perform {
            try queue.read { db in
                // From the tallies the triggers keep: a few rows, whatever the library's size.
                let wrong = try Int.fetchOne(db, sql: """
                    WITH current(name, fingerprint) AS (VALUES \(values))
                    SELECT COALESCE(SUM(t.count), 0) FROM rendition_tally t JOIN current c ON c.name = t.name
                    WHERE t.fingerprint != c.fingerprint
                    """, arguments: arguments) ?? 0
                let frames = try Int.fetchOne(db, sql: "SELECT count FROM frame_tally") ?? 0
                let present = try Int.fetchOne(db, sql: """
                    WITH current(name, fingerprint) AS (VALUES \(values))
                    SELECT COALESCE(SUM(t.count), 0) FROM rendition_tally t JOIN current c ON c.name = t.name
                    """, arguments: arguments) ?? 0
                let missing = frames * specs.count - present
                return wrong + missing
            }
        }
    }

    public func frames(inGallery id: String) throws(CatalogError) -> [CatalogFrame] {
        try perform {
            try queue.read { db in try Self.frames(in: db, filter: "frame.gallery = ?", arguments: [id]) }
        }
    }

    public func galleries() throws(CatalogError) -> [GallerySummary] {
        try perform {
            try queue.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT gallery, MIN(gallery_json) AS identity, COUNT(*) AS frames, MIN(captured) AS first, MAX(captured) AS last
                    FROM frame GROUP BY gallery ORDER BY gallery
                    """).map { row in
                    GallerySummary(identity: try JSONDecoder().decode(GalleryIdentity.self, from: Data((row["identity"] as String).utf8)),
                                   frameCount: row["frames"], firstCapture: row["first"], lastCapture: row["last"])
                }
            }
        }
    }

    static func frames(in db: Database, filter: String, arguments: StatementArguments, then suffix: String = "") throws -> [CatalogFrame] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT \(sourceColumns), source.id AS source_id, frame.gallery_json, frame.frame_id, frame.name_json,
                   frame.stem, frame.format, frame.width, frame.height, frame.metadata_json
            FROM frame JOIN source ON source.id = frame.source_id WHERE \(filter) \(suffix)
            """, arguments: arguments)
        var renditions: [Int64: [RenditionRecord]] = [:]
        let ids = rows.map { $0["source_id"] as Int64 }
        if !ids.isEmpty {
            let list = ids.map(String.init).joined(separator: ",")
            for row in try Row.fetchAll(db, sql: "SELECT * FROM rendition WHERE source_id IN (\(list)) ORDER BY name") {
                renditions[row["source_id"], default: []].append(RenditionRecord(
                    name: row["name"], fingerprint: row["fingerprint"], path: row["path"],
                    bytes: row["bytes"], width: row["width"], height: row["height"], sha256: row["sha256"]))
            }
        }
        let companions = try self.companions(ofSourceIds: ids, in: db)
        let decoder = JSONDecoder()
        // A batch is nearly always one gallery: its identity is decoded once, not once a frame.
        var identities: [String: GalleryIdentity] = [:]
        return try rows.map { row in
            let nameJSON: String? = row["name_json"]
            let galleryJSON: String = row["gallery_json"]
            let gallery = try identities[galleryJSON] ?? decoder.decode(GalleryIdentity.self, from: Data(galleryJSON.utf8))
            identities[galleryJSON] = gallery
            return CatalogFrame(
                source: sourceRecord(row),
                gallery: gallery,
                name: try nameJSON.map { try decoder.decode(FrameName.self, from: Data($0.utf8)) },
                id: row["frame_id"], stem: row["stem"], format: row["format"],
                width: row["width"], height: row["height"],
                metadata: try decoder.decode(FrameMetadata.self, from: Data((row["metadata_json"] as String).utf8)),
                renditions: renditions[row["source_id"]] ?? [],
                companions: companions[row["source_id"]] ?? [])
        }
    }

    public func recordRun(_ run: RunRecord) throws(CatalogError) {
        try perform {
            try queue.write { db in
                try db.execute(sql: "INSERT INTO run (command, finished, exit_code, summary) VALUES (?, ?, ?, ?)",
                               arguments: [run.command, run.finished, run.exitCode, run.summary])
                // Keep the recent history only.
                try db.execute(sql: "DELETE FROM run WHERE id <= (SELECT MAX(id) FROM run) - 100")
            }
        }
    }

    public func lastRun() throws(CatalogError) -> RunRecord? {
        try perform {
            try queue.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM run ORDER BY id DESC LIMIT 1").map {
                    RunRecord(command: $0["command"], finished: $0["finished"], exitCode: $0["exit_code"], summary: $0["summary"])
                }
            }
        }
    }
}
