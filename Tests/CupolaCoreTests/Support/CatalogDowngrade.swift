import GRDB

/// Undoes later migrations in a test's catalog, so that a test can open it as an older cupola
/// left it and watch the migrations run again.
enum CatalogDowngrade {
    /// v14: kept page entries (its triggers read `companion`, so this goes before v11's table).
    static func dropPageEntries(_ db: Database) throws {
        for trigger in ["frame_changed", "source_changed", "rendition_added", "rendition_changed", "rendition_removed",
                        "companion_added", "companion_removed"] {
            try db.execute(sql: "DROP TRIGGER IF EXISTS page_entry_\(trigger)")
        }
        try db.execute(sql: """
            ALTER TABLE frame DROP COLUMN page_entry;
            ALTER TABLE frame DROP COLUMN page_entry_format;
            DELETE FROM grdb_migrations WHERE identifier LIKE 'v14:%' OR identifier LIKE 'v15:%';
            """)
    }
}
