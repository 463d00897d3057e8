@testable import CupolaCore
import Foundation
import Testing

@Suite("Page entries kept in the catalog")
struct PageEntryTests {
    /// Frames whose published form exercises what an encoder can differ on: nulls, absent and
    /// present warnings, GPS, fractions, slashes, quotes, non-ASCII and control characters.
    static func variedFrames() -> [CatalogFrame] {
        (0..<6).map { index in
            var frame = SyntheticCatalog.frame(100 + index, second: index == 3 ? nil : index * 7)
            frame.source.label = ["downlink/a/b.JPG", "down\"link/é ✓.jpg", "tab\there", "x/y/z", "plain", "new\nline"][index]
            frame.metadata.make = index % 2 == 0 ? "NIKON CORPORATION" : nil
            frame.metadata.lens = index == 1 ? "<script>alert(1)</script>" : nil
            frame.metadata.fNumber = [2.8, 8, 0.95, 11, 5.6, 1.4][index]
            frame.metadata.exposureTime = [0.004, 1.0 / 3, 30, 1e-5, 0.5, 2][index]
            frame.metadata.iso = index * 400
            frame.metadata.warnings = index == 2 ? ["EXIF date unreadable", "lens: cleaned"] : []
            if index == 4 { frame.metadata.gps = GPSPosition(latitude: 51.477928, longitude: -0.001545, altitude: 408000.5) }
            return frame
        }
    }

    @Test("a page joined from kept entries is byte for byte what the encoder writes for the same frames")
    func joinedPageEqualsEncoded() throws {
        let frames = Self.variedFrames()
        let joined = try PageEntry.page(gallery: "iss070", entries: frames.map { try PageEntry($0) })
        let encoded = try GalleryPublisher.encoder.encode(GalleryPage(gallery: "iss070", frames: frames.map { ManifestFrame($0, listedIn: "iss070") }))
            + Data("\n".utf8)
        #expect(String(decoding: joined, as: UTF8.self) == String(decoding: encoded, as: UTF8.self))
        let single = try PageEntry.page(gallery: "sts41b", entries: [PageEntry(frames[0])])
        #expect(single == (try GalleryPublisher.encoder.encode(GalleryPage(gallery: "sts41b", frames: [ManifestFrame(frames[0], listedIn: "iss070")]))
            + Data("\n".utf8)))
    }

    @Test("an entry cleared by a change to its source, renditions or columns is made again, and pages stay as a fresh library's")
    func clearedEntriesAreRemade() throws {
        let library = try SyntheticCatalog()
        var frames = Self.variedFrames()
        try library.catalog.apply(frames.map { .commit($0) })
        let stored = try library.catalog.pageEntries(inGallery: "iss070", from: nil, after: false, limit: 100)
        #expect(stored.count == frames.count)
        #expect(stored.allSatisfy { !$0.json.isEmpty })

        // A rendition rewritten by `regenerate` (through the catalog's own update) clears the entry.
        frames[0].renditions[0].bytes = 4242
        try library.catalog.updateRenditions(of: frames[0].source.path, gallery: "iss070", with: [frames[0].renditions[0]], removing: [])
        let cleared = try library.sqlite.queue.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM frame WHERE page_entry IS NULL")
        }
        #expect(cleared == 1)
        let remade = try library.catalog.pageEntries(inGallery: "iss070", from: nil, after: false, limit: 100)
        let changed = try #require(remade.first { $0.id == frames[0].id })
        #expect(String(decoding: changed.json, as: UTF8.self).contains("4242"))
        #expect(try library.sqlite.queue.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM frame WHERE page_entry IS NULL")
        } == 0)

        // Entries of another format are not trusted.
        try library.sqlite.queue.write { db in try db.execute(sql: "UPDATE frame SET page_entry = x'00', page_entry_format = 0") }
        let again = try library.catalog.pageEntries(inGallery: "iss070", from: nil, after: false, limit: 100)
        #expect(zip(again, remade).allSatisfy { $0.json == $1.json })
    }
}
