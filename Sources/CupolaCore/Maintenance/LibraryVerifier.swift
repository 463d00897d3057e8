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

    public init(layout: LibraryLayout, catalog: any Catalog) {
        self.layout = layout
        self.catalog = catalog
    }

    /// Every problem found; `deep` also decodes every rendition and hashes every original.
    public func verify(deep: Bool) throws -> [Problem] {
        var problems: [Problem] = []
        let publisher = GalleryPublisher(layout: layout, catalog: catalog)
        let galleries = try catalog.galleries().map(\.identity.id)
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
        var originalIntact = true
        if deep {
            switch Result(catching: { try FileContents.read(frame.source.readablePath).data }) {
            case .success(let data) where Hashing.sha256(data) != frame.source.sha256:
                originalIntact = false
                problems.append(Problem(kind: .originalChanged, file: frame.source.readablePath.description,
                                        detail: "SHA-256 differs from the ingested file; run `cupola ingest`", repairable: false))
            case .failure:
                originalIntact = false
                problems.append(Problem(kind: .originalMissing, file: frame.source.readablePath.description,
                                        detail: "renditions cannot be rebuilt from it", repairable: false))
            default: break
            }
        }
        for rendition in frame.renditions {
            let file = layout.renditionFile(gallery: frame.gallery.id, relativePath: rendition.path)
            guard let data = FileManager.default.contents(atPath: file.description) else {
                problems.append(Problem(kind: .renditionMissing, file: relative(file), detail: "", repairable: originalIntact))
                continue
            }
            var faults: [String] = []
            if data.count != rendition.bytes { faults.append("\(data.count) bytes, recorded \(rendition.bytes)") }
            if let size = RenditionInspector.size(data) {
                if size != (rendition.width, rendition.height) { faults.append("\(size.width)×\(size.height), recorded \(rendition.width)×\(rendition.height)") }
            } else {
                faults.append("not an image")
            }
            if deep, faults.isEmpty, !RenditionInspector.decodes(data) { faults.append("does not decode") }
            if !faults.isEmpty {
                problems.append(Problem(kind: .renditionDamaged, file: relative(file), detail: faults.joined(separator: "; "),
                                        repairable: originalIntact))
            }
        }
        return problems
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
        let brokenRenditions = Set(problems.filter { [.renditionMissing, .renditionDamaged].contains($0.kind) && $0.repairable }.map(\.file))
        var plans: [RenditionPlan] = []
        for gallery in try catalog.galleries().map(\.identity.id) {
            try catalog.forEachFrame(inGallery: gallery) { batch in for frame in batch {
                let broken = frame.renditions.filter {
                    brokenRenditions.contains(relative(layout.renditionFile(gallery: gallery, relativePath: $0.path)))
                }
                guard !broken.isEmpty else { continue }
                let specs = broken.map { record in
                    settings.renditions.first { $0.name == record.name } ?? RenditionSpec(name: record.name, size: max(record.width, record.height))
                }
                plans.append(RenditionPlan(frame: frame, settings: specs, force: true))
            } }
        }
        var summary = Regenerator.Summary()
        let regenerator = Regenerator(layout: layout, catalog: catalog, settings: settings, workers: workers)
        try await regenerator.rebuild(plans, prune: false, from: .originals, summary: &summary)
        // Manifests are rebuilt from the catalog, whatever state they were found in.
        for problem in problems where problem.kind == .manifestOrphan {
            AtomicFile.remove(layout.root.appending(problem.file))
        }
        // Every page is re-cut and re-read: a missing or edited one is written again.
        let galleries = Set(try catalog.galleries().map(\.identity.id)).union(try catalog.dirtyGalleries())
        try GalleryPublisher(layout: layout, catalog: catalog).publish(galleries: galleries, checkPages: true)
        try catalog.markClean(galleries)
        return try verify(deep: problems.contains { [.originalChanged, .originalMissing].contains($0.kind) })
    }
}
