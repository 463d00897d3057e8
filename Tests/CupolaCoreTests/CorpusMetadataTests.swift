import CupolaCore
import Foundation
import Testing

/// Every corpus file's manifest entry against what ExifTool reads from it.
@Suite("Metadata agrees with ExifTool on the real corpus", .enabled(if: Corpus.isPresent, Comment(rawValue: Corpus.absentMessage)))
struct CorpusMetadataTests {
    static func expectedTags() -> [String: [String: Any]] {
        guard let data = try? Data(contentsOf: Corpus.root.appendingPathComponent("expected/exiftool.json")),
              let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return [:] }
        return Dictionary(uniqueKeysWithValues: list.map { ($0["SourceFile"] as! String, $0) })
    }

    @Test("iss-small gives 19 galleries and 52 frames")
    func issSmallGalleries() async throws {
        let library = TemporaryFolder()
        let summary = try await TestIngest.run([Corpus.folder("iss-small").path], library: library.path)
        #expect(summary.ingested == 52)
        #expect(summary.galleries.count == 19)
        #expect(summary.rejected + summary.failed == 0)
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: library.url.appendingPathComponent("galleries/index.json"))) as! [String: Any]
        #expect(index["galleryCount"] as? Int == 19)
        #expect(index["frameCount"] as? Int == 52)
        let schema = try SchemaCheck.problems(galleries: library.url.appendingPathComponent("galleries").path)
        #expect(schema.status == 0, "\(schema.output)")
    }

    @Test("all 166 corpus files: time, camera, lens, exposure, orientation and GPS match ExifTool")
    func everyFileMatches() async throws {
        let library = TemporaryFolder()
        let sources = ["iss-small", "iss-edit", "cameras"].map { Corpus.folder($0).path }
        let summary = try await TestIngest.run(sources, library: library.path)
        #expect(summary.ingested == 166)
        let frames = Dictionary(uniqueKeysWithValues: try TestIngest.frames(library.path).map { ($0["source"] as! String, $0) })
        let expected = Self.expectedTags()
        #expect(expected.count == 166)
        var compared = 0
        for (file, tags) in expected {
            let frame = try #require(frames[file], "no manifest entry for \(file)")
            let camera = frame["camera"] as! [String: Any]
            Self.same(camera["make"], tags["IFD0:Make"], "make", file)
            Self.same(camera["model"], tags["IFD0:Model"], "model", file)
            Self.same(camera["serial"], tags["ExifIFD:SerialNumber"], "serial", file)
            Self.same(frame["lens"], tags["ExifIFD:LensModel"], "lens", file)
            Self.close(frame["focalLength"], tags["ExifIFD:FocalLength"], relative: 1e-4, "focalLength", file)
            Self.close(frame["fNumber"], tags["ExifIFD:FNumber"], relative: 1e-4, "fNumber", file)
            Self.close(frame["exposureTime"], tags["ExifIFD:ExposureTime"], relative: 1e-3, "exposureTime", file)
            Self.same(frame["iso"], tags["ExifIFD:ISO"], "iso", file)
            #expect(frame["orientation"] as? Int == (tags["IFD0:Orientation"] as? Int ?? 1), "orientation of \(file)")
            #expect(frame["width"] as? Int == Self.displayed(tags).width, "width of \(file)")
            #expect(frame["height"] as? Int == Self.displayed(tags).height, "height of \(file)")
            let gps = frame["gps"] as? [String: Any]
            Self.close(gps?["latitude"], tags["Composite:GPSLatitude"], absolute: 1e-6, "latitude", file)
            Self.close(gps?["longitude"], tags["Composite:GPSLongitude"], absolute: 1e-6, "longitude", file)
            if let original = (tags["Composite:SubSecDateTimeOriginal"] ?? tags["ExifIFD:DateTimeOriginal"]) as? String {
                let captured = try #require(frame["captured"] as? String, "no capture time for \(file)")
                #expect(Self.hundredths(captured) == Self.hundredths(exifTool: original), "captured \(captured) vs \(original) in \(file)")
            } else if let digitized = tags["ExifIFD:CreateDate"] as? String {
                let captured = try #require(frame["captured"] as? String, "no capture time for \(file)")
                #expect(Self.hundredths(captured) == Self.hundredths(exifTool: digitized), "captured \(captured) vs \(digitized) in \(file)")
            } else {
                // IFD0's ModifyDate (two corpus files have only that) is not a capture time.
                #expect(frame["captured"] is NSNull, "captured \(frame["captured"] ?? "") from a modify date in \(file)")
            }
            compared += 1
        }
        #expect(compared == 166)
    }

    static func displayed(_ tags: [String: Any]) -> (width: Int, height: Int) {
        let width = tags["File:ImageWidth"] as! Int, height = tags["File:ImageHeight"] as! Int
        return (5...8).contains(tags["IFD0:Orientation"] as? Int ?? 1) ? (height, width) : (width, height)
    }

    static func same(_ ours: Any?, _ theirs: Any?, _ what: String, _ file: String) {
        let expected = theirs.map { "\($0)".trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        let actual = ours.flatMap { $0 is NSNull ? nil : "\($0)" }
        #expect(actual == expected, "\(what) of \(file)")
    }

    static func close(_ ours: Any?, _ theirs: Any?, relative: Double = 0, absolute: Double = 0, _ what: String, _ file: String) {
        let expected = (theirs as? NSNumber)?.doubleValue
        let actual = (ours as? NSNumber)?.doubleValue
        guard let expected, let actual else {
            #expect((actual == nil) == (expected == nil), "\(what) of \(file): \(String(describing: actual)) vs \(String(describing: expected))")
            return
        }
        #expect(abs(actual - expected) <= max(absolute, relative * abs(expected)), "\(what) of \(file): \(actual) vs \(expected)")
    }

    /// Milliseconds since 1970 rounded to hundredths, from our UTC form.
    static func hundredths(_ iso: String) -> Int64? {
        hundredths(exifTool: iso.replacingOccurrences(of: "-", with: ":").replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "+00:00"))
    }

    /// From ExifTool's "2024:06:26 08:44:52.99+00:00" (zone optional: UTC, the corpus cameras' clock).
    static func hundredths(exifTool text: String) -> Int64? {
        var body = text
        var offset = 0
        if let sign = body.lastIndex(where: { $0 == "+" || $0 == "-" }), body.distance(from: sign, to: body.endIndex) == 6 {
            let zone = body[sign...]
            let hours = Int(zone.dropFirst().prefix(2))!, minutes = Int(zone.suffix(2))!
            offset = (hours * 3600 + minutes * 60) * (zone.first == "-" ? -1 : 1)
            body = String(body[..<sign])
        }
        let parts = body.split(whereSeparator: { ": ".contains($0) })
        guard parts.count >= 6 else { return nil }
        let seconds = Double(parts[5])!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offset)!
        let date = calendar.date(from: DateComponents(year: Int(parts[0]), month: Int(parts[1]), day: Int(parts[2]),
                                                      hour: Int(parts[3]), minute: Int(parts[4]), second: 0))!
        return Int64(((date.timeIntervalSince1970 + seconds) * 100).rounded())
    }
}
