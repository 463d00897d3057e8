@testable import CupolaCore
import CupolaFixtures
import Foundation
import Testing

/// Camera raw originals (DNG fixtures made by `SyntheticRaw`, real CFA data) go through LibRaw:
/// recognised by content, rendered upright from the embedded preview or a demosaic, with the
/// same metadata as a JPEG.
@Suite("Raw originals")
struct RawOriginalTests {
    static func nikon(orientation: Int = 1) -> ExifBuilder {
        var exif = SampleDownlink.nikon("NIKON D5", serial: "3001234", taken: "2023:05:14 10:20:30", subSeconds: "45",
                                        offset: "+02:00", orientation: orientation)
        exif.gps = (latitude: -12.5, longitude: 130.25, altitude: 420_000)
        return exif
    }

    @Test("a DNG is recognised by content, whatever its name, and ingested with its displayed size")
    func recognisedByContent() async throws {
        let folder = TemporaryFolder()
        let dng = try SyntheticRaw(width: 600, height: 400, orientation: 6, exif: Self.nikon(orientation: 6)).dng()
        _ = folder.write(dng, to: "in/ISS069-E-50001.dng")
        _ = folder.write(dng + Data([0]), to: "in/ISS069-E-50002.JPG")
        let library = folder.url.appendingPathComponent("lib").path
        let summary = try await TestIngest.run([folder.url.appendingPathComponent("in").path], library: library)
        #expect(summary.ingested == 2, "\(summary.problems)")
        for frame in try TestIngest.frames(library) {
            #expect(frame["format"] as? String == "dng")
            #expect(frame["width"] as? Int == 600 && frame["height"] as? Int == 400, "\(frame["id"] ?? "")")
        }
        #expect(try SchemaCheck.problems(galleries: "\(library)/galleries").status == 0)
    }

    @Test("a raw file LibRaw cannot read is rejected with a reason, and a cut-short DNG too")
    func unreadableRaw() async throws {
        let folder = TemporaryFolder()
        let dng = try SyntheticRaw(width: 600, height: 400).dng()
        _ = folder.write(dng.prefix(dng.count / 2), to: "in/ISS069-E-50003.dng")
        _ = folder.write(Data("FUJIFILMCCD-RAW but nothing else".utf8), to: "in/ISS069-E-50004.raf")
        let library = folder.url.appendingPathComponent("lib").path
        let summary = try await TestIngest.run([folder.url.appendingPathComponent("in").path], library: library)
        #expect(summary.rejected == 2)
        let unknown = summary.problems.first { $0.file.hasSuffix("ISS069-E-50004.raf") }
        #expect(unknown?.reason.contains("unsupported format") == true, "\(summary.problems)")
        let truncated = summary.problems.first { $0.file.hasSuffix("ISS069-E-50003.dng") }
        #expect(truncated?.reason == "truncated image (LibRaw: unexpected end of file)", "\(summary.problems)")
    }

    @Test("all 8 orientations come out upright, through the preview and through the demosaic")
    func upright() async throws {
        let folder = TemporaryFolder()
        for orientation in 1...8 {
            let decoded = SyntheticRaw(width: 480, height: 320, orientation: orientation, exif: Self.nikon(orientation: orientation))
            _ = folder.write(try decoded.dng(), to: "in/ISS069-E-5100\(orientation).dng")
            var previewed = decoded
            previewed.previewLongEdge = 480
            _ = folder.write(try previewed.dng(), to: "in/ISS069-E-5200\(orientation).dng")
        }
        let library = folder.url.appendingPathComponent("lib").path
        let summary = try await TestIngest.run([folder.url.appendingPathComponent("in").path], library: library)
        #expect(summary.ingested == 16, "\(summary.problems)")
        let groups = [
            "decoded": Dictionary(uniqueKeysWithValues: (1...8).map { ($0, "ISS069-E-5100\($0)") }),
            "preview": Dictionary(uniqueKeysWithValues: (1...8).map { ($0, "ISS069-E-5200\($0)") }),
        ]
        try OrientationTests.expectUpright(library: library, gallery: "iss069", groups: groups)
        for frame in try TestIngest.frames(library) {
            #expect(frame["orientation"] as? Int != nil)
            #expect(frame["width"] as? Int == 480 && frame["height"] as? Int == 320, "\(frame["id"] ?? "")")
        }
    }

