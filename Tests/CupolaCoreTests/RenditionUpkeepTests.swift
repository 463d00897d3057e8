import CupolaCore
import CupolaFixtures
import Crypto
import Foundation
import GRDB
import Testing

/// `regenerate` and `verify` on renditions that went missing or were damaged in place, and on
/// frames whose original is gone.
@Suite("Rendition upkeep: regenerate and verify")
struct RenditionUpkeepTests {
    static func sha(_ path: String) throws -> String {
        SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))).map { String(format: "%02x", $0) }.joined()
    }

    static func problems(_ report: [String: Any], _ key: String = "problems") -> [(kind: String, file: String, detail: String)] {
        (report[key] as? [[String: Any]] ?? []).map { ($0["kind"] as? String ?? "", $0["file"] as? String ?? "", $0["detail"] as? String ?? "") }
    }

    @Test("regenerate --dry-run lists a deleted thumb, and regenerate rebuilds it")
    func missingRendition() async throws {
        let fixture = try await SampleLibrary.ingested()
        let thumb = "\(fixture.library)/galleries/iss069/thumb/ISS069-E-12341.jpg"
        let before = try Data(contentsOf: URL(fileURLWithPath: thumb))
        try FileManager.default.removeItem(atPath: thumb)

        let dryRun = try fixture.cupola(["regenerate", "--dry-run"])
        let dryJSON = try fixture.json(["regenerate", "--dry-run"])

        #expect(dryRun.status == 0)
        #expect(dryRun.stderr.contains("to rebuild: iss069/thumb/ISS069-E-12341.jpg (missing)"), "\(dryRun.stderr)")
        #expect(dryJSON["renditionsStale"] as? Int == 1)
        #expect(!FileManager.default.fileExists(atPath: thumb))

        let run = try fixture.json(["regenerate"])

        #expect(run["renditionsRebuilt"] as? Int == 1, "\(run)")
        #expect(ImageComparison.size(try Data(contentsOf: URL(fileURLWithPath: thumb))).map { [$0.width, $0.height] }
                == ImageComparison.size(before).map { [$0.width, $0.height] })
        #expect(try fixture.cupola(["verify", "--deep"]).status == 0)
        #expect(try fixture.cupola(["regenerate"]).stderr.isEmpty)
    }

    @Test("each rendition's SHA-256 is recorded; verify --deep catches 200 bytes flipped in place, --repair rebuilds it")
    func damagedInPlace() async throws {
        let fixture = try await SampleLibrary.ingested()
        let medium = "\(fixture.library)/galleries/iss069/medium/ISS069-E-12345.jpg"
        let catalog = try SQLiteCatalog(path: "\(fixture.library)/catalog.sqlite", readOnly: true)
        let record = try #require(try catalog.frames(inGallery: "iss069").first { $0.id == "ISS069-E-12345" }?
            .renditions.first { $0.name == "medium" })
        #expect(record.sha256 == (try Self.sha(medium)))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: medium))
        let start = bytes.count / 2
        for index in start..<(start + 200) { bytes[index] ^= 0x5A }
        try bytes.write(to: URL(fileURLWithPath: medium))

        let report = try fixture.json(["verify", "--deep"])

        #expect(report["whole"] as? Bool == false)
        let found = Self.problems(report)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.kind == "rendition damaged")
        #expect(found.first?.file == "galleries/iss069/medium/ISS069-E-12345.jpg")
        #expect(found.first?.detail == "SHA-256 differs from the one recorded")

        let repair = try fixture.cupola(["verify", "--deep", "--repair"])

        #expect(repair.status == 0, "\(repair.stdout)")
        #expect(repair.stdout.contains("repaired: galleries/iss069/medium/ISS069-E-12345.jpg: rendition damaged"), "\(repair.stdout)")
        #expect(try fixture.cupola(["verify", "--deep"]).status == 0)
    }

    @Test("renditions recorded without a hash get one from verify --deep --repair, once found intact")
    func hashesRecordedLater() async throws {
        let fixture = try await SampleLibrary.ingested()
        // As a catalog written before hashes were kept.
        let queue = try DatabaseQueue(path: "\(fixture.library)/catalog.sqlite")
        try await queue.write { db in try db.execute(sql: "UPDATE rendition SET sha256 = NULL") }
        try queue.close()
        let unhashed = try SQLiteCatalog(path: "\(fixture.library)/catalog.sqlite", readOnly: true).frames(inGallery: "iss069")
        #expect(unhashed.allSatisfy { $0.renditions.allSatisfy { $0.sha256 == nil } })

        #expect(try fixture.cupola(["verify", "--deep", "--repair"]).status == 0)

        let frames = try SQLiteCatalog(path: "\(fixture.library)/catalog.sqlite", readOnly: true).frames(inGallery: "iss069")
        for rendition in frames.flatMap(\.renditions) {
            #expect(rendition.sha256 == (try Self.sha("\(fixture.library)/galleries/iss069/\(rendition.path)")), "\(rendition.path)")
        }
    }

    @Test("with the original gone, verify --repair rebuilds a thumb from the surviving large rendition")
    func thumbFromLarge() async throws {
        let fixture = try await SampleLibrary.ingested()
        let thumb = "\(fixture.library)/galleries/iss069/thumb/ISS069-E-12341.jpg"
        try FileManager.default.removeItem(atPath: fixture.file("iss069e012341.jpg"))
        try FileManager.default.removeItem(atPath: thumb)

        let repair = try fixture.json(["verify", "--repair"])

        #expect(repair["whole"] as? Bool == true, "\(repair)")
        #expect(Self.problems(repair, "repaired").map(\.file) == ["galleries/iss069/thumb/ISS069-E-12341.jpg"])
        let rebuilt = try Data(contentsOf: URL(fileURLWithPath: thumb))
        #expect(ImageComparison.size(rebuilt).map { [$0.width, $0.height] } == [256, 171])
        let large = try Data(contentsOf: URL(fileURLWithPath: "\(fixture.library)/galleries/iss069/large/ISS069-E-12341.jpg"))
        let fromLarge = try RenditionRenderer().render(large, specs: [RenditionSpec(name: "thumb", size: 256, quality: 80)])
        #expect(fromLarge.first?.data == rebuilt)
        let deep = try fixture.json(["verify", "--deep"])
        #expect(Self.problems(deep).map(\.kind) == ["original missing"])
    }

    @Test("with the original and every larger rendition gone, plain verify and --repair say why the thumb cannot be rebuilt")
    func nothingToRebuildFrom() async throws {
        let fixture = try await SampleLibrary.ingested()
        try FileManager.default.removeItem(atPath: fixture.file("iss069e012341.jpg"))
        for rendition in ["large", "medium", "thumb"] {
            try FileManager.default.removeItem(atPath: "\(fixture.library)/galleries/iss069/\(rendition)/ISS069-E-12341.jpg")
        }

        let verify = try fixture.cupola(["verify"])
        let repair = try fixture.cupola(["verify", "--repair"])

        for result in [verify, repair] {
            #expect(result.status == 1)
            #expect(result.stdout.contains("""
                galleries/iss069/thumb/ISS069-E-12341.jpg: rendition missing (cannot be rebuilt: the original is gone, \
                and no intact larger rendition survives to make it from)
                """), "\(result.stdout)")
        }
        #expect(!repair.stdout.contains("repaired:"))
    }

    @Test("a damaged library copy of an original: verify --deep advises a backup or the source, not `cupola ingest`")
    func damagedLibraryCopy() throws {
        let folder = TemporaryFolder()
        let downlink = try SampleFolder.make(in: folder)
        let library = folder.url.appendingPathComponent("library").path
        #expect(try CLI.run(["ingest", downlink.path, "--library", library, "--originals", "copy"]).status == 0)
        let copy = "\(library)/originals/iss069/ISS069-E-12345.jpg"
        try SyntheticImage.jpeg(width: 300, height: 200).write(to: URL(fileURLWithPath: copy))

        let result = try CLI.run(["verify", "--library", library, "--deep", "--json"])

        #expect(result.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let changed = try #require(Self.problems(report).first { $0.kind == "original changed" })
        #expect(changed.file == copy)
        #expect(!changed.detail.contains("run `cupola ingest`"), "\(changed.detail)")
        #expect(changed.detail.contains("the library's copy of the original is damaged"), "\(changed.detail)")
        #expect(changed.detail.contains("put the file back from a backup"), "\(changed.detail)")
        #expect(changed.detail.contains("or copy it back from \(downlink.appendingPathComponent("iss069e012345.jpg").path)"), "\(changed.detail)")
    }
}
