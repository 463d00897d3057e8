import Foundation
import GRDB

/// A frame's page entry (v14) is a cache of what its other columns say, so writing or clearing it
/// is no change of the frame. The triggers of v8 (the frame's place in its gallery) and v12 (its
/// theme memberships) fired on any UPDATE of a frame row, so keeping an entry took a frame out of
/// its themes until the next `updateThemes`, and marked its place changed once more. They fire
/// now only for the columns a frame is made of: those of the table when this migration ran, less
/// the entry's two. A later migration that adds a frame column must list it here again.
enum FrameChangeMigration {
    static let cacheColumns: Set<String> = ["page_entry", "page_entry_format"]

    static func apply(_ db: Database) throws {
        let columns = try db.columns(in: "frame").map(\.name).filter { !cacheColumns.contains($0) }
        let watched = columns.joined(separator: ", ")
        for name in ["frame_changed", "theme_frame_changed"] {
            // Same body, narrower event: the statement v8 or v12 stored is rewritten, not restated.
            guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", arguments: [name]),
                  let event = sql.range(of: #"AFTER UPDATE (OF .*? )?ON frame"#, options: .regularExpression) else {
                throw DatabaseError(message: "trigger \(name) is not as v8 and v12 made it")
            }
            try db.execute(sql: "DROP TRIGGER \(name)")
            try db.execute(sql: sql.replacingCharacters(in: event, with: "AFTER UPDATE OF \(watched) ON frame"))
        }
    }
}
