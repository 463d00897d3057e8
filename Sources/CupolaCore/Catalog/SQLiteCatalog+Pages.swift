import Foundation
import GRDB

/// Paged manifests: frames read by stretches of their gallery's order, and the published pages.
extension SQLiteCatalog {
    public func frames(inGallery id: String, from key: [UInt8]?, after: Bool, limit: Int) throws(CatalogError) -> [CatalogFrame] {
        try perform {
            try queue.read { db in
                if try Self.isTheme(id, in: db) { return try Self.themeFrames(id, from: key, after: after, limit: limit, in: db) }
                guard let key else {
                    return try Self.frames(in: db, filter: "frame.gallery = ?", arguments: [id],
                                           then: "ORDER BY frame.sort_key LIMIT \(limit)")
                }
                return try Self.frames(in: db, filter: "frame.gallery = ? AND frame.sort_key \(after ? ">" : ">=") ?",
                                       arguments: [id, Data(key)], then: "ORDER BY frame.sort_key LIMIT \(limit)")
            }
        }
    }

    /// Entries kept in the catalog; those missing (cleared by a change, from an older library, or
    /// of another format) are made from the frames' columns and kept for next time.
    public func pageEntries(inGallery id: String, from key: [UInt8]?, after: Bool, limit: Int) throws(CatalogError) -> [PageEntry] {
        // A theme shows frames of other galleries, each in a form of its own: made afresh.
        if try perform({ try queue.read { db in try Self.isTheme(id, in: db) } }) {
            return try freshPageEntries(inGallery: id, from: key, after: after, limit: limit)
        }
        let (rows, missing) = try perform {
            try queue.read { db in
                let range = key == nil ? "" : "AND sort_key \(after ? ">" : ">=") ?"
                let rows = try Row.fetchAll(db, sql: """
                    SELECT sort_key, frame_id, captured, CASE WHEN page_entry_format = ? THEN page_entry END, source_id
                    FROM frame WHERE gallery = ? \(range) ORDER BY sort_key LIMIT \(limit)
                    """, arguments: key.map { [PageEntry.format, id, Data($0)] } ?? [PageEntry.format, id])
                // Read in source-id order, so the frames line up with the sorted ids.
                let missingIds = rows.filter { $0.hasNull(atIndex: 3) }.map { $0[4] as Int64 }.sorted()
                guard !missingIds.isEmpty else { return (rows, [Int64: CatalogFrame]()) }
                let frames = try Self.frames(in: db, filter: "source.id IN (\(missingIds.map(String.init).joined(separator: ",")))",
                                             arguments: [], then: "ORDER BY source.id")
                return (rows, Dictionary(uniqueKeysWithValues: zip(missingIds, frames)))
            }
        }
        let made = try PageEntry.made(for: missing)
        if !made.isEmpty { try keep(made) }
        return rows.map { row in
            PageEntry(key: [UInt8](row[0] as Data), id: row[1], captured: row[2],
                      json: row.hasNull(atIndex: 3) ? made[row[4]] ?? Data() : row[3])
        }
    }

    private func keep(_ entries: [Int64: Data]) throws(CatalogError) {
        try perform {
            try queue.write { db in
                for (sourceId, json) in entries {
                    try db.executeCached("UPDATE frame SET page_entry = ?, page_entry_format = ? WHERE source_id = ?",
                                         [json, PageEntry.format, sourceId])
                }
            }
        }
    }

    public func galleryIdentity(_ id: String) throws(CatalogError) -> GalleryIdentity? {
        try perform {
            try queue.read { db in
                if try Self.isTheme(id, in: db) { return try Self.themeIdentity(id, in: db) }
                return try String.fetchOne(db, sql: "SELECT gallery_json FROM frame WHERE gallery = ? ORDER BY sort_key LIMIT 1",
                                           arguments: [id]).map { try JSONDecoder().decode(GalleryIdentity.self, from: Data($0.utf8)) }
            }
        }
    }

