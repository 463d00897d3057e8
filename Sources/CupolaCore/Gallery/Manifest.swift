/// The published form of a gallery: `cupola.gallery/2`. The manifest holds the gallery's identity,
/// totals and the list of its pages; the frames live in the pages (`cupola.page/1`). Field names are
/// a contract with scripts and web sites: add fields freely, rename none without bumping the schema.
struct GalleryManifest: Encodable {
    let schema = "cupola.gallery/2"
    let gallery: GalleryIdentity
    let frameCount: Int
    let captureRange: CaptureRange?
    let pages: [Page]

    /// One page as the manifest lists it: enough to find, check and skip to it.
    struct Page: Encodable {
        let path: String
        let frameCount: Int
        let sha256: String
        let bytes: Int
        let captureRange: CaptureRange?
        let firstFrame: String
        let lastFrame: String

        init(_ record: PageRecord) {
            path = record.path
            frameCount = record.frameCount
            sha256 = record.sha256
            bytes = record.bytes
            captureRange = CaptureRange(first: record.captureFirst, last: record.captureLast)
            firstFrame = record.firstFrame
            lastFrame = record.lastFrame
        }

        enum CodingKeys: String, CodingKey { case path, frameCount, sha256, bytes, captureRange, firstFrame, lastFrame }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(path, forKey: .path)
            try container.encode(frameCount, forKey: .frameCount)
            try container.encode(sha256, forKey: .sha256)
            try container.encode(bytes, forKey: .bytes)
            try container.encode(captureRange, forKey: .captureRange)
            try container.encode(firstFrame, forKey: .firstFrame)
            try container.encode(lastFrame, forKey: .lastFrame)
        }
    }
}

/// One page of a gallery's frames: `cupola.page/1`, each frame exactly as `cupola.gallery/1` had it.
struct GalleryPage: Encodable {
    static let schemaName = "cupola.page/1"
    let schema = schemaName
    let gallery: String
    let frames: [ManifestFrame]

    enum CodingKeys: String, CodingKey { case schema, gallery, frames }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schema, forKey: .schema)
        try container.encode(gallery, forKey: .gallery)
        try container.encode(frames, forKey: .frames)
    }
}

struct CaptureRange: Encodable, Equatable {
    let first: String
    let last: String

    init?(_ times: [String?]) {
        let known = times.compactMap { $0 }
        guard let first = known.min(), let last = known.max() else { return nil }
        self.first = first
        self.last = last
    }

    init?(first: String?, last: String?) {
        guard let first, let last else { return nil }
        self.first = first
        self.last = last
    }
}

struct ManifestFrame: Encodable {
    let frame: CatalogFrame
    /// The gallery whose page lists the frame: a theme lists frames that live in mission galleries.
    let listedIn: String

    init(_ frame: CatalogFrame, listedIn gallery: String) {
        self.frame = frame
        listedIn = gallery
    }

    /// A theme's frame names its own gallery, and its renditions are that gallery's files.
    private var home: String? { frame.gallery.id == listedIn ? nil : frame.gallery.id }

    struct Camera: Encodable {
        let make: String?
        let model: String?
        let serial: String?

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(make, forKey: .make)
            try container.encode(model, forKey: .model)
            try container.encode(serial, forKey: .serial)
        }

