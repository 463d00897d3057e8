import CupolaCore
import Foundation
import PostgresNIO

/// Work shared among many workers: `FOR UPDATE SKIP LOCKED` hands each waiting item to one
/// claimer without making the others wait, and every lease is timed by the server's clock.
extension PostgresCatalog: WorkClaims {
    public func offer(_ offers: [WorkOffer]) throws(CatalogError) {
        // One statement per chunk of rows, not per row: a first scan of 10^5 files offers them all.
        // A path given twice counts once (its last offer), as one row cannot be inserted twice.
        let rows = Self.lastOfEachPath(offers, path: \.source.path)
        guard !rows.isEmpty else { return }
        try write { db in
            for start in stride(from: 0, to: rows.count, by: Self.rowsPerStatement) {
                let chunk = rows[start..<min(rows.count, start + Self.rowsPerStatement)]
                try db.execute("""
                    INSERT INTO work_item (path, root, label, size, mtime_ns, inode, frame, companion, state)
                    SELECT path, root, label, size, mtime_ns, inode, frame, companion, 'waiting'
                    FROM unnest($1::bytea[], $2::bytea[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[],
                                $7::text[], $8::bool[])
                        AS offered(path, root, label, size, mtime_ns, inode, frame, companion)
                    ON CONFLICT (path) DO UPDATE SET root = excluded.root, label = excluded.label, size = excluded.size,
                        mtime_ns = excluded.mtime_ns, inode = excluded.inode, frame = excluded.frame,
                        companion = excluded.companion, state = 'waiting', worker = NULL,
                        lease_until = NULL, isolated = false, expirations = 0
                    WHERE work_item.state = 'finished' AND (
                        (work_item.size, work_item.mtime_ns, work_item.inode)
                            IS DISTINCT FROM (excluded.size, excluded.mtime_ns, excluded.inode)
                        OR NOT EXISTS (SELECT 1 FROM source s WHERE s.path = excluded.path AND s.state IN ('ingested', 'rejected')
                                       AND (s.size, s.mtime_ns, s.inode) = (excluded.size, excluded.mtime_ns, excluded.inode)))
                    """, [.byteArrays(chunk.map(\.source.path.bytes)), .byteArrays(chunk.map(\.source.root.bytes)),
                          .texts(chunk.map(\.source.label)), .ints(chunk.map { Int($0.source.stat.size) }),
                          .ints(chunk.map { Int($0.source.stat.modifiedNanoseconds) }),
                          .ints(chunk.map { Int(Int64(bitPattern: $0.source.stat.inode)) }),
                          .texts(chunk.map(\.frame)), .bools(chunk.map(\.companion))])
            }
        }
    }

    /// Rows bound to one statement: a few MB of parameters at most.
    static let rowsPerStatement = 5000

    /// The last of each path among `items`, in the order of their first appearance.
    static func lastOfEachPath<T>(_ items: [T], path: (T) -> FilePathBytes) -> [T] {
        var position: [FilePathBytes: Int] = [:]
        var result: [T] = []
        for item in items {
            if let index = position[path(item)] {
                result[index] = item
            } else {
                position[path(item)] = result.count
                result.append(item)
            }
        }
        return result
    }

    public func claim(worker: String, limit: Int, lease: Double) throws(CatalogError) -> ClaimBatch {
        let milliseconds = SQLValue.int(Int((lease * 1000).rounded()))
        return try write { db in
            var poisoned: [SourceRecord] = []
            // A lease that ran out first: its worker died (or stopped) with it in flight.
            while let row = try db.rows("""
                SELECT * FROM work_item WHERE state = 'claimed' AND lease_until < now()
                ORDER BY path LIMIT 1 FOR UPDATE SKIP LOCKED
                """).first {
                var source = try Self.workSource(row)
                if try row["isolated"].decode(Bool.self) {
                    // It was alone in flight when its worker died, for the second time.
                    try db.execute("""
                        UPDATE work_item SET state = 'finished', worker = NULL, lease_until = NULL,
                            expirations = expirations + 1 WHERE path = $1
                        """, [.bytes(source.path.bytes)])
                    source.state = .rejected
                    source.reason = "crashed the decoder"
                    _ = try Self.apply([.outcome(source)], pairs: .jpeg, in: db)
                    poisoned.append(source)
                    continue
                }
                try db.execute("""
                    UPDATE work_item SET worker = $2, lease_until = now() + make_interval(secs => $3::float8 / 1000),
                        isolated = true, expirations = expirations + 1 WHERE path = $1
                    """, [.bytes(source.path.bytes), .text(worker), milliseconds])
                return ClaimBatch(claims: [WorkClaim(source: source, suspect: true)], poisoned: poisoned)
            }
            // Not a file whose frame has another claimed, nor a companion whose primary still waits
            // (a claim of it under way in another transaction shows as waiting, locked).
            let rows = try db.rows("""
                UPDATE work_item w SET state = 'claimed', worker = $1, lease_until = now() + make_interval(secs => $2::float8 / 1000)
                FROM (SELECT path FROM work_item c WHERE state = 'waiting'
                          AND NOT EXISTS (SELECT 1 FROM work_item o WHERE o.frame = c.frame AND o.path <> c.path
                                          AND (o.state = 'claimed' OR (c.companion AND NOT o.companion AND o.state = 'waiting')))
                      ORDER BY companion, path LIMIT $3 FOR UPDATE SKIP LOCKED) pick
                WHERE w.path = pick.path
                RETURNING w.*
                """, [.text(worker), milliseconds, .int(limit)])
            let claims = try rows.map { WorkClaim(source: try Self.workSource($0), suspect: false) }
            return ClaimBatch(claims: claims.sorted { $0.source.path.bytes.lexicographicallyPrecedes($1.source.path.bytes) },
                              poisoned: poisoned)
        }
    }

