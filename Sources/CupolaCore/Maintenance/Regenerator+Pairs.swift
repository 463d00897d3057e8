extension Regenerator {
    /// `[raw] pairs` changed since some raw + JPEG pairs were made: each is turned round before any
    /// rendition is rebuilt, through the pipeline, which reads the file that becomes the frame like
    /// a new one (`Pipeline.promoteCompanions`). A dry run only counts them.
    func turnPairs(_ summary: inout Summary, dryRun: Bool) async throws {
        guard !dryRun else {
            summary.pairsTurned = try catalog.companionsToPromote(pairs: settings.pairPrimary).count
            return
        }
        let configuration = PipelineConfiguration(layout: layout, settings: settings, workers: workers)
        let pipeline = try Pipeline(configuration: configuration, catalog: catalog, command: "regenerate")
        pipeline.shared = shared?.work
        try pipeline.promoteCompanions(scanned: [])
        guard pipeline.summary.promotedCompanions > 0 else { return }
        let (events, end) = AsyncStream<PipelineEvent>.makeStream()
        end.finish()
        try await pipeline.run(events)
        try pipeline.publish()
        summary.pairsTurned = pipeline.summary.promotedCompanions
        summary.problems += pipeline.summary.problems
    }
}