    @Test("a NEF-style file (Nikon TIFF layout, no DNG tags) goes LibRaw's Nikon path: format nef, upright by either route, its EXIF read")
    func nikonLayout() async throws {
        let folder = TemporaryFolder()
        for orientation in 1...8 {
            let decoded = SyntheticRaw(width: 480, height: 320, orientation: orientation, exif: Self.nikon(orientation: orientation))
            _ = folder.write(try decoded.nef(), to: "in/ISS069-E-5600\(orientation).NEF")
            var previewed = decoded
            previewed.previewLongEdge = 480
            _ = folder.write(try previewed.nef(), to: "in/ISS069-E-5700\(orientation).NEF")
        }
        let nef = try SyntheticRaw(width: 480, height: 320, previewLongEdge: 480).nef()
        let identified = try #require(nef.withUnsafeBytes { RawOriginal.identify($0) }, "LibRaw did not open the NEF")
        #expect(identified.format == .nef && identified.previewLongEdge == 480)
        let library = folder.url.appendingPathComponent("lib").path
        let summary = try await TestIngest.run([folder.url.appendingPathComponent("in").path], library: library)
        #expect(summary.ingested == 16, "\(summary.problems)")
        let groups = [
            "decoded": Dictionary(uniqueKeysWithValues: (1...8).map { ($0, "ISS069-E-5600\($0)") }),
            "preview": Dictionary(uniqueKeysWithValues: (1...8).map { ($0, "ISS069-E-5700\($0)") }),
        ]
        try OrientationTests.expectUpright(library: library, gallery: "iss069", groups: groups)
        for frame in try TestIngest.frames(library) {
            #expect(frame["format"] as? String == "nef")
            #expect(frame["width"] as? Int == 480 && frame["height"] as? Int == 320, "\(frame["id"] ?? "")")
            #expect((frame["camera"] as? [String: Any])?["model"] as? String == "NIKON D5")
            #expect(frame["iso"] as? Int == 800, "\(frame["id"] ?? ""): \(frame)")
        }
    }

    @Test("raw renditions are close to those of a JPEG made from the same pixels, by either route")
    func closeToJPEG() async throws {
        let folder = TemporaryFolder()
        _ = folder.write(try SyntheticImage.jpeg(width: 600, height: 400, quality: 95), to: "in/ISS069-E-53001.jpg")
        _ = folder.write(try SyntheticRaw(width: 600, height: 400).dng(), to: "in/ISS069-E-53002.dng")
        _ = folder.write(try SyntheticRaw(width: 600, height: 400, previewLongEdge: 600).dng(), to: "in/ISS069-E-53003.dng")
        let library = folder.url.appendingPathComponent("lib").path
        var settings = Settings()
        settings.renditions = [RenditionSpec(name: "large", size: 512)]
        let summary = try await TestIngest.run([folder.url.appendingPathComponent("in").path], library: library, settings: settings)
        #expect(summary.ingested == 3, "\(summary.problems)")
        let large = "\(library)/galleries/iss069/large"
        let reference = try Data(contentsOf: URL(fileURLWithPath: "\(large)/ISS069-E-53001.jpg"))
        for stem in ["ISS069-E-53002", "ISS069-E-53003"] {
            let candidate = try Data(contentsOf: URL(fileURLWithPath: "\(large)/\(stem).jpg"))
            let difference = try #require(ImageComparison.meanAbsoluteDifference(reference, candidate), "\(stem): sizes differ")
            #expect(difference < 3, "\(stem): mean difference \(difference)")
        }
    }

