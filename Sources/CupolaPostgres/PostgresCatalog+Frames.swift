import CupolaCore
import Foundation
import PostgresNIO

extension PostgresCatalog {
    /// The same sorted-keys encoding as the SQLite catalog's JSON columns.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @discardableResult
    public func apply(_ changes: [CatalogChange], pairs: PairPrimary) throws(CatalogError) -> [CatalogFrame] {
        guard !changes.isEmpty else { return [] }
        return try write { db in try Self.apply(changes, pairs: pairs, in: db) }
    }

    /// The changes within the caller's transaction; returns the frames that left the catalog.
    static func apply(_ changes: [CatalogChange], pairs: PairPrimary, in db: Statements) throws -> [CatalogFrame] {
        try lockPairs(of: changes, in: db)
        var retired: [CatalogFrame] = []
        for change in changes {
            switch change {
            case .commit(let frame): retired += try commit(frame, pairs: pairs, in: db)
            case .refresh(let source): _ = try upsert(source, in: db)
            case .outcome(let source):
                retired += try frames(in: db, where: "source.path = $1", [.bytes(source.path.bytes)])
                try releasePairs(ofSourceIds: "SELECT id FROM source WHERE path = $1", [.bytes(source.path.bytes)], in: db)
                let id = try upsert(source, in: db)
                try db.execute("DELETE FROM frame WHERE source_id = $1", [.int(Int(id))])
            case .remove(let path):
                retired += try frames(in: db, where: "source.path = $1", [.bytes(path.bytes)])
                try releasePairs(ofSourceIds: "SELECT id FROM source WHERE path = $1", [.bytes(path.bytes)], in: db)
                try db.execute("DELETE FROM source WHERE path = $1", [.bytes(path.bytes)])
            case .move(let from, let frame):
                retired += try move(from: from, to: frame, in: db)
            case .moveCompanion(let from, let source):
                if let gallery = try moveCompanion(from: from, to: source, in: db) { try markDirty([gallery], in: db) }
            }
        }
        try markDirty(retired.map(\.gallery.id), in: db)
        return retired
    }

    /// Writes the frame, its renditions and its page entry; returns its source id.
    @discardableResult
    static func insert(_ frame: CatalogFrame, in db: Statements) throws -> Int64 {
        var source = frame.source
        source.state = .ingested
        source.reason = nil
        let id = try upsert(source, in: db)
        try markDirty([frame.gallery.id], in: db)
        try db.execute("DELETE FROM frame WHERE source_id = $1", [.int(Int(id))])
        try db.execute("""
            INSERT INTO frame (source_id, gallery, gallery_json, frame_id, name_json, stem, format, width, height, captured, metadata_json, sort_key)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            """, [.int(Int(id)), .text(frame.gallery.id), .text(try json(frame.gallery)), .text(frame.id),
                  .text(try frame.name.map { try json($0) }), .text(frame.stem), .text(frame.format), .int(frame.width),
                  .int(frame.height), .text(frame.metadata.captured), .text(try json(frame.metadata)), .bytes(frame.orderKey)])
        try insert(frame.renditions, of: id, in: db)
        // Last: the triggers clear the entry as the renditions go in. A frame with a raw companion
        // is left without one: `frame` does not carry the companion, the catalog's rows do.
        try db.execute("""
            UPDATE frame SET page_entry = $1, page_entry_format = $2
            WHERE source_id = $3 AND NOT EXISTS (SELECT 1 FROM companion WHERE frame_source_id = $3)
            """, [.bytes([UInt8](try PageEntry.json(frame))), .int(PageEntry.format), .int(Int(id))])
        return id
    }

