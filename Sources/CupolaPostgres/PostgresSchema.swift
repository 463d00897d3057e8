import CupolaCore

/// The PostgreSQL catalog's tables, as versioned migrations of their own (recorded in
/// `cupola_schema`). Version 1 is the shape of the SQLite catalog at its v10: the same tables,
/// columns and triggers, so both catalogs mean the same. SQLite's data-only migrations (v4, v5, v10)
/// have nothing to do on a new database. Text is compared byte by byte (`COLLATE "C"`), as SQLite
/// does, so that ordered reads, and the manifests made from them, do not depend on the server's locale.
enum PostgresSchema {
    static let migrations: [(name: String, statements: [String])] = [
        ("v1: the catalog as SQLite has it at v10", version1),
        ("v2: work claimed by many workers under leases", version2),
        ("v3: raw and JPEG originals of one frame (SQLite v11)", originalPairs),
        ("v4: theme galleries (SQLite v12)", themes),
        ("v5: frames' page entries kept ready (SQLite v14)", pageEntries),
        ("v6: frames by id (SQLite v16)", ["CREATE INDEX frame_by_id ON frame(frame_id, gallery)"]),
        ("v7: frames left out of their gallery's pages (SQLite v17)", unlistedTail),
        ("v8: companions by format (SQLite v18)", ["CREATE INDEX companion_by_format ON companion(format)"]),
        ("v9: renditions rebuilt by many workers under leases", rebuildItems),
        ("v10: a SOURCE's files in path order (SQLite v19)",
         ["DROP INDEX source_root", "CREATE INDEX source_root ON source(root, path)"]),
        ("v11: the files of one frame claimed one after the other, primary first", framesOfWork),
    ]

    static var current: Int { migrations.count }

    /// One advisory lock key for migrating: workers starting together migrate one at a time.
    private static let migrationLock: Int64 = 0x6375_706f_6c61_0001

    static func prepare(_ db: Statements, location: PostgresLocation, readOnly: Bool) throws(CatalogError) {
        do {
            if readOnly {
                let version = try installedVersion(db)
                try refuseNewer(version, location: location)
                guard version == current else {
                    throw CatalogError.cannotOpen(path: location.description,
                                                  detail: "made by an older cupola; run `cupola ingest` once to bring it up to date")
                }
                return
            }
            try db.execute("BEGIN")
            do {
                try db.execute("SELECT pg_advisory_xact_lock(\(migrationLock))")
                try db.execute("""
                    CREATE TABLE IF NOT EXISTS cupola_schema (
                        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TIMESTAMPTZ NOT NULL DEFAULT now())
                    """)
                let version = try installedVersion(db)
                try refuseNewer(version, location: location)
                for (index, migration) in migrations.enumerated() where index + 1 > version {
                    for statement in migration.statements { try db.execute(statement) }
                    try db.execute("INSERT INTO cupola_schema (version, name) VALUES ($1, $2)",
                                   [.int(index + 1), .text(migration.name)])
                }
                try db.execute("COMMIT")
            } catch {
                _ = try? db.execute("ROLLBACK")
                throw error
            }
        } catch let error as CatalogError {
            throw error
        } catch {
            throw .unusable(location: location.description, detail: PostgresCatalog.describe(error))
        }
    }

    private static func installedVersion(_ db: Statements) throws -> Int {
        guard try db.int("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'cupola_schema'") > 0
        else { return 0 }
        return try db.int("SELECT COALESCE(MAX(version), 0) FROM cupola_schema")
    }

    private static func refuseNewer(_ version: Int, location: PostgresLocation) throws(CatalogError) {
        guard version > current else { return }
        throw .unusable(location: location.description,
                        detail: "its schema is version \(version), newer than this cupola's \(current); use a newer cupola")
    }

