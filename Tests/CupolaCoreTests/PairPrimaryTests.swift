@testable import CupolaCore
import Foundation
import Testing

/// `[raw] pairs = "raw"`: a raw + JPEG pair is the raw's frame (renditions, metadata and size from
/// the raw), the JPEG kept beside it; and a library's pairs follow the setting when it changes.
@Suite("Raw + JPEG pairs made from the raw")
struct PairPrimaryTests {
    typealias Pair = OriginalPairTests.Pair

    @Test("with pairs = raw, both files in one run, or in either order over two, make the raw's frame")
    func rawPrimary() async throws {
        let oneRun = try Pair()
        oneRun.writeRaw()
        oneRun.writeJPEG()
        let summary = try await oneRun.ingest(pairs: .raw)
        #expect(summary.ingested == 2 && summary.pairedOriginals == 1, "\(summary.problems)")
        #expect(summary.line.hasPrefix("1 frame in 1 gallery, 1 JPEG kept beside its raw file,"), "\(summary.line)")
        try OriginalPairTests.expectPaired(oneRun, primary: .raw)

        for rawFirst in [true, false] {
            let pair = try Pair()
            if rawFirst { pair.writeRaw() } else { pair.writeJPEG() }
            _ = try await pair.ingest(pairs: .raw)
            if rawFirst { pair.writeJPEG() } else { pair.writeRaw() }
            let clock = StageClock()
            let later = try await pair.ingest(pairs: .raw, clock: clock)
            #expect(later.ingested == 1 && later.sharedIds.isEmpty, "\(later.problems) \(later.sharedIds)")
            // The JPEG joins the raw's frame in the catalog without a decode; the raw is decoded.
            #expect(clock.count(.decode) == (rawFirst ? 0 : 1), "raw first: \(rawFirst)")
            #expect(later.pairedOriginals == (rawFirst ? 1 : 0), "raw first: \(rawFirst)")
            try OriginalPairTests.expectPaired(pair, primary: .raw)
        }
    }

    @Test("changing pairs makes existing pairs the other file's frames at the next ingest, and back, each file read once")
    func switching() async throws {
        let pair = try Pair()
        pair.writeRaw()
        pair.writeJPEG()
        _ = try await pair.ingest()
        try OriginalPairTests.expectPaired(pair)

        let toRaw = try await pair.ingest(pairs: .raw)
        #expect(toRaw.promotedCompanions == 1 && toRaw.ingested == 1 && toRaw.unchanged == 1, "\(toRaw)")
        #expect(toRaw.line.contains("1 pair turned round ([raw] pairs changed)"), "\(toRaw.line)")
        try OriginalPairTests.expectPaired(pair, primary: .raw)
        let settled = try await pair.ingest(pairs: .raw)
        #expect(settled.promotedCompanions == 0 && settled.ingested == 0 && settled.unchanged == 2, "\(settled)")

        let back = try await pair.ingest()
        #expect(back.promotedCompanions == 1 && back.ingested == 1, "\(back)")
        try OriginalPairTests.expectPaired(pair)
    }

    @Test("a pair whose companion lies outside the SOURCE being ingested follows the setting too")
    func companionElsewhere() async throws {
        let pair = try Pair()
        pair.writeRaw()
        pair.writeJPEG()
        _ = try await pair.ingest()
        // Another folder is ingested: the pair's files are not scanned, the promoted raw is offered anyway.
        let other = pair.folder.url.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let session = try LibrarySession(library: pair.library, settingsFile: nil, command: "ingest")
        var settings = Settings()
        settings.pairPrimary = .raw
        let pipeline = try Pipeline(configuration: PipelineConfiguration(layout: session.layout, settings: settings, workers: 2),
                                    catalog: session.catalog, command: "ingest")
        try await BatchIngest(sources: [try SourceFolder(other.path)]).run(pipeline)
        #expect(pipeline.summary.promotedCompanions == 1 && pipeline.summary.ingested == 1, "\(pipeline.summary)")
        try OriginalPairTests.expectPaired(pair, primary: .raw)
    }

    @Test("regenerate turns pairs round after pairs changed; its dry run counts them and changes nothing")
    func regenerateTurnsPairs() async throws {
        let pair = try Pair()
        pair.writeRaw()
        pair.writeJPEG()
        _ = try await pair.ingest()
        try "[raw]\npairs = \"raw\"\n".write(toFile: "\(pair.library)/cupola.toml", atomically: true, encoding: .utf8)
        let dry = try CLI.run(["regenerate", "--library", pair.library, "--dry-run"])
        #expect(dry.status == 0 && dry.stderr.contains("1 pair to turn round ([raw] pairs changed)"), "\(dry.stderr)")
        try OriginalPairTests.expectPaired(pair)

        let run = try CLI.run(["regenerate", "--library", pair.library])
        #expect(run.status == 0 && run.stderr.contains("1 pair turned round ([raw] pairs changed)"), "\(run.stderr)")
        try OriginalPairTests.expectPaired(pair, primary: .raw)
        let again = try CLI.run(["regenerate", "--library", pair.library])
        #expect(!again.stderr.contains("turned round"), "\(again.stderr)")
    }

    @Test("[raw] pairs is read and validated")
    func setting() throws {
        #expect(Settings().pairPrimary == .jpeg)
        #expect(try SettingsFile.parse("[raw]\npairs = \"raw\"\n", file: "cupola.toml").pairPrimary == .raw)
        #expect(try SettingsFile.parse("[raw]\npairs = \"jpeg\"\n", file: "cupola.toml").pairPrimary == .jpeg)
        do {
            _ = try SettingsFile.parse("[raw]\n\npairs = \"nef\"\n", file: "cupola.toml")
            Issue.record("pairs = \"nef\" was accepted")
        } catch {
            #expect(error.line == 3 && error.message.contains("\"nef\""), "\(error)")
        }
    }
}
