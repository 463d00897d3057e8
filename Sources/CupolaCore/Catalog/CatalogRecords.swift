import Foundation

/// Where a source file stands in the catalog.
public enum SourceState: String, Sendable, Codable {
    case ingested
    /// The input itself is bad; not retried until the file changes.
    case rejected
    /// Something on our side went wrong (for example a disk error); retried by the next run.
    case failed
    /// Being decoded right now; found at start-up, the run that had it did not finish.
    case processing
    /// In flight when the process crashed; decoded alone next time so that a second crash names it.
    case suspect
    /// Being decoded alone; found at start-up after another crash, it is the culprit.
    case isolated
}

/// What the catalog knows about one source file.
/// What a run needs to know of every file under a SOURCE before it reads any: whether the file is
/// as recorded, and whether its frame survives the file's loss. No strings: at 10^5 files a no-op
/// run spent a tenth of its time loading whole records it then compared by stat alone.
public struct KnownFile: Sendable, Hashable {
    public var stat: FileStat
    public var state: SourceState
    /// The library keeps its own copy of the original (`--originals copy|move`).
    public var keepsOriginal: Bool

    public init(stat: FileStat, state: SourceState, keepsOriginal: Bool) {
        self.stat = stat
        self.state = state
        self.keepsOriginal = keepsOriginal
    }

    public init(_ record: SourceRecord) {
        self.init(stat: record.stat, state: record.state, keepsOriginal: record.original != nil)
    }
}

public struct SourceRecord: Sendable, Hashable {
    public var path: FilePathBytes
    public var root: FilePathBytes
    public var label: String
    public var stat: FileStat
    public var sha256: String?
    public var state: SourceState
    public var reason: String?
    /// The library's own copy of the file (`--originals copy|move`); nil when only the source is kept.
    public var original: FilePathBytes?

    /// Where the original bytes can be read: the library's copy when there is one.
    public var readablePath: FilePathBytes { original ?? path }

    public init(path: FilePathBytes, root: FilePathBytes, label: String, stat: FileStat,
                sha256: String? = nil, state: SourceState, reason: String? = nil, original: FilePathBytes? = nil) {
        self.original = original
        self.path = path
        self.root = root
        self.label = label
        self.stat = stat
        self.sha256 = sha256
        self.state = state
        self.reason = reason
    }

    public init(_ arrival: Arrival, state: SourceState, sha256: String? = nil, reason: String? = nil) {
        self.init(path: arrival.path, root: arrival.root, label: arrival.label, stat: arrival.stat,
                  sha256: sha256, state: state, reason: reason)
    }
}

/// One rendition file of a frame, as recorded after it was written.
public struct RenditionRecord: Sendable, Hashable, Codable {
    public var name: String
    public var fingerprint: String
    /// Relative to the gallery folder, for example `thumb/ISS069-E-12345.jpg`.
    public var path: String
    public var bytes: Int
    public var width: Int
    public var height: Int
    /// SHA-256 of the file as written; nil for renditions recorded before it was kept.
    public var sha256: String? = nil

    public init(name: String, fingerprint: String, path: String, bytes: Int, width: Int, height: Int, sha256: String? = nil) {
        self.name = name
        self.fingerprint = fingerprint
        self.path = path
        self.bytes = bytes
        self.width = width
        self.height = height
        self.sha256 = sha256
    }
}

/// An ingested frame: everything a manifest entry is made from.
public struct CatalogFrame: Sendable, Hashable {
    public var source: SourceRecord
    public var gallery: GalleryIdentity
    public var name: FrameName?
    /// The frame id, or for names that do not parse, the file's stem.
    public var id: String
    /// The rendition file stem: the id, made unique within the gallery when two files share it.
    public var stem: String
    public var format: String
    public var width: Int
    public var height: Int
    public var metadata: FrameMetadata
    public var renditions: [RenditionRecord]
    /// The frame's other originals: a camera raw beside the JPEG the frame is shown from.
    public var companions: [CompanionOriginal] = []