    @Test("the preview is taken when it covers the largest rendition, else the raw is demosaiced, half size when that covers it")
    func route() throws {
        func route(_ raw: SyntheticRaw, size: Int, prefer: RawPreference = .automatic) throws -> RawRoute {
            let data = try raw.dng()
            let original = try #require(data.withUnsafeBytes { RawOriginal.identify($0) }, "LibRaw did not open the DNG")
            return RawRoute(original, largest: size, preference: prefer)
        }
        let withPreview = SyntheticRaw(width: 1200, height: 800, previewLongEdge: 640)
        let identified = try #require(try withPreview.dng().withUnsafeBytes { RawOriginal.identify($0) })
        #expect(identified.format == .dng && identified.previewLongEdge == 640)
        #expect(identified.width == 1200 && identified.height == 800)
        #expect(try route(withPreview, size: 512) == .preview)
        #expect(try route(withPreview, size: 1024) == .decode(half: false))
        #expect(try route(withPreview, size: 600, prefer: .decode) == .decode(half: true))
        #expect(try route(withPreview, size: 1024, prefer: .preview) == .preview)
        #expect(try route(SyntheticRaw(width: 1200, height: 800), size: 512, prefer: .preview) == .decode(half: true))
        // A full-size preview covers a rendition larger than the sensor (never enlarged).
        #expect(try route(SyntheticRaw(width: 600, height: 400, previewLongEdge: 600), size: 2048) == .preview)
        #expect(try route(SyntheticRaw(width: 600, height: 400, previewLongEdge: 599), size: 2048) == .decode(half: false))
    }

    @Test("metadata from a DNG: the values the fixture was written with")
    func metadata() async throws {
        let folder = TemporaryFolder()
        _ = folder.write(try SyntheticRaw(width: 600, height: 400, orientation: 8, exif: Self.nikon(orientation: 8)).dng(),
                         to: "in/ISS069-E-54001.dng")
        let library = folder.url.appendingPathComponent("lib").path
        let summary = try await TestIngest.run([folder.url.appendingPathComponent("in").path], library: library)
        #expect(summary.ingested == 1, "\(summary.problems)")
        let frame = try #require(try TestIngest.frames(library).first)
        let camera = try #require(frame["camera"] as? [String: Any])
        #expect(camera["make"] as? String == "NIKON CORPORATION")
        #expect(camera["model"] as? String == "NIKON D5")
        #expect(camera["serial"] as? String == "3001234")
        #expect(frame["lens"] as? String == "14.0-24.0 mm f/2.8")
        #expect(frame["focalLength"] as? Double == 24)
        #expect(frame["fNumber"] as? Double == 2.8)
        #expect(frame["exposureTime"] as? Double == 0.004)
        #expect(frame["iso"] as? Int == 800)
        #expect(frame["orientation"] as? Int == 8)
        #expect(frame["captured"] as? String == "2023-05-14T08:20:30.45Z")
        #expect(frame["width"] as? Int == 600 && frame["height"] as? Int == 400)
        let gps = try #require(frame["gps"] as? [String: Any])
        #expect(abs((gps["latitude"] as? Double ?? 0) + 12.5) < 1e-6)
        #expect(abs((gps["longitude"] as? Double ?? 0) - 130.25) < 1e-6)
        #expect(gps["altitude"] as? Double == 420_000)
        #expect((frame["warnings"] as? [String] ?? []).isEmpty, "\(frame["warnings"] ?? "")")
    }

    @Test("metadata from a DNG matches ExifTool's reading of the same file",
          .enabled(if: ExifTool.isInstalled, ExifTool.absentMessage))
    func metadataAgainstExifTool() async throws {
        let folder = TemporaryFolder()
        let file = folder.write(try SyntheticRaw(width: 600, height: 400, orientation: 6, exif: Self.nikon(orientation: 6)).dng(),
                                to: "in/ISS069-E-54002.dng")
        let library = folder.url.appendingPathComponent("lib").path
        #expect(try await TestIngest.run([folder.url.appendingPathComponent("in").path], library: library).ingested == 1)
        let frame = try #require(try TestIngest.frames(library).first)
        let tool = try Self.exifToolReading(of: file)

        let camera = try #require(frame["camera"] as? [String: Any])
        #expect(camera["make"] as? String == tool["Make"] as? String)
        #expect(camera["model"] as? String == tool["Model"] as? String)
        try Self.expectSameShot(frame, camera: camera, as: tool)
        let gps = try #require(frame["gps"] as? [String: Any])
        #expect(abs((gps["latitude"] as? Double ?? .nan) - (tool["GPSLatitude"] as? Double ?? .nan)) < 1e-6)
        #expect(abs((gps["longitude"] as? Double ?? .nan) - (tool["GPSLongitude"] as? Double ?? .nan)) < 1e-6)
        #expect(abs((gps["altitude"] as? Double ?? .nan) - (tool["GPSAltitude"] as? Double ?? .nan)) < 1e-6)
        // ExifTool gives local time with sub-seconds and offset; the manifest gives the same instant in UTC.
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let local = try #require(tool["SubSecDateTimeOriginal"] as? String)
        let isoLocal = local.replacingOccurrences(of: " ", with: "T").replacingOccurrences(of: ":", with: "-", options: [], range: local.startIndex..<local.index(local.startIndex, offsetBy: 8))
        let captured = try #require(frame["captured"] as? String)
        #expect(parser.date(from: isoLocal) != nil && parser.date(from: isoLocal) == parser.date(from: captured), "\(local) vs \(captured)")
    }

