/// Everything that shapes one run of the pipeline, in one value.
public struct PipelineConfiguration: Sendable {
    public var layout: LibraryLayout
    public var settings: Settings
    /// Concurrent frame workers (the task group's width).
    public var workers: Int
    public var dryRun: Bool = false

    public init(layout: LibraryLayout, settings: Settings, workers: Int? = nil) {
        self.layout = layout
        self.settings = settings
        self.workers = max(1, workers ?? settings.workerCount)
    }
}
