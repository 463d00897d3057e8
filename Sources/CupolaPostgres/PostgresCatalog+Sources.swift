import CupolaCore
import Foundation
import PostgresNIO

extension PostgresCatalog {
    static let sourceColumns = "source.path, source.root, source.label, source.size, source.mtime_ns, source.inode, source.sha256, source.state, source.reason, source.original"

    static func sourceRecord(_ row: PostgresRandomAccessRow) throws -> SourceRecord {
        SourceRecord(
            path: FilePathBytes(bytes: try row.bytes("path")),
            root: FilePathBytes(bytes: try row.bytes("root")),
            label: try row.text("label"),
            stat: FileStat(size: try row.int64("size"), modifiedNanoseconds: try row.int64("mtime_ns"),
                           inode: UInt64(bitPattern: try row.int64("inode"))),
            sha256: try row.optionalText("sha256"),
            state: SourceState(rawValue: try row.text("state")) ?? .failed,
            reason: try row.optionalText("reason"),
            original: try row.optionalBytes("original").map { FilePathBytes(bytes: $0) })
    }

    public func knownFiles(under root: FilePathBytes) throws(CatalogError) -> KnownFiles {
        try read { db in
            let rows = try db.rows("""
                SELECT path, size, mtime_ns, inode, state, original IS NOT NULL AS keeps_original FROM source WHERE root = $1 ORDER BY path
                """, [.bytes(root.bytes)])
            return try KnownFiles.collect { add in
                for row in rows {
                    let file = KnownFile(
                        stat: FileStat(size: try row.int64("size"), modifiedNanoseconds: try row.int64("mtime_ns"),
                                       inode: UInt64(bitPattern: try row.int64("inode"))),
                        state: SourceState(rawValue: try row.text("state")) ?? .failed,
                        keepsOriginal: try row["keeps_original"].decode(Bool.self))
                    try row.bytes("path").withUnsafeBytes { add($0, file) }
                }
            }
        }
    }

    public func source(at path: FilePathBytes) throws(CatalogError) -> SourceRecord? {
        try read { db in
            try db.rows("SELECT \(Self.sourceColumns) FROM source WHERE path = $1", [.bytes(path.bytes)]).first.map(Self.sourceRecord)
        }
    }

    public func sources(in state: SourceState) throws(CatalogError) -> [SourceRecord] {
        try read { db in
            try db.rows("SELECT \(Self.sourceColumns) FROM source WHERE state = $1 ORDER BY path", [.text(state.rawValue)])
                .map(Self.sourceRecord)
        }
    }

    public func problems() throws(CatalogError) -> [SourceRecord] {
        try read { db in
            try db.rows("SELECT \(Self.sourceColumns) FROM source WHERE state IN ('rejected', 'failed') ORDER BY path")
                .map(Self.sourceRecord)
        }
    }

    /// Inserts or updates the source row and returns its id.
    static func upsert(_ source: SourceRecord, in db: Statements) throws -> Int64 {
        let rows = try db.rows("""
            INSERT INTO source (path, root, label, size, mtime_ns, inode, sha256, state, reason, original)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (path) DO UPDATE SET root = excluded.root, label = excluded.label, size = excluded.size,
                mtime_ns = excluded.mtime_ns, inode = excluded.inode, sha256 = excluded.sha256,
                state = excluded.state, reason = excluded.reason,
                original = COALESCE(excluded.original, source.original)
            RETURNING id
            """, [.bytes(source.path.bytes), .bytes(source.root.bytes), .text(source.label), .int(Int(source.stat.size)),
                  .int(Int(source.stat.modifiedNanoseconds)), .int(Int(Int64(bitPattern: source.stat.inode))),
                  .text(source.sha256), .text(source.state.rawValue), .text(source.reason), .bytes(source.original?.bytes)])
        return try rows[0]["id"].decode(Int64.self)
    }

    public func markProcessing(_ sources: [SourceRecord], isolated: Bool) throws(CatalogError) {
        try write { db in
            for var source in sources {
                let existing = try db.rows("SELECT state FROM source WHERE path = $1", [.bytes(source.path.bytes)])
                    .first.map { try $0.text("state") }
                // An ingested frame keeps its row and state; only new or retried sources are marked.
                if existing == SourceState.ingested.rawValue && !isolated {
                    try db.execute("UPDATE source SET state = 'processing' WHERE path = $1", [.bytes(source.path.bytes)])
                    continue
                }
                source.state = isolated ? .isolated : .processing
                _ = try Self.upsert(source, in: db)
            }
        }
    }

    public func recoverInterrupted(crashed: Bool) throws(CatalogError) -> RecoveryReport {
        try write { db in
            guard crashed else {
                try db.execute("UPDATE source SET state = 'suspect' WHERE state = 'isolated'")
                try db.execute("UPDATE source SET state = 'failed', reason = 'interrupted' WHERE state = 'processing'")
                return RecoveryReport(suspects: 0, poisoned: [], retired: [])
            }
            let poisoned = try db.rows("SELECT \(Self.sourceColumns) FROM source WHERE state = 'isolated' ORDER BY path")
                .map(Self.sourceRecord)
            let retired = try Self.frames(in: db, where: "source.state = 'isolated'")
            try Self.markDirty(retired.map(\.gallery.id), in: db)
            try Self.releasePairs(ofSourceIds: "SELECT id FROM source WHERE state = 'isolated'", in: db)
            try db.execute("DELETE FROM frame WHERE source_id IN (SELECT id FROM source WHERE state = 'isolated')")
            try db.execute("UPDATE source SET state = 'rejected', reason = 'crashed the decoder' WHERE state = 'isolated'")
            let suspects = try db.execute("UPDATE source SET state = 'suspect' WHERE state = 'processing'")
            return RecoveryReport(suspects: suspects, poisoned: poisoned, retired: retired)
        }
    }
}
