import CupolaCore
import CupolaFixtures
import Foundation
import Testing

@Suite("Incremental re-runs")
struct IncrementalRunTests {
    /// A library with the samples ingested once.
    struct Fixture {
        let folder = TemporaryFolder("incremental")
        let downlink: URL
        let library: String

        init() throws {
            downlink = try SampleFolder.make(in: folder)
            library = folder.url.appendingPathComponent("library").path
        }

        func file(_ name: String) -> String { downlink.appendingPathComponent(name).path }
        func ingest() async throws -> RunSummary { try await TestIngest.run([downlink.path], library: library) }
    }

    @Test("an unchanged folder is a quiet no-op that rewrites nothing")
    func noOp() async throws {
        let fixture = try Fixture()
        try await fixture.ingest()
        let manifest = "\(fixture.library)/galleries/iss069/manifest.json"
        let before = try FileManager.default.attributesOfItem(atPath: manifest)[.modificationDate] as! Date
        let again = try await fixture.ingest()
        #expect(again.unchanged == SampleDownlink.frames.count)
        #expect(again.ingested + again.refreshed + again.rejected + again.removed == 0)
        #expect(again.isQuiet)
        #expect(try FileManager.default.attributesOfItem(atPath: manifest)[.modificationDate] as! Date == before)
    }

    @Test("a touched file with the same bytes only refreshes its catalog row")
    func touchedFile() async throws {
        let fixture = try Fixture()
        try await fixture.ingest()
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)],
                                              ofItemAtPath: fixture.file("ISS069-E-12350.JPG"))
        let again = try await fixture.ingest()
        #expect(again.refreshed == 1)
        #expect(again.ingested == 0)
        let third = try await fixture.ingest()
        #expect(third.isQuiet)
    }

    @Test("a file whose content changed is ingested again and its renditions rebuilt")
    func changedContent() async throws {
        let fixture = try Fixture()
        try await fixture.ingest()
        let thumb = "\(fixture.library)/galleries/iss069/thumb/ISS069-E-12350.jpg"
        let oldThumb = try Data(contentsOf: URL(fileURLWithPath: thumb))
        try SyntheticImage.jpeg(width: 900, height: 300).write(to: URL(fileURLWithPath: fixture.file("ISS069-E-12350.JPG")))
        let again = try await fixture.ingest()
        #expect(again.ingested == 1)
        #expect(again.galleries == ["iss069"])
        let frame = try #require(try TestIngest.frames(fixture.library).first { $0["id"] as? String == "ISS069-E-12350" })
        #expect(frame["width"] as? Int == 900)
        #expect(try Data(contentsOf: URL(fileURLWithPath: thumb)) != oldThumb)
    }

    @Test("a deleted source leaves its gallery's manifest and its renditions are removed")
    func deletedSource() async throws {
        let fixture = try Fixture()
        try await fixture.ingest()
        try FileManager.default.removeItem(atPath: fixture.file("ISS072-E-118384.JPG"))
        let again = try await fixture.ingest()
        #expect(again.removed == 1)
        let manifest = try TestIngest.manifest(fixture.library, gallery: "iss072")
        #expect(manifest["frameCount"] as? Int == 1)
        for rendition in ["large", "medium", "thumb"] {
            #expect(!FileManager.default.fileExists(atPath: "\(fixture.library)/galleries/iss072/\(rendition)/ISS072-E-118384.jpg"))
        }
        // The last frame of a gallery going takes the gallery out of the index.
        try FileManager.default.removeItem(atPath: fixture.file("ISS071-E-234765.JPG"))
        try await fixture.ingest()
        #expect(!FileManager.default.fileExists(atPath: "\(fixture.library)/galleries/iss071/manifest.json"))
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(fixture.library)/galleries/index.json"))) as! [String: Any]
        #expect((index["galleries"] as! [[String: Any]]).map { $0["id"] as! String }.contains("iss071") == false)
    }

    @Test("a rejected file is not retried until it changes")
    func rejectedOnce() async throws {
        let fixture = try Fixture()
        try BadFiles.notAnImage.write(to: URL(fileURLWithPath: fixture.file("ISS069-E-99999.JPG")))
        let first = try await fixture.ingest()
        #expect(first.rejected == 1)
        let second = try await fixture.ingest()
        #expect(second.rejected == 0)
        #expect(second.isQuiet)
        #expect(second.exitCode == 0)
        try SyntheticImage.jpeg(width: 300, height: 200).write(to: URL(fileURLWithPath: fixture.file("ISS069-E-99999.JPG")))
        let fixed = try await fixture.ingest()
        #expect(fixed.ingested == 1)
        #expect(fixed.rejected == 0)
    }

    @Test("a frame that was in flight when a run died is retried alone, and rejected if it dies again")
    func poisonFrame() async throws {
        let fixture = try Fixture()
        try await fixture.ingest()
        let path = FilePathBytes(fixture.file("ISS069-E-12350.JPG"))
        let record = try #require(try SQLiteCatalog(path: "\(fixture.library)/catalog.sqlite").source(at: path))

        // Given a run that died while decoding it, the next run retries it alone and keeps it.
        try SQLiteCatalog(path: "\(fixture.library)/catalog.sqlite").markProcessing([record], isolated: false)
        let retried = try await fixture.ingest()
        #expect(retried.rejected == 0)
        #expect(try TestIngest.frames(fixture.library).contains { $0["id"] as? String == "ISS069-E-12350" })

        // Given a run that died while decoding it alone, the next run rejects it for good.
        try SQLiteCatalog(path: "\(fixture.library)/catalog.sqlite").markProcessing([record], isolated: true)
        let poisoned = try await fixture.ingest()
        #expect(poisoned.problems.map(\.reason) == ["crashed the decoder"])
        #expect(poisoned.exitCode == 1)
        #expect(try TestIngest.frames(fixture.library).contains { $0["id"] as? String == "ISS069-E-12350" } == false)
        #expect(!FileManager.default.fileExists(atPath: "\(fixture.library)/galleries/iss069/thumb/ISS069-E-12350.jpg"))

        // And it is not retried while the file stays the same.
        let after = try await fixture.ingest()
        #expect(after.isQuiet)
    }
}
