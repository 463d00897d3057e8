import CupolaCore
import CupolaFixtures
import Foundation
import Testing

/// Where a frame's capture time comes from: the shutter's tags, never the file's modify date.
@Suite("Capture time sources")
struct CaptureSourceTests {
    let reader = MetadataReader()

    func exif(original: String? = nil, digitized: String? = nil, modified: String? = nil) -> Data {
        var exif = ExifBuilder()
        exif.make = "NIKON CORPORATION"
        exif.dateTimeOriginal = original
        exif.dateTimeDigitized = digitized
        exif.dateTime = modified
        return exif.build()
    }

    @Test("DateTimeOriginal wins over DateTimeDigitized and IFD0 DateTime")
    func originalFirst() {
        let metadata = reader.read(exif: exif(original: "2023:04:02 10:11:12", digitized: "2023:04:03 00:00:00",
                                              modified: "2025:01:01 00:00:00"))
        #expect(metadata.captured == "2023-04-02T10:11:12Z")
        #expect(metadata.capturedSource == "DateTimeOriginal")
    }

    @Test("without DateTimeOriginal, DateTimeDigitized is the capture time, and says so")
    func digitizedNext() {
        let metadata = reader.read(exif: exif(digitized: "2023:04:03 01:02:03", modified: "2025:01:01 00:00:00"))
        #expect(metadata.captured == "2023-04-03T01:02:03Z")
        #expect(metadata.capturedSource == "DateTimeDigitized")
    }

    @Test("IFD0 DateTime alone (a modify date) gives no capture time")
    func modifyDateIsNotACaptureTime() {
        let metadata = reader.read(exif: exif(modified: "2025:01:01 00:00:00"))
        #expect(metadata.make == "NIKON CORPORATION", "the block was read")
        #expect(metadata.captured == nil)
        #expect(metadata.capturedSource == nil)
        #expect(metadata.warnings.isEmpty)
    }

    @Test("manifests say which tag each capture time came from, and name none for a frame without one")
    func manifestSaysWhere() async throws {
        let folder = TemporaryFolder()
        let downlink = folder.folder("downlink")
        let frames = ["ISS070-E-1.JPG": exif(original: "2023:04:02 10:11:12"), "ISS070-E-2.JPG": exif(digitized: "2023:04:03 01:02:03"),
                      "ISS070-E-3.JPG": exif(modified: "2023:04:04 00:00:00")]
        for (name, block) in frames {
            try SyntheticImage.jpeg(width: 64, height: 48, exif: block).write(to: downlink.appendingPathComponent(name))
        }
        let library = folder.url.appendingPathComponent("library").path
        try await TestIngest.run([downlink.path], library: library)
        let byId = Dictionary(uniqueKeysWithValues: try TestIngest.frames(library).map { ($0["id"] as! String, $0) })
        #expect(byId["ISS070-E-1"]?["capturedSource"] as? String == "DateTimeOriginal")
        #expect(byId["ISS070-E-2"]?["capturedSource"] as? String == "DateTimeDigitized")
        #expect(byId["ISS070-E-3"]?["captured"] is NSNull)
        #expect(byId["ISS070-E-3"]?.keys.contains("capturedSource") == false)
        #expect(try SchemaCheck.problems(galleries: "\(library)/galleries").status == 0)
    }
}
