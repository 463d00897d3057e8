import Foundation
import GRDB

extension CatalogSchema {
    /// Libraries made before shuttle titles lost their leading zeros ("STS-098" → "STS-98") keep
    /// each gallery's identity in its frame rows: rewrite it there and mark the gallery dirty, so
    /// the next writing run republishes its manifest and the index with the new title.
    static func retitleShuttleGalleries(_ db: Database) throws {
        let rows = try Row.fetchAll(db, sql: "SELECT DISTINCT gallery, gallery_json FROM frame WHERE gallery LIKE 'sts%'")
        let encoder = SQLiteCatalog.encoder
        for row in rows {
            let stored: String = row["gallery_json"]
            let identity = try JSONDecoder().decode(GalleryIdentity.self, from: Data(stored.utf8))
            guard let mission = identity.mission, mission.hasPrefix("STS"), let number = Int(mission.dropFirst(3)) else { continue }
            let retitled = GalleryIdentity(id: identity.id, title: GalleryIdentity.shuttleTitle(number),
                                           mission: mission, expedition: identity.expedition,
                                           program: identity.program, order: identity.order)
            guard retitled != identity else { continue }
            try db.execute(sql: "UPDATE frame SET gallery_json = ? WHERE gallery = ? AND gallery_json = ?",
                           arguments: [String(decoding: try encoder.encode(retitled), as: UTF8.self), identity.id, stored])
            try db.execute(sql: "INSERT OR IGNORE INTO dirty_gallery (gallery) VALUES (?)", arguments: [identity.id])
        }
    }
}
