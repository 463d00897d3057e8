import GRDB

/// Each frame's page entry (`PageEntry`), kept beside its columns so that publishing a page reads
/// finished JSON instead of decoding and encoding every frame on it. An entry is only a cache: it
/// is written with the frame, cleared by triggers whenever anything it shows changes, and made
/// again from the columns when missing or of another format. Existing rows start without one.
/// A raw companion (`companion`, v11) shows in its frame's `originals`, so it clears the entry too.
enum PageEntryMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE frame ADD COLUMN page_entry BLOB;
            ALTER TABLE frame ADD COLUMN page_entry_format INTEGER;
            CREATE TRIGGER page_entry_frame_changed AFTER UPDATE OF gallery_json, frame_id, name_json, format, width, height,
                metadata_json, source_id ON frame
            BEGIN UPDATE frame SET page_entry = NULL WHERE rowid = NEW.rowid; END;
            CREATE TRIGGER page_entry_source_changed AFTER UPDATE OF label, sha256, size ON source
            BEGIN
                UPDATE frame SET page_entry = NULL WHERE source_id = NEW.id
                    OR source_id IN (SELECT frame_source_id FROM companion WHERE source_id = NEW.id);
            END;
            CREATE TRIGGER page_entry_companion_added AFTER INSERT ON companion
            BEGIN UPDATE frame SET page_entry = NULL WHERE source_id = NEW.frame_source_id; END;
            CREATE TRIGGER page_entry_companion_removed AFTER DELETE ON companion
            BEGIN UPDATE frame SET page_entry = NULL WHERE source_id = OLD.frame_source_id; END;
            CREATE TRIGGER page_entry_rendition_added AFTER INSERT ON rendition
            BEGIN UPDATE frame SET page_entry = NULL WHERE source_id = NEW.source_id; END;
            CREATE TRIGGER page_entry_rendition_changed AFTER UPDATE OF name, path, bytes, width, height ON rendition
            BEGIN UPDATE frame SET page_entry = NULL WHERE source_id IN (OLD.source_id, NEW.source_id); END;
            CREATE TRIGGER page_entry_rendition_removed AFTER DELETE ON rendition
            BEGIN UPDATE frame SET page_entry = NULL WHERE source_id = OLD.source_id; END;
            """)
    }
}
