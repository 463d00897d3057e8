@testable import CupolaCore
import Foundation
import GRDB
import Testing

/// Paged manifests (`cupola.gallery/2`): what one change costs, and that an incrementally
/// published gallery is the same as one published from scratch. The catalog's side of it holds for
/// both catalogs: those tests run on SQLite and on PostgreSQL (when its test server runs).
@Suite("Paged manifests")
struct PagedManifestTests {
    static let galleryPages = "iss070/pages/"

    @Test("one frame added, changed or removed in a 6,000-frame gallery rewrites at most two pages, the manifest and the index",
          arguments: CatalogKind.available)
    func boundedRewrites(kind: CatalogKind) throws {
        let library = try SyntheticCatalog(kind: kind)
        try library.catalog.apply((0..<6000).map { .commit(SyntheticCatalog.frame($0 * 2, second: $0 * 2)) })
        let first = try library.publish()
        let pageCount = first.written.filter { $0.description.contains("/pages/") }.count
        #expect(pageCount >= 6, "6,000 frames should make several pages, made \(pageCount)")

        let changes: [(String, [CatalogChange])] = [
            ("added in the middle", [.commit(SyntheticCatalog.frame(6001, second: 6001))]),
            ("added at the start", [.commit(SyntheticCatalog.frame(100_001, second: -5))]),
            ("undated, added at the end", [.commit(SyntheticCatalog.frame(100_002, second: nil))]),
            ("changed in place", [.commit({ var f = SyntheticCatalog.frame(3000, second: 3000); f.width = 700; return f }())]),
            ("removed", [.remove(FilePathBytes("/downlink/ISS070-E-8000.JPG"))]),
        ]
        for (what, change) in changes {
            try library.catalog.apply(change)
            let report = try library.publish()
            let pages = report.written.filter { $0.description.contains("/pages/") }
            let others = report.written.filter { !$0.description.contains("/pages/") }.map { $0.lastComponent }
            #expect((1...2).contains(pages.count), "frame \(what): \(pages.count) pages written")
            // The index changes when the gallery's count or capture range does.
            #expect(Set(others.map { String(decoding: $0, as: UTF8.self) }).isSubset(of: ["index.json", "manifest.json"]), "frame \(what)")
            #expect(others.contains(Array("manifest.json".utf8)), "frame \(what)")
            #expect(report.removed.count <= 2, "frame \(what): \(report.removed.count) files removed")
        }
        #expect(try SchemaCheck.problems(galleries: "\(library.folder.path)/galleries").status == 0)
    }

