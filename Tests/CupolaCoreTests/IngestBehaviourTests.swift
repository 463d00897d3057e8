import CupolaCore
import CupolaFixtures
import Foundation
import Testing

@Suite("Batch ingest")
struct IngestBehaviourTests {
    @Test("broken EXIF, missing EXIF and a non-image: reasons reported, every other frame ingested")
    func badInputsDoNotStopTheRun() async throws {
        let folder = TemporaryFolder()
        let downlink = try SampleFolder.make(in: folder)
        _ = folder.write(try BadFiles.jpegWithBrokenExif(), to: "downlink/ISS070-E-1001.JPG")
        _ = folder.write(BadFiles.notAnImage, to: "downlink/ISS070-E-1002.JPG")
        let library = folder.url.appendingPathComponent("library").path

        let summary = try await TestIngest.run([downlink.path], library: library)

        #expect(summary.ingested == SampleDownlink.frames.count + 1)
        #expect(summary.rejected == 1)
        #expect(summary.problems.map(\.file) == ["downlink/ISS070-E-1002.JPG"])
        #expect(summary.problems.first?.reason.hasPrefix("unsupported format") == true)
        #expect(summary.exitCode == 1)
        let broken = try #require(try TestIngest.frames(library).first { $0["id"] as? String == "ISS070-E-1001" })
        #expect((broken["warnings"] as? [String])?.first?.contains("malformed EXIF") == true)
        #expect(broken["captured"] is NSNull)
        let bare = try #require(try TestIngest.frames(library).first { $0["id"] as? String == "ISS072-E-118493" })
        #expect(bare["captured"] is NSNull)
        #expect(bare.keys.contains("warnings") == false)
        #expect(!FileManager.default.fileExists(atPath: "\(library)/galleries/iss070/thumb/ISS070-E-1002.jpg"))
    }

    @Test("renditions fit inside their size, keep the aspect ratio and are never enlarged")
    func renditionSizes() async throws {
        let folder = TemporaryFolder()
        _ = folder.write(try SyntheticImage.jpeg(width: 3000, height: 2000), to: "in/ISS071-E-100000.JPG")
        _ = folder.write(try SyntheticImage.jpeg(width: 640, height: 427), to: "in/ISS071-E-100001.JPG")
        let library = folder.url.appendingPathComponent("library").path
        try await TestIngest.run([folder.url.appendingPathComponent("in").path], library: library)
        let frames = try TestIngest.frames(library)
        func size(_ id: String, _ rendition: String) throws -> [Int] {
            let frame = try #require(frames.first { $0["id"] as? String == id })
            let entry = (frame["renditions"] as! [String: [String: Any]])[rendition]!
            let file = "\(library)/galleries/iss071/\(entry["path"] as! String)"
            let actual = try #require(ImageComparison.size(try Data(contentsOf: URL(fileURLWithPath: file))))
            let recorded: [Int] = [entry["width"] as! Int, entry["height"] as! Int]
            #expect([actual.width, actual.height] == recorded, "\(file)")
            #expect(entry["bytes"] as? Int == (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int))
            return [actual.width, actual.height]
        }
        #expect(try size("ISS071-E-100000", "large") == [2048, 1365])
        #expect(try size("ISS071-E-100000", "medium") == [1024, 683])
        #expect(try size("ISS071-E-100000", "thumb") == [256, 171])
        #expect(try size("ISS071-E-100001", "large") == [640, 427])
        #expect(try size("ISS071-E-100001", "medium") == [640, 427])
        #expect(try size("ISS071-E-100001", "thumb") == [256, 171])
    }