        enum CodingKeys: String, CodingKey { case make, model, serial }
    }

    struct Rendition: Encodable {
        let path: String
        let width: Int
        let height: Int
        let bytes: Int
    }

    /// One original file of the frame, for `originals`: the primary first, then a raw companion.
    struct Original: Encodable {
        let path: String
        let format: String
        let bytes: Int64
        let sha256: String?
    }

    enum CodingKeys: String, CodingKey {
        case id, gallery, mission, roll, frame, source, sha256, bytes, format, width, height, orientation, captured, capturedSource
        case camera, lens, focalLength, fNumber, exposureTime, iso, gps, renditions, warnings, originals
        case title, caption, keywords
    }

    /// Absent values are written as `null`, so every frame has the same keys.
    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let metadata = frame.metadata
        try container.encode(frame.id, forKey: .id)
        try container.encodeIfPresent(home, forKey: .gallery)
        try container.encode(frame.name?.mission, forKey: .mission)
        try container.encode(frame.name?.roll, forKey: .roll)
        try container.encode(frame.name?.frame, forKey: .frame)
        try container.encode(frame.source.label, forKey: .source)
        try container.encode(frame.source.sha256, forKey: .sha256)
        try container.encode(frame.source.stat.size, forKey: .bytes)
        try container.encode(frame.format, forKey: .format)
        try container.encode(frame.width, forKey: .width)
        try container.encode(frame.height, forKey: .height)
        try container.encode(metadata.orientation, forKey: .orientation)
        try container.encode(metadata.captured, forKey: .captured)
        // Which EXIF tag `captured` came from; absent for frames ingested before Cupola recorded it.
        try container.encodeIfPresent(metadata.capturedSource, forKey: .capturedSource)
        try container.encode(Camera(make: metadata.make, model: metadata.model, serial: metadata.serial), forKey: .camera)
        try container.encode(metadata.lens, forKey: .lens)
        try container.encode(metadata.focalLength, forKey: .focalLength)
        try container.encode(metadata.fNumber, forKey: .fNumber)
        try container.encode(metadata.exposureTime, forKey: .exposureTime)
        try container.encode(metadata.iso, forKey: .iso)
        try container.encode(metadata.gps, forKey: .gps)
        // From the file's XMP or IPTC; absent when it carries none, so older pages keep their bytes.
        try container.encodeIfPresent(metadata.title, forKey: .title)
        try container.encodeIfPresent(metadata.caption, forKey: .caption)
        try container.encodeIfPresent(metadata.keywords, forKey: .keywords)
        let prefix = home.map { "../\($0)/" } ?? ""
        let renditions = Dictionary(uniqueKeysWithValues: frame.renditions.map {
            ($0.name, Rendition(path: prefix + $0.path, width: $0.width, height: $0.height, bytes: $0.bytes))
        })
        try container.encode(renditions, forKey: .renditions)
        if !metadata.warnings.isEmpty { try container.encode(metadata.warnings, forKey: .warnings) }
        // Only frames with more than one original list them: `source` and its fields are the primary.
        if !frame.companions.isEmpty {
            let primary = Original(path: frame.source.label, format: frame.format, bytes: frame.source.stat.size, sha256: frame.source.sha256)
            let others = frame.companions.map { Original(path: $0.label, format: $0.format, bytes: $0.bytes, sha256: $0.sha256) }
            try container.encode([primary] + others, forKey: .originals)
        }
    }
}

/// `galleries/index.json`: every gallery of the library.
struct GalleryIndex: Encodable {
    let schema = "cupola.index/1"
    let galleryCount: Int
    let frameCount: Int
    let galleries: [Entry]

    struct Entry: Encodable {
        let id: String
        /// "mission", "theme", or "other" (`unassigned`).
        let kind: String
        let title: String
        let mission: String?
        let expedition: Int?
        let program: String?
        let order: Int?
        let frameCount: Int
        let captureRange: CaptureRange?
        let manifest: String

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(kind, forKey: .kind)
            try container.encode(title, forKey: .title)
            try container.encode(mission, forKey: .mission)
            try container.encode(expedition, forKey: .expedition)
            try container.encode(program, forKey: .program)
            try container.encode(order, forKey: .order)
            try container.encode(frameCount, forKey: .frameCount)
            try container.encode(captureRange, forKey: .captureRange)
            try container.encode(manifest, forKey: .manifest)
        }

        enum CodingKeys: String, CodingKey { case id, kind, title, mission, expedition, program, order, frameCount, captureRange, manifest }
    }
}

extension GalleryIdentity {
    enum CodingKeys: String, CodingKey { case id, title, mission, expedition, program, order, kind }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(title, forKey: .title)
        try container.encode(mission, forKey: .mission)
        try container.encode(expedition, forKey: .expedition)
        try container.encode(program, forKey: .program)
        try container.encode(order, forKey: .order)
        // Only themes say so: mission manifests keep their bytes.
        try container.encodeIfPresent(kind, forKey: .kind)
    }
}

extension GalleryManifest {
    enum CodingKeys: String, CodingKey { case schema, gallery, frameCount, captureRange, pages }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schema, forKey: .schema)
        try container.encode(gallery, forKey: .gallery)
        try container.encode(frameCount, forKey: .frameCount)
        try container.encode(captureRange, forKey: .captureRange)
        try container.encode(pages, forKey: .pages)
    }
}

extension GPSPosition {
    enum CodingKeys: String, CodingKey { case latitude, longitude, altitude }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(latitude, forKey: .latitude)
        try container.encode(longitude, forKey: .longitude)
        try container.encode(altitude, forKey: .altitude)
    }
}
