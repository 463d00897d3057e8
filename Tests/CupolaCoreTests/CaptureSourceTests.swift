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
}
