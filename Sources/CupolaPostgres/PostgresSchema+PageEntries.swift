extension PostgresSchema {
    /// Each frame's page entry kept beside its columns (SQLite's v14): written with the frame,
    /// cleared whenever anything it shows changes (its columns, its source's label, hash or size,
    /// a companion, a rendition), made again from the columns when missing or of another format.
    ///
    /// Keeping an entry is an UPDATE of the frame, which v1's trigger would take for a change of
    /// the frame: it is made again to fire on the frame's own columns only.
    static let pageEntries = [
        """
        ALTER TABLE frame ADD COLUMN page_entry BYTEA
        """,
        """
        ALTER TABLE frame ADD COLUMN page_entry_format INTEGER
        """,
        """
        DROP TRIGGER frame_changed ON frame
        """,
        """
        CREATE TRIGGER frame_changed AFTER INSERT OR DELETE OR UPDATE OF \(frameContentColumns) ON frame
            FOR EACH ROW EXECUTE FUNCTION cupola_frame_changed()
        """,
        """
        CREATE FUNCTION cupola_page_entry_stale() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.page_entry := NULL;
            RETURN NEW;
        END $$
        """,
        """
        CREATE TRIGGER page_entry_frame_changed
            BEFORE UPDATE OF gallery_json, frame_id, name_json, format, width, height, metadata_json, source_id ON frame
            FOR EACH ROW EXECUTE FUNCTION cupola_page_entry_stale()
        """,
        """
        CREATE FUNCTION cupola_forget_page_entry(frame_source BIGINT) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE frame SET page_entry = NULL WHERE source_id = frame_source AND page_entry IS NOT NULL;
        END $$
        """,
        // A companion's label, hash and size show in its frame's `originals`.
        """
        CREATE FUNCTION cupola_page_entry_source_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM cupola_forget_page_entry(NEW.id);
            PERFORM cupola_forget_page_entry(frame_source_id) FROM companion WHERE source_id = NEW.id;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER page_entry_source_changed AFTER UPDATE OF label, sha256, size ON source
            FOR EACH ROW WHEN (OLD.label IS DISTINCT FROM NEW.label OR OLD.sha256 IS DISTINCT FROM NEW.sha256
                               OR OLD.size IS DISTINCT FROM NEW.size)
            EXECUTE FUNCTION cupola_page_entry_source_changed()
        """,
        """
        CREATE FUNCTION cupola_page_entry_companion_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM cupola_forget_page_entry(OLD.frame_source_id); END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM cupola_forget_page_entry(NEW.frame_source_id); END IF;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER page_entry_companion_changed AFTER INSERT OR UPDATE OR DELETE ON companion
            FOR EACH ROW EXECUTE FUNCTION cupola_page_entry_companion_changed()
        """,
        """
        CREATE FUNCTION cupola_page_entry_rendition_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM cupola_forget_page_entry(OLD.source_id); END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM cupola_forget_page_entry(NEW.source_id); END IF;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER page_entry_rendition_changed AFTER INSERT OR DELETE OR UPDATE OF name, path, bytes, width, height
            ON rendition FOR EACH ROW EXECUTE FUNCTION cupola_page_entry_rendition_changed()
        """,
    ]
}
