import CupolaCore
import CupolaFixtures
import Foundation
import Testing

/// HEIF as phones write it: EXIF in HEIF's own wrapping, rotation done by libheif.
@Suite("HEIF frames")
struct HEIFTests {
    static var exif: ExifBuilder {
        var exif = ExifBuilder()
        exif.make = "Nokia"
        exif.model = "Nokia 8.3 5G"
        exif.dateTimeOriginal = "2023:04:02 10:11:12"
        exif.exposureTime = (1, 250)
        exif.iso = 400
        exif.gps = (latitude: 60.17, longitude: 24.94, altitude: 12)
        return exif
    }

    @Test("the EXIF reader accepts HEIF's wrapping (offset, then TIFF) and bare TIFF as well as Exif\\0\\0")
    func exifWrappings() throws {
        let jpegForm = Self.exif.build()
        let tiff = jpegForm.dropFirst(6)
        let wrappings: [String: Data] = [
            "JPEG APP1": jpegForm,
            "HEIF offset 0": Data([0, 0, 0, 0]) + tiff,
            "HEIF offset 6 (Apple)": Data([0, 0, 0, 6]) + jpegForm,
            "bare TIFF": Data(tiff),
        ]
        for (name, block) in wrappings {
            let metadata = MetadataReader().read(exif: block)

            #expect(metadata.warnings.isEmpty, "\(name): \(metadata.warnings)")
            #expect(metadata.make == "Nokia", "\(name)")
            #expect(metadata.iso == 400, "\(name)")
            #expect(metadata.exposureTime == 0.004, "\(name)")
            #expect(metadata.gps != nil, "\(name)")
            #expect(metadata.captured == "2023-04-02T10:11:12Z", "\(name)")
        }
    }

    @Test("a HEIF whose EXIF item has offset 0 (Nokia) is ingested with its exposure, ISO and GPS",
          .enabled(if: HEIFFixtures.canEncode, "libvips cannot write HEIF here"))
    func nokiaExif() async throws {
        let folder = TemporaryFolder()
        let heif = try HEIFFixtures.withBareTIFFExif(try SyntheticImage.heif(width: 320, height: 240, exif: Self.exif.build()))
        _ = folder.write(heif, to: "inbox/ISS069-E-7.heic")
        let library = folder.url.appendingPathComponent("library").path

        let summary = try await TestIngest.run([folder.url.appendingPathComponent("inbox").path], library: library)

        #expect(summary.ingested == 1)
        #expect(summary.warnings.isEmpty, "\(summary.warnings)")
        let frame = try #require(try TestIngest.frames(library).first)
        #expect((frame["camera"] as? [String: Any])?["make"] as? String == "Nokia")
        #expect(frame["iso"] as? Int == 400)
        #expect(frame["exposureTime"] as? Double == 0.004)
        #expect(frame["gps"] is [String: Any])
    }

    /// Ingests one HEIF and returns its manifest entry and the size of its large rendition.
    static func ingestOne(_ heif: Data) async throws -> (frame: [String: Any], large: (Int, Int)) {
        let folder = TemporaryFolder()
        _ = folder.write(heif, to: "inbox/ISS069-E-8.heic")
        let library = folder.url.appendingPathComponent("library").path
        let summary = try await TestIngest.run([folder.url.appendingPathComponent("inbox").path], library: library)
        #expect(summary.ingested == 1, "\(summary.problems)")
        let frame = try #require(try TestIngest.frames(library).first)
        let large = try Data(contentsOf: URL(fileURLWithPath: "\(library)/galleries/iss069/large/ISS069-E-8.jpg"))
        let size = try #require(RenditionInspector.size(large))
        return (frame, (size.width, size.height))
    }

    @Test("an iPhone-style HEIC (stored 640×480, irot a quarter clockwise, EXIF orientation 6) is recorded 480×640, like its renditions",
          .enabled(if: HEIFFixtures.canEncode, "libvips cannot write HEIF here"))
    func rotatedByLibheif() async throws {
        var exif = Self.exif
        exif.orientation = 1
        let stored = try SyntheticImage.heif(width: 640, height: 480, exif: exif.build())
        let iphone = try HEIFFixtures.withRotation(3, try HEIFFixtures.withExifOrientation(6, stored))

        let (frame, large) = try await Self.ingestOne(iphone)

        #expect(large == (480, 640))
        #expect(frame["width"] as? Int == 480)
        #expect(frame["height"] as? Int == 640)
    }

    @Test("a HEIF with EXIF orientation 6 but no irot is shown as stored (HEIF's own transforms rule), and recorded so",
          .enabled(if: HEIFFixtures.canEncode, "libvips cannot write HEIF here"))
    func exifOrientationAlone() async throws {
        var exif = Self.exif
        exif.orientation = 1
        let heif = try HEIFFixtures.withExifOrientation(6, try SyntheticImage.heif(width: 640, height: 480, exif: exif.build()))

        let (frame, large) = try await Self.ingestOne(heif)

        #expect(large == (640, 480))
        #expect(frame["width"] as? Int == 640)
        #expect(frame["height"] as? Int == 480)
    }
}
