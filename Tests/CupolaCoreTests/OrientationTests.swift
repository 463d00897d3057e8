import CupolaCore
import CupolaFixtures
import Foundation
import Testing

/// Renditions come out upright whatever EXIF orientation the original carries.
@Suite("Renditions are upright")
struct OrientationTests {
    /// Compares every rendition of each `<prefix>_N` frame with the orientation-1 frame's.
    static func expectUpright(library: String, gallery: String, groups: [String: [Int: String]]) throws {
        for (group, stems) in groups {
            let reference = try #require(stems[1], "no orientation-1 frame for \(group)")
            for (orientation, stem) in stems where orientation != 1 {
                for rendition in ["large", "medium", "thumb"] {
                    let folder = "\(library)/galleries/\(gallery)/\(rendition)"
                    let upright = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(reference).jpg"))
                    let candidate = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(stem).jpg"))
                    let label = "\(group) orientation \(orientation) \(rendition)"
                    let difference = try #require(ImageComparison.meanAbsoluteDifference(upright, candidate),
                                                  "\(label): sizes differ from the upright rendition")
                    // Each photograph may carry its own label, so "upright" means: far closer to the
                    // reference than the reference turned any wrong way.
                    let wrongWays = (2...8).compactMap { ImageComparison.meanAbsoluteDifference(upright, candidate, storing: $0) }
                    #expect(!wrongWays.isEmpty, "\(label): no wrong orientation to compare with")
                    #expect(difference < 0.6 * (wrongWays.min() ?? 0), "\(label): \(difference) vs wrong ways \(wrongWays)")
                }
            }
        }
    }

    @Test("all 8 orientations of the synthetic samples match the upright one")
    func synthetic() async throws {
        let folder = TemporaryFolder()
        let downlink = try SampleFolder.make(in: folder)
        let library = folder.url.appendingPathComponent("library").path
        try await TestIngest.run([downlink.path], library: library)
        let stems = Dictionary(uniqueKeysWithValues: (1...8).map { ($0, "ISS069-E-1234\($0)") })
        try Self.expectUpright(library: library, gallery: "iss069", groups: ["samples": stems])
        let frames = try TestIngest.frames(library).filter { ($0["mission"] as? String) == "ISS069" && ($0["frame"] as! Int) < 12350 }
        #expect(frames.count == 8)
        for frame in frames {
            #expect(frame["width"] as? Int == 480)
            #expect(frame["height"] as? Int == 320)
        }
    }

    @Test("all 16 corpus orientation photographs match their orientation-1 twin",
          .enabled(if: Corpus.isPresent, Comment(rawValue: Corpus.absentMessage)))
    func corpus() async throws {
        let folder = TemporaryFolder()
        let library = folder.url.appendingPathComponent("library").path
        let summary = try await TestIngest.run([Corpus.folder("cameras/orientation").path], library: library)
        #expect(summary.ingested == 16)
        var groups: [String: [Int: String]] = [:]
        for prefix in ["landscape", "portrait"] {
            groups[prefix] = Dictionary(uniqueKeysWithValues: (1...8).map { ($0, "\(prefix)_\($0)") })
        }
        try Self.expectUpright(library: library, gallery: "unassigned", groups: groups)
    }
}
