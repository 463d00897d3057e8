import Foundation

/// The concurrent frame pipeline. Arrivals from any source go through the planner (serial), a
/// bounded task group of workers (probe, metadata, renditions) and back to one place that commits
/// each result to the catalog and marks its gallery dirty. Manifests are published from the
/// catalog by `publish()`.
public final class Pipeline {
    public let configuration: PipelineConfiguration
    let catalog: any Catalog
    public let clock: StageClock
    /// Called after each arrival is dealt with: (done, offered so far). For progress displays.
    public var onProgress: ((Int, Int) -> Void)?
    private var offered = 0
    private var done = 0
    /// Set for writing runs: tells whether the previous run crashed.
    public var crashMarker: CrashMarker?
    let processor: FrameProcessor
    private var planner: IngestPlanner
    public private(set) var summary: RunSummary
    private var dirtyGalleries: Set<String> = []
    private var touchedGalleries: Set<String> = []
    /// Rendition files of frames that left the catalog: removed once manifests no longer name them.
    private var staleRenditions: [FilePathBytes] = []

    public init(configuration: PipelineConfiguration, catalog: any Catalog, command: String, clock: StageClock = StageClock()) throws(CatalogError) {
        self.configuration = configuration
        self.catalog = catalog
        self.clock = clock
        self.processor = FrameProcessor(configuration: configuration, clock: clock)
        self.planner = try IngestPlanner(catalog: catalog)
        self.summary = RunSummary(command: command)
        summary.dryRun = configuration.dryRun
    }

    /// Processes every arrival of the stream, at most `workers` at a time.
    public func run(_ arrivals: AsyncStream<Arrival>) async throws {
        let processor = self.processor
        let workers = configuration.workers
        try await withThrowingTaskGroup(of: FrameResult.self) { group in
            var inFlight = 0
            for await arrival in arrivals {
                if summary.stoppedEarly != nil { break }
                offered += 1
                guard let job = try planner.plan(arrival) else {
                    summary.unchanged += 1
                    advance()
                    continue
                }
                if configuration.dryRun {
                    summary.pending += 1
                    advance()
                    continue
                }
                if inFlight >= workers, let result = try await group.next() {
                    inFlight -= 1
                    try record(result)
                }
                try clock.measure(.catalog) { () throws(CatalogError) in
                    try catalog.markProcessing([SourceRecord(arrival, state: .processing)], isolated: false)
                }
                group.addTask { processor.process(job) }
                inFlight += 1
            }
            while let result = try await group.next() { try record(result) }
        }
        summary.sharedIds = planner.sharedIds.keys.sorted().map {
            RunSummary.SharedId(id: $0, files: planner.sharedIds[$0]!.sorted())
        }
    }

    /// Start-up after a killed run: frames that killed the process twice are rejected (and leave
    /// their galleries); frames that were in flight become suspects for `retrySuspects`.
    public func recoverInterruptedRun() throws {
        let report = try catalog.recoverInterrupted(crashed: crashMarker?.consume() ?? false)
        for frame in report.retired { retire(frame) }
        for source in report.poisoned {
            summary.rejected += 1
            summary.problems.append(.init(file: source.label, outcome: "rejected", reason: "crashed the decoder"))
        }
    }

    /// Decodes sources that were in flight when an earlier run died, one at a time, so that a file
    /// which kills the process again is named and rejected at the next start-up.
    public func retrySuspects() throws {
        for suspect in try catalog.sources(in: .suspect) {
            guard let raw = try? lstatBytes(suspect.path) else {
                _ = try catalog.remove([suspect.path])
                continue
            }
            let arrival = Arrival(path: suspect.path, root: suspect.root, label: suspect.label, stat: FileStat(raw))
            guard let job = try planner.plan(arrival) else { continue }
            try catalog.markProcessing([SourceRecord(arrival, state: .isolated)], isolated: true)
            try record(processor.process(job))
        }
    }