    /// A frame's renditions in one statement: a worker's finish is a round trip a statement. No
    /// digest is bound as '' (a text array holds no NULL here; a SHA-256 is never empty).
    static func insert(_ renditions: [RenditionRecord], of sourceId: Int64, in db: Statements) throws {
        guard !renditions.isEmpty else { return }
        try db.execute("""
            INSERT INTO rendition (source_id, name, fingerprint, path, bytes, width, height, sha256)
            SELECT $1, name, fingerprint, path, bytes, width, height, NULLIF(sha256, '')
            FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::text[])
                AS made(name, fingerprint, path, bytes, width, height, sha256)
            """, [.int(Int(sourceId)), .texts(renditions.map(\.name)), .texts(renditions.map(\.fingerprint)),
                  .texts(renditions.map(\.path)), .ints(renditions.map { Int($0.bytes) }), .ints(renditions.map { Int($0.width) }),
                  .ints(renditions.map { Int($0.height) }), .texts(renditions.map { $0.sha256 ?? "" })])
    }

    public func stemOwner(_ key: StemKey) throws(CatalogError) -> FilePathBytes? {
        try read { db in
            try db.rows("""
                SELECT source.path FROM frame JOIN source ON source.id = frame.source_id WHERE frame.gallery = $1 AND frame.stem = $2
                """, [.text(key.gallery), .text(key.stem)]).first.map { FilePathBytes(bytes: try $0.bytes("path")) }
        }
    }

    static func markDirty(_ galleries: [String], in db: Statements) throws {
        for gallery in Set(galleries).sorted() {
            try db.execute("INSERT INTO dirty_gallery (gallery) VALUES ($1) ON CONFLICT DO NOTHING", [.text(gallery)])
        }
    }

    public func dirtyGalleries() throws(CatalogError) -> Set<String> {
        try read { db in Set(try db.rows("SELECT gallery FROM dirty_gallery").map { try $0.text("gallery") }) }
    }

    public func markClean(_ galleries: Set<String>) throws(CatalogError) {
        guard !galleries.isEmpty else { return }
        try write { db in
            for gallery in galleries.sorted() {
                try db.execute("DELETE FROM dirty_gallery WHERE gallery = $1", [.text(gallery)])
            }
        }
    }

    public func updateRenditions(of path: FilePathBytes, gallery: String, with records: [RenditionRecord],
                                 removing names: [String]) throws(CatalogError) {
        try write { db in try Self.updateRenditions(of: path, gallery: gallery, with: records, removing: names, in: db) }
    }

    /// `updateRenditions` within the caller's transaction.
    static func updateRenditions(of path: FilePathBytes, gallery: String, with records: [RenditionRecord],
                                 removing names: [String], in db: Statements) throws {
        guard let row = try db.rows("SELECT id FROM source WHERE path = $1", [.bytes(path.bytes)]).first else { return }
        let id = try row.int64("id")
        for name in names + records.map(\.name) {
            try db.execute("DELETE FROM rendition WHERE source_id = $1 AND name = $2", [.int(Int(id)), .text(name)])
        }
        try insert(records, of: id, in: db)
        try markDirty([gallery], in: db)
    }

    public func staleRenditionCount(current specs: [RenditionSpec]) throws(CatalogError) -> Int {
        guard !specs.isEmpty else { return 0 }
        let values = specs.indices.map { "($\(2 * $0 + 1), $\(2 * $0 + 2))" }.joined(separator: ", ")
        let arguments = specs.flatMap { [SQLValue.text($0.name), .text($0.fingerprint)] }
        return try read { db in
            // From the tallies the triggers keep: a few rows, whatever the library's size.
            let wrong = try db.int("""
                WITH current(name, fingerprint) AS (VALUES \(values))
                SELECT COALESCE(SUM(t.count), 0)::bigint FROM rendition_tally t JOIN current c ON c.name = t.name
                WHERE t.fingerprint <> c.fingerprint
                """, arguments)
            let frames = try db.int("SELECT count FROM frame_tally")
            let present = try db.int("""
                WITH current(name, fingerprint) AS (VALUES \(values))
                SELECT COALESCE(SUM(t.count), 0)::bigint FROM rendition_tally t JOIN current c ON c.name = t.name
                """, arguments)
            return wrong + frames * specs.count - present
        }
    }

