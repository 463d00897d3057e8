import CupolaCore
import CupolaFixtures
import Foundation
import Testing

@Suite("Regenerate and verify")
struct MaintenanceTests {
    static let renditions = """
        [[rendition]]
        name = "large"
        size = 2048
        quality = 85
        [[rendition]]
        name = "medium"
        size = 1024
        quality = 85
        [[rendition]]
        name = "thumb"
        size = %THUMB%
        quality = %QUALITY%
        format = "%FORMAT%"
        """

    static func settings(thumb: Int = 256, quality: Int = 80, format: String = "jpeg") -> String {
        renditions.replacingOccurrences(of: "%THUMB%", with: "\(thumb)")
            .replacingOccurrences(of: "%QUALITY%", with: "\(quality)")
            .replacingOccurrences(of: "%FORMAT%", with: format)
    }

    @Test("the default settings written out in full make nothing stale")
    func sameSettingsNothingStale() async throws {
        let fixture = try await SampleLibrary.ingested()
        try fixture.settings(Self.settings())
        let summary = try fixture.json(["regenerate"])
        #expect(summary["renditionsRebuilt"] as? Int == 0)
    }

    @Test("changing one setting of the thumb rebuilds exactly the thumbs", arguments: [
        ("size", settings(thumb: 200)), ("quality", settings(quality: 60)), ("format", settings(format: "webp")),
    ])
    func onlyThumbsRebuilt(change: String, settings: String) async throws {
        let fixture = try await SampleLibrary.ingested()
        let largeBefore = try fixture.modified("iss069/large/ISS069-E-12345.jpg")
        try fixture.settings(settings)
        let stale = try fixture.json(["ingest", fixture.downlink.path])
        #expect(stale["staleRenditions"] as? Int == SampleDownlink.frames.count, "ingest reports the stale count")
        let dry = try fixture.json(["regenerate", "--dry-run"])
        #expect(dry["renditionsStale"] as? Int == SampleDownlink.frames.count)
        let summary = try fixture.json(["regenerate"])
        #expect(summary["renditionsRebuilt"] as? Int == SampleDownlink.frames.count, "\(change)")
        #expect(summary["framesRebuilt"] as? Int == SampleDownlink.frames.count)
        // 480 px samples: a 200 px thumb can come from the 480 px renditions (at least twice its
        // size); a 256 px one cannot, so quality and format changes decode the originals.
        #expect(summary["framesDerived"] as? Int == (change == "size" ? SampleDownlink.frames.count : 0))
        #expect(try fixture.modified("iss069/large/ISS069-E-12345.jpg") == largeBefore)
        let frame = try #require(try TestIngest.frames(fixture.library).first { $0["id"] as? String == "ISS069-E-12350" })
        let thumb = (frame["renditions"] as! [String: [String: Any]])["thumb"]!
        switch change {
        case "size": #expect(thumb["height"] as? Int == 200)
        case "format": #expect((thumb["path"] as? String)?.hasSuffix(".webp") == true)
        default: break
        }
        let again = try fixture.json(["regenerate"])
        #expect(again["renditionsRebuilt"] as? Int == 0)
        let schema = try SchemaCheck.problems(galleries: "\(fixture.library)/galleries")
        #expect(schema.status == 0, "\(schema.output)")
    }

    @Test("--from-rendition derives the stale thumbs from the current large rendition")
    func fromRendition() async throws {
        let fixture = try await SampleLibrary.ingested()
        try fixture.settings(Self.settings(thumb: 128))
        let summary = try fixture.json(["regenerate", "--from-rendition", "large"])
        #expect(summary["renditionsRebuilt"] as? Int == SampleDownlink.frames.count)
        #expect(summary["framesDerived"] as? Int == SampleDownlink.frames.count)
        let frame = try #require(try TestIngest.frames(fixture.library).first { $0["id"] as? String == "ISS069-E-12350" })
        let thumb = (frame["renditions"] as! [String: [String: Any]])["thumb"]!
        #expect(thumb["height"] as? Int == 128)
        #expect(thumb["width"] as? Int == 85)
        let verify = try fixture.cupola(["verify", "--deep"])
        #expect(verify.status == 0, "\(verify.stdout)")
    }

