import Foundation
import GRDB

/// Theme galleries: which frames each `[[theme]]` rule holds, kept up to date from the catalog's
/// own columns (nothing is decoded), and read in order like a mission gallery.
extension SQLiteCatalog {
    public func updateThemes(_ rules: [ThemeRule]) throws(CatalogError) -> ThemeUpdate {
        try perform {
            try queue.write { db in
                var update = ThemeUpdate()
                let stored = try Dictionary(uniqueKeysWithValues: Row.fetchAll(
                    db, sql: "SELECT theme, selection_json, identity_json FROM theme_rule").map {
                        ($0["theme"] as String, (selection: $0["selection_json"] as String, identity: $0["identity_json"] as String))
                    })
                var reselect: [ThemeRule] = []
                for rule in rules {
                    let selection = String(decoding: try Self.encoder.encode(rule.selection), as: UTF8.self)
                    let identity = String(decoding: try Self.encoder.encode(rule.identity), as: UTF8.self)
                    let before = stored[rule.id]
                    if before?.selection != selection { reselect.append(rule) }
                    guard before?.selection != selection || before?.identity != identity else { continue }
                    // A new title changes the manifest only; the pages name the gallery by id.
                    try Self.markDirty([rule.id], in: db)
                    try db.execute(sql: "INSERT OR REPLACE INTO theme_rule (theme, selection_json, identity_json) VALUES (?, ?, ?)",
                                   arguments: [rule.id, selection, identity])
                }
                let configured = Set(rules.map(\.id))
                for theme in stored.keys.sorted() where !configured.contains(theme) {
                    try db.execute(sql: "DELETE FROM theme_member WHERE theme = ?", arguments: [theme])
                    try db.execute(sql: "DELETE FROM theme_rule WHERE theme = ?", arguments: [theme])
                    try db.execute(sql: "DELETE FROM dirty_frame WHERE gallery = ?", arguments: [theme])
                    try Self.markDirty([theme], in: db)
                    update.removed.append(theme)
                }
                if !reselect.isEmpty { try Self.reselect(reselect, in: db, update: &update) }
                let unchanged = rules.filter { rule in !reselect.contains { $0.id == rule.id } }
                if !unchanged.isEmpty { try Self.matchPending(unchanged, in: db, update: &update) }
                try db.execute(sql: "DELETE FROM theme_pending")
                return update
            }
        }
    }

    /// Rules whose selection is new or changed look at every frame; only the frames whose
    /// membership differs are written and marked.
    private static func reselect(_ rules: [ThemeRule], in db: Database, update: inout ThemeUpdate) throws {
        var before: [String: Set<Data>] = [:]
        for rule in rules {
            before[rule.id] = Set(try Data.fetchAll(db, sql: "SELECT sort_key FROM theme_member WHERE theme = ?", arguments: [rule.id]))
        }
        var after: [String: [Data: Int64]] = [:]
        let folded = rules.map(\.foldedKeywords)
        try forEachFacts(in: db, pendingOnly: false, for: rules) { sourceId, key, facts in
            for (index, rule) in rules.enumerated() where rule.matches(facts, keywords: folded[index]) {
                after[rule.id, default: [:]][key] = sourceId
            }
        }
        for rule in rules {
            let old = before[rule.id] ?? [], new = after[rule.id] ?? [:]
            for key in old where new[key] == nil {
                try db.executeCached("DELETE FROM theme_member WHERE theme = ? AND sort_key = ?", [rule.id, key])
                try markKey(key, theme: rule.id, in: db)
                update.left += 1
            }
            for (key, sourceId) in new where !old.contains(key) {
                try join(rule.id, key: key, sourceId: sourceId, in: db)
                update.joined += 1
            }
            update.reselected.append(rule.id)
        }
    }

