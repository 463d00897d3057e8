import Foundation

/// The rendition half of `cupola verify` for one frame: is each file there, the size, dimensions
/// and (deep) SHA-256 recorded, does it decode (deep), and when it is broken, can `--repair`
/// rebuild it: from the original, or when the original is gone or changed, from an intact larger
/// rendition of the same frame.
struct RenditionCheck {
    /// What is known of the frame's original.
    enum Original {
        /// Read and hashed (deep): it is the ingested file.
        case intact
        /// Present, not read (plain verify): presumed usable.
        case present
        case changed
        case gone
    }

    let layout: LibraryLayout
    let frame: CatalogFrame
    let deep: Bool
    let original: Original
    /// Where the results are kept: renditions written before hashes were recorded, found intact
    /// by a deep check, for `verify --deep --repair` to record.
    let unhashed: UnhashedRenditions

    /// The problems of every rendition of the frame, each broken one with whether and why not it
    /// can be repaired. `relative` names a file for the report.
    func problems(relative: (FilePathBytes) -> String) -> [LibraryVerifier.Problem] {
        var broken: [(record: RenditionRecord, problem: LibraryVerifier.Problem)] = []
        var intact: [RenditionRecord] = []
        for rendition in frame.renditions {
            let file = layout.renditionFile(gallery: frame.gallery.id, relativePath: rendition.path)
            guard let data = try? FileContents.read(file).data else {
                broken.append((rendition, .init(kind: .renditionMissing, file: relative(file), detail: "", repairable: true)))
                continue
            }
            let faults = faults(of: data, recorded: rendition)
            if faults.isEmpty {
                intact.append(rendition)
            } else {
                broken.append((rendition, .init(kind: .renditionDamaged, file: relative(file),
                                                detail: faults.joined(separator: "; "), repairable: true)))
            }
        }
        return broken.map { record, problem in
            var problem = problem
            let edge = max(record.width, record.height)
            let survivor = intact.contains { max($0.width, $0.height) >= edge }
            if !survivor, let reason = unusableOriginal {
                problem.repairable = false
                let said = problem.detail.isEmpty ? "" : problem.detail + "; "
                problem.detail = said + "cannot be rebuilt: \(reason), and no intact larger rendition survives to make it from"
            }
            return problem
        }
    }

    private var unusableOriginal: String? {
        switch original {
        case .intact, .present: nil
        case .changed: frame.source.original == nil ? "the original changed since it was ingested" : "the library's copy of the original is damaged"
        case .gone: frame.source.original == nil ? "the original is gone" : "the library's copy of the original is gone"
        }
    }

    private func faults(of data: Data, recorded rendition: RenditionRecord) -> [String] {
        var faults: [String] = []
        if data.count != rendition.bytes { faults.append("\(data.count) bytes, recorded \(rendition.bytes)") }
        if let size = RenditionInspector.size(data) {
            if size != (rendition.width, rendition.height) {
                faults.append("\(size.width)×\(size.height), recorded \(rendition.width)×\(rendition.height)")
            }
        } else {
            faults.append("not an image")
        }
        guard deep, faults.isEmpty else { return faults }
        // Damage in place keeps the size and often still decodes: the hash catches it.
        let digest = Hashing.sha256(data)
        if let recorded = rendition.sha256, recorded != digest { return ["SHA-256 differs from the one recorded"] }
        if !RenditionInspector.decodes(data) { return ["does not decode"] }
        if rendition.sha256 == nil {
            unhashed.add(RenditionDigest(source: frame.source.path, name: rendition.name, sha256: digest))
        }
        return []
    }
}

/// Renditions recorded before their SHA-256 was kept and found intact by `verify --deep`.
/// Not shared across threads: the verifier runs on one.
final class UnhashedRenditions {
    private(set) var digests: [RenditionDigest] = []
    func add(_ digest: RenditionDigest) { digests.append(digest) }
}

extension LibraryVerifier {
    /// Records the SHA-256 of the renditions the last deep check found intact but that were written
    /// before hashes were kept (`verify --deep --repair`).
    public func recordMissingRenditionDigests() throws {
        try catalog.recordDigests(unhashed.digests)
    }
}