    @Test("derived thumbs match thumbs from the originals; --from-originals and --force decode the originals")
    func derivedMatchesOriginals() async throws {
        let derived = try await SampleLibrary.ingested()
        let decoded = try await SampleLibrary.ingested()
        for fixture in [derived, decoded] { try fixture.settings(Self.settings(thumb: 160)) }
        #expect(try derived.json(["regenerate"])["framesDerived"] as? Int == SampleDownlink.frames.count)
        let fromOriginals = try decoded.json(["regenerate", "--from-originals"])
        #expect(fromOriginals["framesDerived"] as? Int == 0)
        #expect(fromOriginals["renditionsRebuilt"] as? Int == SampleDownlink.frames.count)
        let thumbs = try FileManager.default.subpathsOfDirectory(atPath: "\(derived.library)/galleries")
            .filter { $0.contains("/thumb/") }
        #expect(thumbs.count == SampleDownlink.frames.count)
        for relative in thumbs {
            let a = try Data(contentsOf: URL(fileURLWithPath: "\(derived.library)/galleries/\(relative)"))
            let b = try Data(contentsOf: URL(fileURLWithPath: "\(decoded.library)/galleries/\(relative)"))
            let difference = try #require(ImageComparison.meanAbsoluteDifference(a, b), "\(relative)")
            #expect(difference < 3, "\(relative): \(difference)")
        }
        try derived.settings(Self.settings(thumb: 150))
        #expect(try derived.json(["regenerate", "--force", "--rendition", "thumb"])["framesDerived"] as? Int == 0)
        // Larger renditions made with settings that have since changed are no source, even when
        // only the thumbs are selected for rebuilding.
        try derived.settings(Self.settings(thumb: 140).replacingOccurrences(of: "quality = 85", with: "quality = 70"))
        let outdated = try derived.json(["regenerate", "--rendition", "thumb"])
        #expect(outdated["renditionsRebuilt"] as? Int == SampleDownlink.frames.count)
        #expect(outdated["framesDerived"] as? Int == 0)
    }

    @Test("a damaged source rendition is passed over for the original")
    func damagedBase() async throws {
        let fixture = try await SampleLibrary.ingested()
        try fixture.settings(Self.settings(thumb: 200))
        // Same length, no longer a JPEG: only a decode can tell. The other 480 px rendition is
        // the same size, so damage both of this frame's candidates.
        for rendition in ["large", "medium"] {
            let path = "\(fixture.library)/galleries/iss069/\(rendition)/ISS069-E-12341.jpg"
            let size = try Data(contentsOf: URL(fileURLWithPath: path)).count
            try Data(count: size).write(to: URL(fileURLWithPath: path))
        }
        let summary = try fixture.json(["regenerate"])
        #expect(summary["renditionsRebuilt"] as? Int == SampleDownlink.frames.count)
        #expect(summary["framesDerived"] as? Int == SampleDownlink.frames.count - 1)
        #expect((summary["problems"] as? [Any])?.isEmpty == true)
        let thumb = try Data(contentsOf: URL(fileURLWithPath: "\(fixture.library)/galleries/iss069/thumb/ISS069-E-12341.jpg"))
        #expect(ImageComparison.size(thumb).map { [$0.width, $0.height] } == [200, 133])
    }

    @Test("filters: one gallery, one rendition, a frame pattern; --force rebuilds up-to-date renditions")
    func filters() async throws {
        let fixture = try await SampleLibrary.ingested()
        let gallery = try fixture.json(["regenerate", "--force", "--gallery", "iss072"])
        #expect(gallery["renditionsRebuilt"] as? Int == 2 * 3)
        #expect(gallery["galleries"] as? [String] == ["iss072"])
        let rendition = try fixture.json(["regenerate", "--force", "--rendition", "medium", "--gallery", "iss069"])
        #expect(rendition["renditionsRebuilt"] as? Int == 9)
        let pattern = try fixture.json(["regenerate", "--force", "--frames", "ISS069-E-1234[12]"])
        #expect(pattern["renditionsRebuilt"] as? Int == 2 * 3)
    }

