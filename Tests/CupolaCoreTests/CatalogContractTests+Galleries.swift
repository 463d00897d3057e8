@testable import CupolaCore
import Foundation
import Testing

/// The rest of the contract: raw + JPEG pairs, theme galleries, the known-file index and kept page
/// entries, held against both catalogs like the tests in `CatalogContractTests`.
extension CatalogContractTests {
    /// The camera raw of `SyntheticCatalog.frame(number)`: same frame id, its own file and stem.
    static func raw(_ number: Int, format: String = "nef") -> CatalogFrame {
        var raw = SyntheticCatalog.frame(number, second: number)
        raw.source.path = FilePathBytes("/downlink/ISS070-E-\(number).\(format.uppercased())")
        raw.source.label = "downlink/ISS070-E-\(number).\(format.uppercased())"
        raw.source.stat.size = 25_000_000
        raw.source.sha256 = String(repeating: "cd", count: 32)
        raw.format = format
        raw.stem = "\(raw.id)-\(format)"
        raw.renditions = raw.renditions.map { rendition in
            var renamed = rendition
            renamed.path = "\(rendition.name)/\(raw.stem).jpg"
            return renamed
        }
        return raw
    }

    @Test("a raw and a JPEG of one frame id are one frame, the JPEG's, in either order; a second raw stays a frame of its own",
          arguments: CatalogKind.available)
    func rawAndJPEGAreOneFrame(kind: CatalogKind) throws {
        let jpeg = SyntheticCatalog.frame(1, second: 1), raw = Self.raw(1)
        let jpegFirst = try SyntheticCatalog("jpegFirst", kind: kind)
        try jpegFirst.catalog.apply([.commit(jpeg)])
        let unwanted = try jpegFirst.catalog.apply([.commit(raw)])
        #expect(unwanted.map(\.source.path) == [raw.source.path], "the raw's own renditions are not wanted")
        let frame = try #require(try jpegFirst.catalog.frame(at: jpeg.source.path))
        #expect(frame.companions == [CompanionOriginal(path: raw.source.path, root: raw.source.root, label: raw.source.label,
                                                       format: "nef", bytes: 25_000_000, sha256: raw.source.sha256)])
        #expect(try jpegFirst.catalog.frame(at: raw.source.path) == nil)
        #expect(try jpegFirst.catalog.source(at: raw.source.path)?.state == .ingested)
        #expect(try jpegFirst.catalog.pairedFrameIds(among: ["ISS070-E-1", "ISS070-E-2"]) == ["ISS070-E-1"])

        let rawFirst = try SyntheticCatalog("rawFirst", kind: kind)
        try rawFirst.catalog.apply([.commit(raw)])
        let replaced = try rawFirst.catalog.apply([.commit(jpeg)])
        #expect(replaced.map(\.source.path) == [raw.source.path], "the raw's frame gives way to the JPEG's")
        #expect(try rawFirst.catalog.frame(at: jpeg.source.path)?.companions.map(\.path) == [raw.source.path])
        #expect(try rawFirst.catalog.frames(inGallery: "iss070").map(\.format) == ["jpeg"])

        try jpegFirst.catalog.apply([.commit(Self.raw(1, format: "dng"))])
        #expect(try jpegFirst.catalog.frames(inGallery: "iss070").map(\.format).sorted() == ["dng", "jpeg"])
        #expect(try jpegFirst.catalog.frame(at: jpeg.source.path)?.companions.count == 1)
    }

    @Test("with pairs = raw the raw is the frame and the JPEG its companion; companionsToPromote finds the pairs made the other way",
          arguments: CatalogKind.available)
    func rawPrimaryPairs(kind: CatalogKind) throws {
        let jpeg = SyntheticCatalog.frame(1, second: 1), raw = Self.raw(1)
        let library = try SyntheticCatalog(kind: kind)
        try library.catalog.apply([.commit(jpeg), .commit(raw)])
        try library.catalog.apply([.commit(SyntheticCatalog.frame(2, second: 2)), .commit(Self.raw(2))], pairs: .raw)
        #expect(try library.catalog.frames(inGallery: "iss070").map(\.format) == ["jpeg", "nef"])
        #expect(try library.catalog.frame(at: Self.raw(2).source.path)?.companions.map(\.format) == ["jpeg"])
        #expect(try library.catalog.companionsToPromote(pairs: .raw).map(\.path) == [raw.source.path])
        #expect(try library.catalog.companionsToPromote(pairs: .jpeg).map(\.path) == [SyntheticCatalog.frame(2, second: 2).source.path])

        // The pipeline's promotion: the companion leaves its pair and comes back as the primary.
        try library.catalog.apply([.remove(raw.source.path)])
        let replaced = try library.catalog.apply([.commit(raw)], pairs: .raw)
        #expect(replaced.map(\.source.path) == [jpeg.source.path], "the JPEG's frame gives way to the raw's")
        #expect(try library.catalog.frame(at: raw.source.path)?.companions.map(\.path) == [jpeg.source.path])
        #expect(try library.catalog.companionsToPromote(pairs: .raw).isEmpty)
        #expect(try library.catalog.frames(inGallery: "iss070").map(\.format) == ["nef", "nef"])
        #expect(try library.catalog.integrityProblem() == nil)
    }

    @Test("a file read only to join its pair's frame joins it; if the frame went meanwhile it is recorded failed, not made a frame",
          arguments: CatalogKind.available)
    func joiningWithoutRenditions(kind: CatalogKind) throws {
        let library = try SyntheticCatalog(kind: kind)
        let jpeg = SyntheticCatalog.frame(1, second: 1)
        var raw = Self.raw(1)
        raw.renditions = []
        #expect(try !library.catalog.joinsPair(raw, pairs: .jpeg), "no frame to join yet")
        try library.catalog.apply([.commit(jpeg)])
        #expect(try library.catalog.joinsPair(raw, pairs: .jpeg))
        #expect(try !library.catalog.joinsPair(raw, pairs: .raw), "under pairs = raw the raw is the frame")
        #expect(try !library.catalog.joinsPair(jpeg, pairs: .jpeg))
        let joined = try library.catalog.apply([.commit(raw)])
        #expect(joined.map(\.source.path) == [raw.source.path])
        #expect(try library.catalog.frame(at: jpeg.source.path)?.companions.map(\.path) == [raw.source.path])

        let late = try SyntheticCatalog("late", kind: kind)
        try late.catalog.apply([.commit(jpeg)])
        try late.catalog.apply([.remove(jpeg.source.path)])
        #expect(try late.catalog.apply([.commit(raw)]).isEmpty)
        #expect(try late.catalog.frame(at: raw.source.path) == nil, "no frame without renditions")
        let source = try late.catalog.source(at: raw.source.path)
        #expect(source?.state == .failed && source?.reason == SQLiteCatalog.unpairedReason, "\(String(describing: source))")
    }

    @Test("a pair comes apart: without its raw the frame stays, marked changed; without its JPEG the raw is forgotten, to be ingested alone",
          arguments: CatalogKind.available)
    func pairsComeApart(kind: CatalogKind) throws {
        let library = try SyntheticCatalog(kind: kind)
        let jpeg = SyntheticCatalog.frame(1, second: 1), raw = Self.raw(1)
        try library.catalog.apply([.commit(jpeg), .commit(raw)])
        try library.catalog.replacePages(ofGallery: "iss070", identity: jpeg.gallery, removing: [], adding: [])
        try library.catalog.markClean(["iss070"])

        #expect(try library.catalog.apply([.remove(raw.source.path)]).isEmpty)
        #expect(try library.catalog.frame(at: jpeg.source.path)?.companions == [])
        #expect(try library.catalog.dirtyGalleries() == ["iss070"])
        #expect(try library.catalog.changedKeys(inGallery: "iss070", limit: 10) == [jpeg.orderKey])

        try library.catalog.apply([.commit(raw)])
        let gone = try library.catalog.apply([.remove(jpeg.source.path)])
        #expect(gone.map(\.companions.count) == [1], "the pipeline finds the raw to ingest through the frame that left")
        #expect(try library.catalog.source(at: raw.source.path) == nil)
        #expect(try library.catalog.pairedFrameIds(among: ["ISS070-E-1"]).isEmpty)
        #expect(try library.catalog.integrityProblem() == nil)
    }

    @Test("known files: stat, state and whether the library keeps the original, for one SOURCE folder only",
          arguments: CatalogKind.available)
    func knownFiles(kind: CatalogKind) throws {
        let library = try SyntheticCatalog(kind: kind)
        var kept = SyntheticCatalog.frame(2, second: 2)
        kept.source.original = FilePathBytes("/library/originals/ISS070-E-2.JPG")
        var rejected = SyntheticCatalog.frame(3, second: 3).source
        rejected.state = .rejected
        rejected.reason = "not an image"
        var elsewhere = SyntheticCatalog.frame(4, second: 4)
        elsewhere.source.path = FilePathBytes("/inbox/ISS070-E-4.JPG")
        elsewhere.source.root = FilePathBytes("/inbox")
        let first = SyntheticCatalog.frame(1, second: 1)
        try library.catalog.apply([.commit(first), .commit(kept), .outcome(rejected), .commit(elsewhere)])

        let known = try library.catalog.knownFiles(under: FilePathBytes("/downlink"))
        // In path order: a scan is merged with it.
        #expect(known.paths == [first.source.path, kept.source.path, rejected.path].sorted())
        #expect(known[first.source.path] == KnownFile(stat: first.source.stat, state: .ingested, keepsOriginal: false))
        #expect(known[kept.source.path]?.keepsOriginal == true)
        #expect(known[rejected.path]?.state == .rejected)
        #expect(try library.catalog.knownFiles(under: FilePathBytes("/inbox")).paths.map(\.description) == ["/inbox/ISS070-E-4.JPG"])
    }

    @Test("page entries are kept ready, and stay what the frame would show made afresh after a rendition or a raw changes it",
          arguments: CatalogKind.available)
    func pageEntries(kind: CatalogKind) throws {
        let library = try SyntheticCatalog(kind: kind)
        var frames = (1...3).map { SyntheticCatalog.frame($0, second: $0) }
        try library.catalog.apply(frames.map { .commit($0) })
        func expectFresh(_ note: Comment) throws {
            let kept = try library.catalog.pageEntries(inGallery: "iss070", from: nil, after: false, limit: 10)
            let fresh = try library.catalog.freshPageEntries(inGallery: "iss070", from: nil, after: false, limit: 10)
            #expect(kept.map(\.id) == frames.map(\.id), note)
            #expect(kept.map(\.json) == fresh.map(\.json), note)
            #expect(kept.map(\.key) == fresh.map(\.key) && kept.map(\.captured) == fresh.map(\.captured), note)
        }
        try expectFresh("as committed")
        let stretch = try library.catalog.pageEntries(inGallery: "iss070", from: frames[0].orderKey, after: true, limit: 1)
        #expect(stretch.map(\.id) == ["ISS070-E-2"])

        frames[1].renditions[0].bytes = 4242
        try library.catalog.updateRenditions(of: frames[1].source.path, gallery: "iss070", with: [frames[1].renditions[0]], removing: [])
        try expectFresh("after a rendition changed")
        let changed = try library.catalog.pageEntries(inGallery: "iss070", from: frames[1].orderKey, after: false, limit: 1)
        #expect(String(decoding: try #require(changed.first).json, as: UTF8.self).contains("4242"))

        try library.catalog.apply([.commit(Self.raw(3))])
        try expectFresh("after a raw joined")
        let paired = try library.catalog.pageEntries(inGallery: "iss070", from: frames[2].orderKey, after: false, limit: 1)
        #expect(String(decoding: try #require(paired.first).json, as: UTF8.self).contains("\"nef\""))
    }
}
