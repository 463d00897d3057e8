@testable import CupolaCore
import Foundation
import GRDB
import Testing

/// Paged manifests on real libraries: upgrading a `cupola.gallery/1` library in place, and
/// `verify` on pages.
@Suite("Paged libraries")
struct PagedLibraryTests {
    /// Turns a library back into what Cupola wrote before pages: the catalog without the paging
    /// migration, and each gallery's frames inline in a `cupola.gallery/1` manifest.
    static func makeVersionOne(_ library: String) throws {
        let queue = try DatabaseQueue(path: "\(library)/catalog.sqlite")
        try queue.write { db in
            for trigger in ["frame_added", "frame_removed", "frame_changed", "rendition_added", "rendition_removed", "source_renamed"] {
                try db.execute(sql: "DROP TRIGGER \(trigger)")
                // Theme galleries came after pages: their triggers, tables and migration go too.
                try db.execute(sql: "DROP TRIGGER theme_\(trigger)")
            }
            // v11's companion triggers mark pages through `dirty_frame`: a library from before
            // pages had no companions either, nor kept page entries.
            try CatalogDowngrade.dropPageEntries(db)
            try db.execute(sql: "DROP TABLE companion; DELETE FROM grdb_migrations WHERE identifier LIKE 'v11:%'")
            try db.execute(sql: """
                DROP TABLE theme_rule; DROP TABLE theme_member; DROP TABLE theme_pending;
                DELETE FROM grdb_migrations WHERE identifier LIKE '%: theme galleries';
                """)
            try db.execute(sql: """
                DROP INDEX frame_order; DROP INDEX rendition_path;
                DROP TABLE gallery_page; DROP TABLE published_gallery; DROP TABLE retired_page;
                DROP TABLE gallery_upgrade; DROP TABLE dirty_frame;
                ALTER TABLE frame DROP COLUMN sort_key;
                DELETE FROM grdb_migrations WHERE identifier LIKE '%: paged manifests';
                """)
        }
        try queue.close()
        let galleries = URL(fileURLWithPath: "\(library)/galleries")
        for gallery in try FileManager.default.contentsOfDirectory(atPath: galleries.path) where gallery != "index.json" {
            let file = galleries.appendingPathComponent("\(gallery)/manifest.json")
            var manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
            manifest["frames"] = try TestIngest.frames(library, gallery: gallery)
            manifest["pages"] = nil
            manifest["schema"] = "cupola.gallery/1"
            try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys]).write(to: file)
            try FileManager.default.removeItem(at: galleries.appendingPathComponent("\(gallery)/pages"))
        }
    }

    /// Inode and modification time of every rendition file: unchanged when nothing was re-rendered.
    static func renditionStamps(_ library: String) throws -> [String: String] {
        var stamps: [String: String] = [:]
        let root = "\(library)/galleries"
        for case let relative as String in FileManager.default.enumerator(atPath: root) ?? NSEnumerator()
        where relative.hasSuffix(".jpg") {
            let attributes = try FileManager.default.attributesOfItem(atPath: "\(root)/\(relative)")
            stamps[relative] = "\(attributes[.systemFileNumber]!) \(attributes[.modificationDate]!)"
        }
        return stamps
    }

    @Test("a cupola.gallery/1 library is upgraded in place by the next ingest: same frames, nothing re-rendered, said in the summary")
    func upgradeInPlace() async throws {
        let fixture = try await SampleLibrary.ingested()
        let framesBefore = try TestIngest.frames(fixture.library)
        try Self.makeVersionOne(fixture.library)
        #expect(try SchemaCheck.problems(galleries: "\(fixture.library)/galleries").status == 0, "the v1 library is valid v1")
        let stamps = try Self.renditionStamps(fixture.library)
        #expect(stamps.count == framesBefore.count * 3)

        let result = try fixture.ingestCommand(["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let galleries = try FileManager.default.contentsOfDirectory(atPath: "\(fixture.library)/galleries").filter { $0 != "index.json" }
        #expect((summary["upgradedGalleries"] as? [String])?.sorted() == galleries.sorted())
        #expect(summary["ingested"] as? Int == 0)
        for gallery in galleries {
            #expect(try TestIngest.manifest(fixture.library, gallery: gallery)["schema"] as? String == "cupola.gallery/2")
        }
        #expect(NSArray(array: try TestIngest.frames(fixture.library)).isEqual(to: framesBefore), "the frames are the same")
        #expect(try Self.renditionStamps(fixture.library) == stamps, "no rendition was written again")
        #expect(try SchemaCheck.problems(galleries: "\(fixture.library)/galleries").status == 0)

        let text = try fixture.ingestCommand()
        #expect(text.status == 0 && text.stdout.isEmpty && text.stderr.isEmpty, "the next run is quiet: \(text.stderr)")
    }

    @Test("verify finds a missing, an edited and a stray page; --repair writes them back from the catalog")
    func verifyPages() async throws {
        let fixture = try await SampleLibrary.ingested()
        let galleries = "\(fixture.library)/galleries"
        func pagePath(_ gallery: String) throws -> String {
            let pages = try TestIngest.manifest(fixture.library, gallery: gallery)["pages"] as! [[String: Any]]
            return "\(galleries)/\(gallery)/\(pages[0]["path"] as! String)"
        }
        let missing = try pagePath("iss069"), edited = try pagePath("iss071")
        let original = try Data(contentsOf: URL(fileURLWithPath: edited))
        try FileManager.default.removeItem(atPath: missing)
        try String(decoding: original, as: UTF8.self).replacingOccurrences(of: "ISS071", with: "ISS017")
            .write(toFile: edited, atomically: true, encoding: .utf8)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: "\(galleries)/iss069/pages/0000000000000000.json"))

        let report = try fixture.json(["verify"])
        // #require, not `as!`: a verify that printed no report fails this test, not the whole process.
        let problems = try #require(report["problems"] as? [[String: Any]], "verify printed no problem list: \(report)")
        let kinds = Set(problems.map { "\($0["kind"] ?? "?") \($0["file"] ?? "?")" })
        #expect(kinds.contains { $0.hasPrefix("page missing") && missing.hasSuffix(String($0.split(separator: " ").last!)) })
        #expect(kinds.contains { $0.hasPrefix("page differs") && edited.hasSuffix(String($0.split(separator: " ").last!)) })
        #expect(kinds.contains { $0.hasPrefix("page not in the manifest") && $0.hasSuffix("0000000000000000.json") })
        #expect(report["whole"] as? Bool == false)

        let repair = try fixture.cupola(["verify", "--repair"])
        #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr)")
        #expect(FileManager.default.fileExists(atPath: missing))
        #expect(try Data(contentsOf: URL(fileURLWithPath: edited)) == original)
        #expect(!FileManager.default.fileExists(atPath: "\(galleries)/iss069/pages/0000000000000000.json"))
        #expect(try fixture.cupola(["verify"]).status == 0)
        #expect(try SchemaCheck.problems(galleries: galleries).status == 0)
    }
}
