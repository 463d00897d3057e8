import Foundation

/// Checks a gallery's pages against the catalog: the pages the catalog's frames cut into now, the
/// page rows that the manifest lists, and the files on disk, one page in memory at a time.
struct PageCheck {
    let layout: LibraryLayout
    let catalog: any Catalog

    struct Finding {
        let kind: LibraryVerifier.Problem.Kind
        let file: FilePathBytes
        let detail: String
    }

    func problems(gallery id: String) throws -> [Finding] {
        let folder = layout.galleryFolder(id)
        let listed = try catalog.pages(ofGallery: id)
        var findings: [Finding] = []
        var expected: [String] = []
        var recut = PageRecut(gallery: id, old: [], catalog: catalog)
        try recut.run(changedKeys: nil) { page in
            expected.append(page.record.path)
            let file = folder.appending(page.record.path)
            guard let data = FileManager.default.contents(atPath: file.description) else {
                findings.append(Finding(kind: .pageMissing, file: file, detail: ""))
                return
            }
            if data != page.data {
                findings.append(Finding(kind: .pageDiffers, file: file, detail: "edited or stale (SHA-256 \(Hashing.sha256(data).prefix(16))…, expected \(page.record.sha256.prefix(16))…)"))
            }
        }
        if listed.map(\.path) != expected {
            findings.append(Finding(kind: .manifestDiffers, file: layout.manifestFile(id),
                                    detail: "its pages are not the ones the catalog's frames make"))
        }
        let known = Set(expected)
        let pages = folder.appending("pages")
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: pages.description)) ?? []).sorted()
        where !known.contains("pages/\(name)") && !name.hasPrefix(AtomicFile.temporaryMarker) {
            findings.append(Finding(kind: .pageOrphan, file: pages.appending(name), detail: ""))
        }
        return findings
    }
}
