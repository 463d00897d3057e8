import Foundation
import GRDB
import GRDBSQLite

extension SQLiteCatalog {
    static let sourceColumns = "source.path, source.root, source.label, source.size, source.mtime_ns, source.inode, source.sha256, source.state, source.reason, source.original"

    /// A source from a row that starts with `sourceColumns`, read by position: at 10^5 rows a
    /// no-op run spent a sixth of its time here when columns were looked up by name.
    static func sourceRecord(_ row: Row) -> SourceRecord {
        SourceRecord(
            path: FilePathBytes(bytes: bytes(row, 0)),
            root: FilePathBytes(bytes: bytes(row, 1)),
            label: row[2],
            stat: FileStat(size: row[3], modifiedNanoseconds: row[4], inode: UInt64(bitPattern: row[5])),
            sha256: row[6],
            state: SourceState(rawValue: row[7]) ?? .failed,
            reason: row[8],
            original: row.hasNull(atIndex: 9) ? nil : FilePathBytes(bytes: bytes(row, 9)))
    }

    static func bytes(_ row: Row, _ index: Int) -> [UInt8] {
        row.dataNoCopy(atIndex: index).map { [UInt8]($0) } ?? []
    }

    public func knownFiles(under root: FilePathBytes) throws(CatalogError) -> KnownFiles {
        try perform {
            try queue.read { db in
                // In path order straight from the (root, path) index: the scan is matched to it by a
                // merge. Stepped through SQLite's own calls, each path read in place: at 10^5 rows,
                // a `Row` and a `Data` for each cost more than the query.
                let statement = try db.makeStatement(sql: """
                    SELECT path, size, mtime_ns, inode, state, original IS NOT NULL
                    FROM source WHERE root = ? ORDER BY path
                    """)
                try statement.setArguments([Data(root.bytes)])
                let step = statement.sqliteStatement
                return try KnownFiles.collect { add in
                    while true {
                        let code = sqlite3_step(step)
                        guard code == SQLITE_ROW else {
                            if code == SQLITE_DONE { return }
                            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                        }
                        // A state's name is short enough to be kept inside its String: no allocation.
                        let state = sqlite3_column_text(step, 4).flatMap { SourceState(rawValue: String(cString: $0)) } ?? .failed
                        let file = KnownFile(stat: FileStat(size: sqlite3_column_int64(step, 1), modifiedNanoseconds: sqlite3_column_int64(step, 2),
                                                            inode: UInt64(bitPattern: sqlite3_column_int64(step, 3))),
                                             state: state, keepsOriginal: sqlite3_column_int(step, 5) != 0)
                        let bytes = sqlite3_column_blob(step, 0)
                        add(UnsafeRawBufferPointer(start: bytes, count: bytes == nil ? 0 : Int(sqlite3_column_bytes(step, 0))), file)
                    }
                }
            }
        }
    }

    public func source(at path: FilePathBytes) throws(CatalogError) -> SourceRecord? {
        try perform {
            try queue.read { db in
                try Row.fetchOne(db, sql: "SELECT \(Self.sourceColumns) FROM source WHERE path = ?",
                                 arguments: [Data(path.bytes)]).map(Self.sourceRecord)
            }
        }
    }

    public func sources(in state: SourceState) throws(CatalogError) -> [SourceRecord] {
        try perform {
            try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT \(Self.sourceColumns) FROM source WHERE state = ? ORDER BY path",
                                 arguments: [state.rawValue]).map(Self.sourceRecord)
            }
        }
    }

    public func problems() throws(CatalogError) -> [SourceRecord] {
        try perform {
            try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT \(Self.sourceColumns) FROM source WHERE state IN ('rejected', 'failed') ORDER BY path")
                    .map(Self.sourceRecord)
            }
        }
    }

    /// Inserts or updates the source row and returns its id.
    static func upsert(_ source: SourceRecord, in db: Database) throws -> Int64 {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO source (path, root, label, size, mtime_ns, inode, sha256, state, reason, original)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(path) DO UPDATE SET root = excluded.root, label = excluded.label, size = excluded.size,
                mtime_ns = excluded.mtime_ns, inode = excluded.inode, sha256 = excluded.sha256,
                state = excluded.state, reason = excluded.reason,
                original = COALESCE(excluded.original, source.original)
            RETURNING id
            """)
        return try Int64.fetchOne(statement, arguments: [Data(source.path.bytes), Data(source.root.bytes), source.label, source.stat.size,
                                                         source.stat.modifiedNanoseconds, Int64(bitPattern: source.stat.inode),
                                                         source.sha256, source.state.rawValue, source.reason,
                                                         source.original.map { Data($0.bytes) }])!
    }

    public func markProcessing(_ sources: [SourceRecord], isolated: Bool) throws(CatalogError) {
        try perform {
            try queue.write { db in
                for var source in sources {
                    let existing = try String.fetchOne(try db.cachedStatement(sql: "SELECT state FROM source WHERE path = ?"),
                                                       arguments: [Data(source.path.bytes)])
                    // An ingested frame keeps its row and state; only new or retried sources are marked.
                    if existing == SourceState.ingested.rawValue && !isolated {
                        try db.executeCached("UPDATE source SET state = 'processing' WHERE path = ?", [Data(source.path.bytes)])
                        continue
                    }
                    source.state = isolated ? .isolated : .processing
                    _ = try Self.upsert(source, in: db)
                }
            }
        }
    }

    public func recoverInterrupted(crashed: Bool) throws(CatalogError) -> RecoveryReport {
        try perform {
            try queue.write { db in
                guard crashed else {
                    try db.execute(sql: "UPDATE source SET state = 'suspect' WHERE state = 'isolated'")
                    try db.execute(sql: "UPDATE source SET state = 'failed', reason = 'interrupted' WHERE state = 'processing'")
                    return RecoveryReport(suspects: 0, poisoned: [], retired: [])
                }
                let poisoned = try Row.fetchAll(db, sql: "SELECT \(Self.sourceColumns) FROM source WHERE state = 'isolated'")
                    .map(Self.sourceRecord)
                let retired = try Self.frames(in: db, filter: "source.state = 'isolated'", arguments: [])
                try Self.markDirty(retired.map(\.gallery.id), in: db)
                try Self.releasePairs(ofSourceIds: "SELECT id FROM source WHERE state = 'isolated'", in: db)
                try db.execute(sql: "DELETE FROM frame WHERE source_id IN (SELECT id FROM source WHERE state = 'isolated')")
                try db.execute(sql: "UPDATE source SET state = 'rejected', reason = 'crashed the decoder' WHERE state = 'isolated'")
                try db.execute(sql: "UPDATE source SET state = 'suspect' WHERE state = 'processing'")
                return RecoveryReport(suspects: db.changesCount, poisoned: poisoned, retired: retired)
            }
        }
    }
}
