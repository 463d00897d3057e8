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
        public var obsolete: [String] = []
        public var pruned = 0
        public var galleries: [String] = []
        public var problems: [RunSummary.Problem] = []
        public var elapsedSeconds = 0.0

        public var exitCode: Int32 { problems.isEmpty ? 0 : 1 }
        public var isQuiet: Bool { renditionsRebuilt == 0 && renditionsStale == 0 && pruned == 0 && problems.isEmpty && obsolete.isEmpty }

        public var line: String {
            if dryRun {
                return "dry run: \(Wording.count(renditionsStale, "rendition")) of \(Wording.count(framesRebuilt, "frame")) to rebuild, \(obsolete.count) obsolete"
            }
            var parts = ["\(Wording.count(renditionsRebuilt, "rendition")) of \(Wording.count(framesRebuilt, "frame")) rebuilt in "
                         + Wording.count(galleries.count, "gallery", "galleries")
                         + (framesDerived > 0 ? " (\(framesDerived) from larger renditions)" : ""),
                         "\(problems.count) failed"]
            if pruned > 0 { parts.append("\(pruned) obsolete removed") }
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

    public init(layout: LibraryLayout, catalog: any Catalog, settings: Settings, workers: Int) {
        self.layout = layout
        self.catalog = catalog
        self.settings = settings
        self.workers = max(1, workers)
    }

    /// The plans for every frame that the options select and that has something to do.
    public func plans(_ options: Options) throws -> [RenditionPlan] {
        let galleries = try catalog.galleries().map(\.identity.id).filter { options.galleries.isEmpty || options.galleries.contains($0) }
        return try galleries.flatMap { gallery in
            try catalog.frames(inGallery: gallery).filter { frame in
                guard let pattern = options.frames else { return true }
                let candidates: [String] = [frame.id, frame.source.label]
                return candidates.contains { candidate in fnmatch(pattern, candidate, 0) == 0 }
            }.map { RenditionPlan(frame: $0, settings: settings.renditions, only: options.renditions, force: options.force) }
        }.filter { !$0.isEmpty }.sorted { $0.frame.source.path < $1.frame.source.path }
    }

    public func run(_ options: Options) async throws -> Summary {
        let started = Date()
        var summary = Summary()
        summary.dryRun = options.dryRun
        let plans = try plans(options)
        summary.obsolete = plans.flatMap { plan in plan.obsolete.map { "\(plan.frame.gallery.id)/\($0.path)" } }
        if options.dryRun {
            summary.framesRebuilt = plans.filter { !$0.stale.isEmpty }.count
            summary.renditionsStale = plans.reduce(0) { $0 + $1.stale.count }
            return summary
        }
        try await rebuild(plans, prune: options.prune, from: options.force && options.source == .automatic ? .originals : options.source,
                          summary: &summary)
        if options.prune { summary.obsolete = [] }
        summary.elapsedSeconds = Date().timeIntervalSince(started)
        return summary
    }

    /// Rebuilds the given plans, at most `workers` frames at a time; publishes the galleries touched.
    func rebuild(_ plans: [RenditionPlan], prune: Bool, from source: Source, summary: inout Summary) async throws {
        let renderer = RenditionRenderer()
        let layout = self.layout, clock = self.clock, timeLimit = settings.frameTimeoutSeconds
        var touched: Set<String> = []
        var prunedFolders: Set<FilePathBytes> = []
        var done = 0
        var pending = plans.makeIterator()
        try await withThrowingTaskGroup(of: (RenditionPlan, Result<Rebuilt, RegenerateFailure>).self) { group in
            func startNext() -> Bool {
                guard let plan = pending.next() else { return false }
                let base: RenditionRecord? = switch source {
                case .automatic: plan.derivationBase()
                case .originals: nil
                case .rendition(let name): plan.base(named: name)
                }
                group.addTask {
                    (plan, Self.rebuild(plan, from: base, renderer: renderer, layout: layout, timeLimit: timeLimit, clock: clock))
                }
                return true
            }
            for _ in 0..<workers where !startNext() { break }
            while let (plan, result) = try await group.next() {
                let frame = plan.frame
                switch result {
                case .success(let rebuilt):
                    let records = rebuilt.records
                    let removing = prune ? plan.obsolete : []
                    try catalog.updateRenditions(of: frame.source.path, gallery: frame.gallery.id, with: records,
                                                 removing: removing.map(\.name))
                    for obsolete in removing {
                        let file = layout.renditionFile(gallery: frame.gallery.id, relativePath: obsolete.path)
                        AtomicFile.remove(file)
                        prunedFolders.insert(file.parent)
                    }
                    summary.pruned += removing.count
                    if !records.isEmpty { summary.framesRebuilt += 1 }
                    if rebuilt.derived { summary.framesDerived += 1 }
                    summary.renditionsRebuilt += records.count
                    if !records.isEmpty || !removing.isEmpty { touched.insert(frame.gallery.id) }
                case .failure(let failure):
                    summary.problems.append(.init(file: frame.source.label, outcome: "failed", reason: failure.reason))
                }
                done += 1
                onProgress?(done, plans.count)
                _ = startNext()
            }
        }
        let dirty = try catalog.dirtyGalleries().union(touched)
        try GalleryPublisher(layout: layout, catalog: catalog).publish(galleries: dirty)
        try catalog.markClean(dirty)
        summary.galleries = touched.sorted()
        // A pruned rendition's folder (`<gallery>/medium/`) goes once empty; rmdir leaves any
        // folder that still holds a file.
        for folder in prunedFolders { _ = folder.withCString { rmdir($0) } }
    }

    struct RegenerateFailure: Error { let reason: String }

    struct Rebuilt: Sendable {
        let records: [RenditionRecord]
        /// Made from a larger rendition rather than the original.
        var derived = false
    }

    /// One frame: read its original (or `base`, an up-to-date larger rendition), check it is the
    /// file that was recorded, render the stale renditions from one decode and write them. A base
    /// that is missing, of another size than recorded or undecodable is passed over for the original.
    static func rebuild(_ plan: RenditionPlan, from base: RenditionRecord?, renderer: RenditionRenderer, layout: LibraryLayout,
                        timeLimit: Double, clock: StageClock) -> Result<Rebuilt, RegenerateFailure> {
        guard !plan.stale.isEmpty else { return .success(Rebuilt(records: [])) }
        let frame = plan.frame
        if let base, let data = try? clock.measure(.read, {
            try FileContents.read(layout.renditionFile(gallery: frame.gallery.id, relativePath: base.path)).data
        }), data.count == base.bytes,
           case .success(let records) = render(data, plan: plan, renderer: renderer, layout: layout, timeLimit: timeLimit, clock: clock) {
            return .success(Rebuilt(records: records, derived: true))
        }
        let contents: Data
        do {
            contents = try clock.measure(.read) { try FileContents.read(frame.source.readablePath).data }
        } catch let error as SystemCallError where error.code == ENOENT {
            return .failure(RegenerateFailure(reason: "original is gone"))
        } catch {
            return .failure(RegenerateFailure(reason: "\(error)"))
        }
        guard Hashing.sha256(contents) == frame.source.sha256 else {
            return .failure(RegenerateFailure(reason: "original changed since it was ingested; run `cupola ingest`"))
        }
        return render(contents, plan: plan, renderer: renderer, layout: layout, timeLimit: timeLimit, clock: clock)
            .map { Rebuilt(records: $0) }
    }

    private static func render(_ contents: Data, plan: RenditionPlan, renderer: RenditionRenderer, layout: LibraryLayout,
                               timeLimit: Double, clock: StageClock) -> Result<[RenditionRecord], RegenerateFailure> {
        let frame = plan.frame
        do {
            let rendered = try renderer.render(contents, specs: plan.stale, timeLimit: timeLimit, clock: clock)
            return .success(try clock.measure(.write) {
                try RenditionWriter.write(rendered, gallery: frame.gallery.id, stem: frame.stem, layout: layout)
            })
        } catch {
            return .failure(RegenerateFailure(reason: "\(error)"))
        }
    }
}
