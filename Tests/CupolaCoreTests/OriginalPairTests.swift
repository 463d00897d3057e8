@testable import CupolaCore
import CupolaFixtures
import Foundation
import GRDB
import Testing

/// A camera raw and a JPEG of one frame id (the NEF + JPEG a Nikon writes) are one frame, shown
/// from the JPEG, with both originals listed. The fixtures' JPEG is smaller than the raw, so a
/// frame's size says which file its renditions came from.
@Suite("Raw + JPEG pairs")
struct OriginalPairTests {
    static let id = "ISS069-E-60001"

    struct Pair {
        let folder = TemporaryFolder("pair")
        var input: URL { folder.url.appendingPathComponent("in") }
        var library: String { folder.url.appendingPathComponent("lib").path }
        let raw: Data
        let jpeg: Data

        init() throws {
            let exif = SampleDownlink.nikon("NIKON D5", serial: "2007934", taken: "2023:04:02 10:11:12")
            raw = try SyntheticRaw(width: 600, height: 400, previewLongEdge: 600, exif: exif).dng()
            jpeg = try SyntheticImage.jpeg(width: 480, height: 320, exif: exif.build())
        }

        @discardableResult func writeRaw(suffix: String = ".NEF") -> URL { folder.write(raw, to: "in/\(OriginalPairTests.id)\(suffix)") }
        @discardableResult func writeJPEG() -> URL { folder.write(jpeg, to: "in/\(OriginalPairTests.id).JPG") }

        /// `clock` counts the run's decodes.
        func ingest(originals: OriginalsPolicy = .keep, pairs: PairPrimary = .jpeg, clock: StageClock = StageClock()) async throws -> RunSummary {
            let session = try LibrarySession(library: library, settingsFile: nil, command: "ingest", creating: true)
            var settings = Settings()
            settings.pairPrimary = pairs
            var configuration = PipelineConfiguration(layout: session.layout, settings: settings, workers: 2)
            configuration.originals = originals
            let pipeline = try Pipeline(configuration: configuration, catalog: session.catalog, command: "ingest", clock: clock)
            try await BatchIngest(sources: [try SourceFolder(input.path)]).run(pipeline)
            return pipeline.summary
        }

        func frames() throws -> [[String: Any]] { try TestIngest.frames(library, gallery: "iss069") }

        /// The files in one rendition folder of the gallery; none when the folder is gone.
        func renditionFiles(_ name: String) throws -> [String] {
            let folder = "\(library)/galleries/iss069/\(name)"
            guard FileManager.default.fileExists(atPath: folder) else { return [] }
            return try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        }
    }

    /// One file of a pair as the manifest shows it (the fixtures' JPEG is smaller than the raw).
    struct Original {
        let format: String, suffix: String, width: Int, height: Int, data: Data
    }

