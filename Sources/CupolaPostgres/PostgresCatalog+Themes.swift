import CupolaCore
import Foundation
import PostgresNIO

/// Theme galleries: which frames each `[[theme]]` rule holds, kept up to date from the catalog's
/// own columns (nothing is decoded), and read in order like a mission gallery. The same steps as
/// `SQLiteCatalog+Themes`; workers run them under the publication lock, one at a time.
extension PostgresCatalog {
    public func updateThemes(_ rules: [ThemeRule]) throws(CatalogError) -> ThemeUpdate {
        try write { db in
            var update = ThemeUpdate()
            var stored: [String: (selection: String, identity: String)] = [:]
            for row in try db.rows("SELECT theme, selection_json, identity_json FROM theme_rule") {
                stored[try row.text("theme")] = (try row.text("selection_json"), try row.text("identity_json"))
            }
            var reselect: [ThemeRule] = []
            for rule in rules {
                let selection = try Self.json(rule.selection), identity = try Self.json(rule.identity)
                let before = stored[rule.id]
                if before?.selection != selection { reselect.append(rule) }
                guard before?.selection != selection || before?.identity != identity else { continue }
                // A new title changes the manifest only; the pages name the gallery by id.
                try Self.markDirty([rule.id], in: db)
                try db.execute("""
                    INSERT INTO theme_rule (theme, selection_json, identity_json) VALUES ($1, $2, $3)
                    ON CONFLICT (theme) DO UPDATE SET selection_json = excluded.selection_json, identity_json = excluded.identity_json
                    """, [.text(rule.id), .text(selection), .text(identity)])
            }
            let configured = Set(rules.map(\.id))
            for theme in stored.keys.sorted() where !configured.contains(theme) {
                try db.execute("DELETE FROM theme_member WHERE theme = $1", [.text(theme)])
                try db.execute("DELETE FROM theme_rule WHERE theme = $1", [.text(theme)])
                try db.execute("DELETE FROM dirty_frame WHERE gallery = $1", [.text(theme)])
                try Self.markDirty([theme], in: db)
                update.removed.append(theme)
            }
            if !reselect.isEmpty { try Self.reselect(reselect, in: db, update: &update) }
            let unchanged = rules.filter { rule in !reselect.contains { $0.id == rule.id } }
            if !unchanged.isEmpty { try Self.matchPending(unchanged, in: db, update: &update) }
            try db.execute("DELETE FROM theme_pending")
            return update
        }
    }

