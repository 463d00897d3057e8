import GRDB

/// Counts kept beside the catalog's rows so that the stale-rendition count every run reports
/// reads a handful of rows instead of every rendition (0.8 s a run at 100,000 frames): renditions
/// by name and settings fingerprint, and frames. Triggers keep them in the same transaction as
/// every change, whichever code path made it.
enum RenditionTallyMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE rendition_tally (name TEXT NOT NULL, fingerprint TEXT NOT NULL, count INTEGER NOT NULL,
                                          PRIMARY KEY (name, fingerprint)) WITHOUT ROWID;
            INSERT INTO rendition_tally SELECT name, fingerprint, COUNT(*) FROM rendition GROUP BY name, fingerprint;
            CREATE TABLE frame_tally (one INTEGER PRIMARY KEY CHECK (one = 1), count INTEGER NOT NULL);
            INSERT INTO frame_tally SELECT 1, COUNT(*) FROM frame;
            CREATE TRIGGER frame_tally_added AFTER INSERT ON frame BEGIN UPDATE frame_tally SET count = count + 1; END;
            CREATE TRIGGER frame_tally_removed AFTER DELETE ON frame BEGIN UPDATE frame_tally SET count = count - 1; END;
            CREATE TRIGGER rendition_tally_added AFTER INSERT ON rendition BEGIN \(add("new")) END;
            CREATE TRIGGER rendition_tally_removed AFTER DELETE ON rendition BEGIN \(remove("old")) END;
            CREATE TRIGGER rendition_tally_changed AFTER UPDATE OF name, fingerprint ON rendition BEGIN
                \(remove("old")) \(add("new"))
            END;
            """)
    }

    // No INSERT OR IGNORE inside a trigger: the outer statement's conflict handling would replace it.
    private static func add(_ row: String) -> String {
        """
        INSERT INTO rendition_tally (name, fingerprint, count) SELECT \(row).name, \(row).fingerprint, 0
            WHERE NOT EXISTS (SELECT 1 FROM rendition_tally WHERE name = \(row).name AND fingerprint = \(row).fingerprint);
        UPDATE rendition_tally SET count = count + 1 WHERE name = \(row).name AND fingerprint = \(row).fingerprint;
        """
    }

    private static func remove(_ row: String) -> String {
        "UPDATE rendition_tally SET count = count - 1 WHERE name = \(row).name AND fingerprint = \(row).fingerprint;"
    }
}
