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
    /// Called with every worker result as it is recorded (the watcher logs them).
    public var onResult: ((FrameResult) -> Void)?
    /// Called with each problem that is not a frame's result: a folder that could not be read.
    public var onProblem: ((RunSummary.Problem) -> Void)?
    /// Called after galleries were published, with the ids (the watcher logs them).
    public var onPublish: (([String]) -> Void)?
    /// Called when a file is given a `~tag` stem because its frame id is taken (the watcher logs it).
    public var onSharedId: ((RunSummary.SharedId) -> Void)?
    /// Called when a known frame's file moved, with its old label and the frame now (the watcher logs it).
    public var onMove: ((String, CatalogFrame) -> Void)?
    /// Called with the frames that left the catalog because their files are gone (the watcher logs them).
    public var onRemove: (([CatalogFrame]) -> Void)?
    var offered = 0
    private var done = 0
    /// Set for writing runs: tells whether the previous run crashed.
    public var crashMarker: CrashMarker?
    /// Set when many workers share the work through the catalog: frames are claimed, not taken.
    public var shared: SharedWork?
    let processor: FrameProcessor
    var planner: IngestPlanner
    public internal(set) var summary: RunSummary
    var dirtyGalleries: Set<String> = []
    var touchedGalleries: Set<String> = []
    /// Rendition files of frames that left the catalog: removed once manifests no longer name them.
    private var retiredFiles: [(gallery: String, path: String)] = []
    /// Raw originals whose JPEG left: offered to the planner again, to become frames of their own.
    var releasedCompanions: [Arrival] = []
    /// Library copies of originals a move replaced: removed once the move is committed.
    var retiredOriginals: [FilePathBytes] = []
    /// Results not yet committed: written in batches, one transaction each.
    var pendingChanges: [CatalogChange] = []
    /// Files this run committed that have not (yet) joined their pair's frame as its companion.
    var committedCompanions: Set<FilePathBytes> = []
    /// When the oldest change not yet in a manifest was committed (the watcher's debounce).
    var changedSince: Date?

    public init(configuration: PipelineConfiguration, catalog: any Catalog, command: String, clock: StageClock = StageClock()) throws(CatalogError) {
        self.configuration = configuration
        self.catalog = catalog
        self.clock = clock
        self.processor = FrameProcessor(configuration: configuration, clock: clock, catalog: catalog)
        self.planner = try IngestPlanner(catalog: catalog)
        self.summary = RunSummary(command: command)
        summary.dryRun = configuration.dryRun
        summary.pairPrimary = configuration.settings.pairPrimary
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
            record(processor.process(job))
            try commitPending()
        }
    }

    /// Drops the frames of files a full scan of `source` did not see (`unseen`, in path order,
    /// less those `applyMoves` has since followed). Entries under a folder that could not be
    /// listed are kept: an unreadable folder is not a deleted one.
    func removeVanished(under source: SourceFolder, _ result: BatchScanner.Result, unseen: [FilePathBytes]) throws {
        let known = try planner.known(under: source.path)
        // A frame whose original the library keeps a copy of stays when its source goes.
        let gone = unseen.filter { path in
            known[path].map { !$0.keepsOriginal } == true && !result.unreadableFolders.contains { path.isInside($0.path) }
        }
        for path in gone { planner.forget(path, under: source.path) }
        try removeVanished(gone)
    }

    /// Drops frames whose source files are gone.
    func removeVanished(_ paths: [FilePathBytes]) throws {
        guard !paths.isEmpty else { return }
        if configuration.dryRun {
            summary.removed += paths.count
            return
        }
        let frames = try clock.measure(.catalog) { () throws(CatalogError) in try catalog.remove(paths) }
        summary.removed += frames.count
        for frame in frames { retire(frame) }
        if !frames.isEmpty { onRemove?(frames) }
    }

    func retire(_ frame: CatalogFrame) {
        planner.release(frame)
        dirtyGalleries.insert(frame.gallery.id)
        touchedGalleries.insert(frame.gallery.id)
        retiredFiles += frame.renditions.map { (frame.gallery.id, $0.path) }
        // The frame's raw companion, which the catalog forgot with it, becomes a frame of its own.
        for companion in frame.companions where (try? catalog.source(at: companion.path)) == .some(nil) {
            planner.forget(companion.path, under: companion.root)
            guard let raw = try? lstatBytes(companion.path), case .regular = EntryKind(mode: raw.st_mode) else { continue }
            releasedCompanions.append(Arrival(path: companion.path, root: companion.root, label: companion.label, stat: FileStat(raw)))
        }
    }

    /// For a batch scan: files whose size, mtime and inode match what the catalog recorded are
    /// counted unchanged here and never become events (at 10^5 files the event loop's cost per
    /// file was most of a no-op run); the rest are returned for the loop.
    public func dropUnchanged(_ arrivals: [Arrival], under root: FilePathBytes) throws -> [Arrival] {
        var rest: [Arrival] = []
        for (arrival, unchanged) in zip(arrivals, try planner.unchanged(arrivals, under: root)) {
            guard unchanged else {
                rest.append(arrival)
                continue
            }
            offered += 1
            summary.unchanged += 1
            advance()
        }
        return rest
    }

    func advance() {
        done += 1
        onProgress?(done, offered)
    }

    /// Takes a worker's result: counts it, and queues its catalog change for the next batch.
    func record(_ result: FrameResult) {
        defer { advance() }
        onResult?(result)
        planner.remember(result)
        switch result {
        case .ingested(let frame, _), .linked(let frame, _, _):
            if case .linked(_, _, let twin) = result {
                summary.sameContent.append(.init(file: frame.source.label, sameAs: twin))
            }
            pendingChanges.append(.commit(frame))
            summary.ingested += 1
            dirtyGalleries.insert(frame.gallery.id)
            touchedGalleries.insert(frame.gallery.id)
            for warning in frame.metadata.warnings {
                summary.warnings.append(.init(file: frame.source.label, warning: warning))
            }
        case .unchanged(let source):
            pendingChanges.append(.refresh(source))
            summary.refreshed += 1
            if summary.refreshedFiles.count < RunSummary.refreshedListLimit { summary.refreshedFiles.append(source.label) }
        case .rejected(let source):
            pendingChanges.append(.outcome(source))
            summary.rejected += 1
            summary.problems.append(.init(file: source.label, outcome: "rejected", reason: source.reason ?? ""))
        case .failed(let source, let stop):
            summary.failed += 1
            summary.problems.append(.init(file: source.label, outcome: "failed", reason: source.reason ?? ""))
            if let stop {
                // Nothing is recorded for the frame: the next run, with space, does it afresh.
                summary.stop = stop
                summary.stoppedEarly = source.reason
            } else {
                pendingChanges.append(.outcome(source))
            }
        case .vanished(let path):
            pendingChanges.append(.remove(path))
        }
    }

    /// `--originals move`: a source goes only once its verified copy is committed (not one that
    /// is to be read again because it could not join its pair's frame).
    func removeMovedSources(_ changes: [CatalogChange], retired: [CatalogFrame]) {
        let unpaired = Set(unpaired(changes, retired: retired).map(\.source.path))
        for case .commit(let frame) in changes where frame.source.original != nil && !unpaired.contains(frame.source.path) {
            AtomicFile.remove(frame.source.path)
        }
    }

    var pendingCount: Int { pendingChanges.count }
    var hasUnpublishedChanges: Bool { !dirtyGalleries.isEmpty || !retiredFiles.isEmpty || !retiredOriginals.isEmpty }

    /// Commits the queued changes in one transaction. Renditions are already on disk, so a crash
    /// before this only costs the next run some work.
    func commitPending() throws {
        guard !pendingChanges.isEmpty else { return }
        let changes = pendingChanges
        pendingChanges = []
        let retired = try clock.measure(.catalog) { () throws(CatalogError) in try catalog.apply(changes, pairs: configuration.settings.pairPrimary) }
        processor.twins.committed()
        if configuration.originals == .move { removeMovedSources(changes, retired: retired) }
        notePairs(committed: changes, retired: retired)
        for frame in retired { retire(frame) }
        let vanished = Set(changes.compactMap { change -> FilePathBytes? in
            if case .remove(let path) = change { return path } else { return nil }
        })
        summary.removed += retired.filter { vanished.contains($0.source.path) }.count
    }

    /// Rebuilds the manifests of every gallery this run changed, then removes renditions that
    /// no manifest names any more.
    public func publish() throws {
        guard !configuration.dryRun else { return }
        // Workers sharing a library publish in turn, with no change committed meanwhile.
        guard let shared else { return try publishChanges() }
        try shared.claims.holdingPublication { try publishChanges() }
    }

    private func publishChanges() throws {
        try commitPending()
        let publisher = GalleryPublisher(layout: configuration.layout, catalog: catalog)
        // Theme rules are applied from the catalog's rows (no file read) before galleries are chosen.
        summary.themes = summary.themes + (try clock.measure(.catalog) { try catalog.updateThemes(configuration.settings.themes) })
        // Galleries a killed run changed but did not publish are in the catalog's dirty list.
        dirtyGalleries.formUnion(try catalog.dirtyGalleries())
        let report = try clock.measure(.manifest) { try publisher.publish(galleries: dirtyGalleries) }
        try catalog.markClean(dirtyGalleries)
        summary.upgradedGalleries += report.upgraded
        summary.galleryFilesWritten += report.written.count
        summary.galleryBytesWritten += report.bytesWritten
        if configuration.settings.site.enabled {
            let publisher = SitePublisher(layout: configuration.layout, baseURL: configuration.settings.site.baseURL)
            let site = try clock.measure(.manifest) { try publisher.publish(galleries: dirtyGalleries) }
            summary.siteFilesWritten += site.written.count + site.removed.count
            summary.siteBytesWritten += site.bytesWritten
            if configuration.settings.site.baseURL == nil && !site.written.isEmpty { summary.iiif = SitePublisher.iiifSkipped }
        }
        try removeRetiredFiles()
        onPublish?(dirtyGalleries.sorted())
        dirtyGalleries = []
        summary.galleries = touchedGalleries.sorted()
    }

    /// Deletes renditions of frames that left the catalog, unless a frame still names the same
    /// file (asked of the catalog for just these files, not by reading their galleries).
    private func removeRetiredFiles() throws {
        for original in retiredOriginals { AtomicFile.remove(original) }
        retiredOriginals = []
        guard !retiredFiles.isEmpty else { return }
        for (gallery, files) in Dictionary(grouping: retiredFiles, by: \.gallery) {
            let inUse = try catalog.renditionPathsInUse(inGallery: gallery, among: files.map(\.path))
            for file in files where !inUse.contains(file.path) {
                AtomicFile.remove(configuration.layout.renditionFile(gallery: gallery, relativePath: file.path))
            }
        }
        retiredFiles = []
    }

    /// Counts renditions made with other settings than the current ones, for the summary. Once
    /// per run: it scans every rendition, so it stays out of the watcher's frequent publications.
    public func noteStaleRenditions() throws {
        guard !configuration.dryRun else { return }
        summary.staleRenditions = try catalog.staleRenditionCount(current: configuration.settings.renditions)
    }

    /// See `RunSummary.forgetDetails`.
    public func forgetSummaryDetails() { summary.forgetDetails() }

    /// A folder that could not be read is a failure of this run, named with its reason: its files
    /// were not ingested, and cron must hear of it. Retried by the next scan.
    func noteUnreadable(_ folders: [UnreadableFolder]) {
        for folder in folders {
            let problem = RunSummary.Problem(file: folder.label, outcome: "failed", reason: folder.reason)
            summary.failed += 1
            summary.problems.append(problem)
            onProblem?(problem)
        }
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
            summary.stageRuns = Dictionary(uniqueKeysWithValues: clock.snapshot.keys.map { ($0.rawValue, clock.count($0)) })
        }
    }
}
