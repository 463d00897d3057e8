import CupolaCore
import Foundation
import PostgresNIO

/// Paged manifests: frames read by stretches of their gallery's order, and the published pages.
extension PostgresCatalog {
    public func frames(inGallery id: String, from key: [UInt8]?, after: Bool, limit: Int) throws(CatalogError) -> [CatalogFrame] {
        try read { db in
            if try Self.isTheme(id, in: db) { return try Self.themeFrames(id, from: key, after: after, limit: limit, in: db) }
            guard let key else {
                return try Self.frames(in: db, where: "frame.gallery = $1", [.text(id)],
                                       then: "ORDER BY frame.sort_key LIMIT \(limit)")
            }
            return try Self.frames(in: db, where: "frame.gallery = $1 AND frame.sort_key \(after ? ">" : ">=") $2",
                                   [.text(id), .bytes(key)], then: "ORDER BY frame.sort_key LIMIT \(limit)")
        }
    }

    public func galleryIdentity(_ id: String) throws(CatalogError) -> GalleryIdentity? {
        try read { db in
            if try Self.isTheme(id, in: db) { return try Self.themeIdentity(id, in: db) }
            return try db.rows("SELECT gallery_json FROM frame WHERE gallery = $1 ORDER BY sort_key LIMIT 1", [.text(id)]).first
                .map { try JSONDecoder().decode(GalleryIdentity.self, from: Data(try $0.text("gallery_json").utf8)) }
        }
    }

    public func pages(ofGallery id: String) throws(CatalogError) -> [PageRecord] {
        try read { db in
            try db.rows("SELECT * FROM gallery_page WHERE gallery = $1 ORDER BY first_key", [.text(id)]).map { row in
                PageRecord(firstKey: try row.bytes("first_key"), lastKey: try row.bytes("last_key"),
                           path: try row.text("path"), sha256: try row.text("sha256"), bytes: try row.int("bytes"),
                           frameCount: try row.int("frame_count"),
                           captureFirst: try row.optionalText("capture_first"), captureLast: try row.optionalText("capture_last"),
                           firstFrame: try row.text("first_frame"), lastFrame: try row.text("last_frame"))
            }
        }
    }

    public func changedKeys(inGallery id: String, limit: Int) throws(CatalogError) -> [[UInt8]] {
        try read { db in
            try db.rows("SELECT key FROM dirty_frame WHERE gallery = $1 ORDER BY key LIMIT $2", [.text(id), .int(limit)])
                .map { try $0.bytes("key") }
        }
    }

    public func replacePages(ofGallery id: String, identity: GalleryIdentity?, removing: [PageRecord],
                             adding: [PageRecord]) throws(CatalogError) {
        try write { db in
            let kept = Set(adding.map(\.path))
            for page in removing {
                try db.execute("DELETE FROM gallery_page WHERE gallery = $1 AND first_key = $2", [.text(id), .bytes(page.firstKey)])
                if !kept.contains(page.path) {
                    try db.execute("INSERT INTO retired_page (gallery, path) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                                   [.text(id), .text(page.path)])
                }
            }
            for page in adding {
                try db.execute("""
                    INSERT INTO gallery_page (gallery, first_key, last_key, path, sha256, bytes, frame_count,
                                              capture_first, capture_last, first_frame, last_frame)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                    """, [.text(id), .bytes(page.firstKey), .bytes(page.lastKey), .text(page.path), .text(page.sha256),
                          .int(page.bytes), .int(page.frameCount), .text(page.captureFirst), .text(page.captureLast),
                          .text(page.firstFrame), .text(page.lastFrame)])
                try db.execute("DELETE FROM retired_page WHERE gallery = $1 AND path = $2", [.text(id), .text(page.path)])
            }
            try db.execute("DELETE FROM dirty_frame WHERE gallery = $1", [.text(id)])
            try db.execute("DELETE FROM gallery_upgrade WHERE gallery = $1", [.text(id)])
            if let identity {
                try db.execute("""
                    INSERT INTO published_gallery (gallery, identity_json) VALUES ($1, $2)
                    ON CONFLICT (gallery) DO UPDATE SET identity_json = excluded.identity_json
                    """, [.text(id), .text(try Self.json(identity))])
            } else {
                try db.execute("DELETE FROM published_gallery WHERE gallery = $1", [.text(id)])
            }
        }
    }

    public func retiredPages(ofGallery id: String) throws(CatalogError) -> [String] {
        try read { db in
            try db.rows("SELECT path FROM retired_page WHERE gallery = $1 ORDER BY path", [.text(id)]).map { try $0.text("path") }
        }
    }

    public func forgetRetiredPages(ofGallery id: String) throws(CatalogError) {
        try write { db in try db.execute("DELETE FROM retired_page WHERE gallery = $1", [.text(id)]) }
    }

    public func publishedGalleries() throws(CatalogError) -> [GallerySummary] {
        try read { db in
            try db.rows("""
                SELECT g.identity_json, SUM(p.frame_count)::bigint AS frames, MIN(p.capture_first) AS first, MAX(p.capture_last) AS last
                FROM published_gallery g JOIN gallery_page p ON p.gallery = g.gallery
                GROUP BY g.gallery ORDER BY g.gallery
                """).map { row in
                GallerySummary(identity: try JSONDecoder().decode(GalleryIdentity.self, from: Data(try row.text("identity_json").utf8)),
                               frameCount: try row.int("frames"), firstCapture: try row.optionalText("first"),
                               lastCapture: try row.optionalText("last"))
            }
        }
    }

    public func galleriesAwaitingUpgrade() throws(CatalogError) -> Set<String> {
        try read { db in Set(try db.rows("SELECT gallery FROM gallery_upgrade").map { try $0.text("gallery") }) }
    }

    public func renditionPathsInUse(inGallery id: String, among paths: [String]) throws(CatalogError) -> Set<String> {
        guard !paths.isEmpty else { return [] }
        return try read { db in
            let list = paths.indices.map { "$\($0 + 2)" }.joined(separator: ", ")
            return Set(try db.rows("""
                SELECT DISTINCT r.path FROM rendition r JOIN frame f ON f.source_id = r.source_id
                WHERE f.gallery = $1 AND r.path IN (\(list))
                """, [.text(id)] + paths.map { .text($0) }).map { try $0.text("path") })
        }
    }
}
