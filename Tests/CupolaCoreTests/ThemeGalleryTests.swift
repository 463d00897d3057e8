@testable import CupolaCore
import CupolaFixtures
import Foundation
import Testing

/// Theme galleries: `[[theme]]` rules choose frames by keyword, folder, frame range and capture
/// time; a theme lists frames that stay in their mission galleries and names their renditions
/// there; a rule changed or removed takes effect on the next run without decoding a frame.
@Suite("Theme galleries")
struct ThemeGalleryTests {
    /// A SOURCE whose frames differ in exactly what each key looks at.
    struct Downlink {
        let folder = TemporaryFolder()
        let source: String
        let library: String

        init() throws {
            func frame(_ taken: String, keywords: [String] = [], iptc: Bool = false) throws -> Data {
                let sample = SampleFrame(fileName: "x.jpg", width: 320, height: 240, orientation: 1,
                                         exif: SampleDownlink.nikon("NIKON Z 9", serial: "3026748", taken: taken, offset: "+00:00"),
                                         tags: keywords.isEmpty ? nil
                                            : iptc ? DescriptiveTags(iptc: .init(keywords: keywords)) : DescriptiveTags(xmp: .init(keywords: keywords)))
                return try sample.jpeg()
            }
            _ = folder.write(try frame("2023:04:19 14:00:00", keywords: ["EVA", "Hatch"]), to: "in/2023-04-19/eva/ISS069-E-30001.jpg")
            _ = folder.write(try frame("2023:04:19 21:00:00"), to: "in/2023-04-19/eva/ISS069-E-30002.jpg")
            _ = folder.write(try frame("2023:04:20 09:00:00", keywords: ["spacewalk"], iptc: true), to: "in/2023-04-20/earth/ISS069-E-31600.jpg")
            _ = folder.write(try frame("2023:04:19 15:00:00"), to: "in/2023-04-19/ISS070-E-100.jpg")
            source = folder.url.appendingPathComponent("in").path
            library = folder.url.appendingPathComponent("library").path
        }

        func ingest(_ toml: String, clock: StageClock = StageClock()) async throws -> RunSummary {
            let settings = try SettingsFile.parse(toml, file: "cupola.toml")
            let session = try LibrarySession(library: library, settingsFile: nil, command: "ingest", creating: true)
            let configuration = PipelineConfiguration(layout: session.layout, settings: settings, workers: 2)
            let pipeline = try Pipeline(configuration: configuration, catalog: session.catalog, command: "ingest", clock: clock)
            try await BatchIngest(sources: [try SourceFolder(source)]).run(pipeline)
            return pipeline.summary
        }

        func ids(_ gallery: String) throws -> [String] {
            try TestIngest.frames(library, gallery: gallery).map { $0["id"] as! String }
        }

        func exists(_ relative: String) -> Bool {
            FileManager.default.fileExists(atPath: "\(library)/galleries/\(relative)")
        }
    }

    static func theme(_ id: String, _ body: String) -> String { "[[theme]]\nid = \"\(id)\"\n\(body)\n" }

