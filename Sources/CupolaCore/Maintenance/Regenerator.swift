import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `cupola regenerate`: rebuilds renditions that are missing or were made with other settings,
/// one decode per original for all of its stale renditions, then republishes the galleries that
/// changed. Each frame is committed as it completes, so a killed run resumes where it stopped.
public final class Regenerator {
    public struct Options: Sendable {
        public var galleries: Set<String> = []
        public var renditions: Set<String> = []
        /// A shell pattern matched against the frame id and the source path shown in manifests.
        public var frames: String?
        public var force = false
        public var prune = false
        public var dryRun = false
        public var source: Source = .automatic

        public init() {}
    }

    /// What stale renditions are made from. A 2048 px JPEG decodes in a few milliseconds where a
    /// 20-megapixel original costs ~75 ms of entropy decoding even at 1/8 scale, which is most of
    /// what a full ingest costs; ingest itself derives each smaller rendition from the larger one.
    public enum Source: Sendable, Equatable {
        /// The smallest up-to-date rendition at least twice the size, else the original
        /// (always the original with `force`, which is for distrusting what is there).
        case automatic
        case originals
        /// This up-to-date rendition whenever it holds the pixels needed, else the original.
        case rendition(String)
    }

    public struct Summary: Codable, Sendable {
        public var command = "regenerate"
        public var dryRun = false
        public var framesRebuilt = 0
        public var renditionsRebuilt = 0
        /// Frames whose renditions were derived from a larger up-to-date rendition, not the original.
        public var framesDerived = 0
        /// Dry run: renditions that would be rebuilt.
        public var renditionsStale = 0
        /// Dry run: each rendition that would be rebuilt, `<gallery>/<path> (<why>)`; the first
        /// `rebuildingListLimit` (`renditionsStale` has the count).
        public var rebuilding: [String] = []
        public static let rebuildingListLimit = 1000
        public var obsolete: [String] = []
        public var pruned = 0
        /// Raw + JPEG pairs made under the other `[raw] pairs` setting, turned round (dry run: to turn).
        public var pairsTurned = 0
        public var galleries: [String] = []
        public var problems: [RunSummary.Problem] = []
        /// Shared work: frames this worker rebuilt after its lease ran out and another worker took
        /// them over; its results were dropped.
        public var lateResults: Int?
        public var elapsedSeconds = 0.0

        public var exitCode: Int32 { problems.isEmpty ? 0 : 1 }
        public var isQuiet: Bool {
            renditionsRebuilt == 0 && renditionsStale == 0 && pruned == 0 && pairsTurned == 0 && problems.isEmpty && obsolete.isEmpty
        }

        public var line: String {
            if dryRun {
                return "dry run: \(Wording.count(renditionsStale, "rendition")) of \(Wording.count(framesRebuilt, "frame")) to rebuild, \(obsolete.count) obsolete"
                    + (pairsTurned > 0 ? ", \(Wording.count(pairsTurned, "pair")) to turn round ([raw] pairs changed)" : "")
            }
            var parts = ["\(Wording.count(renditionsRebuilt, "rendition")) of \(Wording.count(framesRebuilt, "frame")) rebuilt in "
                         + Wording.count(galleries.count, "gallery", "galleries")
                         + (framesDerived > 0 ? " (\(framesDerived) from larger renditions)" : ""),
                         "\(problems.count) failed"]
            if pruned > 0 { parts.append("\(pruned) obsolete removed") }
            if pairsTurned > 0 { parts.append("\(Wording.count(pairsTurned, "pair")) turned round ([raw] pairs changed)") }
            if !obsolete.isEmpty { parts.append("\(obsolete.count) obsolete kept (use --prune)") }
            return parts.joined(separator: ", ") + String(format: ", %.1f s", elapsedSeconds)
        }
    }

    let layout: LibraryLayout
    let catalog: any Catalog
    let settings: Settings
    let workers: Int
    public let clock = StageClock()
    /// Told (done, total) as frames complete; for a progress bar.
    public var onProgress: ((Int, Int) -> Void)?
    /// Set when many workers share the rebuilds through a catalog server.
    public var shared: SharedRebuild?

    public init(layout: LibraryLayout, catalog: any Catalog, settings: Settings, workers: Int) {
        self.layout = layout
        self.catalog = catalog
        self.settings = settings
        self.workers = max(1, workers)
    }

