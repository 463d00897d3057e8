/// What happens to an original once its frame is ingested.
public enum OriginalsPolicy: String, Sendable, CaseIterable {
    /// Referenced where it is.
    case keep
    /// Copied into `DIR/originals/<gallery>/`, verified by SHA-256.
    case copy
    /// Copied and verified as for `copy`, then removed from the source once the catalog has it.
    case move
}

/// Everything that shapes one run of the pipeline, in one value.
public struct PipelineConfiguration: Sendable {
    public var layout: LibraryLayout
    public var settings: Settings
    /// Concurrent frame workers (the task group's width).
    public var workers: Int
    public var dryRun: Bool = false
    public var originals: OriginalsPolicy = .keep

    public init(layout: LibraryLayout, settings: Settings, workers: Int? = nil) {
        self.layout = layout
        self.settings = settings
        self.workers = max(1, workers ?? settings.workerCount)
    }
}
