import GRDB

/// The catalog side of theme galleries: the rules membership was last worked out with, which
/// frames each theme holds (with the frame's order key, so a theme is read in order like a
/// mission gallery), and the frames added since that no rule has looked at yet.
enum ThemeMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE theme_rule (theme TEXT PRIMARY KEY, selection_json TEXT NOT NULL, identity_json TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE theme_member (
                theme TEXT NOT NULL,
                sort_key BLOB NOT NULL,
                source_id INTEGER NOT NULL,
                PRIMARY KEY (theme, sort_key)
            ) WITHOUT ROWID;
            CREATE INDEX theme_member_source ON theme_member(source_id);
            CREATE TABLE theme_pending (source_id INTEGER PRIMARY KEY);
            """)
        try createTriggers(db)
    }

    /// A frame that leaves or changes leaves its themes in the same transaction (its place there
    /// marked changed, as for its own gallery) and waits to be matched again; a rendition or source
    /// change marks its place in every theme holding it. As in `PagedManifestMigration`, no
    /// `INSERT OR IGNORE` inside a trigger.
    private static func createTriggers(_ db: Database) throws {
        func pending(_ sourceId: String) -> String {
            """
            INSERT INTO theme_pending (source_id) SELECT \(sourceId)
                WHERE NOT EXISTS (SELECT 1 FROM theme_pending WHERE source_id = \(sourceId));
            """
        }
        func markMemberships(_ sourceId: String) -> String {
            """
            INSERT INTO dirty_frame (gallery, key) SELECT m.theme, m.sort_key FROM theme_member m
                WHERE m.source_id = \(sourceId)
                AND NOT EXISTS (SELECT 1 FROM dirty_frame d WHERE d.gallery = m.theme AND d.key = m.sort_key);
            INSERT INTO dirty_gallery (gallery) SELECT DISTINCT m.theme FROM theme_member m
                WHERE m.source_id = \(sourceId) AND NOT EXISTS (SELECT 1 FROM dirty_gallery g WHERE g.gallery = m.theme);
            """
        }
        func leave(_ sourceId: String) -> String {
            markMemberships(sourceId) + "DELETE FROM theme_member WHERE source_id = \(sourceId);"
        }
        try db.execute(sql: """
            CREATE TRIGGER theme_frame_added AFTER INSERT ON frame BEGIN \(pending("new.source_id")) END;
            CREATE TRIGGER theme_frame_removed AFTER DELETE ON frame BEGIN
                \(leave("old.source_id")) DELETE FROM theme_pending WHERE source_id = old.source_id;
            END;
            CREATE TRIGGER theme_frame_changed AFTER UPDATE ON frame BEGIN
                \(leave("old.source_id")) \(pending("new.source_id"))
            END;
            CREATE TRIGGER theme_rendition_added AFTER INSERT ON rendition BEGIN \(markMemberships("new.source_id")) END;
            CREATE TRIGGER theme_rendition_removed AFTER DELETE ON rendition BEGIN \(markMemberships("old.source_id")) END;
            CREATE TRIGGER theme_source_renamed AFTER UPDATE OF path, label ON source
                WHEN old.path IS NOT new.path OR old.label IS NOT new.label BEGIN \(leave("new.id")) \(pending("new.id")) END;
            """)
    }
}