    @Test("60 rounds of random additions, removals and moves, published after each: the files equal a fresh SQLite library's, byte for byte",
          arguments: CatalogKind.available)
    func incrementalEqualsFresh(kind: CatalogKind) throws {
        var generator = SeededGenerator(seed: 12)
        let library = try SyntheticCatalog(kind: kind)
        var present = Set((0..<3000).filter { _ in Bool.random(using: &generator) })
        var seconds = Dictionary(uniqueKeysWithValues: (0..<3000).map { ($0, $0 % 97 == 0 ? nil : $0 * 3) as (Int, Int?) })
        try library.catalog.apply(present.sorted().map { .commit(SyntheticCatalog.frame($0, second: seconds[$0]!)) })
        try library.publish()
        for round in 0..<60 {
            var changes: [CatalogChange] = []
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let number = Int.random(in: 0..<3000, using: &generator)
                if !present.contains(number) {
                    present.insert(number)
                    changes.append(.commit(SyntheticCatalog.frame(number, second: seconds[number]!)))
                } else if Bool.random(using: &generator) {
                    present.remove(number)
                    changes.append(.remove(FilePathBytes("/downlink/ISS070-E-\(number).JPG")))
                } else {
                    // Its capture time changes: it moves elsewhere in the gallery.
                    seconds[number] = Int.random(in: 0..<9000, using: &generator)
                    changes.append(.commit(SyntheticCatalog.frame(number, second: seconds[number]!)))
                }
            }
            try library.catalog.apply(changes)
            try library.publish()
            if round % 20 == 19 || round == 0 {
                let fresh = try SyntheticCatalog("fresh\(round)")
                try fresh.catalog.apply(present.shuffled(using: &generator).map { .commit(SyntheticCatalog.frame($0, second: seconds[$0]!)) })
                try fresh.publish()
                let expected = try fresh.publishedFiles()
                let actual = try library.publishedFiles()
                #expect(actual.keys.sorted() == expected.keys.sorted(), "round \(round): different files")
                for (file, data) in expected where actual[file] != data {
                    Issue.record("round \(round): \(file) differs from a fresh library's")
                }
            }
        }
        let frames = try TestIngest.frames(library.folder.path, gallery: "iss070")
        #expect(frames.count == present.count)
        #expect(try SchemaCheck.problems(galleries: "\(library.folder.path)/galleries").status == 0)
    }

    @Test("frames added after a last page that ended at a natural cut are published too: the gallery equals a fresh one",
          arguments: CatalogKind.available)
    func growsPastCutAtTheEnd(kind: CatalogKind) throws {
        // The watcher publishes a growing gallery often; when its last frame happens to be a cut
        // point, the recut of the next publication ends with the old last page.
        let cut = try #require((0..<50_000).first { PagePartition.endsPage(SyntheticCatalog.frame($0, second: $0).orderKey) })
        let library = try SyntheticCatalog(kind: kind)
        try library.catalog.apply((0...cut).map { .commit(SyntheticCatalog.frame($0, second: $0)) })
        try library.publish()
        #expect(try library.catalog.pages(ofGallery: "iss070").last?.lastKey == SyntheticCatalog.frame(cut, second: cut).orderKey)
        try library.catalog.apply((cut + 1...cut + 20).map { .commit(SyntheticCatalog.frame($0, second: $0)) })
        try library.publish()
        let frames = try TestIngest.frames(library.folder.path, gallery: "iss070")
        let ids = frames.map { $0["id"] as! String }
        #expect(ids.count == cut + 21 && ids == (0...cut + 20).map { "ISS070-E-\($0)" }, "\(ids.count) frames listed, the last \(ids.last ?? "none")")

        let fresh = try SyntheticCatalog("fresh")
        try fresh.catalog.apply((0...cut + 20).map { .commit(SyntheticCatalog.frame($0, second: $0)) })
        try fresh.publish()
        #expect(try library.publishedFiles() == fresh.publishedFiles())
    }

    @Test("a library whose frames an older cupola left out of the pages lists them again once opened (v17)")
    func unlistedTailRepaired() throws {
        let cut = try #require((0..<50_000).first { PagePartition.endsPage(SyntheticCatalog.frame($0, second: $0).orderKey) })
        let library = try SyntheticCatalog()
        try library.catalog.apply((0...cut).map { .commit(SyntheticCatalog.frame($0, second: $0)) })
        try library.publish()
        // What the defect left: frames after the last page, their changes marked done.
        try library.catalog.apply((cut + 1...cut + 20).map { .commit(SyntheticCatalog.frame($0, second: $0)) })
        let database = try DatabaseQueue(path: library.layout.catalogFile.description)
        try database.write { db in
            try db.execute(sql: """
                DELETE FROM dirty_frame; DELETE FROM dirty_gallery;
                DELETE FROM grdb_migrations WHERE identifier LIKE 'v17:%';
                """)
        }
        try database.close()
        #expect(try library.catalog.dirtyGalleries().isEmpty)

        let reopened = try SQLiteCatalog(path: library.layout.catalogFile.description)
        #expect(try reopened.dirtyGalleries() == ["iss070"])
        try GalleryPublisher(layout: library.layout, catalog: reopened).publish(galleries: ["iss070"])
        let ids = try TestIngest.frames(library.folder.path, gallery: "iss070").map { $0["id"] as! String }
        #expect(ids == (0...cut + 20).map { "ISS070-E-\($0)" }, "\(ids.count) frames listed, the last \(ids.last ?? "none")")
    }

    @Test("pages are cut by content: about 512 frames on average, never more than 4,096, every frame in one page in order")
    func pageSizes() throws {
        let library = try SyntheticCatalog()
        try library.catalog.apply((0..<20_000).map { .commit(SyntheticCatalog.frame($0, second: $0)) })
        try library.publish()
        let pages = try library.catalog.pages(ofGallery: "iss070")
        let sizes = pages.map(\.frameCount)
        #expect(sizes.reduce(0, +) == 20_000)
        #expect(sizes.max()! <= PagePartition.maxSize)
        let mean = Double(20_000) / Double(pages.count)
        #expect((300...900).contains(mean), "mean page size \(mean)")
        let frames = try TestIngest.frames(library.folder.path, gallery: "iss070")
        #expect(frames.map { $0["id"] as! String } == (0..<20_000).map { "ISS070-E-\($0)" })
    }

    @Test("a gallery whose last frame goes loses its manifest and pages, and leaves the index", arguments: CatalogKind.available)
    func lastFrameLeaves(kind: CatalogKind) throws {
        let library = try SyntheticCatalog(kind: kind)
        try library.catalog.apply([.commit(SyntheticCatalog.frame(1, second: 1))])
        try library.publish()
        #expect(try library.publishedFiles().keys.contains { $0.hasPrefix(Self.galleryPages) })
        try library.catalog.apply([.remove(FilePathBytes("/downlink/ISS070-E-1.JPG"))])
        try library.publish()
        #expect(try library.publishedFiles().keys.sorted() == ["index.json"])
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: library.folder.url.appendingPathComponent("galleries/index.json"))) as! [String: Any]
        #expect(index["galleryCount"] as? Int == 0)
    }
}