    static let everyKey = theme("by-keyword", #"keywords = ["eva", "SPACEWALK"]"#)
        + theme("by-folder", #"folders = ["*/eva/*"]"#)
        + theme("by-frames", #"frames = ["ISS069-E-30000..ISS069-E-31500"]"#)
        + theme("by-time", #"captured = ["2023-04-19T13:00Z..2023-04-19T20:00Z"]"#)
        + theme("both", "title = \"EVA folder and keyword\"\n" + #"keywords = ["EVA"]"# + "\n" + #"folders = ["**/eva/**"]"#)

    @Test("each key chooses its frames; several keys must all match; frames stay in their mission galleries")
    func membershipByEachKey() async throws {
        let downlink = try Downlink()
        let summary = try await downlink.ingest(Self.everyKey)
        #expect(summary.ingested == 4)
        #expect(try downlink.ids("by-keyword") == ["ISS069-E-30001", "ISS069-E-31600"])
        #expect(try downlink.ids("by-folder") == ["ISS069-E-30001", "ISS069-E-30002"])
        #expect(try downlink.ids("by-frames") == ["ISS069-E-30001", "ISS069-E-30002"])
        #expect(try downlink.ids("by-time") == ["ISS069-E-30001", "ISS070-E-100"])
        #expect(try downlink.ids("both") == ["ISS069-E-30001"])
        #expect(try downlink.ids("iss069") == ["ISS069-E-30001", "ISS069-E-30002", "ISS069-E-31600"])
        #expect(try downlink.ids("iss070") == ["ISS070-E-100"])
        #expect(summary.themes.reselected.sorted() == ["both", "by-folder", "by-frames", "by-keyword", "by-time"])
    }

    @Test("a theme's manifest and index entry say it is a theme; its frames name their gallery and its renditions, never copies")
    func themeReferencesRenditions() async throws {
        let downlink = try Downlink()
        try await downlink.ingest(Self.everyKey)

        let manifest = try TestIngest.manifest(downlink.library, gallery: "both")
        let gallery = try #require(manifest["gallery"] as? [String: Any])
        #expect(gallery["kind"] as? String == "theme")
        #expect(gallery["title"] as? String == "EVA folder and keyword")
        let frame = try #require(try TestIngest.frames(downlink.library, gallery: "both").first)
        #expect(frame["gallery"] as? String == "iss069")
        #expect(frame["keywords"] as? [String] == ["EVA", "Hatch"])
        let renditions = try #require(frame["renditions"] as? [String: [String: Any]])
        #expect(renditions.keys.sorted() == ["large", "medium", "thumb"])
        for (_, rendition) in renditions {
            let path = try #require(rendition["path"] as? String)
            #expect(path.hasPrefix("../iss069/"))
            #expect(downlink.exists("both/\(path)"), "\(path)")
        }
        // Nothing but the manifest and its pages in a theme's folder.
        let entries = try FileManager.default.contentsOfDirectory(atPath: "\(downlink.library)/galleries/both").sorted()
        #expect(entries == ["manifest.json", "pages"])
        // A mission's own frames do not name a gallery.
        #expect(try TestIngest.frames(downlink.library, gallery: "iss069").allSatisfy { $0["gallery"] == nil })

        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(downlink.library)/galleries/index.json"))) as! [String: Any]
        let entries2 = index["galleries"] as! [[String: Any]]
        #expect(entries2.map { $0["id"] as! String } == ["iss069", "iss070", "both", "by-folder", "by-frames", "by-keyword", "by-time"])
        #expect(entries2.map { $0["kind"] as! String } == ["mission", "mission", "theme", "theme", "theme", "theme", "theme"])
        // Frames are counted once for the library, though listed in themes too.
        #expect(index["frameCount"] as? Int == 4)
        #expect(index["galleryCount"] as? Int == 7)
        let schema = try SchemaCheck.problems(galleries: "\(downlink.library)/galleries")
        #expect(schema.status == 0, "\(schema.output)")
    }

    @Test("a rule changed, added or removed takes effect on the next run without reading or decoding any frame")
    func ruleChangeWithoutDecoding() async throws {
        let downlink = try Downlink()
        try await downlink.ingest(Self.theme("walks", #"keywords = ["EVA"]"#) + Self.theme("old", #"folders = ["*/eva/*"]"#))
        #expect(try downlink.ids("walks") == ["ISS069-E-30001"])
        #expect(downlink.exists("old/manifest.json"))
        let missionPages = try FileManager.default.contentsOfDirectory(atPath: "\(downlink.library)/galleries/iss069/pages")
        let missionManifest = try Data(contentsOf: URL(fileURLWithPath: "\(downlink.library)/galleries/iss069/manifest.json"))

        // When `walks` takes another keyword, `old` goes and `frames` arrives.
        let clock = StageClock()
        let summary = try await downlink.ingest(
            Self.theme("walks", "title = \"Spacewalks\"\n" + #"keywords = ["EVA", "spacewalk"]"#)
                + Self.theme("range", #"frames = ["iss069e031600"]"#), clock: clock)

        // Then nothing was read, probed or decoded, and the themes are as the new rules say.
        #expect(clock.count(.read) == 0)
        #expect(clock.count(.probe) == 0)
        #expect(clock.count(.decode) == 0)
        #expect(summary.ingested == 0)
        #expect(try downlink.ids("walks") == ["ISS069-E-30001", "ISS069-E-31600"])
        #expect(try downlink.ids("range") == ["ISS069-E-31600"])
        #expect(!downlink.exists("old/manifest.json"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(downlink.library)/galleries/old/pages").isEmpty)
        #expect(summary.themes.removed == ["old"])
        #expect(summary.themes.reselected.sorted() == ["range", "walks"])
        #expect(summary.themes.joined == 2)
        #expect((try TestIngest.manifest(downlink.library, gallery: "walks")["gallery"] as? [String: Any])?["title"] as? String == "Spacewalks")
        // The mission gallery was not touched.
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(downlink.library)/galleries/iss069/pages") == missionPages)
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(downlink.library)/galleries/iss069/manifest.json")) == missionManifest)
        let index = try String(contentsOfFile: "\(downlink.library)/galleries/index.json", encoding: .utf8)
        #expect(!index.contains("\"old\""))

        // And a run with the same rules changes nothing.
        let again = try await downlink.ingest(
            Self.theme("walks", "title = \"Spacewalks\"\n" + #"keywords = ["EVA", "spacewalk"]"#)
                + Self.theme("range", #"frames = ["iss069e031600"]"#))
        #expect(again.isQuiet)
        #expect(again.galleryFilesWritten == 0)
    }

    @Test("a new frame that matches joins its theme; a frame whose file is gone leaves it")
    func framesJoinAndLeave() async throws {
        let downlink = try Downlink()
        let rules = Self.theme("walks", #"folders = ["**/eva/*"]"#)
        try await downlink.ingest(rules)
        #expect(try downlink.ids("walks") == ["ISS069-E-30001", "ISS069-E-30002"])

        _ = downlink.folder.write(try SyntheticImage.jpeg(width: 200, height: 100), to: "in/late/eva/ISS069-E-40000.jpg")
        try FileManager.default.removeItem(atPath: "\(downlink.source)/2023-04-19/eva/ISS069-E-30001.jpg")
        let summary = try await downlink.ingest(rules)
        #expect(summary.ingested == 1)
        #expect(summary.removed == 1)
        #expect(try downlink.ids("walks") == ["ISS069-E-30002", "ISS069-E-40000"])
        let schema = try SchemaCheck.problems(galleries: "\(downlink.library)/galleries")
        #expect(schema.status == 0, "\(schema.output)")
    }

    @Test("verify checks theme galleries and finds nothing wrong; a theme's edited page is repaired")
    func verifyKnowsThemes() async throws {
        let downlink = try Downlink()
        let toml = Self.theme("walks", #"keywords = ["EVA"]"#)
        try await downlink.ingest(toml)
        try Data(toml.utf8).write(to: URL(fileURLWithPath: "\(downlink.library)/cupola.toml"))
        let clean = try CLI.run(["verify", "--library", downlink.library, "--json"])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        let page = try #require(try FileManager.default.contentsOfDirectory(atPath: "\(downlink.library)/galleries/walks/pages").first)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: "\(downlink.library)/galleries/walks/pages/\(page)"))
        let damaged = try CLI.run(["verify", "--library", downlink.library, "--json"])
        #expect(damaged.status != 0)
        #expect(damaged.stdout.contains("walks/pages/"))
        let repaired = try CLI.run(["verify", "--repair", "--library", downlink.library, "--json"])
        #expect(repaired.status == 0, "\(repaired.stdout)\(repaired.stderr)")
        #expect(downlink.exists("walks/manifest.json"))
        #expect(try downlink.ids("walks") == ["ISS069-E-30001"])
    }
}

/// The bundled samples with the bundled settings, as `make run` ingests them.
@Suite("Sample themes")
struct SampleThemeTests {
    @Test("Samples/cupola.toml's themes select the sample frames their keywords and frame ids name")
    func sampleThemes() throws {
        let sample = try SampleLibrary()
        let config = Corpus.repository.appendingPathComponent("Samples/cupola.toml").path
        let result = try sample.ingestCommand(["--config", config, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let ids = { (gallery: String) in try TestIngest.frames(sample.library, gallery: gallery).map { $0["id"] as! String } }
        #expect(try ids("spacewalks").sorted() == ["AS11-40-5903", "GT4-43-3550"])
        #expect(try ids("earth-views").sorted() == ["SL4-143-4706", "STS41B-35-1601"])
        let walks = try TestIngest.frames(sample.library, gallery: "spacewalks")
        #expect(Set(walks.map { $0["gallery"] as! String }) == ["as11", "gt4"])
        #expect(walks.contains { $0["title"] as? String == "First American spacewalk" })
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(sample.library)/galleries/index.json"))) as! [String: Any]
        let entries = index["galleries"] as! [[String: Any]]
        #expect(entries.suffix(2).map { $0["id"] as! String } == ["earth-views", "spacewalks"])
        #expect(entries.dropLast(2).allSatisfy { $0["kind"] as? String != "theme" })
        let schema = try SchemaCheck.problems(galleries: "\(sample.library)/galleries")
        #expect(schema.status == 0, "\(schema.output)")
    }
}
