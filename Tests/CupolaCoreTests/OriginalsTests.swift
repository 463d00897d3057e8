import CupolaCore
import CupolaFixtures
import Crypto
import Foundation
import Testing

@Suite("Keeping originals in the library")
struct OriginalsTests {
    static func sha(_ file: URL) throws -> String {
        SHA256.hash(data: try Data(contentsOf: file)).map { String(format: "%02x", $0) }.joined()
    }

    @Test("--originals copy keeps a verified copy; the frame outlives its source, and regenerate reads the copy")
    func copy() throws {
        let folder = TemporaryFolder()
        let downlink = try SampleFolder.make(in: folder)
        let library = folder.url.appendingPathComponent("library").path
        let first = try CLI.run(["ingest", downlink.path, "--library", library, "--originals", "copy"])
        #expect(first.status == 0, "\(first.stderr)")
        let copy = URL(fileURLWithPath: "\(library)/originals/iss069/ISS069-E-12345.jpg")
        #expect(try Self.sha(copy) == (try Self.sha(downlink.appendingPathComponent("iss069e012345.jpg"))))
        #expect(FileManager.default.fileExists(atPath: downlink.appendingPathComponent("iss069e012345.jpg").path))
        let again = try CLI.run(["ingest", downlink.path, "--library", library, "--originals", "copy"])
        #expect(again.status == 0 && again.stderr.isEmpty, "\(again.stderr)")
        try FileManager.default.removeItem(at: downlink.appendingPathComponent("iss069e012345.jpg"))
        let afterDelete = try CLI.run(["ingest", downlink.path, "--library", library, "--json"])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(afterDelete.stdout.utf8)) as? [String: Any])
        #expect(summary["removed"] as? Int == 0)
        #expect(try TestIngest.manifest(library, gallery: "iss069")["frameCount"] as? Int == 9)
        let regenerate = try CLI.run(["regenerate", "--library", library, "--force", "--frames", "ISS069-E-12345", "--json"])
        #expect(regenerate.status == 0, "\(regenerate.stdout)")
        let verify = try CLI.run(["verify", "--library", library, "--deep"])
        #expect(verify.status == 0, "\(verify.stdout)")
    }

    @Test("--originals move empties the source only after the copy is verified and committed")
    func move() throws {
        let folder = TemporaryFolder()
        let downlink = try SampleFolder.make(in: folder)
        _ = folder.write(BadFiles.notAnImage, to: "downlink/ISS070-E-1.JPG")
        let library = folder.url.appendingPathComponent("library").path
        let before = try FileManager.default.contentsOfDirectory(atPath: downlink.path).count
        let result = try CLI.run(["ingest", downlink.path, "--library", library, "--originals", "move"])
        #expect(result.status == 1)
        // The rejected file stays where it was; every ingested one moved into the library.
        #expect(try FileManager.default.contentsOfDirectory(atPath: downlink.path) == ["ISS070-E-1.JPG"])
        let copies = FileManager.default.enumerator(atPath: "\(library)/originals")?.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".jpg") } ?? []
        #expect(copies.count == before - 1)
        #expect(try TestIngest.frames(library).count == before - 1)
        let again = try CLI.run(["ingest", downlink.path, "--library", library, "--originals", "move"])
        #expect(again.status == 0 && again.stderr.isEmpty, "\(again.stderr)")
        #expect(try TestIngest.frames(library).count == before - 1)
    }
}
