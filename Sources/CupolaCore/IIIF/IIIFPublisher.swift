import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes IIIF Presentation 3 documents (`DIR/iiif/`) from the published manifests, so archive
/// viewers (Mirador, Universal Viewer, Clover) can open the galleries:
///
/// - `collection.json`: a Collection of every gallery;
/// - a gallery of one manifest page: `<gallery>/manifest.json`, one Canvas per frame;
/// - a larger gallery: `<gallery>/collection.json`, a Collection of one Manifest per manifest page
///   (`<gallery>/pages/<page>.json`, named like the page, so written once), as the spec allows
///   for splitting a long sequence, and so one new frame rewrites a page's Manifest, not 10^5 Canvases;
/// - per frame, a level-0 Image API service `<gallery>/images/<stem>/info.json` whose sizes are
///   the renditions, each linked (a symbolic link, no copy) at `full/<w>,<h>/0/default.<ext>`.
///
/// Files are written like the site's: whole, temporary name then rename, only when they change.
struct IIIFPublisher {
    let layout: LibraryLayout
    /// `[site] base_url`, ending in `/`: where `DIR` is served.
    let baseURL: String

    var folder: FilePathBytes { layout.root.appending("iiif") }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    func url(_ relative: String) -> String { baseURL + HTMLText.urlPath(relative) }