    @discardableResult
    public func renew(worker: String, lease: Double) throws(CatalogError) -> Int {
        try write(waitsForPublication: false) { db in
            // Ingest's claims and regenerate's rebuilds: one heartbeat for both.
            try ["work_item", "rebuild_item"].reduce(0) { held, table in
                held + (try db.execute("""
                    UPDATE \(table) SET lease_until = now() + make_interval(secs => $2::float8 / 1000)
                    WHERE worker = $1 AND state = 'claimed'
                    """, [.text(worker), .int(Int((lease * 1000).rounded()))]))
            }
        }
    }

    public func finish(_ path: FilePathBytes, worker: String, changes: [CatalogChange], pairs: PairPrimary) throws(CatalogError) -> [CatalogFrame]? {
        try write { db in
            let held = try db.execute("""
                UPDATE work_item SET state = 'finished', worker = NULL, lease_until = NULL, isolated = false
                WHERE path = $1 AND worker = $2 AND state = 'claimed'
                """, [.bytes(path.bytes), .text(worker)])
            guard held == 1 else { return nil }
            return try Self.apply(changes, pairs: pairs, in: db)
        }
    }

    /// The publication lock, held by this connection's session: every write transaction takes
    /// it shared (`write`), so commits wait while a worker publishes, and workers publish in turn.
    public func holdingPublication(_ body: () throws -> Void) throws {
        try read { db in try db.execute("SELECT pg_advisory_lock(\(Self.publicationLock))") }
        defer { _ = try? read { db in try db.execute("SELECT pg_advisory_unlock(\(Self.publicationLock))") } }
        try body()
    }

    public func lockLibrary(exclusive: Bool, wait: Double, holder: String) throws(CatalogError) -> [String]? {
        let take = exclusive ? "pg_try_advisory_lock" : "pg_try_advisory_lock_shared"
        let deadline = Date().addingTimeInterval(wait)
        return try read { db in
            // The holder's name is the session's: another process that cannot take the lock reads it.
            try db.execute("SELECT set_config('application_name', $1, false)", [.text(String(holder.prefix(63)))])
            while true {
                if try db.rows("SELECT \(take)(\(Self.libraryLock)) AS taken")[0]["taken"].decode(Bool.self) { return nil }
                guard Date() < deadline else { break }
                usleep(50_000)
            }
            // An advisory lock on one bigint key shows its high and low halves as classid and objid;
            // it is a lock of this database (the same key in another is another library's).
            return try db.rows("""
                SELECT DISTINCT a.application_name AS holder FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND l.classid = \(Self.libraryLock >> 32)
                  AND l.objid = \(Self.libraryLock & 0xffff_ffff) AND l.objsubid = 1 ORDER BY 1
                """).map { try $0.text("holder") }
        }
    }

    public func claimStatus() throws(CatalogError) -> ClaimStatus {
        try read { db in try Self.claimStatus(of: "work_item", in: db) }
    }

    public func hasOpenWork() throws(CatalogError) -> Bool {
        try read { db in try Self.hasOpenItems(in: "work_item", db) }
    }

    /// Whether `work_item` or `rebuild_item` has a row waiting or claimed: two probes of the
    /// `(state, path)` index.
    static func hasOpenItems(in table: String, _ db: Statements) throws -> Bool {
        try db.rows("""
            SELECT EXISTS (SELECT 1 FROM \(table) WHERE state = 'waiting')
                OR EXISTS (SELECT 1 FROM \(table) WHERE state = 'claimed') AS open
            """)[0]["open"].decode(Bool.self)
    }

    /// The claims of `work_item` or `rebuild_item` (a poisoned rebuild counts as finished).
    static func claimStatus(of table: String, in db: Statements) throws -> ClaimStatus {
        let totals = try db.rows("""
            SELECT count(*) FILTER (WHERE state = 'waiting') AS waiting,
                   count(*) FILTER (WHERE state = 'claimed' AND lease_until < now()) AS overdue,
                   count(*) FILTER (WHERE state IN ('finished', 'poisoned')) AS finished,
                   COALESCE(SUM(expirations), 0)::bigint AS expired
            FROM \(table)
            """)[0]
        var claimed: [String: Int] = [:]
        for row in try db.rows("SELECT worker, count(*) AS held FROM \(table) WHERE state = 'claimed' GROUP BY worker") {
            claimed[try row.text("worker")] = try row.int("held")
        }
        return ClaimStatus(waiting: try totals.int("waiting"), claimed: claimed, overdue: try totals.int("overdue"),
                           expiredLeases: try totals.int("expired"), finished: try totals.int("finished"))
    }

    private static func workSource(_ row: PostgresRandomAccessRow) throws -> SourceRecord {
        SourceRecord(path: FilePathBytes(bytes: try row.bytes("path")), root: FilePathBytes(bytes: try row.bytes("root")),
                     label: try row.text("label"),
                     stat: FileStat(size: try row.int64("size"), modifiedNanoseconds: try row.int64("mtime_ns"),
                                    inode: UInt64(bitPattern: try row.int64("inode"))),
                     state: .processing)
    }
}
