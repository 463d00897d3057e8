import Foundation

/// `cupola ingest`: scans SOURCE folders and feeds every file through the pipeline, then drops
/// frames whose files are gone and publishes the galleries that changed.
public struct BatchIngest {
    public let sources: [SourceFolder]

    public init(sources: [SourceFolder]) { self.sources = sources }

    /// `found` is told the number of files found, before any is processed.
    public func run(_ pipeline: Pipeline, found: ((Int) -> Void)? = nil) async throws {
        if !pipeline.configuration.dryRun {
            try pipeline.recoverInterruptedRun()
            try pipeline.retrySuspects()
        }
        var scans: [(SourceFolder, BatchScanner.Result)] = []
        for source in sources {
            scans.append((source, pipeline.clock.measure(.scan) { BatchScanner().scan(source) }))
        }
        found?(scans.reduce(0) { $0 + $1.1.arrivals.count })
        let (stream, continuation) = AsyncStream<PipelineEvent>.makeStream()
        for (source, result) in scans {
            for arrival in result.arrivals { continuation.yield(.arrival(arrival)) }
            continuation.yield(.scanned(source, result))
        }
        continuation.finish()
        try await pipeline.run(stream)
        try pipeline.publish()
        try pipeline.noteStaleRenditions()
    }
}