    /// Drops frames whose source files are gone.
    public func removeVanished(_ paths: [FilePathBytes]) throws {
        guard !paths.isEmpty else { return }
        if configuration.dryRun {
            summary.removed += paths.count
            return
        }
        let frames = try clock.measure(.catalog) { () throws(CatalogError) in try catalog.remove(paths) }
        summary.removed += frames.count
        for frame in frames { retire(frame) }
    }

    private func retire(_ frame: CatalogFrame) {
        dirtyGalleries.insert(frame.gallery.id)
        touchedGalleries.insert(frame.gallery.id)
        staleRenditions += frame.renditions.map {
            configuration.layout.renditionFile(gallery: frame.gallery.id, relativePath: $0.path)
        }
    }

    private func advance() {
        done += 1
        onProgress?(done, offered)
    }

    private func record(_ result: FrameResult) throws {
        defer { advance() }
        try clock.measure(.catalog) { () throws(CatalogError) in
            switch result {
            case .ingested(let frame, _):
                try catalog.commit(frame)
                summary.ingested += 1
                dirtyGalleries.insert(frame.gallery.id)
                touchedGalleries.insert(frame.gallery.id)
                for warning in frame.metadata.warnings {
                    summary.warnings.append(.init(file: frame.source.label, warning: warning))
                }
            case .unchanged(let source):
                try catalog.refresh(source)
                summary.refreshed += 1
            case .rejected(let source):
                if let previous = try catalog.commitOutcome(source) { retire(previous) }
                summary.rejected += 1
                summary.problems.append(.init(file: source.label, outcome: "rejected", reason: source.reason ?? ""))
            case .failed(let source, let stop):
                summary.failed += 1
                summary.problems.append(.init(file: source.label, outcome: "failed", reason: source.reason ?? ""))
                if let stop {
                    // Nothing is recorded for the frame: the next run, with space, does it afresh.
                    summary.stop = stop
                    summary.stoppedEarly = source.reason
                } else if let previous = try catalog.commitOutcome(source) {
                    retire(previous)
                }
            case .vanished(let path):
                if let frame = try catalog.remove([path]).first {
                    summary.removed += 1
                    retire(frame)
                }
            }
        }
    }

    /// Rebuilds the manifests of every gallery this run changed, then removes renditions that
    /// no manifest names any more.
    public func publish() throws {
        guard !configuration.dryRun else { return }
        let publisher = GalleryPublisher(layout: configuration.layout, catalog: catalog)
        // Galleries a killed run changed but did not publish are in the catalog's dirty list.
        dirtyGalleries.formUnion(try catalog.dirtyGalleries())
        try clock.measure(.manifest) { try publisher.publish(galleries: dirtyGalleries) }
        try catalog.markClean(dirtyGalleries)
        let stillNamed = Set(try dirtyGalleries.flatMap { gallery in
            try catalog.frames(inGallery: gallery).flatMap { frame in
                frame.renditions.map { configuration.layout.renditionFile(gallery: gallery, relativePath: $0.path) }
            }
        })
        for file in staleRenditions where !stillNamed.contains(file) { AtomicFile.remove(file) }
        staleRenditions = []
        dirtyGalleries = []
        summary.galleries = touchedGalleries.sorted()
    }

    public func noteSkipped(_ entries: [SkippedEntry]) {
        for entry in entries {
            summary.skipped[entry.reason.rawValue, default: 0] += 1
            if summary.skippedFiles.count < RunSummary.skippedListLimit {
                summary.skippedFiles.append(.init(file: entry.path.description, outcome: "skipped", reason: entry.reason.rawValue))
            }
        }
    }

    public func finish(elapsed: Double, withStages: Bool) {
        summary.elapsedSeconds = elapsed
        if withStages {
            summary.stages = Dictionary(uniqueKeysWithValues: clock.snapshot.map { ($0.key.rawValue, $0.value) })
        }
    }
}