    @Test("a rendition dropped from the settings is listed, and removed with --prune")
    func prune() async throws {
        let fixture = try await SampleLibrary.ingested()
        try fixture.settings("[[rendition]]\nname = \"large\"\nsize = 2048\nquality = 85\n[[rendition]]\nname = \"thumb\"\nsize = 256\nquality = 80\n")
        let listed = try fixture.json(["regenerate"])
        #expect((listed["obsolete"] as? [String])?.count == SampleDownlink.frames.count)
        #expect(FileManager.default.fileExists(atPath: "\(fixture.library)/galleries/iss069/medium/ISS069-E-12345.jpg"))
        let pruned = try fixture.json(["regenerate", "--prune"])
        #expect(pruned["pruned"] as? Int == SampleDownlink.frames.count)
        #expect(!FileManager.default.fileExists(atPath: "\(fixture.library)/galleries/iss069/medium/ISS069-E-12345.jpg"))
        let frame = try #require(try TestIngest.frames(fixture.library).first)
        #expect((frame["renditions"] as! [String: Any]).keys.sorted() == ["large", "thumb"])
    }

    @Test("verify --deep finds each kind of damage; --repair fixes all but the changed and the deleted original")
    func verifyAndRepair() async throws {
        let fixture = try await SampleLibrary.ingested()
        let clean = try fixture.cupola(["verify", "--deep"])
        #expect(clean.status == 0, "\(clean.stdout)")
        let galleries = "\(fixture.library)/galleries"
        try FileManager.default.removeItem(atPath: "\(galleries)/iss069/thumb/ISS069-E-12341.jpg")
        let medium = "\(galleries)/iss069/medium/ISS069-E-12342.jpg"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: medium))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: medium))
        var manifest = try String(contentsOfFile: "\(galleries)/iss071/manifest.json", encoding: .utf8)
        manifest = manifest.replacingOccurrences(of: "Expedition 71", with: "Expedition 71 (edited)")
        try manifest.write(toFile: "\(galleries)/iss071/manifest.json", atomically: true, encoding: .utf8)
        try SyntheticImage.jpeg(width: 300, height: 200).write(to: fixture.downlink.appendingPathComponent("ISS072-E-118384.JPG"))
        try FileManager.default.removeItem(at: fixture.downlink.appendingPathComponent("STS102-E-5223.JPG"))

        let report = try fixture.json(["verify", "--deep"])
        let kinds = Set((report["problems"] as! [[String: Any]]).map { "\($0["kind"]!) \($0["file"]!)" })
        #expect(kinds.contains { $0.hasPrefix("rendition missing") && $0.hasSuffix("thumb/ISS069-E-12341.jpg") })
        #expect(kinds.contains { $0.hasPrefix("rendition damaged") && $0.hasSuffix("medium/ISS069-E-12342.jpg") })
        #expect(kinds.contains { $0.hasPrefix("manifest differs") && $0.hasSuffix("iss071/manifest.json") })
        #expect(kinds.contains { $0.hasPrefix("original changed") && $0.hasSuffix("ISS072-E-118384.JPG") })
        #expect(kinds.contains { $0.hasPrefix("original missing") && $0.hasSuffix("STS102-E-5223.JPG") })
        #expect(report["whole"] as? Bool == false)

        let repair = try fixture.cupola(["verify", "--deep", "--repair", "--json"])
        #expect(repair.status == 1)
        let repaired = try #require(try JSONSerialization.jsonObject(with: Data(repair.stdout.utf8)) as? [String: Any])
        let remaining = (repaired["problems"] as! [[String: Any]]).map { $0["kind"] as! String }.sorted()
        #expect(remaining == ["original changed", "original missing"])
        #expect((repaired["repaired"] as! [[String: Any]]).count == 3)
        #expect(FileManager.default.fileExists(atPath: "\(galleries)/iss069/thumb/ISS069-E-12341.jpg"))
        #expect(try String(contentsOfFile: "\(galleries)/iss071/manifest.json", encoding: .utf8).contains("(edited)") == false)
        let shallow = try fixture.cupola(["verify"])
        #expect(shallow.status == 0, "\(shallow.stdout)")
    }
}
