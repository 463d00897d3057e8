import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `cupola verify`: proves a library whole, or lists every way it is not.
public struct LibraryVerifier {
    public struct Problem: Codable, Sendable, Hashable {
        public enum Kind: String, Codable, Sendable {
            case manifestMissing = "manifest missing"
            case manifestDiffers = "manifest differs from the catalog"
            case manifestOrphan = "manifest of an unknown gallery"
            case catalogDamaged = "catalog damaged"
            case pageMissing = "page missing"
            case pageDiffers = "page differs from the catalog"
            case pageOrphan = "page not in the manifest"
            case indexDiffers = "index differs from the catalog"
            case renditionMissing = "rendition missing"
            case renditionDamaged = "rendition damaged"
            case originalChanged = "original changed"
            case originalMissing = "original missing"
        }

        public var kind: Kind
        public var file: String
        public var detail: String
        /// Whether `--repair` can fix it from what the library holds.
        public var repairable: Bool
    }

    let layout: LibraryLayout
    let catalog: any Catalog
    /// Renditions without a recorded SHA-256 that the last deep check found intact.
    let unhashed = UnhashedRenditions()

    public init(layout: LibraryLayout, catalog: any Catalog) {
        self.layout = layout
        self.catalog = catalog
    }

    /// Every problem found; `deep` also decodes every rendition and hashes every original.
    public func verify(deep: Bool) throws -> [Problem] {
        var problems: [Problem] = []
        // Every page of the catalog is read here, not when a run opens it.
        if let damage = try catalog.integrityProblem() {
            problems.append(Problem(kind: .catalogDamaged, file: "catalog.sqlite",
                                    detail: "\(damage); restore it from a backup or move it aside to rebuild", repairable: false))
        }
        let publisher = GalleryPublisher(layout: layout, catalog: catalog)
        let themes = try catalog.themeGalleries()
        let galleries = try catalog.galleries().map(\.identity.id) + themes
        for gallery in galleries {
            let file = layout.manifestFile(gallery)
            let expected = try publisher.manifestData(gallery: gallery)
            switch FileManager.default.contents(atPath: file.description) {
            case nil:
                problems.append(Problem(kind: .manifestMissing, file: relative(file), detail: "", repairable: true))
            case let actual? where actual != expected:
                problems.append(Problem(kind: .manifestDiffers, file: relative(file), detail: "edited or stale", repairable: true))
            default: break
            }
            problems += try PageCheck(layout: layout, catalog: catalog).problems(gallery: gallery).map {
                Problem(kind: $0.kind, file: relative($0.file), detail: $0.detail, repairable: true)
            }
            try catalog.forEachFrame(inGallery: gallery) { batch in
                for frame in batch { problems += check(frame, deep: deep) }
            }
        }
        let known = Set(galleries)
        let present = (try? FileManager.default.contentsOfDirectory(atPath: layout.galleriesFolder.description)) ?? []
        for folder in present.sorted() where !known.contains(folder) {
            let manifest = layout.manifestFile(folder)
            if FileManager.default.fileExists(atPath: manifest.description) {
                problems.append(Problem(kind: .manifestOrphan, file: relative(manifest), detail: "", repairable: true))
            }
        }
        if FileManager.default.contents(atPath: layout.indexFile.description) != (try publisher.indexData()) {
            problems.append(Problem(kind: .indexDiffers, file: relative(layout.indexFile), detail: "", repairable: true))
        }
        return problems
    }

    private func check(_ frame: CatalogFrame, deep: Bool) -> [Problem] {
        var problems: [Problem] = []
        // Plain verify does not read originals, but whether one is there at all costs one lstat and
        // decides whether a broken rendition can be rebuilt from it.
        var original: RenditionCheck.Original = (try? lstatBytes(frame.source.readablePath)) == nil ? .gone : .present
        if deep {
            switch Result(catching: { try FileContents.read(frame.source.readablePath).data }) {
            case .success(let data) where Hashing.sha256(data) != frame.source.sha256:
                original = .changed
                problems.append(Problem(kind: .originalChanged, file: frame.source.readablePath.description,
                                        detail: changedAdvice(frame.source), repairable: false))
            case .success:
                original = .intact
            case .failure:
                original = .gone
                problems.append(Problem(kind: .originalMissing, file: frame.source.readablePath.description,
                                        detail: OriginalAdvice.gone(frame.source) + "; renditions cannot be rebuilt from it",
                                        repairable: false))
            }
        }
        let renditions = RenditionCheck(layout: layout, frame: frame, deep: deep, original: original, unhashed: unhashed)
        return problems + renditions.problems(relative: relative)
    }

