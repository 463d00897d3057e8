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
        var scans: [(SourceFolder, BatchScanner.Result)] = []
        for source in sources {
            scans.append((source, pipeline.clock.measure(.scan) { BatchScanner().scan(source) }))
        }
        found?(scans.reduce(0) { $0 + $1.1.arrivals.count })
        let (stream, continuation) = AsyncStream<PipelineEvent>.makeStream()
        // The scan goes first: moved files keep their frames and deleted ones free their names
        // before any new file is planned, so the library ends as a fresh ingest would make it.
        for (source, result) in scans {
            continuation.yield(.scanned(source, result))
            for arrival in try pipeline.dropUnchanged(result.arrivals) { continuation.yield(.arrival(arrival)) }
        }
        continuation.finish()
        try await pipeline.run(stream)
        try pipeline.publish()
        try pipeline.noteStaleRenditions()
    }
}
