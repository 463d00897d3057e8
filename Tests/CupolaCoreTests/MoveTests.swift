import CupolaCore
import CupolaFixtures
import Foundation
import Testing

/// Files renamed or moved inside a SOURCE between two runs: the same bytes at a new path are the
/// same frame, and the library must end as a fresh ingest of the moved tree would make it.
@Suite("Moves inside a SOURCE")
struct MoveTests {
    static func summary(_ result: CLI.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
    }

    static func inode(_ path: String) throws -> UInt64 {
        try (FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
    }

    @Test("a sub-folder renamed inside a SOURCE keeps its frames: nothing decoded, no warning, the same library as a fresh ingest")
    func renamedFolder() throws {
        // Given a SOURCE with a folder of frames, one of whose ids another folder also has.
        let folder = TemporaryFolder()
        let source = folder.folder("S5")
        _ = folder.write(try SyntheticImage.jpeg(width: 300, height: 200), to: "S5/a/ISS069-E-12350.JPG")
        for sample in SampleDownlink.frames { _ = folder.write(try sample.jpeg(), to: "S5/b/\(sample.fileName)") }
        let library = folder.url.appendingPathComponent("library").path
        let first = try CLI.run(["ingest", source.path, "--library", library, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let thumb = "\(library)/galleries/iss069/thumb/ISS069-E-12341.jpg"
        let thumbInode = try Self.inode(thumb)

        // When the folder is renamed and the SOURCE ingested again.
        try FileManager.default.moveItem(at: source.appendingPathComponent("b"), to: source.appendingPathComponent("c"))
        let preview = try Self.summary(try CLI.run(["ingest", source.path, "--library", library, "--dry-run", "--json"]))
        #expect(preview["moved"] as? Int == SampleDownlink.frames.count)
        #expect(preview["pending"] as? Int == 0)
        let again = try CLI.run(["ingest", source.path, "--library", library, "--json"])

        // Then every frame moved, none was read or removed, and no frame id is said to be shared
        // with a file that is gone.
        #expect(again.status == 0, "\(again.stderr)")
        let summary = try Self.summary(again)
        #expect(summary["moved"] as? Int == SampleDownlink.frames.count)
        #expect(summary["ingested"] as? Int == 0)
        #expect(summary["removed"] as? Int == 0)
        let shared = summary["sharedIds"] as? [[String: Any]] ?? []
        #expect(shared.count == 1)
        #expect(shared.first?["files"] as? [String] == ["S5/a/ISS069-E-12350.JPG", "S5/c/ISS069-E-12350.JPG"], "\(shared)")
        #expect(!again.stderr.contains("S5/b/"), "\(again.stderr)")
        #expect(try Self.inode(thumb) == thumbInode, "the rendition was written again")

        // And the library is the one a fresh ingest of the moved tree makes, file for file.
        let fresh = folder.url.appendingPathComponent("fresh").path
        #expect(try CLI.run(["ingest", source.path, "--library", fresh]).status == 0)
        let moved = try TestIngest.galleryFiles(library), made = try TestIngest.galleryFiles(fresh)
        #expect(moved.keys.sorted() == made.keys.sorted())
        for (file, data) in made { #expect(moved[file] == data, "\(file) differs from a fresh ingest") }
        let sources = try TestIngest.frames(library).compactMap { $0["source"] as? String }
        #expect(sources.allSatisfy { !$0.hasPrefix("S5/b/") }, "\(sources)")

        // And a third run has nothing to do.
        let third = try CLI.run(["ingest", source.path, "--library", library])
        #expect(third.status == 0)
        #expect(third.stderr.isEmpty, "\(third.stderr)")
        let verify = try CLI.run(["verify", "--library", library, "--deep"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test("a file renamed to another frame id, and one copied elsewhere then deleted, are moved without a decode")
    func renamedAndCopied() throws {
        let folder = TemporaryFolder()
        let source = folder.folder("in")
        _ = folder.write(try SyntheticImage.jpeg(width: 320, height: 200), to: "in/ISS069-E-100.JPG")
        _ = folder.write(try SyntheticImage.jpeg(width: 330, height: 200), to: "in/ISS069-E-200.JPG")
        let library = folder.url.appendingPathComponent("library").path
        #expect(try CLI.run(["ingest", source.path, "--library", library]).status == 0)

        // A name corrected to another expedition, and a copy (new inode) replacing its original.
        try FileManager.default.moveItem(at: source.appendingPathComponent("ISS069-E-100.JPG"),
                                         to: source.appendingPathComponent("ISS070-E-100.JPG"))
        try FileManager.default.copyItem(at: source.appendingPathComponent("ISS069-E-200.JPG"),
                                         to: folder.folder("in/sub").appendingPathComponent("ISS069-E-200.JPG"))
        try FileManager.default.removeItem(at: source.appendingPathComponent("ISS069-E-200.JPG"))
        let again = try Self.summary(try CLI.run(["ingest", source.path, "--library", library, "--json"]))
        #expect(again["moved"] as? Int == 2)
        #expect(again["ingested"] as? Int == 0)
        let verify = try CLI.run(["verify", "--library", library, "--deep"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")

        let fresh = folder.url.appendingPathComponent("fresh").path
        #expect(try CLI.run(["ingest", source.path, "--library", fresh]).status == 0)
        let moved = try TestIngest.galleryFiles(library), made = try TestIngest.galleryFiles(fresh)
        #expect(moved.keys.sorted() == made.keys.sorted())
        for (file, data) in made { #expect(moved[file] == data, "\(file) differs from a fresh ingest") }
    }

    @Test("a deleted file replaced by another with the same frame id elsewhere takes the plain name")
    func replacedFrameKeepsPlainName() throws {
        let folder = TemporaryFolder()
        let source = folder.folder("in")
        _ = folder.write(try SyntheticImage.jpeg(width: 320, height: 200), to: "in/b/ISS069-E-100.JPG")
        let library = folder.url.appendingPathComponent("library").path
        #expect(try CLI.run(["ingest", source.path, "--library", library]).status == 0)
        try FileManager.default.removeItem(at: source.appendingPathComponent("b/ISS069-E-100.JPG"))
        _ = folder.write(try SyntheticImage.jpeg(width: 400, height: 200), to: "in/c/ISS069-E-100.JPG")
        let again = try CLI.run(["ingest", source.path, "--library", library, "--json"])
        let summary = try Self.summary(again)
        #expect(summary["ingested"] as? Int == 1)
        #expect(summary["removed"] as? Int == 1)
        #expect((summary["sharedIds"] as? [Any] ?? []).isEmpty, "\(again.stdout)")
        #expect(FileManager.default.fileExists(atPath: "\(library)/galleries/iss069/thumb/ISS069-E-100.jpg"))
    }

    @Test("--originals copy: a file renamed to another frame id takes its library copy along, and verify finds it whole")
    func renamedWithCopiedOriginal() throws {
        let folder = TemporaryFolder()
        let source = folder.folder("in")
        let jpeg = try SyntheticImage.jpeg(width: 320, height: 200)
        _ = folder.write(jpeg, to: "in/ISS069-E-100.JPG")
        let library = folder.url.appendingPathComponent("library").path
        #expect(try CLI.run(["ingest", source.path, "--library", library, "--originals", "copy"]).status == 0)
        try FileManager.default.moveItem(at: source.appendingPathComponent("ISS069-E-100.JPG"),
                                         to: source.appendingPathComponent("ISS070-E-100.JPG"))
        let again = try Self.summary(try CLI.run(["ingest", source.path, "--library", library, "--originals", "copy", "--json"]))
        #expect(again["moved"] as? Int == 1)
        #expect(FileManager.default.contents(atPath: "\(library)/originals/iss070/ISS070-E-100.jpg") == jpeg)
        #expect(!FileManager.default.fileExists(atPath: "\(library)/originals/iss069/ISS069-E-100.jpg"))
        let verify = try CLI.run(["verify", "--library", library, "--deep"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }
}
