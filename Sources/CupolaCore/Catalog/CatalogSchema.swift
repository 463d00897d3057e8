import GRDB

/// The catalog's tables, as versioned migrations: a library written by an older Cupola is brought
/// up to date on open, never rebuilt.
enum CatalogSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE source (
                    id INTEGER PRIMARY KEY,
                    path BLOB NOT NULL UNIQUE,
                    root BLOB NOT NULL,
                    label TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    mtime_ns INTEGER NOT NULL,
                    inode INTEGER NOT NULL,
                    sha256 TEXT,
                    state TEXT NOT NULL,
                    reason TEXT
                );
                CREATE INDEX source_root ON source(root);
                CREATE INDEX source_state ON source(state);
                CREATE TABLE frame (
                    source_id INTEGER PRIMARY KEY REFERENCES source(id) ON DELETE CASCADE,
                    gallery TEXT NOT NULL,
                    gallery_json TEXT NOT NULL,
                    frame_id TEXT NOT NULL,
                    name_json TEXT,
                    stem TEXT NOT NULL,
                    format TEXT NOT NULL,
                    width INTEGER NOT NULL,
                    height INTEGER NOT NULL,
                    captured TEXT,
                    metadata_json TEXT NOT NULL,
                    UNIQUE (gallery, stem)
                );
                CREATE TABLE rendition (
                    source_id INTEGER NOT NULL REFERENCES frame(source_id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    path TEXT NOT NULL,
                    bytes INTEGER NOT NULL,
                    width INTEGER NOT NULL,
                    height INTEGER NOT NULL,
                    PRIMARY KEY (source_id, name)
                );
                CREATE TABLE run (
                    id INTEGER PRIMARY KEY,
                    command TEXT NOT NULL,
                    finished TEXT NOT NULL,
                    exit_code INTEGER NOT NULL,
                    summary TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2: galleries awaiting a manifest rebuild") { db in
            // Marked in the same transaction as the frame change, cleared once the manifest is
            // written: a run killed in between leaves the mark for the next run to finish.
            try db.execute(sql: "CREATE TABLE dirty_gallery (gallery TEXT PRIMARY KEY)")
        }
        migrator.registerMigration("v3: library copies of originals") { db in
            try db.execute(sql: "ALTER TABLE source ADD COLUMN original BLOB")
        }
        migrator.registerMigration("v4: shuttle gallery titles without leading zeros") { db in
            try CatalogSchema.retitleShuttleGalleries(db)
        }
        migrator.registerMigration("v5: files refused for permissions are retried") { db in
            // Older runs called an unreadable file bad input, never to be read again until it
            // changed; it is the file's surroundings that were wrong, so it becomes a failure.
            try db.execute(sql: "UPDATE source SET state = 'failed' WHERE state = 'rejected' AND reason = 'permission denied'")
        }
        migrator.registerMigration("v6: SHA-256 of each rendition file") { db in
            // NULL for renditions written before: `verify --deep --repair` records the hash of each
            // one that passes the deep check, and any rebuild records its own.
            try db.execute(sql: "ALTER TABLE rendition ADD COLUMN sha256 TEXT")
        }
        migrator.registerMigration("v7: sources by content, for moves and same-content files") { db in
            try db.execute(sql: "CREATE INDEX source_sha256 ON source(sha256)")
        }
        migrator.registerMigration("v8: paged manifests") { db in
            try PagedManifestMigration.apply(db)
        }
        migrator.registerMigration("v9: rendition and frame tallies") { db in
            try RenditionTallyMigration.apply(db)
        }
        migrator.registerMigration("v10: missions of every program, with program and order") { db in
            try CatalogSchema.reidentifyMissionGalleries(db)
        }
        migrator.registerMigration("v11: raw and JPEG originals of one frame") { db in
            try OriginalPairMigration.apply(db)
        }
        migrator.registerMigration("v12: theme galleries") { db in
            try ThemeMigration.apply(db)
        }
        migrator.registerMigration("v14: frames' page entries kept ready") { db in
            try PageEntryMigration.apply(db)
        }
        migrator.registerMigration("v15: a kept page entry is no change of its frame") { db in
            try FrameChangeMigration.apply(db)
        }
        migrator.registerMigration("v16: frames by id") { db in
            // Pairing a raw with its JPEG looks a frame id up: without this index each new frame
            // read every frame of its gallery (0.18 s at 100,000 frames).
            try db.execute(sql: "CREATE INDEX frame_by_id ON frame(frame_id, gallery)")
        }
        migrator.registerMigration("v17: frames left out of their gallery's pages") { db in
            try UnlistedTailMigration.apply(db)
        }
        migrator.registerMigration("v18: companions by format") { db in
            // Each writing run asks for pairs made under the other `[raw] pairs` setting: an index
            // seek that finds none, not a read of every pair in the library.
            try db.execute(sql: "CREATE INDEX companion_by_format ON companion(format)")
        }
        migrator.registerMigration("v19: a SOURCE's files in path order") { db in
            // Every run reads the files under each SOURCE in path order, to merge them with the
            // scan: ordered by the index, not sorted (10^5 rows) after the read.
            try db.execute(sql: "DROP INDEX source_root")
            try db.execute(sql: "CREATE INDEX source_root ON source(root, path)")
        }
        return migrator
    }
}