    /// What ExifTool reads of a file, as numbers (`-n`).
    static func exifToolReading(of file: URL) throws -> [String: Any] {
        try ExifTool.read(file, ["-n", "-Make", "-Model", "-SerialNumber", "-LensModel", "-FocalLength", "-FNumber",
                                 "-ExposureTime", "-ISO", "-Orientation", "-DateTimeOriginal", "-SubSecDateTimeOriginal",
                                 "-GPSLatitude", "-GPSLongitude", "-GPSAltitude", "-ImageWidth", "-ImageHeight"])
    }

    /// The fields both routes give exactly as ExifTool reads them: serial, lens, focal length,
    /// f-number, exposure, ISO, orientation, and the stored size turned by orientation 6.
    static func expectSameShot(_ frame: [String: Any], camera: [String: Any], as tool: [String: Any],
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(camera["serial"] as? String == "\(tool["SerialNumber"] ?? "")", sourceLocation: sourceLocation)
        #expect(frame["lens"] as? String == tool["LensModel"] as? String, sourceLocation: sourceLocation)
        for (ours, theirs) in [("focalLength", "FocalLength"), ("fNumber", "FNumber"), ("exposureTime", "ExposureTime")] {
            let value = try #require(frame[ours] as? Double, "\(ours)", sourceLocation: sourceLocation)
            #expect(abs(value - (tool[theirs] as? Double ?? .nan)) < 1e-9, "\(ours) \(value) vs ExifTool's \(theirs)",
                    sourceLocation: sourceLocation)
        }
        #expect(frame["iso"] as? Int == tool["ISO"] as? Int, sourceLocation: sourceLocation)
        #expect(frame["orientation"] as? Int == tool["Orientation"] as? Int, sourceLocation: sourceLocation)
        #expect(frame["width"] as? Int == tool["ImageHeight"] as? Int && frame["height"] as? Int == tool["ImageWidth"] as? Int,
                sourceLocation: sourceLocation)
    }

    @Test("a raw whose EXIF libexif cannot reach (here a DNG with its IFDs past the first 64 KiB) takes LibRaw's fields, which match ExifTool's reading",
          .enabled(if: ExifTool.isInstalled, ExifTool.absentMessage))
    func metadataFromLibRaw() async throws {
        let folder = TemporaryFolder()
        var raw = SyntheticRaw(width: 600, height: 400, orientation: 6, exif: Self.nikon(orientation: 6))
        raw.pixelsFirst = true
        let file = folder.write(try raw.dng(), to: "in/ISS069-E-54003.dng")
        let library = folder.url.appendingPathComponent("lib").path
        #expect(try await TestIngest.run([folder.url.appendingPathComponent("in").path], library: library).ingested == 1)
        let frame = try #require(try TestIngest.frames(library).first)
        let tool = try Self.exifToolReading(of: file)

        #expect((frame["warnings"] as? [String] ?? []).isEmpty, "libexif's failure is not the frame's: \(frame["warnings"] ?? "")")
        let camera = try #require(frame["camera"] as? [String: Any])
        // LibRaw's own name for the maker: "Nikon" where the file says "NIKON CORPORATION". That
        // it is not the file's text shows the metadata came from LibRaw.
        let make = try #require(camera["make"] as? String)
        #expect(make != tool["Make"] as? String && (tool["Make"] as? String ?? "").lowercased().hasPrefix(make.lowercased()), "\(make)")
        #expect((tool["Model"] as? String ?? "").hasSuffix(camera["model"] as? String ?? "?"), "\(camera)")
        try Self.expectSameShot(frame, camera: camera, as: tool)
        let gps = try #require(frame["gps"] as? [String: Any])
        // LibRaw holds degrees, minutes and seconds as floats.
        for (ours, theirs) in [("latitude", "GPSLatitude"), ("longitude", "GPSLongitude"), ("altitude", "GPSAltitude")] {
            #expect(abs((gps[ours] as? Double ?? .nan) - (tool[theirs] as? Double ?? .nan)) < 1e-4, "\(ours): \(gps)")
        }
        // The camera's wall clock, to the second and without its offset: read as UTC, as an EXIF
        // time without an offset is.
        let wall = try #require(tool["DateTimeOriginal"] as? String)
        let expected = wall.replacingOccurrences(of: ":", with: "-", options: [], range: wall.startIndex..<wall.index(wall.startIndex, offsetBy: 8))
            .replacingOccurrences(of: " ", with: "T") + "Z"
        #expect(frame["captured"] as? String == expected)
    }

    @Test("switching [raw] prefer makes the renditions stale, and regenerate rebuilds them")
    func preferSwitchRegenerates() throws {
        let folder = TemporaryFolder()
        _ = folder.write(try SyntheticRaw(width: 600, height: 400, previewLongEdge: 600).dng(), to: "in/ISS069-E-55001.dng")
        let library = folder.url.appendingPathComponent("lib").path
        let ingest = try CLI.run(["ingest", folder.url.appendingPathComponent("in").path, "--library", library])
        #expect(ingest.status == 0, "\(ingest.stdout)\(ingest.stderr)")
        let before = try CLI.run(["regenerate", "--library", library, "--dry-run"])
        #expect(!(before.stdout + before.stderr).contains("settings changed"))

        try "[raw]\nprefer = \"decode\"\n".write(toFile: "\(library)/cupola.toml", atomically: true, encoding: .utf8)
        let planned = try CLI.run(["regenerate", "--library", library, "--dry-run"])
        let listed = planned.stdout + planned.stderr
        #expect(listed.components(separatedBy: "(settings changed)").count - 1 == 3, "\(listed)")
        let rebuilt = try CLI.run(["regenerate", "--library", library])
        #expect(rebuilt.status == 0, "\(rebuilt.stdout)\(rebuilt.stderr)")
        let after = try CLI.run(["regenerate", "--library", library, "--dry-run"])
        #expect(!(after.stdout + after.stderr).contains("settings changed"), "\(after.stdout)\(after.stderr)")
    }

    @Test("[raw] prefer is read, validated, and part of every rendition's fingerprint")
    func preferSetting() throws {
        let decode = try SettingsFile.parse("[raw]\nprefer = \"decode\"\n", file: "cupola.toml")
        #expect(decode.rawPreference == .decode)
        #expect(decode.renditions.allSatisfy { $0.rawPreference == .decode })
        let standard = Settings()
        #expect(zip(decode.renditions, standard.renditions).allSatisfy { $0.fingerprint != $1.fingerprint })
        let preview = try SettingsFile.parse("[[rendition]]\nname = \"big\"\nsize = 900\n[raw]\nprefer = \"preview\"\n", file: "cupola.toml")
        #expect(preview.renditions.map(\.rawPreference) == [.preview])
        #expect(preview.renditions[0].fingerprint != RenditionSpec(name: "big", size: 900).fingerprint)
        #expect(RenditionSpec(name: "big", size: 900, rawPreference: .automatic).fingerprint == RenditionSpec(name: "big", size: 900).fingerprint)
        #expect(throws: SettingsError.self) { try SettingsFile.parse("[raw]\nprefer = \"sideways\"\n", file: "cupola.toml") }
        do {
            _ = try SettingsFile.parse("\n[raw]\nprefer = \"sideways\"\n", file: "cupola.toml")
        } catch {
            #expect(error.line == 3 && error.message.contains("\"sideways\""), "\(error)")
        }
        #expect(throws: SettingsError.self) { try SettingsFile.parse("[raw]\nprefers = \"decode\"\n", file: "cupola.toml") }
    }
}
