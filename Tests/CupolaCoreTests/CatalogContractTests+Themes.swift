@testable import CupolaCore
import Foundation
import Testing

/// Theme galleries as every catalog keeps them: membership worked out from the catalog's rows,
/// read in order like a mission gallery, and brought up to date by rule changes and frame changes.
extension CatalogContractTests {
    /// Frames 1–4 of ISS070; 2 and 4 tagged EVA, 3 filed in an `eva` folder.
    static func themedFrames() -> [CatalogFrame] {
        (1...4).map { number in
            var frame = SyntheticCatalog.frame(number, second: number)
            if number.isMultiple(of: 2) { frame.metadata.keywords = ["EVA", "hatch"] }
            if number == 3 {
                frame.source.path = FilePathBytes("/downlink/eva/ISS070-E-3.JPG")
                frame.source.label = "downlink/eva/ISS070-E-3.JPG"
            }
            return frame
        }
    }

    static let spacewalks = ThemeRule(id: "spacewalks", title: "Spacewalks", keywords: ["eva"])
    static let evaFolder = ThemeRule(id: "eva-folder", title: "EVA folder", folders: [FolderGlob("eva/*")])

    @Test("theme rules choose frames from the catalog's rows; a theme is read in order, by stretches, under its own identity",
          arguments: CatalogKind.available)
    func themesChooseFrames(kind: CatalogKind) throws {
        let library = try SyntheticCatalog(kind: kind)
        let frames = Self.themedFrames()
        try library.catalog.apply(frames.map { .commit($0) })
        try library.catalog.markClean(["iss070"])

        let update = try library.catalog.updateThemes([Self.spacewalks, Self.evaFolder])
        #expect(update.reselected.sorted() == ["eva-folder", "spacewalks"] && update.joined == 3 && update.left == 0)
        #expect(try library.catalog.themeGalleries() == ["eva-folder", "spacewalks"])
        #expect(try library.catalog.dirtyGalleries() == ["eva-folder", "spacewalks"])
        #expect(try library.catalog.changedKeys(inGallery: "spacewalks", limit: 10) == [frames[1].orderKey, frames[3].orderKey])
        #expect(try library.catalog.frames(inGallery: "spacewalks", from: nil, after: false, limit: 10).map(\.id)
                == ["ISS070-E-2", "ISS070-E-4"])
        #expect(try library.catalog.frames(inGallery: "spacewalks", from: frames[1].orderKey, after: true, limit: 10).map(\.id)
                == ["ISS070-E-4"])
        #expect(try library.catalog.frames(inGallery: "eva-folder", from: nil, after: false, limit: 10).map(\.id) == ["ISS070-E-3"])
        #expect(try library.catalog.galleryIdentity("spacewalks") == Self.spacewalks.identity)
        #expect(try library.catalog.galleryIdentity("iss070") == frames[0].gallery)

        // A theme's page shows each frame as listed there, made from the frame itself.
        let entries = try library.catalog.pageEntries(inGallery: "spacewalks", from: nil, after: false, limit: 10)
        #expect(entries.map(\.json) == [try PageEntry.json(frames[1], listedIn: "spacewalks"),
                                        try PageEntry.json(frames[3], listedIn: "spacewalks")])
        #expect(try library.catalog.updateThemes([Self.spacewalks, Self.evaFolder]) == ThemeUpdate(), "nothing changed since")
    }

    @Test("frames added later join at the next update, frames that leave the catalog leave their themes at once",
          arguments: CatalogKind.available)
    func themesFollowFrames(kind: CatalogKind) throws {
        let library = try SyntheticCatalog(kind: kind)
        let frames = Self.themedFrames()
        try library.catalog.apply(frames.map { .commit($0) })
        _ = try library.catalog.updateThemes([Self.spacewalks])

        var late = SyntheticCatalog.frame(5, second: 5)
        late.metadata.keywords = ["eva"]
        try library.catalog.apply([.commit(late)])
        let update = try library.catalog.updateThemes([Self.spacewalks])
        #expect(update.joined == 1 && update.reselected.isEmpty, "\(update)")

        try library.catalog.replacePages(ofGallery: "spacewalks", identity: Self.spacewalks.identity, removing: [], adding: [])
        try library.catalog.markClean(["spacewalks", "iss070"])
        try library.catalog.apply([.remove(frames[1].source.path)])
        #expect(try library.catalog.frames(inGallery: "spacewalks", from: nil, after: false, limit: 10).map(\.id)
                == ["ISS070-E-4", "ISS070-E-5"])
        #expect(try library.catalog.dirtyGalleries() == ["iss070", "spacewalks"])
        #expect(try library.catalog.changedKeys(inGallery: "spacewalks", limit: 10) == [frames[1].orderKey])
    }

    @Test("a changed rule looks at every frame again, a new title alone only renames, a removed rule empties its theme",
          arguments: CatalogKind.available)
    func themeRulesChange(kind: CatalogKind) throws {
        let library = try SyntheticCatalog(kind: kind)
        try library.catalog.apply(Self.themedFrames().map { .commit($0) })
        _ = try library.catalog.updateThemes([Self.spacewalks, Self.evaFolder])

        let narrower = ThemeRule(id: "spacewalks", title: "Spacewalks", keywords: ["eva"],
                                 frames: [try FrameRange(parsing: "ISS070-E-3..ISS070-E-9")])
        let update = try library.catalog.updateThemes([narrower])
        #expect(update.reselected == ["spacewalks"] && update.removed == ["eva-folder"] && update.left == 1 && update.joined == 0)
        #expect(try library.catalog.frames(inGallery: "spacewalks", from: nil, after: false, limit: 10).map(\.id) == ["ISS070-E-4"])
        #expect(try library.catalog.themeGalleries() == ["spacewalks"])
        #expect(try library.catalog.galleryIdentity("eva-folder") == nil)
        #expect(try library.catalog.frames(inGallery: "eva-folder", from: nil, after: false, limit: 10).isEmpty)

        let renamed = ThemeRule(id: "spacewalks", title: "EVA", keywords: ["eva"], frames: narrower.frames)
        try library.catalog.markClean(try library.catalog.dirtyGalleries())
        #expect(try library.catalog.updateThemes([renamed]) == ThemeUpdate())
        #expect(try library.catalog.galleryIdentity("spacewalks")?.title == "EVA")
        #expect(try library.catalog.dirtyGalleries() == ["spacewalks"])
    }

    @Test("a new rendition, and the page entry kept after it, are no change of what a theme chooses by: the frame stays",
          arguments: CatalogKind.available)
    func renditionChangesKeepThemes(kind: CatalogKind) throws {
        let library = try SyntheticCatalog(kind: kind)
        var frames = Self.themedFrames()
        try library.catalog.apply(frames.map { .commit($0) })
        _ = try library.catalog.updateThemes([Self.spacewalks])
        frames[1].renditions[0].bytes = 4242
        try library.catalog.updateRenditions(of: frames[1].source.path, gallery: "iss070", with: [frames[1].renditions[0]], removing: [])
        _ = try library.catalog.pageEntries(inGallery: "iss070", from: nil, after: false, limit: 10)

        let themed = try library.catalog.frames(inGallery: "spacewalks", from: nil, after: false, limit: 10).map(\.id)
        #expect(themed == ["ISS070-E-2", "ISS070-E-4"])
    }
}