    public func pages(ofGallery id: String) throws(CatalogError) -> [PageRecord] {
        try perform {
            try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM gallery_page WHERE gallery = ? ORDER BY first_key", arguments: [id])
                    .map { row in
                        PageRecord(firstKey: [UInt8](row["first_key"] as Data), lastKey: [UInt8](row["last_key"] as Data),
                                   path: row["path"], sha256: row["sha256"], bytes: row["bytes"], frameCount: row["frame_count"],
                                   captureFirst: row["capture_first"], captureLast: row["capture_last"],
                                   firstFrame: row["first_frame"], lastFrame: row["last_frame"])
                    }
            }
        }
    }

    public func changedKeys(inGallery id: String, limit: Int) throws(CatalogError) -> [[UInt8]] {
        try perform {
            try queue.read { db in
                try Data.fetchAll(db, sql: "SELECT key FROM dirty_frame WHERE gallery = ? ORDER BY key LIMIT ?",
                                  arguments: [id, limit]).map { [UInt8]($0) }
            }
        }
    }

    public func replacePages(ofGallery id: String, identity: GalleryIdentity?, removing: [PageRecord],
                             adding: [PageRecord]) throws(CatalogError) {
        try perform {
            try queue.write { db in
                let kept = Set(adding.map(\.path))
                for page in removing {
                    try db.executeCached("DELETE FROM gallery_page WHERE gallery = ? AND first_key = ?", [id, Data(page.firstKey)])
                    if !kept.contains(page.path) {
                        try db.executeCached("INSERT OR IGNORE INTO retired_page (gallery, path) VALUES (?, ?)", [id, page.path])
                    }
                }
                for page in adding {
                    try db.executeCached("""
                        INSERT INTO gallery_page (gallery, first_key, last_key, path, sha256, bytes, frame_count,
                                                  capture_first, capture_last, first_frame, last_frame)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, [id, Data(page.firstKey), Data(page.lastKey), page.path, page.sha256, page.bytes,
                              page.frameCount, page.captureFirst, page.captureLast, page.firstFrame, page.lastFrame])
                    try db.executeCached("DELETE FROM retired_page WHERE gallery = ? AND path = ?", [id, page.path])
                }
                try db.execute(sql: "DELETE FROM dirty_frame WHERE gallery = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM gallery_upgrade WHERE gallery = ?", arguments: [id])
                if let identity {
                    let json = String(decoding: try Self.encoder.encode(identity), as: UTF8.self)
                    try db.execute(sql: "INSERT OR REPLACE INTO published_gallery (gallery, identity_json) VALUES (?, ?)",
                                   arguments: [id, json])
                } else {
                    try db.execute(sql: "DELETE FROM published_gallery WHERE gallery = ?", arguments: [id])
                }
            }
        }
    }

    public func retiredPages(ofGallery id: String) throws(CatalogError) -> [String] {
        try perform {
            try queue.read { db in
                try String.fetchAll(db, sql: "SELECT path FROM retired_page WHERE gallery = ? ORDER BY path", arguments: [id])
            }
        }
    }

    public func forgetRetiredPages(ofGallery id: String) throws(CatalogError) {
        try perform { try queue.write { db in try db.execute(sql: "DELETE FROM retired_page WHERE gallery = ?", arguments: [id]) } }
    }

    public func publishedGalleries() throws(CatalogError) -> [GallerySummary] {
        try perform {
            try queue.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT g.identity_json, SUM(p.frame_count) AS frames, MIN(p.capture_first) AS first, MAX(p.capture_last) AS last
                    FROM published_gallery g JOIN gallery_page p ON p.gallery = g.gallery
                    GROUP BY g.gallery ORDER BY g.gallery
                    """).map { row in
                    GallerySummary(identity: try JSONDecoder().decode(GalleryIdentity.self, from: Data((row["identity_json"] as String).utf8)),
                                   frameCount: row["frames"], firstCapture: row["first"], lastCapture: row["last"])
                }
            }
        }
    }

    public func galleriesAwaitingUpgrade() throws(CatalogError) -> Set<String> {
        try perform { try queue.read { db in Set(try String.fetchAll(db, sql: "SELECT gallery FROM gallery_upgrade")) } }
    }

    public func renditionPathsInUse(inGallery id: String, among paths: [String]) throws(CatalogError) -> Set<String> {
        try perform {
            try queue.read { db in
                let statement = try db.cachedStatement(sql: """
                    SELECT 1 FROM rendition r JOIN frame f ON f.source_id = r.source_id WHERE r.path = ? AND f.gallery = ? LIMIT 1
                    """)
                return Set(try paths.filter { try Int.fetchOne(statement, arguments: [$0, id]) != nil })
            }
        }
    }
}
