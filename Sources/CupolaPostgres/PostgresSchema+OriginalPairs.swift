extension PostgresSchema {
    /// A camera raw and a JPEG of one frame are one frame (SQLite's v11): the JPEG's source keeps
    /// the frame row, the raw is its companion original, with a source row of its own (its stat and
    /// hash) but no frame and no renditions. Adding or dropping a companion changes the frame's
    /// manifest entry, so its place in the gallery is marked changed.
    static let originalPairs = [
        """
        CREATE TABLE companion (
            source_id BIGINT PRIMARY KEY REFERENCES source(id) ON DELETE CASCADE,
            frame_source_id BIGINT NOT NULL REFERENCES source(id) ON DELETE CASCADE,
            format TEXT COLLATE "C" NOT NULL
        )
        """,
        """
        CREATE INDEX companion_frame ON companion(frame_source_id)
        """,
        // An upsert that hands a raw to another JPEG is an UPDATE: both frames are marked.
        """
        CREATE FUNCTION cupola_companion_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM cupola_mark_frame(OLD.frame_source_id); END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM cupola_mark_frame(NEW.frame_source_id); END IF;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER companion_changed AFTER INSERT OR UPDATE OR DELETE ON companion
            FOR EACH ROW EXECUTE FUNCTION cupola_companion_changed()
        """,
    ]

    /// The frame columns whose change is a change of the frame (everything but its kept page
    /// entry): the triggers that mark places and leave themes fire on these only.
    static let frameContentColumns =
        "source_id, gallery, gallery_json, frame_id, name_json, stem, format, width, height, captured, metadata_json, sort_key"
}