    public func frames(inGallery id: String) throws(CatalogError) -> [CatalogFrame] {
        try read { db in try Self.frames(in: db, where: "frame.gallery = $1", [.text(id)], then: "ORDER BY frame.sort_key") }
    }

    public func galleries() throws(CatalogError) -> [GallerySummary] {
        try read { db in
            try db.rows("""
                SELECT gallery, MIN(gallery_json) AS identity, COUNT(*) AS frames, MIN(captured) AS first, MAX(captured) AS last
                FROM frame GROUP BY gallery ORDER BY gallery
                """).map { row in
                GallerySummary(identity: try JSONDecoder().decode(GalleryIdentity.self, from: Data(try row.text("identity").utf8)),
                               frameCount: try row.int("frames"), firstCapture: try row.optionalText("first"),
                               lastCapture: try row.optionalText("last"))
            }
        }
    }

    /// Frames with their renditions, from a filter on `frame` and `source` (parameters from `$1`).
    static func frames(in db: Statements, where filter: String, _ values: [SQLValue] = [],
                       then suffix: String = "") throws -> [CatalogFrame] {
        let rows = try db.rows("""
            SELECT \(sourceColumns), source.id AS source_id, frame.gallery_json, frame.frame_id, frame.name_json,
                   frame.stem, frame.format, frame.width, frame.height, frame.metadata_json
            FROM frame JOIN source ON source.id = frame.source_id WHERE \(filter) \(suffix)
            """, values)
        var renditions: [Int64: [RenditionRecord]] = [:]
        let ids = try rows.map { try $0.int64("source_id") }
        if !ids.isEmpty {
            let list = ids.map(String.init).joined(separator: ",")
            for row in try db.rows("SELECT * FROM rendition WHERE source_id IN (\(list)) ORDER BY name") {
                renditions[try row.int64("source_id"), default: []].append(RenditionRecord(
                    name: try row.text("name"), fingerprint: try row.text("fingerprint"), path: try row.text("path"),
                    bytes: try row.int("bytes"), width: try row.int("width"), height: try row.int("height"),
                    sha256: try row.optionalText("sha256")))
            }
        }
        let companions = try self.companions(ofSourceIds: ids, in: db)
        let decoder = JSONDecoder()
        // A batch is nearly always one gallery: its identity is decoded once, not once a frame.
        var identities: [String: GalleryIdentity] = [:]
        return try zip(rows, ids).map { row, id in
            let galleryJSON = try row.text("gallery_json")
            let gallery = try identities[galleryJSON] ?? decoder.decode(GalleryIdentity.self, from: Data(galleryJSON.utf8))
            identities[galleryJSON] = gallery
            return CatalogFrame(
                source: try sourceRecord(row),
                gallery: gallery,
                name: try row.optionalText("name_json").map { try decoder.decode(FrameName.self, from: Data($0.utf8)) },
                id: try row.text("frame_id"), stem: try row.text("stem"), format: try row.text("format"),
                width: try row.int("width"), height: try row.int("height"),
                metadata: try decoder.decode(FrameMetadata.self, from: Data(try row.text("metadata_json").utf8)),
                renditions: renditions[id] ?? [], companions: companions[id] ?? [])
        }
    }

    public func recordRun(_ run: RunRecord) throws(CatalogError) {
        try write { db in
            try db.execute("INSERT INTO run (command, finished, exit_code, summary) VALUES ($1, $2, $3, $4)",
                           [.text(run.command), .text(run.finished), .int(Int(run.exitCode)), .text(run.summary)])
            // Keep the recent history only.
            try db.execute("DELETE FROM run WHERE id <= (SELECT MAX(id) FROM run) - 100")
        }
    }

    public func lastRun() throws(CatalogError) -> RunRecord? {
        try read { db in
            try db.rows("SELECT * FROM run ORDER BY id DESC LIMIT 1").first.map {
                RunRecord(command: try $0.text("command"), finished: try $0.text("finished"),
                          exitCode: Int32(try $0.int("exit_code")), summary: try $0.text("summary"))
            }
        }
    }
}
