import CupolaCore
import CupolaFixtures
import Foundation
import GRDB
import Testing

/// Gallery titles as NASA writes them, in new libraries and in libraries made by an older cupola.
@Suite("Gallery titles")
struct GalleryTitleTests {
    func indexTitle(_ library: String, _ gallery: String) throws -> String? {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(library)/galleries/index.json"))
        let index = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let entry = (index["galleries"] as! [[String: Any]]).first { $0["id"] as? String == gallery }
        return entry?["title"] as? String
    }

    func manifestTitle(_ library: String, _ gallery: String) throws -> String? {
        (try TestIngest.manifest(library, gallery: gallery)["gallery"] as? [String: Any])?["title"] as? String
    }

    @Test("a shuttle gallery is titled without leading zeros; a library titled by an older cupola is retitled on the next run")
    func shuttleTitles() async throws {
        let fixture = try await SampleLibrary.ingested()
        #expect(try indexTitle(fixture.library, "sts098") == "STS-98")
        #expect(try manifestTitle(fixture.library, "sts098") == "STS-98")

        // Given a library as an older cupola left it: "STS-098" in the catalog and the files.
        let catalog = try DatabaseQueue(path: "\(fixture.library)/catalog.sqlite")
        try await catalog.write { db in
            try db.execute(sql: #"UPDATE frame SET gallery_json = replace(gallery_json, '"STS-98"', '"STS-098"')"#)
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE 'v4:%'")
        }
        try catalog.close()
        for file in ["galleries/index.json", "galleries/sts098/manifest.json"] {
            let url = URL(fileURLWithPath: "\(fixture.library)/\(file)")
            let text = try String(contentsOf: url, encoding: .utf8)
            try text.replacingOccurrences(of: "\"STS-98\"", with: "\"STS-098\"").write(to: url, atomically: true, encoding: .utf8)
        }
        #expect(try indexTitle(fixture.library, "sts098") == "STS-098")

        // When a run finds nothing new to ingest, then both carry the new title.
        let summary = try await fixture.ingest()
        #expect(summary.ingested == 0)
        #expect(try indexTitle(fixture.library, "sts098") == "STS-98")
        #expect(try manifestTitle(fixture.library, "sts098") == "STS-98")
        #expect(try manifestTitle(fixture.library, "sts102") == "STS-102")
    }

    @Test("ISS000 is no mission: its frame goes to unassigned, and the library passes its schema")
    func missionZero() async throws {
        let folder = TemporaryFolder()
        _ = folder.write(try SyntheticImage.jpeg(width: 300, height: 200), to: "in/ISS000-E-1.jpg")
        let library = folder.url.appendingPathComponent("library").path
        let summary = try await TestIngest.run([folder.url.appendingPathComponent("in").path], library: library)
        #expect(summary.ingested == 1)
        #expect(summary.galleries == ["unassigned"])
        let frame = try #require(try TestIngest.frames(library).first)
        #expect(frame["id"] as? String == "ISS000-E-1")
        #expect(frame["mission"] is NSNull)
        #expect(!FileManager.default.fileExists(atPath: "\(library)/galleries/iss000"))
        let schema = try SchemaCheck.problems(galleries: "\(library)/galleries")
        #expect(schema.status == 0, "\(schema.output)")
    }
}
