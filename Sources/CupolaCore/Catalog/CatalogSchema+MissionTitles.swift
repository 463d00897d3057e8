import Foundation
import GRDB

extension CatalogSchema {
    /// Mission galleries stored before the mission table (`MissionCatalog`) had no `program` or
    /// `order`, and their titles may differ from NASA's: each gallery's identity is worked out
    /// again from one of its frame names, rewritten where it changed, and the gallery marked
    /// dirty so the next writing run republishes its manifest and the index. Frames still in
    /// `unassigned` move at the start of that run (`MissionRefiling`), since their files move too.
    static func reidentifyMissionGalleries(_ db: Database) throws {
        let rows = try Row.fetchAll(db, sql: """
            SELECT gallery, MIN(gallery_json) AS gallery_json, MIN(name_json) AS name_json FROM frame
            WHERE name_json IS NOT NULL GROUP BY gallery
            """)
        let encoder = SQLiteCatalog.encoder
        for row in rows {
            let gallery: String = row["gallery"]
            let stored = try JSONDecoder().decode(GalleryIdentity.self, from: Data((row["gallery_json"] as String).utf8))
            let name = try JSONDecoder().decode(FrameName.self, from: Data((row["name_json"] as String).utf8))
            // A gallery whose id is not its mission's (none should be) is left alone.
            guard name.gallery.id == gallery, name.gallery != stored else { continue }
            try db.execute(sql: "UPDATE frame SET gallery_json = ? WHERE gallery = ?",
                           arguments: [String(decoding: try encoder.encode(name.gallery), as: UTF8.self), gallery])
            try db.execute(sql: "INSERT OR IGNORE INTO dirty_gallery (gallery) VALUES (?)", arguments: [gallery])
        }
    }
}