    // One statement per string: the extended query protocol takes one at a time.
    private static let version1 = [
        """
        CREATE TABLE source (
            id BIGSERIAL PRIMARY KEY,
            path BYTEA NOT NULL UNIQUE,
            root BYTEA NOT NULL,
            label TEXT COLLATE "C" NOT NULL,
            size BIGINT NOT NULL,
            mtime_ns BIGINT NOT NULL,
            inode BIGINT NOT NULL,
            sha256 TEXT COLLATE "C",
            state TEXT COLLATE "C" NOT NULL,
            reason TEXT COLLATE "C",
            original BYTEA
        )
        """,
        """
        CREATE INDEX source_root ON source(root)
        """,
        """
        CREATE INDEX source_state ON source(state)
        """,
        """
        CREATE INDEX source_sha256 ON source(sha256)
        """,
        """
        CREATE TABLE frame (
            source_id BIGINT PRIMARY KEY REFERENCES source(id) ON DELETE CASCADE,
            gallery TEXT COLLATE "C" NOT NULL,
            gallery_json TEXT COLLATE "C" NOT NULL,
            frame_id TEXT COLLATE "C" NOT NULL,
            name_json TEXT COLLATE "C",
            stem TEXT COLLATE "C" NOT NULL,
            format TEXT COLLATE "C" NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            captured TEXT COLLATE "C",
            metadata_json TEXT COLLATE "C" NOT NULL,
            sort_key BYTEA,
            UNIQUE (gallery, stem)
        )
        """,
        """
        CREATE INDEX frame_order ON frame(gallery, sort_key)
        """,
        """
        CREATE TABLE rendition (
            source_id BIGINT NOT NULL REFERENCES frame(source_id) ON DELETE CASCADE,
            name TEXT COLLATE "C" NOT NULL,
            fingerprint TEXT COLLATE "C" NOT NULL,
            path TEXT COLLATE "C" NOT NULL,
            bytes BIGINT NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            sha256 TEXT COLLATE "C",
            PRIMARY KEY (source_id, name)
        )
        """,
        """
        CREATE INDEX rendition_path ON rendition(path)
        """,
        """
        CREATE TABLE run (
            id BIGSERIAL PRIMARY KEY,
            command TEXT NOT NULL,
            finished TEXT NOT NULL,
            exit_code INTEGER NOT NULL,
            summary TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE dirty_gallery (gallery TEXT COLLATE "C" PRIMARY KEY)
        """,
        """
        CREATE TABLE gallery_page (
            gallery TEXT COLLATE "C" NOT NULL,
            first_key BYTEA NOT NULL,
            last_key BYTEA NOT NULL,
            path TEXT COLLATE "C" NOT NULL,
            sha256 TEXT NOT NULL,
            bytes BIGINT NOT NULL,
            frame_count INTEGER NOT NULL,
            capture_first TEXT COLLATE "C",
            capture_last TEXT COLLATE "C",
            first_frame TEXT COLLATE "C" NOT NULL,
            last_frame TEXT COLLATE "C" NOT NULL,
            PRIMARY KEY (gallery, first_key)
        )
        """,
        """
        CREATE TABLE published_gallery (gallery TEXT COLLATE "C" PRIMARY KEY, identity_json TEXT NOT NULL)
        """,
        """
        CREATE TABLE retired_page (gallery TEXT COLLATE "C" NOT NULL, path TEXT COLLATE "C" NOT NULL, PRIMARY KEY (gallery, path))
        """,
        """
        CREATE TABLE gallery_upgrade (gallery TEXT COLLATE "C" PRIMARY KEY)
        """,
        """
        CREATE TABLE dirty_frame (gallery TEXT COLLATE "C" NOT NULL, key BYTEA NOT NULL, PRIMARY KEY (gallery, key))
        """,
        """
        CREATE TABLE rendition_tally (name TEXT COLLATE "C" NOT NULL, fingerprint TEXT COLLATE "C" NOT NULL,
                                      count BIGINT NOT NULL, PRIMARY KEY (name, fingerprint))
        """,
        """
        CREATE TABLE frame_tally (one INTEGER PRIMARY KEY CHECK (one = 1), count BIGINT NOT NULL)
        """,
        """
        INSERT INTO frame_tally VALUES (1, 0)
        """,
        // Every change to a frame or its renditions marks its place in the gallery as changed, in
        // the same transaction, whichever code path made it (SQLite v8's triggers).
        """
        CREATE FUNCTION cupola_mark_key(g TEXT, k BYTEA) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            IF k IS NOT NULL THEN
                INSERT INTO dirty_frame (gallery, key) VALUES (g, k) ON CONFLICT DO NOTHING;
            END IF;
        END $$
        """,
        """
        CREATE FUNCTION cupola_mark_frame(frame_source BIGINT) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO dirty_frame (gallery, key) SELECT f.gallery, f.sort_key FROM frame f
                WHERE f.source_id = frame_source AND f.sort_key IS NOT NULL ON CONFLICT DO NOTHING;
        END $$
        """,
        // Tallies kept beside the rows (SQLite v9): the stale-rendition count reads a few rows.
        """
        CREATE FUNCTION cupola_tally_rendition(n TEXT, f TEXT, delta BIGINT) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO rendition_tally (name, fingerprint, count) VALUES (n, f, delta)
                ON CONFLICT (name, fingerprint) DO UPDATE SET count = rendition_tally.count + delta;
        END $$
        """,
        """
        CREATE FUNCTION cupola_frame_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM cupola_mark_key(OLD.gallery, OLD.sort_key); END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM cupola_mark_key(NEW.gallery, NEW.sort_key); END IF;
            IF TG_OP = 'INSERT' THEN UPDATE frame_tally SET count = count + 1; END IF;
            IF TG_OP = 'DELETE' THEN UPDATE frame_tally SET count = count - 1; END IF;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER frame_changed AFTER INSERT OR UPDATE OR DELETE ON frame
            FOR EACH ROW EXECUTE FUNCTION cupola_frame_changed()
        """,
        """
        CREATE FUNCTION cupola_rendition_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                PERFORM cupola_mark_frame(NEW.source_id);
                PERFORM cupola_tally_rendition(NEW.name, NEW.fingerprint, 1);
            ELSIF TG_OP = 'DELETE' THEN
                PERFORM cupola_mark_frame(OLD.source_id);
                PERFORM cupola_tally_rendition(OLD.name, OLD.fingerprint, -1);
            ELSIF OLD.name IS DISTINCT FROM NEW.name OR OLD.fingerprint IS DISTINCT FROM NEW.fingerprint THEN
                PERFORM cupola_tally_rendition(OLD.name, OLD.fingerprint, -1);
                PERFORM cupola_tally_rendition(NEW.name, NEW.fingerprint, 1);
            END IF;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER rendition_changed AFTER INSERT OR UPDATE OR DELETE ON rendition
            FOR EACH ROW EXECUTE FUNCTION cupola_rendition_changed()
        """,
        """
        CREATE FUNCTION cupola_source_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM cupola_mark_frame(NEW.id);
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER source_renamed AFTER UPDATE OF path, label ON source
            FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path OR OLD.label IS DISTINCT FROM NEW.label)
            EXECUTE FUNCTION cupola_source_renamed()
        """,
    ]