    /// The plans for every frame that the options select and that has something to do, handed
    /// over a gallery batch at a time (`batchSize` frames read), so memory does not grow with the
    /// library. `body` is also told how many frames the batch examined, for progress.
    func forEachPlanBatch(_ options: Options, _ body: ([RenditionPlan], Int) async throws -> Void) async throws {
        for gallery in try selectedGalleries(options).map(\.identity.id) {
            var cursor: [UInt8]? = nil
            while true {
                let frames = try catalog.frames(inGallery: gallery, from: cursor, after: cursor != nil, limit: Self.batchSize)
                let plans = frames.filter { frame in
                    guard let pattern = options.frames else { return true }
                    let candidates: [String] = [frame.id, frame.source.label]
                    return candidates.contains { candidate in fnmatch(pattern, candidate, 0) == 0 }
                }.map { plan(for: $0, options) }.filter { !$0.isEmpty }
                try await body(plans, frames.count)
                guard frames.count == Self.batchSize, let last = frames.last else { break }
                cursor = last.orderKey
            }
        }
    }

    static let batchSize = 512

    /// What the options ask to be done to one frame, as the catalog and the files have it now.
    func plan(for frame: CatalogFrame, _ options: Options) -> RenditionPlan {
        RenditionPlan(frame: frame, settings: settings.renditions, only: options.renditions, force: options.force,
                      missing: missingRenditions(of: frame))
    }

    private func selectedGalleries(_ options: Options) throws -> [GallerySummary] {
        try catalog.galleries().filter { options.galleries.isEmpty || options.galleries.contains($0.identity.id) }
    }

    /// The recorded renditions of a frame whose file is gone: rebuilt like stale ones.
    func missingRenditions(of frame: CatalogFrame) -> Set<String> {
        Set(frame.renditions.filter { record in
            (try? lstatBytes(layout.renditionFile(gallery: frame.gallery.id, relativePath: record.path))) == nil
        }.map(\.name))
    }

    public func run(_ options: Options) async throws -> Summary {
        let started = Date()
        var summary = Summary()
        summary.dryRun = options.dryRun
        let source = options.force && options.source == .automatic ? Source.originals : options.source
        let total = try selectedGalleries(options).reduce(0) { $0 + $1.frameCount }
        var progress = Progress(total: total)
        try await turnPairs(&summary, dryRun: options.dryRun)
        try await forEachPlanBatch(options) { plans, examined in
            summary.obsolete += plans.flatMap { plan in plan.obsolete.map { "\(plan.frame.gallery.id)/\($0.path)" } }
            if options.dryRun {
                summary.framesRebuilt += plans.filter { !$0.stale.isEmpty }.count
                summary.renditionsStale += plans.reduce(0) { $0 + $1.stale.count }
                summary.rebuilding += Array(plans.lazy.flatMap { plan in
                    plan.stale.lazy.map { spec in
                        "\(plan.frame.gallery.id)/\(LibraryLayout.renditionPath(spec, stem: plan.frame.stem)) (\(plan.reason(spec)))"
                    }
                }.prefix(Summary.rebuildingListLimit - summary.rebuilding.count))
            } else if let shared {
                try await rebuildShared(plans, options: options, source: source, through: shared, untilAllDone: false,
                                        summary: &summary, progress: &progress)
            } else {
                try await rebuildBatch(plans, prune: options.prune, summary: &summary, progress: &progress) { route(for: $0, from: source) }
            }
            progress.examined(options.dryRun ? examined : examined - plans.count)
            onProgress?(progress.done, progress.total)
        }
        guard !options.dryRun else { return summary }
        if let shared {
            try await rebuildShared([], options: options, source: source, through: shared, untilAllDone: true,
                                    summary: &summary, progress: &progress)
            try shared.work.claims.holdingPublication { try publish(&summary, progress: progress) }
        } else {
            try publish(&summary, progress: progress)
        }
        if options.prune { summary.obsolete = [] }
        summary.elapsedSeconds = Date().timeIntervalSince(started)
        return summary
    }

    func route(for plan: RenditionPlan, from source: Source) -> Route {
        switch source {
        case .automatic: Route(base: plan.derivationBase())
        case .originals: Route()
        case .rendition(let name): Route(base: plan.base(named: name))
        }
    }

    /// Frames examined so far, and what the run touched, carried from batch to batch.
    struct Progress {
        let total: Int
        var done = 0
        var touched: Set<String> = []
        var prunedFolders: Set<FilePathBytes> = []