    @Test("renditions carry no metadata: EXIF, GPS and orientation are stripped")
    func renditionsStripped() async throws {
        let folder = TemporaryFolder()
        let downlink = try SampleFolder.make(in: folder)
        let library = folder.url.appendingPathComponent("library").path
        try await TestIngest.run([downlink.path], library: library)
        let rendition = try Data(contentsOf: URL(fileURLWithPath: "\(library)/galleries/iss072/large/ISS072-E-118384.jpg"))
        let probe = try ImageProbe(rendition, maxMegapixels: 200)
        #expect(probe.exif == nil)
        #expect(probe.format == .jpeg)
        let original = try Data(contentsOf: downlink.appendingPathComponent("ISS072-E-118384.JPG"))
        #expect(try ImageProbe(original, maxMegapixels: 200).exif != nil)
    }

    @Test("ingesting the same input twice gives byte-identical manifests and index")
    func deterministic() async throws {
        let folder = TemporaryFolder()
        let downlink = try SampleFolder.make(in: folder)
        let first = folder.url.appendingPathComponent("one").path
        let second = folder.url.appendingPathComponent("two").path
        try await TestIngest.run([downlink.path], library: first, workers: 1)
        try await TestIngest.run([downlink.path], library: second, workers: 2)
        let galleries = try FileManager.default.contentsOfDirectory(atPath: "\(first)/galleries").filter { !$0.hasSuffix(".json") }
        #expect(galleries.sorted() == ["as11", "gt4", "iss069", "iss071", "iss072", "sl4", "sts098", "sts102", "sts41b", "unassigned"])
        for file in galleries.map({ "galleries/\($0)/manifest.json" }) + ["galleries/index.json"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: "\(first)/\(file)"))
            let b = try Data(contentsOf: URL(fileURLWithPath: "\(second)/\(file)"))
            #expect(a == b, "\(file) differs between two ingests of the same input")
        }
        let schema = try SchemaCheck.problems(galleries: "\(first)/galleries")
        #expect(schema.status == 0, "\(schema.output)")
    }

    @Test("two files with the same frame id get distinct rendition names, and the summary says so")
    func sharedFrameIds() async throws {
        let folder = TemporaryFolder()
        let jpeg = try SyntheticImage.jpeg(width: 300, height: 200)
        _ = folder.write(jpeg, to: "in/a/ISS069-E-12345.JPG")
        _ = folder.write(try SyntheticImage.jpeg(width: 200, height: 300), to: "in/b/iss069e012345.jpg")
        let library = folder.url.appendingPathComponent("library").path
        let summary = try await TestIngest.run([folder.url.appendingPathComponent("in").path], library: library)
        #expect(summary.ingested == 2)
        #expect(summary.sharedIds.map(\.id) == ["ISS069-E-12345"])
        let frames = try TestIngest.frames(library)
        let paths = Set(frames.map { ($0["renditions"] as! [String: [String: Any]])["thumb"]!["path"] as! String })
        #expect(paths.count == 2)
        #expect(paths.contains("thumb/ISS069-E-12345.jpg"))
        for path in paths { #expect(FileManager.default.fileExists(atPath: "\(library)/galleries/iss069/\(path)")) }
    }

    @Test("PNG (8-bit, 16-bit, with alpha), TIFF, WebP and HEIF are recognised by content and rendered")
    func otherFormats() async throws {
        let folder = TemporaryFolder()
        let files: [(name: String, data: Data, format: String)] = [
            ("ISS071-E-1.png", try SyntheticImage.encoded(width: 600, height: 400, suffix: ".png"), "png"),
            ("ISS071-E-2.png", try SyntheticImage.encoded(width: 600, height: 400, suffix: ".png", sixteenBits: true), "png"),
            ("ISS071-E-3.png", try SyntheticImage.encoded(width: 600, height: 400, suffix: ".png", alpha: true), "png"),
            ("ISS071-E-4.tif", try SyntheticImage.encoded(width: 600, height: 400, suffix: ".tif"), "tiff"),
            ("ISS071-E-5.webp", try SyntheticImage.encoded(width: 600, height: 400, suffix: ".webp"), "webp"),
            ("ISS071-E-6.heic", try SyntheticImage.encoded(width: 600, height: 400, suffix: ".heic"), "heif"),
            // A PNG named .jpg is still a PNG: content decides.
            ("ISS071-E-7.jpg", try SyntheticImage.encoded(width: 600, height: 400, suffix: ".png"), "png"),
        ]
        for file in files { _ = folder.write(file.data, to: "in/\(file.name)") }
        let library = folder.url.appendingPathComponent("lib").path
        let summary = try await TestIngest.run([folder.url.appendingPathComponent("in").path], library: library)
        #expect(summary.ingested == files.count, "\(summary.problems)")
        let frames = Dictionary(uniqueKeysWithValues: try TestIngest.frames(library).map { ($0["id"] as! String, $0) })
        let reference = try Data(contentsOf: URL(fileURLWithPath: "\(library)/galleries/iss071/large/ISS071-E-1.jpg"))
        for (index, file) in files.enumerated() {
            let frame = try #require(frames["ISS071-E-\(index + 1)"])
            #expect(frame["format"] as? String == file.format, "\(file.name)")
            #expect(frame["width"] as? Int == 600 && frame["height"] as? Int == 400, "\(file.name)")
            let large = try Data(contentsOf: URL(fileURLWithPath: "\(library)/galleries/iss071/large/ISS071-E-\(index + 1).jpg"))
            let difference = try #require(ImageComparison.meanAbsoluteDifference(reference, large))
            // Same picture whatever the container; the alpha one is laid on white, so it differs.
            if file.name == "ISS071-E-3.png" {
                #expect(difference > 10, "transparency was not laid on white")
            } else {
                #expect(difference < 3, "\(file.name): \(difference)")
            }
        }
    }

    @Test("JPEG in grey, in CMYK and with a Display P3 profile: each rendered as the same picture")
    func jpegColourSpaces() async throws {
        let folder = TemporaryFolder()
        let p3 = try SyntheticImage.jpeg(width: 600, height: 400, colourSpace: "p3")
        let grey = try SyntheticImage.jpeg(width: 600, height: 400, colourSpace: "grey")
        let files = [try SyntheticImage.jpeg(width: 600, height: 400), grey,
                     try SyntheticImage.jpeg(width: 600, height: 400, colourSpace: "cmyk"), p3]
        for (index, data) in files.enumerated() { _ = folder.write(data, to: "in/ISS071-E-\(index + 1).JPG") }
        let library = folder.url.appendingPathComponent("lib").path
        let summary = try await TestIngest.run([folder.url.appendingPathComponent("in").path], library: library)
        #expect(summary.ingested == files.count, "\(summary.problems)")
        func large(_ number: Int) throws -> Data {
            try Data(contentsOf: URL(fileURLWithPath: "\(library)/galleries/iss071/large/ISS071-E-\(number).jpg"))
        }
        let reference = try large(1)
        let greyDifference = try #require(ImageComparison.meanAbsoluteDifference(try large(2), grey))
        #expect(greyDifference < 3, "grey: \(greyDifference)")
        // CMYK goes through libvips (Adobe inversion, CMYK profile). Its gamut clips the gradient's
        // saturated red and green corners (~10 levels on average); a mishandled CMYK file (inverted,
        // or read as colour) is off by 50 and more.
        let cmykDifference = try #require(ImageComparison.meanAbsoluteDifference(try large(3), reference))
        #expect(cmykDifference < 15, "cmyk: \(cmykDifference)")
        // The P3 file's numbers differ from the sRGB picture; through its profile it is the same.
        let p3Difference = try #require(ImageComparison.meanAbsoluteDifference(try large(4), reference))
        let unconverted = try #require(ImageComparison.meanAbsoluteDifference(p3, reference))
        #expect(p3Difference < 3 && unconverted > 2 * p3Difference, "p3: \(p3Difference), numbers as they are: \(unconverted)")
    }
}