    /// Rules whose selection is new or changed look at every frame; only the frames whose
    /// membership differs are written and marked.
    private static func reselect(_ rules: [ThemeRule], in db: Statements, update: inout ThemeUpdate) throws {
        var before: [String: Set<[UInt8]>] = [:]
        for rule in rules {
            before[rule.id] = Set(try db.rows("SELECT sort_key FROM theme_member WHERE theme = $1", [.text(rule.id)])
                .map { try $0.bytes("sort_key") })
        }
        var after: [String: [[UInt8]: Int64]] = [:]
        let folded = rules.map(\.foldedKeywords)
        try forEachFacts(in: db, pendingOnly: false, for: rules) { sourceId, key, facts in
            for (index, rule) in rules.enumerated() where rule.matches(facts, keywords: folded[index]) {
                after[rule.id, default: [:]][key] = sourceId
            }
        }
        for rule in rules {
            let old = before[rule.id] ?? [], new = after[rule.id] ?? [:]
            for key in old.sorted(by: { $0.lexicographicallyPrecedes($1) }) where new[key] == nil {
                try db.execute("DELETE FROM theme_member WHERE theme = $1 AND sort_key = $2", [.text(rule.id), .bytes(key)])
                try markKey(key, theme: rule.id, in: db)
                update.left += 1
            }
            for (key, sourceId) in new.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) where !old.contains(key) {
                try join(rule.id, key: key, sourceId: sourceId, in: db)
                update.joined += 1
            }
            update.reselected.append(rule.id)
        }
    }

    /// Frames added or changed since the last update, against rules that did not change.
    private static func matchPending(_ rules: [ThemeRule], in db: Statements, update: inout ThemeUpdate) throws {
        let folded = rules.map(\.foldedKeywords)
        var joins: [(String, [UInt8], Int64)] = []
        try forEachFacts(in: db, pendingOnly: true, for: rules) { sourceId, key, facts in
            for (index, rule) in rules.enumerated() where rule.matches(facts, keywords: folded[index]) {
                joins.append((rule.id, key, sourceId))
            }
        }
        for (theme, key, sourceId) in joins {
            try join(theme, key: key, sourceId: sourceId, in: db)
            update.joined += 1
        }
    }

    private static func join(_ theme: String, key: [UInt8], sourceId: Int64, in db: Statements) throws {
        try db.execute("""
            INSERT INTO theme_member (theme, sort_key, source_id) VALUES ($1, $2, $3)
            ON CONFLICT (theme, sort_key) DO UPDATE SET source_id = excluded.source_id
            """, [.text(theme), .bytes(key), .int(Int(sourceId))])
        try markKey(key, theme: theme, in: db)
    }

    private static func markKey(_ key: [UInt8], theme: String, in db: Statements) throws {
        try db.execute("INSERT INTO dirty_frame (gallery, key) VALUES ($1, $2) ON CONFLICT DO NOTHING", [.text(theme), .bytes(key)])
        try markDirty([theme], in: db)
    }

    /// What the rules look at, straight from the columns: keywords and the name's roll and number
    /// are picked out of their JSON by the server, and what no rule asks for (paths, keywords) is
    /// not read at all.
    private static func forEachFacts(in db: Statements, pendingOnly: Bool, for rules: [ThemeRule],
                                     _ body: (Int64, [UInt8], ThemeFacts) throws -> Void) throws {
        let paths = rules.contains { !$0.folders.isEmpty }, keywords = rules.contains { !$0.keywords.isEmpty }
        let rows = try db.rows("""
            SELECT f.source_id, f.sort_key, f.gallery, f.name_json::jsonb ->> 'roll' AS roll,
                   (f.name_json::jsonb ->> 'frame')::bigint AS number,
                   \(paths ? "s.path, s.root" : "NULL::bytea AS path, NULL::bytea AS root"), f.captured,
                   \(keywords ? "NULLIF(f.metadata_json::jsonb -> 'keywords', 'null'::jsonb)::text" : "NULL::text") AS keywords
            FROM frame f JOIN source s ON s.id = f.source_id
            WHERE f.sort_key IS NOT NULL \(pendingOnly ? "AND f.source_id IN (SELECT source_id FROM theme_pending)" : "")
            """)
        let decoder = JSONDecoder()
        for row in rows {
            let keywords = try row.optionalText("keywords").map { try decoder.decode([String].self, from: Data($0.utf8)) } ?? []
            try body(try row.int64("source_id"), try row.bytes("sort_key"),
                     ThemeFacts(gallery: try row.text("gallery"), roll: try row.optionalText("roll"),
                                frameNumber: try row["number"].decode(Int?.self), path: try row.bytes("path"),
                                root: try row.bytes("root"), captured: try row.optionalText("captured"), keywords: keywords))
        }
    }

    /// Up to `limit` frames of a theme in order, as `frames(inGallery:from:after:limit:)` reads a mission's.
    static func themeFrames(_ id: String, from key: [UInt8]?, after: Bool, limit: Int, in db: Statements) throws -> [CatalogFrame] {
        let start = key == nil ? "" : "AND sort_key \(after ? ">" : ">=") $2"
        return try frames(in: db, where: """
            frame.source_id IN (SELECT source_id FROM theme_member WHERE theme = $1 \(start) ORDER BY sort_key LIMIT \(limit))
            """, [.text(id)] + (key.map { [.bytes($0)] } ?? []), then: "ORDER BY frame.sort_key")
    }

    static func isTheme(_ id: String, in db: Statements) throws -> Bool {
        try !db.rows("SELECT 1 FROM theme_rule WHERE theme = $1", [.text(id)]).isEmpty
    }

    /// A theme's identity while it holds a frame; nil once it holds none or its rule is gone.
    static func themeIdentity(_ id: String, in db: Statements) throws -> GalleryIdentity? {
        try db.rows("""
            SELECT identity_json FROM theme_rule WHERE theme = $1 AND EXISTS (SELECT 1 FROM theme_member WHERE theme = $1)
            """, [.text(id)]).first.map { try JSONDecoder().decode(GalleryIdentity.self, from: Data(try $0.text("identity_json").utf8)) }
    }

    public func themeGalleries() throws(CatalogError) -> [String] {
        try read { db in
            try db.rows("""
                SELECT theme FROM theme_rule r WHERE EXISTS (SELECT 1 FROM theme_member m WHERE m.theme = r.theme) ORDER BY theme
                """).map { try $0.text("theme") }
        }
    }
}