/// A small deterministic generator (SplitMix64), so a failing random test can be repeated.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The stale-rendition count every run reports comes from tallies kept by triggers.
@Suite("Rendition tallies")
struct RenditionTallyTests {
    @Test("the stale count from the tallies equals a count over every rendition, through adds, replacements, removals and rebuilds",
          arguments: CatalogKind.available)
    func talliesAgree(kind: CatalogKind) throws {
        var generator = SeededGenerator(seed: 7)
        let library = try SyntheticCatalog(kind: kind)
        let specs = [RenditionSpec(name: "large", size: 2048), RenditionSpec(name: "thumb", size: 256), RenditionSpec(name: "medium", size: 1024)]
        func counted() throws -> Int {
            let frames = try library.catalog.frames(inGallery: "iss070")
            return frames.reduce(0) { total, frame in
                total + specs.filter { spec in !frame.renditions.contains { $0.name == spec.name && $0.fingerprint == spec.fingerprint } }.count
            }
        }
        try library.catalog.apply((0..<300).map { .commit(SyntheticCatalog.frame($0, second: $0)) })
        #expect(try library.catalog.staleRenditionCount(current: specs) == (try counted()))
        for _ in 0..<40 {
            let number = Int.random(in: 0..<400, using: &generator)
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: try library.catalog.apply([.commit(SyntheticCatalog.frame(number, second: number))])
            case 1: try library.catalog.apply([.remove(FilePathBytes("/downlink/ISS070-E-\(number).JPG"))])
            default:
                let rebuilt = RenditionRecord(name: "thumb", fingerprint: specs[1].fingerprint, path: "thumb/ISS070-E-\(number).jpg",
                                              bytes: 10, width: 256, height: 171)
                try library.catalog.updateRenditions(of: FilePathBytes("/downlink/ISS070-E-\(number).JPG"), gallery: "iss070",
                                                     with: [rebuilt], removing: ["large"])
            }
            #expect(try library.catalog.staleRenditionCount(current: specs) == (try counted()))
        }
        #expect(try library.catalog.integrityProblem() == nil)
    }
}