    /// Frames added or changed since the last update, against rules that did not change.
    private static func matchPending(_ rules: [ThemeRule], in db: Database, update: inout ThemeUpdate) throws {
        let folded = rules.map(\.foldedKeywords)
        var joins: [(String, Data, Int64)] = []
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

    private static func join(_ theme: String, key: Data, sourceId: Int64, in db: Database) throws {
        try db.executeCached("INSERT OR REPLACE INTO theme_member (theme, sort_key, source_id) VALUES (?, ?, ?)", [theme, key, sourceId])
        try markKey(key, theme: theme, in: db)
    }

    private static func markKey(_ key: Data, theme: String, in db: Database) throws {
        try db.executeCached("INSERT OR IGNORE INTO dirty_frame (gallery, key) VALUES (?, ?)", [theme, key])
        try db.executeCached("INSERT OR IGNORE INTO dirty_gallery (gallery) VALUES (?)", [theme])
    }

    /// What the rules look at, straight from the columns: keywords and the name's roll and number
    /// are picked out of their JSON by SQLite, so a frame without keywords costs no JSON decoding,
    /// and what no rule asks for (paths, keywords) is not read at all.
    private static func forEachFacts(in db: Database, pendingOnly: Bool, for rules: [ThemeRule],
                                     _ body: (Int64, Data, ThemeFacts) throws -> Void) throws {
        let paths = rules.contains { !$0.folders.isEmpty }, keywords = rules.contains { !$0.keywords.isEmpty }
        let rows = try Row.fetchCursor(db, sql: """
            SELECT f.source_id, f.sort_key, f.gallery, json_extract(f.name_json, '$.roll'), json_extract(f.name_json, '$.frame'),
                   \(paths ? "s.path, s.root" : "NULL, NULL"), f.captured,
                   \(keywords ? "json_extract(f.metadata_json, '$.keywords')" : "NULL")
            FROM frame f JOIN source s ON s.id = f.source_id
            \(pendingOnly ? "WHERE f.source_id IN (SELECT source_id FROM theme_pending)" : "")
            """)
        let decoder = JSONDecoder()
        while let row = try rows.next() {
            guard let key = row[1] as Data? else { continue }
            let path = (row[5] as Data?).map { [UInt8]($0) } ?? [], root = (row[6] as Data?).map { [UInt8]($0) } ?? []
            let keywords: [String] = try (row[8] as String?).map { try decoder.decode([String].self, from: Data($0.utf8)) } ?? []
            try body(row[0], key, ThemeFacts(gallery: row[2], roll: row[3], frameNumber: row[4], path: path, root: root,
                                             captured: row[7], keywords: keywords))
        }
    }

    /// Up to `limit` frames of a theme in order, as `frames(inGallery:from:after:limit:)` reads a mission's.
    static func themeFrames(_ id: String, from key: [UInt8]?, after: Bool, limit: Int, in db: Database) throws -> [CatalogFrame] {
        let start = key.map { _ in "AND sort_key \(after ? ">" : ">=") ?" } ?? ""
        var arguments: StatementArguments = [id]
        if let key { arguments += [Data(key)] }
        return try frames(in: db, filter: """
            frame.source_id IN (SELECT source_id FROM theme_member WHERE theme = ? \(start) ORDER BY sort_key LIMIT \(limit))
            """, arguments: arguments, then: "ORDER BY frame.sort_key")
    }

    static func isTheme(_ id: String, in db: Database) throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT 1 FROM theme_rule WHERE theme = ?", arguments: [id]) != nil
    }

    /// A theme's identity while it holds a frame; nil once it holds none or its rule is gone.
    static func themeIdentity(_ id: String, in db: Database) throws -> GalleryIdentity? {
        try String.fetchOne(db, sql: """
            SELECT identity_json FROM theme_rule WHERE theme = ? AND EXISTS (SELECT 1 FROM theme_member WHERE theme = ?)
            """, arguments: [id, id]).map { try JSONDecoder().decode(GalleryIdentity.self, from: Data($0.utf8)) }
    }

    public func themeGalleries() throws(CatalogError) -> [String] {
        try perform {
            try queue.read { db in
                try String.fetchAll(db, sql: """
                    SELECT theme FROM theme_rule r WHERE EXISTS (SELECT 1 FROM theme_member m WHERE m.theme = r.theme) ORDER BY theme
                    """)
            }
        }
    }
}

/// What `updateThemes` changed.
public struct ThemeUpdate: Sendable, Equatable, Codable {
    /// Themes whose rule was new or changed, and so looked at every frame.
    public var reselected: [String] = []
    /// Themes whose rule is gone from the settings.
    public var removed: [String] = []
    /// Frames that joined or left a theme.
    public var joined = 0
    public var left = 0

    public init() {}

    var isEmpty: Bool { reselected.isEmpty && removed.isEmpty && joined == 0 && left == 0 }

    /// The watcher publishes many times a run: its summary adds them up.
    static func + (lhs: Self, rhs: Self) -> Self {
        var sum = lhs
        sum.reselected += rhs.reselected.filter { !lhs.reselected.contains($0) }
        sum.removed += rhs.removed.filter { !lhs.removed.contains($0) }
        sum.joined += rhs.joined
        sum.left += rhs.left
        return sum
    }
}
