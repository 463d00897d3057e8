import GRDB

/// v17: frames a publication left out of their gallery's pages are published again.
///
/// Until this version, re-cutting a gallery stopped as soon as a new page ended where the old last
/// page did, even when that page had ended only because the gallery did. When the gallery's last
/// frame happened to be a cut point, frames added after it were never paged, while their changes
/// were marked done. Such frames are exactly those ordered after the last page; marking them
/// changed makes the next publication list them (a whole re-cut when there are many).
enum UnlistedTailMigration {
    static func apply(_ db: Database) throws {
        for (table, gallery) in [("frame", "gallery"), ("theme_member", "theme")] {
            try db.execute(sql: """
                INSERT OR IGNORE INTO dirty_frame (gallery, key)
                    SELECT entry.\(gallery), entry.sort_key FROM \(table) entry
                    JOIN (SELECT gallery, MAX(last_key) AS last_key FROM gallery_page GROUP BY gallery) page
                        ON page.gallery = entry.\(gallery)
                    WHERE entry.sort_key > page.last_key
                """)
        }
        try db.execute(sql: "INSERT OR IGNORE INTO dirty_gallery (gallery) SELECT DISTINCT gallery FROM dirty_frame")
    }
}
