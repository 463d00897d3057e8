import Foundation

/// `cupola ingest`: scans SOURCE folders and feeds every file through the pipeline, then drops
/// frames whose files are gone and publishes the galleries that changed.
public struct BatchIngest {
    public let sources: [SourceFolder]

    public init(sources: [SourceFolder]) { self.sources = sources }

    /// `found` is told the number of files found, before any is processed.
    public func run(_ pipeline: Pipeline, found: ((Int) -> Void)? = nil) async throws {
        // Shared work recovers per claim instead (`WorkClaims`): other workers' frames in flight
        // are not this run's to judge.
        if !pipeline.configuration.dryRun && pipeline.shared == nil {
            try pipeline.recoverInterruptedRun()
            try pipeline.retrySuspects()
        }
        // Before the catalog's record of the folders is read, so that the scan finds them new.
        try pipeline.promoteCompanions(scanned: sources.map(\.path))
        let scans = try await scanAll(pipeline)
        found?(scans.reduce(0) { $0 + $1.1.arrivals.count })
        let (stream, continuation) = AsyncStream<PipelineEvent>.makeStream()
        // The scan goes first: moved files keep their frames and deleted ones free their names
        // before any new file is planned, so the library ends as a fresh ingest would make it.
        for (source, result) in scans {
            continuation.yield(.scanned(source, result))
            let changed = try pipeline.dropUnchanged(result.arrivals, under: source.path)
            for arrival in PairOrder.primaryFirst(changed, pairs: pipeline.configuration.settings.pairPrimary) {
                continuation.yield(.arrival(arrival))
            }
        }
        continuation.finish()
        try await pipeline.run(stream)
        try pipeline.publish()
        try pipeline.noteStaleRenditions()
    }

    /// Scans every SOURCE while what the catalog knows of each is read: at 10^5 files each takes
    /// a few tenths of a second, and neither needs the other. A function of its own, so that once
    /// it returns the planner holds the only reference to what was read (a second one would make
    /// the planner's first change copy it all).
    private func scanAll(_ pipeline: Pipeline) async throws -> [(SourceFolder, BatchScanner.Result)] {
        let roots = sources.map(\.path), catalog = pipeline.catalog
        async let known = Self.knownFiles(under: roots, in: catalog)
        var scans: [(SourceFolder, BatchScanner.Result)] = []
        for source in sources {
            scans.append((source, pipeline.clock.measure(.scan) { BatchScanner().scan(source) }))
        }
        for (root, files) in try await known { pipeline.planner.preload(files, under: root) }
        return scans
    }

    private static func knownFiles(under roots: [FilePathBytes], in catalog: any Catalog) async throws -> [(FilePathBytes, KnownFiles)] {
        var known: [(FilePathBytes, KnownFiles)] = []
        for root in roots { known.append((root, try catalog.knownFiles(under: root))) }
        return known
    }
}
