extension PostgresSchema {
    /// Theme galleries (SQLite's v12): the rules membership was last worked out with, which frames
    /// each theme holds (with the frame's order key, so a theme is read in order like a mission
    /// gallery), and the frames added or changed since that no rule has looked at yet.
    ///
    /// A frame that leaves or changes leaves its themes in the same transaction (its place there
    /// marked changed, as for its own gallery) and waits to be matched again; a rendition or source
    /// change marks its place in every theme holding it.
    static let themes = [
        """
        CREATE TABLE theme_rule (theme TEXT COLLATE "C" PRIMARY KEY, selection_json TEXT NOT NULL, identity_json TEXT NOT NULL)
        """,
        """
        CREATE TABLE theme_member (
            theme TEXT COLLATE "C" NOT NULL,
            sort_key BYTEA NOT NULL,
            source_id BIGINT NOT NULL,
            PRIMARY KEY (theme, sort_key)
        )
        """,
        """
        CREATE INDEX theme_member_source ON theme_member(source_id)
        """,
        """
        CREATE TABLE theme_pending (source_id BIGINT PRIMARY KEY)
        """,
        """
        CREATE FUNCTION cupola_mark_memberships(member BIGINT) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO dirty_frame (gallery, key) SELECT theme, sort_key FROM theme_member WHERE source_id = member
                ON CONFLICT DO NOTHING;
            INSERT INTO dirty_gallery (gallery) SELECT DISTINCT theme FROM theme_member WHERE source_id = member
                ON CONFLICT DO NOTHING;
        END $$
        """,
        """
        CREATE FUNCTION cupola_leave_themes(member BIGINT) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM cupola_mark_memberships(member);
            DELETE FROM theme_member WHERE source_id = member;
        END $$
        """,
        """
        CREATE FUNCTION cupola_theme_frame_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM cupola_leave_themes(OLD.source_id); END IF;
            IF TG_OP = 'DELETE' THEN DELETE FROM theme_pending WHERE source_id = OLD.source_id; END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') THEN
                INSERT INTO theme_pending (source_id) VALUES (NEW.source_id) ON CONFLICT DO NOTHING;
            END IF;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER theme_frame_changed AFTER INSERT OR DELETE OR UPDATE OF \(frameContentColumns) ON frame
            FOR EACH ROW EXECUTE FUNCTION cupola_theme_frame_changed()
        """,
        """
        CREATE FUNCTION cupola_theme_rendition_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN PERFORM cupola_mark_memberships(NEW.source_id);
            ELSE PERFORM cupola_mark_memberships(OLD.source_id); END IF;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER theme_rendition_changed AFTER INSERT OR DELETE ON rendition
            FOR EACH ROW EXECUTE FUNCTION cupola_theme_rendition_changed()
        """,
        """
        CREATE FUNCTION cupola_theme_source_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM cupola_leave_themes(NEW.id);
            INSERT INTO theme_pending (source_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER theme_source_renamed AFTER UPDATE OF path, label ON source
            FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path OR OLD.label IS DISTINCT FROM NEW.label)
            EXECUTE FUNCTION cupola_theme_source_renamed()
        """,
    ]
}
