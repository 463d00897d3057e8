import CupolaCore
import Foundation
import PostgresNIO

/// Rebuilds shared among many `regenerate` workers, the way `WorkClaims` shares ingest: `FOR
/// UPDATE SKIP LOCKED` hands each frame to one claimer, and the server's clock times the leases
/// (renewed by `renew`, with the ingest claims).
extension PostgresCatalog: RebuildClaims {
    public func offerRebuilds(_ offers: [RebuildOffer], forcedSince: Double?) throws(CatalogError) -> [FilePathBytes] {
        let rows = Self.lastOfEachPath(offers, path: \.path)
        guard !rows.isEmpty else { return [] }
        // Milliseconds: postgres-nio binds no floating point here, and a millisecond is plenty.
        let since = SQLValue.int(forcedSince.map { Int(($0 * 1000).rounded(.down)) })
        return try write { db in
            var poisoned: [FilePathBytes] = []
            for start in stride(from: 0, to: rows.count, by: Self.rowsPerStatement) {
                let chunk = rows[start..<min(rows.count, start + Self.rowsPerStatement)]
                // The final SELECT sees the table as it was before the insert: a row poisoned then,
                // and not opened now (the same goal), is one the caller reports.
                poisoned += try db.rows("""
                    WITH offered AS (
                        SELECT * FROM unnest($1::bytea[], $2::text[]) WITH ORDINALITY AS o(path, goal, position)
                    ), opened AS (
                        INSERT INTO rebuild_item (path, goal, state) SELECT path, goal, 'waiting' FROM offered
                        ON CONFLICT (path) DO UPDATE SET goal = excluded.goal, state = 'waiting', worker = NULL,
                            lease_until = NULL, isolated = false, expirations = 0, finished_at = NULL
                        WHERE (rebuild_item.state = 'finished'
                                AND ($3::bigint IS NULL OR rebuild_item.finished_at < to_timestamp($3::bigint / 1000.0)))
                            OR (rebuild_item.state = 'poisoned' AND rebuild_item.goal <> excluded.goal)
                        RETURNING path
                    )
                    SELECT offered.path FROM offered JOIN rebuild_item r ON r.path = offered.path
                    WHERE r.state = 'poisoned' AND offered.path NOT IN (SELECT path FROM opened)
                    ORDER BY offered.position
                    """, [.byteArrays(chunk.map(\.path.bytes)), .texts(chunk.map(\.goal)), since])
                    .map { FilePathBytes(bytes: try $0.bytes("path")) }
            }
            return poisoned
        }
    }

    public func claimRebuilds(worker: String, limit: Int, lease: Double, takingOver: Bool) throws(CatalogError) -> RebuildBatch {
        let milliseconds = SQLValue.int(Int((lease * 1000).rounded()))
        return try write { db in
            var poisoned: [FilePathBytes] = []
            // A lease that ran out: its worker died (or stopped) with the frame in flight.
            while takingOver, let row = try db.rows("""
                SELECT path, isolated FROM rebuild_item WHERE state = 'claimed' AND lease_until < now()
                ORDER BY path LIMIT 1 FOR UPDATE SKIP LOCKED
                """).first {
                let path = FilePathBytes(bytes: try row.bytes("path"))
                if try row["isolated"].decode(Bool.self) {
                    try db.execute("""
                        UPDATE rebuild_item SET state = 'poisoned', worker = NULL, lease_until = NULL,
                            expirations = expirations + 1 WHERE path = $1
                        """, [.bytes(path.bytes)])
                    poisoned.append(path)
                    continue
                }
                try db.execute("""
                    UPDATE rebuild_item SET worker = $2, lease_until = now() + make_interval(secs => $3::float8 / 1000),
                        isolated = true, expirations = expirations + 1 WHERE path = $1
                    """, [.bytes(path.bytes), .text(worker), milliseconds])
                return RebuildBatch(claims: [(path, true)], poisoned: poisoned)
            }
            let rows = try db.rows("""
                UPDATE rebuild_item r SET state = 'claimed', worker = $1, lease_until = now() + make_interval(secs => $2::float8 / 1000)
                FROM (SELECT path FROM rebuild_item WHERE state = 'waiting' ORDER BY path LIMIT $3 FOR UPDATE SKIP LOCKED) pick
                WHERE r.path = pick.path
                RETURNING r.path
                """, [.text(worker), milliseconds, .int(limit)])
            let paths = try rows.map { FilePathBytes(bytes: try $0.bytes("path")) }.sorted()
            return RebuildBatch(claims: paths.map { ($0, false) }, poisoned: poisoned)
        }
    }

    public func finishRebuild(_ path: FilePathBytes, worker: String, gallery: String, records: [RenditionRecord],
                              removing: [String]) throws(CatalogError) -> Bool {
        try write { db in
            let held = try db.execute("""
                UPDATE rebuild_item SET state = 'finished', worker = NULL, lease_until = NULL, isolated = false,
                    finished_at = clock_timestamp()
                WHERE path = $1 AND worker = $2 AND state = 'claimed'
                """, [.bytes(path.bytes), .text(worker)])
            guard held == 1 else { return false }
            if !records.isEmpty || !removing.isEmpty {
                try Self.updateRenditions(of: path, gallery: gallery, with: records, removing: removing, in: db)
            }
            return true
        }
    }

    public func catalogClock() throws(CatalogError) -> Double {
        try read { db in Double(try db.int("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint")) / 1000 }
    }

    public func hasOpenRebuilds() throws(CatalogError) -> Bool {
        try read { db in try Self.hasOpenItems(in: "rebuild_item", db) }
    }

    public func rebuildStatus() throws(CatalogError) -> ClaimStatus {
        try read { db in try Self.claimStatus(of: "rebuild_item", in: db) }
    }
}
