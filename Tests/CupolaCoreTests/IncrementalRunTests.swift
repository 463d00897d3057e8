import CupolaCore
import CupolaFixtures
import Foundation
import Testing

@Suite("Incremental re-runs")
struct IncrementalRunTests {
    @Test("an unchanged folder is a quiet no-op that rewrites nothing")
    func noOp() async throws {
        let fixture = try SampleLibrary()
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
        let fixture = try SampleLibrary()
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
        let fixture = try SampleLibrary()
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
        let fixture = try SampleLibrary()
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
        let fixture = try SampleLibrary()
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

    @Test("a frame that crashes the process is retried alone once, then rejected as \"crashed the decoder\"")
    func poisonFrame() throws {
        let fixture = try SampleLibrary()
        let ingest = { (environment: [String: String]) in
            try CLI.run(["ingest", fixture.downlink.path, "--library", fixture.library, "--json"], environment: environment)
        }
        let drill = ["CUPOLA_CRASH_DRILL": "ISS069-E-12350"]
        // The first crash happens with other frames in flight: none is blamed yet.
        let first = try ingest(drill)
        #expect(first.status == SIGSEGV)
        // The crash handler passes the signal on to the Swift runtime's backtracer: the operator
        // (and a failing test's log) sees where it happened.
        #expect(first.stderr.contains("Program crashed"), "\(first.stderr)")
        #expect(first.stderr.contains("CrashDrill.crashIfAsked(for:)"), "\(first.stderr)")
        // Retried alone, it crashes again: now it is known to be the culprit.
        let second = try ingest(drill)
        #expect(second.status != 0)
        let third = try ingest(drill)
        #expect(third.status == 1)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(third.stdout.utf8)) as? [String: Any])
        let problems = try #require(summary["problems"] as? [[String: Any]])
        #expect(problems.map { $0["reason"] as? String } == ["crashed the decoder"])
        #expect(problems.first?["file"] as? String == "downlink/ISS069-E-12350.JPG")
        let frames = try TestIngest.frames(fixture.library)
        #expect(frames.count == SampleDownlink.frames.count - 1)
        #expect(!frames.contains { $0["id"] as? String == "ISS069-E-12350" })
        // It is not retried while the file stays the same, even without the drill.
        let after = try ingest([:])
        #expect(after.status == 0)
        #expect(after.stderr.isEmpty)
    }

    @Test("frames in flight when a run is killed from outside are simply retried, never blamed")
    func killedRunIsNotACrash() async throws {
        let fixture = try SampleLibrary()
        try await fixture.ingest()
        let path = FilePathBytes(fixture.file("ISS069-E-12350.JPG"))
        let catalog = try SQLiteCatalog(path: "\(fixture.library)/catalog.sqlite")
        let record = try #require(try catalog.source(at: path))
        // As if SIGKILL landed twice while the frame was being decoded, once in a batch, once alone.
        try catalog.markProcessing([record], isolated: false)
        let first = try await fixture.ingest()
        #expect(first.rejected == 0)
        try catalog.markProcessing([record], isolated: true)
        let second = try await fixture.ingest()
        #expect(second.rejected == 0)
        #expect(try TestIngest.frames(fixture.library).contains { $0["id"] as? String == "ISS069-E-12350" })
        #expect(try catalog.source(at: path)?.state == .ingested)
    }
}