        mutating func examined(_ count: Int) { done += count }
    }

    /// Where one frame's stale renditions are made from: `base`, an up-to-date rendition, is tried
    /// before the original, or with `originalFirst` only when the original is gone or changed.
    struct Route: Sendable {
        var base: RenditionRecord?
        var originalFirst = false
    }

    /// Rebuilds the given plans, at most `workers` frames at a time, then publishes the galleries
    /// touched (`verify --repair`).
    func rebuild(_ plans: [RenditionPlan], prune: Bool, summary: inout Summary, route: (RenditionPlan) -> Route) async throws {
        var progress = Progress(total: plans.count)
        try await rebuildBatch(plans, prune: prune, summary: &summary, progress: &progress, route: route)
        try publish(&summary, progress: progress)
    }

    func rebuildBatch(_ plans: [RenditionPlan], prune: Bool, summary: inout Summary, progress: inout Progress,
                      route: (RenditionPlan) -> Route) async throws {
        let rebuild = rebuilder()
        var pending = zip(plans, plans.map(route)).makeIterator()
        try await withThrowingTaskGroup(of: (RenditionPlan, Result<Rebuilt, RegenerateFailure>).self) { group in
            func startNext() -> Bool {
                guard let (plan, route) = pending.next() else { return false }
                group.addTask { (plan, rebuild(plan, route)) }
                return true
            }
            for _ in 0..<workers where !startNext() { break }
            while let (plan, result) = try await group.next() {
                try record(result, of: plan, prune: prune, summary: &summary, progress: &progress) { records, removing in
                    guard let records else { return true }
                    try catalog.updateRenditions(of: plan.frame.source.path, gallery: plan.frame.gallery.id, with: records,
                                                 removing: removing.map(\.name))
                    return true
                }
                _ = startNext()
            }
        }
    }

    /// `rebuild` for tasks of their own: one renderer and this run's settings for every frame.
    func rebuilder() -> @Sendable (RenditionPlan, Route) -> Result<Rebuilt, RegenerateFailure> {
        let renderer = RenditionRenderer()
        let layout = self.layout, clock = self.clock, timeLimit = settings.frameTimeoutSeconds
        return { plan, route in Self.rebuild(plan, route: route, renderer: renderer, layout: layout, timeLimit: timeLimit, clock: clock) }
    }

    /// Records one frame's result: `commit` records its renditions (nil for a failure) and says
    /// whether the result is kept (false when it came too late, see `RebuildClaims`); then obsolete
    /// files are pruned and the summary counts it.
    func record(_ result: Result<Rebuilt, RegenerateFailure>, of plan: RenditionPlan, prune: Bool, summary: inout Summary,
                progress: inout Progress, commit: (_ records: [RenditionRecord]?, _ removing: [RenditionRecord]) throws -> Bool) throws {
        let frame = plan.frame
        defer {
            progress.examined(1)
            onProgress?(progress.done, progress.total)
        }
        switch result {
        case .success(let rebuilt):
            let records = rebuilt.records
            let removing = prune ? plan.obsolete : []
            guard try commit(records, removing) else {
                summary.lateResults = (summary.lateResults ?? 0) + 1
                return
            }
            for obsolete in removing {
                let file = layout.renditionFile(gallery: frame.gallery.id, relativePath: obsolete.path)
                AtomicFile.remove(file)
                progress.prunedFolders.insert(file.parent)
            }
            summary.pruned += removing.count
            if !records.isEmpty { summary.framesRebuilt += 1 }
            if rebuilt.derived { summary.framesDerived += 1 }
            summary.renditionsRebuilt += records.count
            if !records.isEmpty || !removing.isEmpty { progress.touched.insert(frame.gallery.id) }
        case .failure(let failure):
            guard try commit(nil, []) else {
                summary.lateResults = (summary.lateResults ?? 0) + 1
                return
            }
            summary.problems.append(.init(file: frame.source.label, outcome: "failed", reason: failure.reason))
        }
    }