    /// What to do about an original that changed. A damaged library copy cannot be fixed by
    /// `cupola ingest`; when the source file still holds the ingested bytes, it can be copied back.
    private func changedAdvice(_ source: SourceRecord) -> String {
        guard source.original != nil, let data = try? FileContents.read(source.path).data,
              Hashing.sha256(data) == source.sha256 else { return OriginalAdvice.changed(source) }
        return OriginalAdvice.changed(source) + ", or copy it back from \(source.path.description), which still holds it"
    }

    private func relative(_ file: FilePathBytes) -> String {
        let root = layout.root.bytes + [UInt8(ascii: "/")]
        return file.bytes.starts(with: root) ? FilePathBytes.display(Array(file.bytes.dropFirst(root.count))) : file.description
    }
}

extension LibraryVerifier {
    /// Fixes what can be fixed from the originals and the catalog: rebuilds missing or damaged
    /// renditions (forcing them) and republishes every manifest and the index. Returns what remains.
    public func repair(_ problems: [Problem], settings: Settings, workers: Int) async throws -> [Problem] {
        let renditionProblems = problems.filter { [.renditionMissing, .renditionDamaged].contains($0.kind) }
        let brokenRenditions = Set(renditionProblems.filter(\.repairable).map(\.file))
        let unsound = Set(renditionProblems.map(\.file))
        var plans: [RenditionPlan] = []
        var routes: [FilePathBytes: Regenerator.Route] = [:]
        var filesOfFrame: [String: [String]] = [:]
        for gallery in try catalog.galleries().map(\.identity.id) {
            try catalog.forEachFrame(inGallery: gallery) { batch in for frame in batch {
                let files = frame.renditions.map { relative(layout.renditionFile(gallery: gallery, relativePath: $0.path)) }
                let broken = zip(frame.renditions, files).filter { brokenRenditions.contains($0.1) }.map(\.0)
                guard !broken.isEmpty else { continue }
                let intact = zip(frame.renditions, files).filter { !unsound.contains($0.1) }.map(\.0.name)
                let (plan, route) = RenditionRepair.plan(frame, broken: broken, intact: Set(intact), settings: settings)
                plans.append(plan)
                routes[frame.source.path] = route
                filesOfFrame[frame.source.label] = files.filter(brokenRenditions.contains)
            } }
        }
        var summary = Regenerator.Summary()
        let regenerator = Regenerator(layout: layout, catalog: catalog, settings: settings, workers: workers)
        try await regenerator.rebuild(plans, prune: false, summary: &summary) { routes[$0.frame.source.path] ?? .init() }
        // Manifests are rebuilt from the catalog, whatever state they were found in.
        for problem in problems where problem.kind == .manifestOrphan {
            AtomicFile.remove(layout.root.appending(problem.file))
        }
        // Every page is re-cut and re-read: a missing or edited one is written again.
        let galleries = Set(try catalog.galleries().map(\.identity.id) + (try catalog.themeGalleries()))
            .union(try catalog.dirtyGalleries())
        try GalleryPublisher(layout: layout, catalog: catalog).publish(galleries: galleries, checkPages: true)
        if settings.site.enabled { try SitePublisher(layout: layout, baseURL: settings.site.baseURL).publish(galleries: nil) }
        try catalog.markClean(galleries)
        let remaining = try verify(deep: problems.contains { [.originalChanged, .originalMissing].contains($0.kind) })
        return RenditionRepair.explain(remaining, failures: summary.problems, filesOfFrame: filesOfFrame)
    }
}
