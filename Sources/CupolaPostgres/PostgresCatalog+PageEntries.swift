import CupolaCore
import Foundation
import PostgresNIO

/// Frames as their pages show them, kept in the catalog (`PageEntry`, schema v5) so that a page is
/// joined from finished JSON instead of decoding and encoding every frame on it.
extension PostgresCatalog {
    /// Entries kept in the catalog; those missing (cleared by a change, from an older catalog, or
    /// of another format) are made from the frames' columns and kept for next time. Manifests are
    /// published under the publication lock, so no worker changes a frame between the two.
    public func pageEntries(inGallery id: String, from key: [UInt8]?, after: Bool, limit: Int) throws(CatalogError) -> [PageEntry] {
        // A theme shows frames of other galleries, each in a form of its own: made afresh.
        if try read({ db in try Self.isTheme(id, in: db) }) {
            return try freshPageEntries(inGallery: id, from: key, after: after, limit: limit)
        }
        let (rows, missing) = try read { db in
            let range = key == nil ? "" : "AND sort_key \(after ? ">" : ">=") $3"
            let rows = try db.rows("""
                SELECT sort_key, frame_id, captured, CASE WHEN page_entry_format = $1 THEN page_entry END AS entry, source_id
                FROM frame WHERE gallery = $2 \(range) ORDER BY sort_key LIMIT \(limit)
                """, [.int(PageEntry.format), .text(id)] + (key.map { [.bytes($0)] } ?? [])).map { row in
                    (key: try row.bytes("sort_key"), id: try row.text("frame_id"), captured: try row.optionalText("captured"),
                     entry: try row.optionalBytes("entry").map { Data($0) }, sourceId: try row.int64("source_id"))
                }
            // Read in source-id order, so the frames line up with the sorted ids.
            let missingIds = rows.filter { $0.entry == nil }.map(\.sourceId).sorted()
            guard !missingIds.isEmpty else { return (rows, [Int64: CatalogFrame]()) }
            let frames = try Self.frames(in: db, where: "source.id IN (\(missingIds.map(String.init).joined(separator: ",")))",
                                         then: "ORDER BY source.id")
            return (rows, Dictionary(uniqueKeysWithValues: zip(missingIds, frames)))
        }
        let made = try PageEntry.made(for: missing)
        if !made.isEmpty { try keep(made) }
        return rows.map { row in
            PageEntry(key: row.key, id: row.id, captured: row.captured, json: row.entry ?? made[row.sourceId] ?? Data())
        }
    }

    private func keep(_ entries: [Int64: Data]) throws(CatalogError) {
        try write { db in
            for (sourceId, json) in entries.sorted(by: { $0.key < $1.key }) {
                try db.execute("UPDATE frame SET page_entry = $1, page_entry_format = $2 WHERE source_id = $3",
                               [.bytes([UInt8](json)), .int(PageEntry.format), .int(Int(sourceId))])
            }
        }
    }
}