    /// See SQLite's v17 (`UnlistedTailMigration`): frames, and theme members, ordered after their
    /// gallery's last page.
    private static let unlistedTail = [
        markTail(of: "frame", gallery: "gallery"),
        markTail(of: "theme_member", gallery: "theme"),
        "INSERT INTO dirty_gallery (gallery) SELECT DISTINCT gallery FROM dirty_frame ON CONFLICT DO NOTHING",
    ]

    private static func markTail(of table: String, gallery: String) -> String {
        """
        INSERT INTO dirty_frame (gallery, key)
            SELECT entry.\(gallery), entry.sort_key FROM \(table) entry
            JOIN (SELECT DISTINCT ON (gallery) gallery, last_key FROM gallery_page ORDER BY gallery, last_key DESC) page
                ON page.gallery = entry.\(gallery)
            WHERE entry.sort_key > page.last_key
            ON CONFLICT DO NOTHING
        """
    }

    /// Work shared among many workers (`WorkClaims`): one row a source, claimed under a lease that
    /// the server's clock times, so that workers on machines with different clocks agree.
    private static let version2 = [
        """
        CREATE TABLE work_item (
            path BYTEA PRIMARY KEY,
            root BYTEA NOT NULL,
            label TEXT COLLATE "C" NOT NULL,
            size BIGINT NOT NULL,
            mtime_ns BIGINT NOT NULL,
            inode BIGINT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('waiting', 'claimed', 'finished')),
            worker TEXT,
            lease_until TIMESTAMPTZ,
            isolated BOOLEAN NOT NULL DEFAULT false,
            expirations INTEGER NOT NULL DEFAULT 0
        )
        """,
        """
        CREATE INDEX work_item_state ON work_item(state, path)
        """,
    ]

    /// Each work item's frame (`gallery/id`) and whether it is a companion (`WorkOffer`): claims
    /// take companions last, and skip a file while another of its frame is claimed (a companion
    /// while its primary waits, too). Items offered before have no frame, and are claimed as before.
    private static let framesOfWork = [
        "ALTER TABLE work_item ADD COLUMN frame TEXT COLLATE \"C\"",
        "ALTER TABLE work_item ADD COLUMN companion BOOLEAN NOT NULL DEFAULT false",
        "CREATE INDEX work_item_claimable ON work_item(companion, path) WHERE state = 'waiting'",
        "CREATE INDEX work_item_frame ON work_item(frame) WHERE state <> 'finished'",
    ]

    /// Rebuilds shared among many `regenerate` workers (`RebuildClaims`): one row a frame's source,
    /// like `work_item`; `goal` says what was to be done, so that a frame that poisoned two workers
    /// is offered again only when the settings ask for something else; `finished_at` tells a
    /// forced rebuild whether a frame was done before its worker started.
    private static let rebuildItems = [
        """
        CREATE TABLE rebuild_item (
            path BYTEA PRIMARY KEY,
            goal TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('waiting', 'claimed', 'finished', 'poisoned')),
            worker TEXT,
            lease_until TIMESTAMPTZ,
            isolated BOOLEAN NOT NULL DEFAULT false,
            expirations INTEGER NOT NULL DEFAULT 0,
            finished_at TIMESTAMPTZ
        )
        """,
        """
        CREATE INDEX rebuild_item_state ON rebuild_item(state, path)
        """,
    ]
}