    /// The one frame a pair makes: the primary's (the JPEG's unless `[raw] pairs = "raw"`), both
    /// originals listed, the primary first, with their bytes and hashes.
    static func expectPaired(_ pair: Pair, primary: PairPrimary = .jpeg, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let frames = try pair.frames()
        #expect(frames.count == 1, "\(frames)", sourceLocation: sourceLocation)
        guard let frame = frames.first else { return }
        let jpeg = Original(format: "jpeg", suffix: ".JPG", width: 480, height: 320, data: pair.jpeg)
        let raw = Original(format: "dng", suffix: ".NEF", width: 600, height: 400, data: pair.raw)
        let (first, second) = primary == .jpeg ? (jpeg, raw) : (raw, jpeg)
        #expect(frame["format"] as? String == first.format, sourceLocation: sourceLocation)
        #expect((frame["source"] as? String)?.hasSuffix(first.suffix) == true, sourceLocation: sourceLocation)
        #expect(frame["width"] as? Int == first.width && frame["height"] as? Int == first.height, sourceLocation: sourceLocation)
        let originals = frame["originals"] as? [[String: Any]] ?? []
        #expect(originals.map { $0["format"] as? String } == [first.format, second.format], sourceLocation: sourceLocation)
        #expect(originals.map { $0["bytes"] as? Int } == [first.data.count, second.data.count], sourceLocation: sourceLocation)
        #expect(originals.map { $0["sha256"] as? String } == [Hashing.sha256(first.data), Hashing.sha256(second.data)],
                sourceLocation: sourceLocation)
        #expect((originals.last?["path"] as? String)?.hasSuffix("\(id)\(second.suffix)") == true, sourceLocation: sourceLocation)
        // The other file's own renditions were not kept: one file per rendition, the primary's.
        #expect(try pair.renditionFiles("large").count == 1, sourceLocation: sourceLocation)
        #expect(try SchemaCheck.problems(galleries: "\(pair.library)/galleries").status == 0, sourceLocation: sourceLocation)
    }

    @Test("a raw and a JPEG of one frame id in one run are one frame, from the JPEG, with both originals")
    func oneRun() async throws {
        let pair = try Pair()
        pair.writeRaw()
        pair.writeJPEG()
        let clock = StageClock()
        let summary = try await pair.ingest(clock: clock)
        #expect(summary.ingested == 2 && summary.rejected == 0, "\(summary.problems)")
        // The JPEG's name sorts first: the raw waited for its frame and joined it undecoded.
        #expect(clock.count(.decode) == 1, "decodes: \(clock.count(.decode))")
        #expect(summary.sharedIds.isEmpty, "\(summary.sharedIds)")
        // Two files, one frame: the summary counts the raw beside its JPEG, not as a frame.
        #expect(summary.pairedOriginals == 1)
        #expect(summary.line.hasPrefix("1 frame in 1 gallery, 1 raw file kept beside its JPEG,"), "\(summary.line)")
        try Self.expectPaired(pair)
    }

    @Test("a raw whose name sorts before its JPEG's (a DNG) still goes after it: one decode, the plain stem; under pairs = raw a NEF goes first")
    func primaryGoesFirst() async throws {
        let dng = try Pair()
        dng.writeRaw(suffix: ".DNG")
        dng.writeJPEG()
        let clock = StageClock()
        let summary = try await dng.ingest(clock: clock)
        #expect(clock.count(.decode) == 1, "decodes: \(clock.count(.decode))")
        #expect(summary.pairedOriginals == 1 && summary.sharedIds.isEmpty, "\(summary.sharedIds)")
        #expect(try dng.frames().map { $0["format"] as? String } == ["jpeg"])
        #expect(try dng.renditionFiles("large") == ["\(Self.id).jpg"], "the JPEG keeps the frame id as its stem")

        let nef = try Pair()
        nef.writeRaw()
        nef.writeJPEG()
        let rawClock = StageClock()
        let rawSummary = try await nef.ingest(pairs: .raw, clock: rawClock)
        #expect(rawClock.count(.decode) == 1, "decodes: \(rawClock.count(.decode))")
        #expect(rawSummary.pairedOriginals == 1)
        try Self.expectPaired(nef, primary: .raw)
        #expect(try nef.renditionFiles("large") == ["\(Self.id).jpg"])
    }

    @Test("the JPEG first and the raw in a later run, or the other way round, give the same frame")
    func eitherOrder() async throws {
        let jpegFirst = try Pair()
        jpegFirst.writeJPEG()
        _ = try await jpegFirst.ingest()
        jpegFirst.writeRaw()
        let clock = StageClock()
        let second = try await jpegFirst.ingest(clock: clock)
        #expect(second.ingested == 1 && second.sharedIds.isEmpty, "\(second.problems) \(second.sharedIds)")
        #expect(clock.count(.decode) == 0, "the raw joins the JPEG's frame in the catalog without a decode")
        #expect(second.pairedOriginals == 1, "the raw joined a frame made earlier: no new frame")
        try Self.expectPaired(jpegFirst)

        let rawFirst = try Pair()
        rawFirst.writeRaw()
        _ = try await rawFirst.ingest()
        #expect(try rawFirst.frames().first?["format"] as? String == "dng")
        rawFirst.writeJPEG()
        let later = try await rawFirst.ingest()
        #expect(later.ingested == 1 && later.sharedIds.isEmpty, "\(later.problems) \(later.sharedIds)")
        #expect(later.pairedOriginals == 0, "the JPEG's frame takes the raw's place: one frame made again")
        try Self.expectPaired(rawFirst)

        // An unchanged pair is not read again, and its manifest does not change.
        let page = try TestIngest.manifest(rawFirst.library, gallery: "iss069")
        let again = try await rawFirst.ingest()
        #expect(again.ingested == 0 && again.unchanged == 2)
        #expect(NSDictionary(dictionary: try TestIngest.manifest(rawFirst.library, gallery: "iss069")).isEqual(to: page))
    }

    @Test("a folder holding a pair, renamed inside the SOURCE: the frame keeps both originals at their new paths, nothing read again")
    func pairMoves() async throws {
        let pair = try Pair()
        pair.folder.write(pair.raw, to: "in/roll1/\(Self.id).NEF")
        pair.folder.write(pair.jpeg, to: "in/roll1/\(Self.id).JPG")
        _ = try await pair.ingest()
        try FileManager.default.moveItem(at: pair.input.appendingPathComponent("roll1"), to: pair.input.appendingPathComponent("roll2"))
        let summary = try await pair.ingest()
        #expect(summary.moved == 2 && summary.ingested == 0 && summary.removed == 0,
                "moved \(summary.moved), ingested \(summary.ingested), removed \(summary.removed)")
        try Self.expectPaired(pair)
        let originals = try pair.frames().first?["originals"] as? [[String: Any]] ?? []
        #expect(originals.allSatisfy { ($0["path"] as? String)?.contains("roll2/") == true }, "\(originals)")
        let again = try await pair.ingest()
        #expect(again.ingested == 0 && again.moved == 0 && again.unchanged == 2)
    }

    @Test("removing the raw keeps the frame; removing the JPEG leaves the raw's own frame; removing both drops it")
    func removals() async throws {
        let pair = try Pair()
        let raw = pair.writeRaw()
        let jpeg = pair.writeJPEG()
        _ = try await pair.ingest()

        try FileManager.default.removeItem(at: raw)
        _ = try await pair.ingest()
        var frames = try pair.frames()
        #expect(frames.count == 1 && frames.first?["format"] as? String == "jpeg")
        #expect(frames.first?["originals"] == nil, "\(frames)")

        pair.writeRaw()
        _ = try await pair.ingest()
        try Self.expectPaired(pair)

        // The JPEG goes: in the same run the raw is rendered as a frame of its own.
        try FileManager.default.removeItem(at: jpeg)
        let summary = try await pair.ingest()
        #expect(summary.ingested == 1, "\(summary)")
        frames = try pair.frames()
        #expect(frames.count == 1 && frames.first?["format"] as? String == "dng", "\(frames)")
        #expect(frames.first?["width"] as? Int == 600 && frames.first?["originals"] == nil)
        let large = try #require((frames.first?["renditions"] as? [String: Any])?["large"] as? [String: Any])
        #expect(FileManager.default.fileExists(atPath: "\(pair.library)/galleries/iss069/\(large["path"] as! String)"))
        #expect(try pair.renditionFiles("large").count == 1)

        try FileManager.default.removeItem(at: raw)
        _ = try await pair.ingest()
        #expect(try pair.frames().isEmpty)
        #expect(try pair.renditionFiles("large").isEmpty)
    }

    @Test("--originals copy and move keep both originals of a pair in the library")
    func keptOriginals() async throws {
        for policy in [OriginalsPolicy.copy, .move] {
            let pair = try Pair()
            let raw = pair.writeRaw()
            let jpeg = pair.writeJPEG()
            let summary = try await pair.ingest(originals: policy)
            #expect(summary.ingested == 2, "\(policy): \(summary.problems)")
            let kept = try FileManager.default.contentsOfDirectory(atPath: "\(pair.library)/originals/iss069")
            let contents = Set(try kept.map { try Data(contentsOf: URL(fileURLWithPath: "\(pair.library)/originals/iss069/\($0)")) })
            #expect(contents == [pair.raw, pair.jpeg], "\(policy): \(kept)")
            #expect(FileManager.default.fileExists(atPath: raw.path) == (policy == .copy))
            #expect(FileManager.default.fileExists(atPath: jpeg.path) == (policy == .copy))
            try Self.expectPaired(pair)
            // The sources gone (moved), the next run keeps the frame and both listed originals.
            if policy == .move {
                _ = try await pair.ingest(originals: policy)
                try Self.expectPaired(pair)
            }
        }
    }

    @Test("two JPEGs with one frame id stay two frames named apart, and the summary says so")
    func twoJPEGs() async throws {
        let pair = try Pair()
        pair.writeJPEG()
        _ = pair.folder.write(try SyntheticImage.jpeg(width: 320, height: 320), to: "in/more/\(Self.id).JPG")
        let summary = try await pair.ingest()
        #expect(try pair.frames().count == 2)
        #expect(summary.sharedIds.map(\.id) == [Self.id])
        #expect(try pair.frames().allSatisfy { $0["originals"] == nil })
    }

    @Test("a catalog made before pairs existed gains them when opened")
    func migration() async throws {
        let pair = try Pair()
        pair.writeJPEG()
        _ = try await pair.ingest()
        let database = try DatabaseQueue(path: "\(pair.library)/catalog.sqlite")
        try await database.write { db in
            try CatalogDowngrade.dropPageEntries(db)
            try db.execute(sql: "DROP TABLE companion")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE 'v11:%'")
        }
        try database.close()
        pair.writeRaw()
        let summary = try await pair.ingest()
        #expect(summary.ingested == 1, "\(summary.problems)")
        try Self.expectPaired(pair)
    }

    @Test("Samples/downlink's raws: a DNG beside its JPEG is one frame with both originals, a DNG alone is rendered")
    func sampleRaws() throws {
        let folder = TemporaryFolder()
        let downlink = try SampleFolder.make(in: folder)
        for sample in SampleDownlink.rawFrames { try sample.data().write(to: downlink.appendingPathComponent(sample.fileName)) }
        let library = folder.url.appendingPathComponent("library").path
        let run = try CLI.run(["ingest", downlink.path, "--library", library])
        #expect(run.status == 0, "\(run.stderr)")
        let frames = try TestIngest.frames(library)
        #expect(frames.count == SampleDownlink.frames.count + 1)
        #expect(run.stderr.contains("\(frames.count) frames in 10 galleries, 1 raw file kept beside its JPEG,"), "\(run.stderr)")
        let pair = try #require(frames.first { $0["id"] as? String == "ISS069-E-12348" })
        #expect(pair["format"] as? String == "jpeg")
        #expect((pair["originals"] as? [[String: Any]])?.compactMap { $0["format"] as? String } == ["jpeg", "dng"])
        let alone = try #require(frames.first { $0["id"] as? String == "ISS069-E-12360" })
        #expect(alone["format"] as? String == "dng")
        let thumb = try #require((alone["renditions"] as? [String: [String: Any]])?["thumb"]?["path"] as? String)
        #expect(FileManager.default.fileExists(atPath: "\(library)/galleries/iss069/\(thumb)"))
    }
}