    /// Publishes the galleries the run touched (and any a killed run left dirty).
    private func publish(_ summary: inout Summary, progress: Progress) throws {
        let dirty = try catalog.dirtyGalleries().union(progress.touched)
        try GalleryPublisher(layout: layout, catalog: catalog).publish(galleries: dirty)
        if settings.site.enabled { try SitePublisher(layout: layout, baseURL: settings.site.baseURL).publish(galleries: dirty) }
        try catalog.markClean(dirty)
        summary.galleries = progress.touched.sorted()
        // A pruned rendition's folder (`<gallery>/medium/`) goes once empty; rmdir leaves any
        // folder that still holds a file.
        for folder in progress.prunedFolders { _ = folder.withCString { rmdir($0) } }
    }

    struct RegenerateFailure: Error { let reason: String }

    struct Rebuilt: Sendable {
        let records: [RenditionRecord]
        /// Made from a larger rendition rather than the original.
        var derived = false
    }

    /// One frame: read its original (or the route's base, an up-to-date larger rendition), check it
    /// is the file that was recorded, render the stale renditions from one decode and write them. A
    /// base that is missing, of another size or hash than recorded, or undecodable is passed over.
    static func rebuild(_ plan: RenditionPlan, route: Route, renderer: RenditionRenderer, layout: LibraryLayout,
                        timeLimit: Double, clock: StageClock) -> Result<Rebuilt, RegenerateFailure> {
        guard !plan.stale.isEmpty else { return .success(Rebuilt(records: [])) }
        CrashDrill.crashIfAsked(for: plan.frame.source.path)
        func derived() -> Rebuilt? {
            guard let base = route.base else { return nil }
            return derive(plan, from: base, renderer: renderer, layout: layout, timeLimit: timeLimit, clock: clock)
        }
        if !route.originalFirst, let rebuilt = derived() { return .success(rebuilt) }
        switch original(of: plan.frame, clock: clock) {
        case .success(let contents):
            return render(contents, plan: plan, renderer: renderer, layout: layout, timeLimit: timeLimit, clock: clock)
                .map { Rebuilt(records: $0) }
        case .failure(let failure):
            guard route.originalFirst else { return .failure(failure) }
            if let rebuilt = derived() { return .success(rebuilt) }
            return .failure(RegenerateFailure(reason: failure.reason + (route.base == nil
                ? ", and no intact larger rendition survives to make it from"
                : ", and the larger rendition it could be made from is damaged too")))
        }
    }

    /// The original's bytes, checked against the SHA-256 recorded at ingest.
    private static func original(of frame: CatalogFrame, clock: StageClock) -> Result<Data, RegenerateFailure> {
        let contents: Data
        do {
            contents = try clock.measure(.read) { try FileContents.read(frame.source.readablePath).data }
        } catch let error as SystemCallError where error.code == ENOENT {
            return .failure(RegenerateFailure(reason: OriginalAdvice.gone(frame.source)))
        } catch {
            return .failure(RegenerateFailure(reason: "\(error)"))
        }
        guard Hashing.sha256(contents) == frame.source.sha256 else {
            return .failure(RegenerateFailure(reason: OriginalAdvice.changed(frame.source)))
        }
        return .success(contents)
    }

    /// The stale renditions made from `base`, when its file is the one recorded (size, and SHA-256
    /// when one was kept) and decodes; nil otherwise.
    private static func derive(_ plan: RenditionPlan, from base: RenditionRecord, renderer: RenditionRenderer, layout: LibraryLayout,
                               timeLimit: Double, clock: StageClock) -> Rebuilt? {
        let file = layout.renditionFile(gallery: plan.frame.gallery.id, relativePath: base.path)
        guard let data = try? clock.measure(.read, { try FileContents.read(file).data }), data.count == base.bytes,
              base.sha256 == nil || Hashing.sha256(data) == base.sha256,
              case .success(let records) = render(data, plan: plan, renderer: renderer, layout: layout, timeLimit: timeLimit, clock: clock)
        else { return nil }
        return Rebuilt(records: records, derived: true)
    }

    private static func render(_ contents: Data, plan: RenditionPlan, renderer: RenditionRenderer, layout: LibraryLayout,
                               timeLimit: Double, clock: StageClock) -> Result<[RenditionRecord], RegenerateFailure> {
        let frame = plan.frame
        do {
            let rendered = try renderer.render(contents, specs: plan.stale, timeLimit: timeLimit, clock: clock)
            return .success(try clock.measure(.write) {
                try RenditionWriter.write(rendered, gallery: frame.gallery.id, stem: frame.stem, layout: layout)
                    .withDigests(of: rendered)
            })
        } catch {
            return .failure(RegenerateFailure(reason: "\(error)"))
        }
    }
}
