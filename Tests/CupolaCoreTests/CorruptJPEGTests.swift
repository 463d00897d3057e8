import CupolaCore
import CupolaFixtures
import Foundation
import Testing

/// libjpeg calls damaged scan data a warning and carries on with grey; Cupola must not.
@Suite("Corrupt and lying JPEGs")
struct CorruptJPEGTests {
    @Test("a scan that meets end-of-image early is truncated, not a frame with a grey band")
    func scanCutShort() throws {
        let damaged = try BadFiles.scanCutShort()

        let error = #expect(throws: ImagingError.self) {
            try RenditionRenderer().render(damaged, specs: Settings().renditions)
        }

        #expect(error?.description == "truncated image (libjpeg: Corrupt JPEG data: premature end of data segment)")
    }

    @Test("stray bytes before the end-of-image marker make the image corrupt")
    func extraneousBytes() throws {
        let damaged = try BadFiles.extraneousBytes()

        let error = #expect(throws: ImagingError.self) {
            try RenditionRenderer().render(damaged, specs: Settings().renditions)
        }

        let reason = error?.description ?? ""
        #expect(reason.hasPrefix("corrupt image (libjpeg: Corrupt JPEG data: "), "\(reason)")
        #expect(reason.hasSuffix(" extraneous bytes before marker 0xd9)"), "\(reason)")
    }

    @Test("a 640×426 JPEG whose frame header claims 12000×12000 is rejected as truncated, with no renditions")
    func lyingSize() throws {
        let folder = TemporaryFolder()
        let inbox = folder.folder("inbox")
        try BadFiles.jpegClaiming(width: 12000, height: 12000).write(to: inbox.appendingPathComponent("ISS070-E-1.JPG"))
        try BadFiles.scanCutShort().write(to: inbox.appendingPathComponent("ISS070-E-2.JPG"))
        try BadFiles.extraneousBytes().write(to: inbox.appendingPathComponent("ISS070-E-3.JPG"))
        try SyntheticImage.jpeg(width: 640, height: 426).write(to: inbox.appendingPathComponent("ISS070-E-4.JPG"))
        let library = folder.url.appendingPathComponent("library").path

        let result = try CLI.run(["ingest", inbox.path, "--library", library, "--json"])

        #expect(result.status == 1)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(summary["ingested"] as? Int == 1)
        let problems = Dictionary(uniqueKeysWithValues: (summary["problems"] as? [[String: Any]] ?? []).map {
            ($0["file"] as? String ?? "", $0["reason"] as? String ?? "")
        })
        #expect(problems["inbox/ISS070-E-1.JPG"]?.hasPrefix("truncated image") == true, "\(problems)")
        #expect(problems["inbox/ISS070-E-2.JPG"]?.hasPrefix("truncated image") == true, "\(problems)")
        #expect(problems["inbox/ISS070-E-3.JPG"]?.hasPrefix("corrupt image") == true, "\(problems)")
        for stem in ["ISS070-E-1", "ISS070-E-2", "ISS070-E-3"] {
            #expect(!FileManager.default.fileExists(atPath: "\(library)/galleries/iss070/large/\(stem).jpg"))
        }
        let frames = try TestIngest.frames(library)
        #expect(frames.map { $0["id"] as? String } == ["ISS070-E-4"])
    }
}
