import Foundation

/// `cupola ingest`: scans SOURCE folders and feeds every file through the pipeline, then drops
/// frames whose files are gone and publishes the galleries that changed.
public struct BatchIngest {
    public let sources: [SourceFolder]

    public init(sources: [SourceFolder]) { self.sources = sources }

    /// `progress` is told the number of files found, before any is processed.
    public func run(_ pipeline: Pipeline, catalog: any Catalog, found: ((Int) -> Void)? = nil) async throws {
        if !pipeline.configuration.dryRun {
            try pipeline.recoverInterruptedRun()
            try pipeline.retrySuspects()
        }
        var scans: [(SourceFolder, BatchScanner.Result)] = []
        for source in sources {
            let result = pipeline.clock.measure(.scan) { BatchScanner().scan(source) }
            pipeline.noteSkipped(result.skipped)
            scans.append((source, result))
        }
        found?(scans.reduce(0) { $0 + $1.1.arrivals.count })
        let (stream, continuation) = AsyncStream<PipelineEvent>.makeStream()
        for (_, result) in scans { for arrival in result.arrivals { continuation.yield(.arrival(arrival)) } }
        continuation.finish()
        try await pipeline.run(stream)
        for (source, result) in scans {
            try pipeline.removeVanished(try vanished(source, result, catalog: catalog))
        }
        try pipeline.publish()
    }

    /// Catalog entries under a SOURCE that the scan did not see. Entries under a folder that could
    /// not be listed are kept: an unreadable folder is not a deleted one.
    private func vanished(_ source: SourceFolder, _ result: BatchScanner.Result, catalog: any Catalog) throws -> [FilePathBytes] {
        let seen = Set(result.arrivals.map(\.path))
        let known = try catalog.sources(under: source.path)
        return known.keys.filter { path in
            !seen.contains(path) && !result.unreadableFolders.contains { folder in
                path.bytes.starts(with: folder.bytes + [UInt8(ascii: "/")])
            }
        }.sorted()
    }
}
