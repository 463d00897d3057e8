import Foundation
import GRDB

/// The catalog side of paged manifests (`cupola.gallery/2`): each frame's place in its gallery's
/// order, the pages last published, and which stretches of a gallery changed since.
enum PagedManifestMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE frame ADD COLUMN sort_key BLOB;
            CREATE TABLE gallery_page (
                gallery TEXT NOT NULL,
                first_key BLOB NOT NULL,
                last_key BLOB NOT NULL,
                path TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                bytes INTEGER NOT NULL,
                frame_count INTEGER NOT NULL,
                capture_first TEXT,
                capture_last TEXT,
                first_frame TEXT NOT NULL,
                last_frame TEXT NOT NULL,
                PRIMARY KEY (gallery, first_key)
            ) WITHOUT ROWID;
            CREATE TABLE published_gallery (gallery TEXT PRIMARY KEY, identity_json TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE retired_page (gallery TEXT NOT NULL, path TEXT NOT NULL, PRIMARY KEY (gallery, path)) WITHOUT ROWID;
            CREATE TABLE gallery_upgrade (gallery TEXT PRIMARY KEY) WITHOUT ROWID;
            CREATE TABLE dirty_frame (gallery TEXT NOT NULL, key BLOB NOT NULL, PRIMARY KEY (gallery, key)) WITHOUT ROWID;
            CREATE INDEX rendition_path ON rendition(path);
            """)
        try backfillOrderKeys(db)
        try db.execute(sql: """
            CREATE INDEX frame_order ON frame(gallery, sort_key);
            INSERT OR IGNORE INTO gallery_upgrade (gallery) SELECT DISTINCT gallery FROM frame;
            INSERT OR IGNORE INTO dirty_gallery (gallery) SELECT gallery FROM gallery_upgrade;
            """)
        try createTriggers(db)
    }

    /// A library written before pages had no order keys: worked out here once, from the columns.
    private static func backfillOrderKeys(_ db: Database) throws {
        let rows = try Row.fetchCursor(db, sql: """
            SELECT frame.source_id, frame.captured, frame.frame_id, source.label, source.path
            FROM frame JOIN source ON source.id = frame.source_id
            """)
        let update = try db.makeStatement(sql: "UPDATE frame SET sort_key = ? WHERE source_id = ?")
        while let row = try rows.next() {
            let key = FrameOrder.key(captured: row["captured"], id: row["frame_id"], label: row["label"],
                                     path: [UInt8](row["path"] as Data))
            try update.execute(arguments: [Data(key), row["source_id"] as Int64])
        }
    }

    /// Every change to a frame or its renditions marks its place in the gallery as changed, in the
    /// same transaction, whichever code path made it: publishing then rewrites only the pages there.
    /// (No `INSERT OR IGNORE` here: inside a trigger, the outer statement's conflict handling, such
    /// as an upsert's, replaces it, and a key already marked would abort the change.)
    private static func createTriggers(_ db: Database) throws {
        func mark(_ gallery: String, _ key: String) -> String {
            """
            INSERT INTO dirty_frame (gallery, key) SELECT \(gallery), \(key)
                WHERE \(key) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dirty_frame WHERE gallery = \(gallery) AND key = \(key));
            """
        }
        func markFrame(_ sourceId: String) -> String {
            """
            INSERT INTO dirty_frame (gallery, key) SELECT f.gallery, f.sort_key FROM frame f
                WHERE f.source_id = \(sourceId) AND f.sort_key IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM dirty_frame d WHERE d.gallery = f.gallery AND d.key = f.sort_key);
            """
        }
        try db.execute(sql: """
            CREATE TRIGGER frame_added AFTER INSERT ON frame BEGIN \(mark("new.gallery", "new.sort_key")) END;
            CREATE TRIGGER frame_removed AFTER DELETE ON frame BEGIN \(mark("old.gallery", "old.sort_key")) END;
            CREATE TRIGGER frame_changed AFTER UPDATE ON frame BEGIN
                \(mark("old.gallery", "old.sort_key")) \(mark("new.gallery", "new.sort_key"))
            END;
            CREATE TRIGGER rendition_added AFTER INSERT ON rendition BEGIN \(markFrame("new.source_id")) END;
            CREATE TRIGGER rendition_removed AFTER DELETE ON rendition BEGIN \(markFrame("old.source_id")) END;
            CREATE TRIGGER source_renamed AFTER UPDATE OF path, label ON source
                WHEN old.path IS NOT new.path OR old.label IS NOT new.label BEGIN \(markFrame("new.id")) END;
            """)
    }
}
