import GRDB

/// A camera raw and a JPEG of one frame are one frame (the camera writes both): the JPEG's source
/// keeps the frame row, the raw is recorded as its companion original. A companion's source row
/// stays in `source` (its stat and hash, so an unchanged raw is not read again); it has no frame
/// row and no renditions of its own.
enum OriginalPairMigration {
    static func apply(_ db: Database) throws {
        // Adding or dropping a companion changes the frame's manifest entry: its place in the
        // gallery is marked changed, as the paged-manifest triggers do for renditions.
        try db.execute(sql: """
            CREATE TABLE companion (
                source_id INTEGER PRIMARY KEY REFERENCES source(id) ON DELETE CASCADE,
                frame_source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
                format TEXT NOT NULL
            );
            CREATE INDEX companion_frame ON companion(frame_source_id);
            CREATE TRIGGER companion_added AFTER INSERT ON companion BEGIN \(markFrame("new.frame_source_id")) END;
            CREATE TRIGGER companion_removed AFTER DELETE ON companion BEGIN \(markFrame("old.frame_source_id")) END;
            """)
    }

    private static func markFrame(_ sourceId: String) -> String {
        """
        INSERT INTO dirty_frame (gallery, key) SELECT f.gallery, f.sort_key FROM frame f
            WHERE f.source_id = \(sourceId) AND f.sort_key IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM dirty_frame d WHERE d.gallery = f.gallery AND d.key = f.sort_key);
        """
    }
}