    public init(source: SourceRecord, gallery: GalleryIdentity, name: FrameName?, id: String, stem: String, format: String,
                width: Int, height: Int, metadata: FrameMetadata, renditions: [RenditionRecord],
                companions: [CompanionOriginal] = []) {
        self.source = source
        self.gallery = gallery
        self.name = name
        self.id = id
        self.stem = stem
        self.format = format
        self.width = width
        self.height = height
        self.metadata = metadata
        self.renditions = renditions
        self.companions = companions
    }
}

/// A second original of a frame (the raw file of a raw + JPEG pair): listed, not rendered.
public struct CompanionOriginal: Sendable, Hashable {
    public var path: FilePathBytes
    public var root: FilePathBytes
    public var label: String
    public var format: String
    public var bytes: Int64
    public var sha256: String?

    public init(path: FilePathBytes, root: FilePathBytes, label: String, format: String, bytes: Int64, sha256: String?) {
        self.path = path
        self.root = root
        self.label = label
        self.format = format
        self.bytes = bytes
        self.sha256 = sha256
    }
}

/// One gallery's totals, for the index and `status`.
public struct GallerySummary: Sendable, Hashable {
    public var identity: GalleryIdentity
    public var frameCount: Int
    public var firstCapture: String?
    public var lastCapture: String?

    public init(identity: GalleryIdentity, frameCount: Int, firstCapture: String?, lastCapture: String?) {
        self.identity = identity
        self.frameCount = frameCount
        self.firstCapture = firstCapture
        self.lastCapture = lastCapture
    }
}

/// One published page of a gallery: the stretch of the gallery's order it covers and what was
/// written for it. Kept in the catalog so that a change finds its page without reading the gallery.
public struct PageRecord: Sendable, Hashable {
    /// Order keys (`FrameOrder`) of the page's first and last frames.
    public var firstKey: [UInt8]
    public var lastKey: [UInt8]
    /// Relative to the gallery folder: `pages/<hash>.json`.
    public var path: String
    public var sha256: String
    public var bytes: Int
    public var frameCount: Int
    public var captureFirst: String?
    public var captureLast: String?
    public var firstFrame: String
    public var lastFrame: String

    public init(firstKey: [UInt8], lastKey: [UInt8], path: String, sha256: String, bytes: Int, frameCount: Int,
                captureFirst: String?, captureLast: String?, firstFrame: String, lastFrame: String) {
        self.firstKey = firstKey
        self.lastKey = lastKey
        self.path = path
        self.sha256 = sha256
        self.bytes = bytes
        self.frameCount = frameCount
        self.captureFirst = captureFirst
        self.captureLast = captureLast
        self.firstFrame = firstFrame
        self.lastFrame = lastFrame
    }
}

extension CatalogFrame {
    static let unpairedReason = "its pair's frame went before it could join it; read again"

    /// What both catalogs record of a frame read only to join its pair's frame (no renditions)
    /// when that frame went first: the source, failed, to be read again; no frame.
    public var unpairedSource: SourceRecord {
        var source = self.source
        source.state = .failed
        source.reason = Self.unpairedReason
        return source
    }

    /// The frame filed under another gallery, id and rendition stem: rendition paths follow the
    /// stem; the files themselves are the caller's to link or move.
    func refiled(gallery: GalleryIdentity, name: FrameName?, id: String, stem newStem: String) -> CatalogFrame {
        var moved = self
        moved.gallery = gallery
        moved.name = name
        moved.id = id
        moved.stem = newStem
        moved.renditions = renditions.map { rendition in
            var renamed = rendition
            let oldPrefix = "\(rendition.name)/\(stem)"
            renamed.path = "\(rendition.name)/\(newStem)" + rendition.path.dropFirst(oldPrefix.count)
            return renamed
        }
        return moved
    }
}