    /// Brings `iiif/` up to date for `galleries` (nil: every gallery and every file re-derived).
    func publish(_ index: PublishedIndex, galleries: Set<String>?, report: inout SitePublisher.Report) throws {
        try AtomicFile.makeFolderChecked(folder)
        var items: [IIIF.Reference] = []
        for entry in index.galleries {
            let manifest = try PublishedFile.read(PublishedManifest.self, at: layout.manifestFile(entry.id))
            let single = manifest.pages.count <= 1
            let document = single ? "\(entry.id)/manifest.json" : "\(entry.id)/collection.json"
            let missing = !FileManager.default.fileExists(atPath: folder.appending(document).description)
            if galleries == nil || galleries!.contains(entry.id) || missing {
                try publishGallery(manifest, single: single, rederive: galleries == nil, report: &report)
            }
            items.append(IIIF.Reference(id: url("iiif/\(document)"), type: single ? "Manifest" : "Collection",
                                        label: .en(entry.title), thumbnail: nil))
        }
        let collection = IIIF.Collection(id: url("iiif/collection.json"), label: .en("Galleries"),
                                         summary: .en("Every gallery of the library"), items: items)
        try write(try Self.encoder.encode(collection), to: folder.appending("collection.json"), report: &report)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.description)) ?? []
        where !name.contains(".") && !index.galleries.contains(where: { $0.id == name }) {
            try FileManager.default.removeItem(atPath: folder.appending(name).description)
            report.removed.append(folder.appending(name))
        }
    }

    private func publishGallery(_ manifest: PublishedManifest, single: Bool, rederive: Bool, report: inout SitePublisher.Report) throws {
        let id = manifest.gallery.id
        let gallery = folder.appending(id)
        try AtomicFile.makeFolderChecked(gallery.appending("pages"))
        let stateFile = gallery.appending("pages.json")
        let old = (FileManager.default.contents(atPath: stateFile.description))
            .flatMap { try? JSONDecoder().decode([String: [String]].self, from: $0) } ?? [:]
        var stems: [String: [String]] = [:]
        var references: [IIIF.Reference] = []
        for page in manifest.pages {
            let pageFile = gallery.appending("pages").appending(page.key + ".json")
            let documentPath = single ? "\(id)/manifest.json" : "\(id)/pages/\(page.key).json"
            let label = "\(manifest.gallery.title): \(page.firstFrame) to \(page.lastFrame)"
            if !single && !rederive, let known = old[page.key], FileManager.default.fileExists(atPath: pageFile.description) {
                stems[page.key] = known
            } else {
                let frames = try PublishedFile.frames(ofPage: layout.galleryFolder(id).appending(page.path))
                let canvases = try frames.map { try canvas($0, gallery: id, report: &report) }
                let document = IIIF.Manifest(id: url("iiif/\(documentPath)"), label: .en(single ? manifest.gallery.title : label),
                                             summary: .en("\(SitePages.frames(frames.count)), \(SitePages.range(page.captureRange))"),
                                             partOf: single ? nil : [IIIF.PartOf(id: url("iiif/\(id)/collection.json"))],
                                             items: canvases)
                try write(try Self.encoder.encode(document), to: folder.appending(documentPath), report: &report)
                stems[page.key] = frames.map(stem)
            }
            references.append(IIIF.Reference(id: url("iiif/\(documentPath)"), type: "Manifest", label: .en(label), thumbnail: nil))
        }
        if single {
            remove(gallery.appending("collection.json"), report: &report)
        } else {
            let collection = IIIF.Collection(id: url("iiif/\(id)/collection.json"), label: .en(manifest.gallery.title),
                                             summary: .en("\(SitePages.frames(manifest.frameCount)), \(SitePages.range(manifest.captureRange))"),
                                             items: references)
            try write(try Self.encoder.encode(collection), to: gallery.appending("collection.json"), report: &report)
            remove(gallery.appending("manifest.json"), report: &report)
        }
        try write(try Self.encoder.encode(stems), to: stateFile, report: &report)
        // Page Manifests and image services of frames that left with their pages.
        let keys = Set(single ? [] : manifest.pages.map(\.key))
        for name in (try? FileManager.default.contentsOfDirectory(atPath: gallery.appending("pages").description)) ?? []
        where !keys.contains(name.hasSuffix(".json") ? String(name.dropLast(5)) : name) {
            remove(gallery.appending("pages").appending(name), report: &report)
        }
        let kept = Set(stems.values.joined())
        for stem in Set(old.values.joined()).subtracting(kept) {
            let service = gallery.appending("images").appending(stem)
            if (try? FileManager.default.removeItem(atPath: service.description)) != nil { report.removed.append(service) }
        }
    }

    /// The rendition file stem, from a rendition's path (`large/ISS069-E-12345.jpg`).
    private func stem(_ frame: PublishedFrame) -> String {
        let path = frame.renditions.values.map(\.path).min() ?? frame.id
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.lastIndex(of: ".").map { String(name[..<$0]) } ?? name
    }

    private func canvas(_ frame: PublishedFrame, gallery: String, report: inout SitePublisher.Report) throws -> IIIF.Canvas {
        let stem = stem(frame)
        let canvasId = url("iiif/\(gallery)/canvas/\(stem)")
        let service = try imageService(frame, gallery: gallery, stem: stem, report: &report)
        let sizes = frame.renditions.sorted { ($0.value.width, $0.key) < ($1.value.width, $1.key) }
        func resource(_ rendition: PublishedFrame.Rendition, service: [IIIF.ServiceReference]?) -> IIIF.Resource {
            IIIF.Resource(id: url("galleries/\(gallery)/\(rendition.path)"), format: Self.mediaType(rendition.path),
                          width: rendition.width, height: rendition.height, service: service)
        }
        let painted = frame.renditions["large"] ?? sizes.last?.value
        let thumb = frame.renditions["thumb"] ?? sizes.first?.value
        let body = painted.map { resource($0, service: service.map { [IIIF.ServiceReference(id: $0)] }) }
        var metadata: [IIIF.Pair] = []
        func add(_ label: String, _ value: String?) {
            if let value, !value.isEmpty { metadata.append(IIIF.Pair(label: .en(label), value: .none(value))) }
        }
        add("Frame", frame.id)
        add("Captured (UTC)", HTMLText.time(frame.captured))
        add("Camera", frame.camera.map { SiteFrame.cameraName(make: $0.make, model: $0.model) })
        add("Lens", frame.lens)
        add("Focal length", frame.focalLength.map { "\(Self.number($0)) mm" })
        add("Aperture", frame.fNumber.map { "f/\(Self.number($0))" })
        add("Exposure", frame.exposureTime.map { $0 < 1 ? "1/\(Int(($0 > 0 ? 1 / $0 : 0).rounded())) s" : "\(Self.number($0)) s" })
        add("ISO", frame.iso.map(String.init))
        add("Source file", frame.source)
        return IIIF.Canvas(id: canvasId, label: .none(frame.id), width: frame.width, height: frame.height,
                           navDate: frame.captured, metadata: metadata.isEmpty ? nil : metadata,
                           thumbnail: thumb.map { [resource($0, service: nil)] },
                           items: body.map { [IIIF.AnnotationPage(id: canvasId + "/page", items: [
                               IIIF.Annotation(id: canvasId + "/page/image", body: $0, target: canvasId)])] } ?? [])
    }

    /// Writes the frame's `info.json` and links each rendition at its Image API path; returns the
    /// service's id, or nil for a frame without renditions.
    private func imageService(_ frame: PublishedFrame, gallery: String, stem: String, report: inout SitePublisher.Report) throws -> String? {
        let renditions = frame.renditions.values.sorted { ($0.width, $0.path) < ($1.width, $1.path) }
        guard let largest = renditions.last else { return nil }
        let folder = self.folder.appending(gallery).appending("images").appending(stem)
        let id = url("iiif/\(gallery)/images/\(stem)")
        var sizes: [IIIF.Size] = []
        for rendition in renditions where !sizes.contains(IIIF.Size(width: rendition.width, height: rendition.height)) {
            sizes.append(IIIF.Size(width: rendition.width, height: rendition.height))
            let ext = rendition.path.split(separator: ".").last.map(String.init) ?? "jpg"
            try link(folder.appending("full").appending("\(rendition.width),\(rendition.height)").appending("0"),
                     name: "default.\(ext)", to: "../../../../../../../galleries/\(gallery)/\(rendition.path)", report: &report)
        }
        let ext = largest.path.split(separator: ".").last.map(String.init) ?? "jpg"
        try link(folder.appending("full").appending("max").appending("0"), name: "default.\(ext)",
                 to: "../../../../../../../galleries/\(gallery)/\(largest.path)", report: &report)
        let info = IIIF.ImageInfo(id: id, width: largest.width, height: largest.height, sizes: sizes)
        try write(try Self.encoder.encode(info), to: folder.appending("info.json"), report: &report)
        return id
    }

    /// A relative symbolic link, made under a temporary name and renamed into place (so it is
    /// replaced whole); left alone when it already points there.
    private func link(_ folder: FilePathBytes, name: String, to target: String, report: inout SitePublisher.Report) throws {
        let file = folder.appending(name)
        if let existing = try? FileManager.default.destinationOfSymbolicLink(atPath: file.description), existing == target { return }
        try AtomicFile.makeFolderChecked(folder)
        let temporary = folder.appending(AtomicFile.temporaryMarker + name + ".\(getpid())")
        AtomicFile.remove(temporary)
        try systemCall("symlink", path: temporary) { target.withCString { to in temporary.withCString { symlink(to, $0) } } }
        try systemCall("rename", path: file) { temporary.withCString { from in file.withCString { rename(from, $0) } } }
        report.written.append(file)
    }

    static func mediaType(_ path: String) -> String {
        path.lowercased().hasSuffix(".webp") ? "image/webp" : "image/jpeg"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    private func remove(_ file: FilePathBytes, report: inout SitePublisher.Report) {
        guard FileManager.default.fileExists(atPath: file.description) else { return }
        AtomicFile.remove(file)
        report.removed.append(file)
    }

    private func write(_ data: Data, to file: FilePathBytes, report: inout SitePublisher.Report) throws {
        let data = data + Data("\n".utf8)
        try AtomicFile.makeFolderChecked(file.parent)
        guard try AtomicFile.writeIfChanged(data, to: file, durable: false) else { return }
        report.written.append(file)
        report.bytesWritten += data.count
    }
}
