import CupolaCore
import CupolaFixtures
import Foundation
import Testing

/// The same bytes under two names: both are frames (each filed by its own name), the second gets
/// the first's renditions under its own names instead of a second decode, and the summary says so.
@Suite("Files with the same content")
struct SameContentTests {
    static func inode(_ path: String) throws -> UInt64 {
        try (FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
    }

    @Test("a copy under another name shares the first frame's renditions and is named in the summary")
    func copyUnderAnotherName() throws {
        // Given one picture under two names in one run, and a third copy arriving in a later run.
        let folder = TemporaryFolder()
        let source = folder.folder("in")
        let jpeg = try SyntheticImage.jpeg(width: 600, height: 400)
        _ = folder.write(jpeg, to: "in/ISS069-E-100.JPG")
        _ = folder.write(jpeg, to: "in/ISS069-E-101.JPG")
        let library = folder.url.appendingPathComponent("library").path

        // When it is ingested (one worker: two workers could decode both copies at once).
        let first = try CLI.run(["ingest", source.path, "--library", library, "--jobs", "1", "--json"])

        // Then both are frames, the second made from the first's renditions, and the summary says so.
        #expect(first.status == 0, "\(first.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        #expect(summary["ingested"] as? Int == 2)
        let same = try #require(summary["sameContent"] as? [[String: String]])
        #expect(same == [["file": "in/ISS069-E-101.JPG", "sameAs": "in/ISS069-E-100.JPG"]])
        let galleries = "\(library)/galleries/iss069"
        for rendition in ["large", "medium", "thumb"] {
            #expect(try Self.inode("\(galleries)/\(rendition)/ISS069-E-101.jpg") == (try Self.inode("\(galleries)/\(rendition)/ISS069-E-100.jpg")))
        }
        let frames = try TestIngest.frames(library)
        #expect(Set(frames.compactMap { $0["id"] as? String }) == ["ISS069-E-100", "ISS069-E-101"])

        // And a later copy is found through the catalog, and the text summary names it.
        _ = folder.write(jpeg, to: "in/later/ISS070-E-7.JPG")
        let later = try CLI.run(["ingest", source.path, "--library", library])
        #expect(later.status == 0)
        #expect(later.stderr.contains("in/later/ISS070-E-7.JPG: same content as in/ISS069-E-100.JPG; renditions shared"), "\(later.stderr)")
        #expect(later.stderr.contains("1 with the same content as another frame"), "\(later.stderr)")
        #expect(try Self.inode("\(library)/galleries/iss070/thumb/ISS070-E-7.jpg") == (try Self.inode("\(galleries)/thumb/ISS069-E-100.jpg")))

        // And the library equals a fresh ingest of the same tree.
        let fresh = folder.url.appendingPathComponent("fresh").path
        #expect(try CLI.run(["ingest", source.path, "--library", fresh]).status == 0)
        let incremental = try TestIngest.galleryFiles(library), made = try TestIngest.galleryFiles(fresh)
        #expect(incremental.keys.sorted() == made.keys.sorted())
        for (file, data) in made { #expect(incremental[file] == data, "\(file) differs from a fresh ingest") }
    }

    @Test("removing the first frame leaves the copy's renditions whole")
    func firstRemoved() throws {
        let folder = TemporaryFolder()
        let source = folder.folder("in")
        let jpeg = try SyntheticImage.jpeg(width: 500, height: 400)
        _ = folder.write(jpeg, to: "in/ISS069-E-100.JPG")
        _ = folder.write(jpeg, to: "in/ISS069-E-101.JPG")
        let library = folder.url.appendingPathComponent("library").path
        #expect(try CLI.run(["ingest", source.path, "--library", library, "--jobs", "1"]).status == 0)
        try FileManager.default.removeItem(at: source.appendingPathComponent("ISS069-E-100.JPG"))
        #expect(try CLI.run(["ingest", source.path, "--library", library]).status == 0)
        let verify = try CLI.run(["verify", "--library", library])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(library)/galleries/iss069/thumb/ISS069-E-100.jpg"))
        #expect(FileManager.default.fileExists(atPath: "\(library)/galleries/iss069/thumb/ISS069-E-101.jpg"))
    }
}
