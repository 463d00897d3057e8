/// The library's state: every source file, its outcome, its frame and renditions.
///
/// SQLite is the embedded implementation; PostgreSQL (the `CupolaPostgres` target) is the shared one
/// for many workers. The pipeline sees only this protocol and no SQL.
public protocol Catalog: Sendable {
    /// Every file recorded under a SOURCE folder, in path order: only as much of each as telling
    /// "unchanged", "gone" or "moved" needs (`source(at:)` reads a whole record).
    func knownFiles(under root: FilePathBytes) throws(CatalogError) -> KnownFiles
    func source(at path: FilePathBytes) throws(CatalogError) -> SourceRecord?
    /// The frame made from the file at `path`, if it has one.
    func frame(at path: FilePathBytes) throws(CatalogError) -> CatalogFrame?
    /// A frame made from a file with these bytes (by SHA-256), other than the file at `path`.
    func frame(withContent sha256: String, other path: FilePathBytes) throws(CatalogError) -> CatalogFrame?

    /// Marks sources as being decoded, before any C library touches them.
    func markProcessing(_ sources: [SourceRecord], isolated: Bool) throws(CatalogError)
    /// Applies changes in one transaction, marking their galleries dirty in it; returns the frames
    /// that left the catalog (replaced or removed), whose renditions may have to go. `pairs` says
    /// which file of a raw + JPEG pair committed here is the frame.
    @discardableResult
    func apply(_ changes: [CatalogChange], pairs: PairPrimary) throws(CatalogError) -> [CatalogFrame]

    /// Galleries whose frames changed since their manifest was last written.
    func dirtyGalleries() throws(CatalogError) -> Set<String>
    func markClean(_ galleries: Set<String>) throws(CatalogError)

    func frames(inGallery id: String) throws(CatalogError) -> [CatalogFrame]
    /// Up to `limit` frames of a gallery in order (`FrameOrder`), starting at `key` (or after it,
    /// when `after`); from the start when `key` is nil. Reads only those rows.
    func frames(inGallery id: String, from key: [UInt8]?, after: Bool, limit: Int) throws(CatalogError) -> [CatalogFrame]
    /// The same stretch as `frames(inGallery:from:after:limit:)`, each frame as its page shows it.
    func pageEntries(inGallery id: String, from key: [UInt8]?, after: Bool, limit: Int) throws(CatalogError) -> [PageEntry]
    /// Brings theme membership up to date: rules new, changed or gone since the last call look at
    /// every frame's catalog row; frames added or changed since are matched against the others.
    /// Marks the themes' changed places and galleries dirty, like any frame change. Decodes nothing.
    func updateThemes(_ rules: [ThemeRule]) throws(CatalogError) -> ThemeUpdate
    /// Themes that hold at least one frame.
    func themeGalleries() throws(CatalogError) -> [String]
    /// The gallery's identity, as its first frame in order has it (a theme's, as its rule names
    /// it); nil when it has no frames.
    func galleryIdentity(_ id: String) throws(CatalogError) -> GalleryIdentity?

    /// The pages last published for a gallery, in order.
    func pages(ofGallery id: String) throws(CatalogError) -> [PageRecord]
    /// Order keys of the gallery's frames changed since its pages were published, in order; at
    /// most `limit` of them (a caller that gets `limit` rebuilds the whole gallery instead).
    func changedKeys(inGallery id: String, limit: Int) throws(CatalogError) -> [[UInt8]]
    /// In one transaction: replaces pages (the removed ones' files are remembered as retired until
    /// `forgetRetiredPages`), forgets the gallery's changed keys, and records its identity for the
    /// index (nil: the gallery is gone).
    func replacePages(ofGallery id: String, identity: GalleryIdentity?, removing: [PageRecord],
                      adding: [PageRecord]) throws(CatalogError)
    /// Page files replaced but perhaps not yet deleted (a run killed in between leaves some).
    func retiredPages(ofGallery id: String) throws(CatalogError) -> [String]
    func forgetRetiredPages(ofGallery id: String) throws(CatalogError)
    /// Galleries published since pages were kept: their totals come from their pages.
    func publishedGalleries() throws(CatalogError) -> [GallerySummary]
    /// Galleries whose manifests were written as `cupola.gallery/1`, until they are republished.
    func galleriesAwaitingUpgrade() throws(CatalogError) -> Set<String>
    /// Which of these rendition paths (relative to the gallery) a frame of the gallery still names.
    func renditionPathsInUse(inGallery id: String, among paths: [String]) throws(CatalogError) -> Set<String>
    /// Replaces some renditions of a frame (and drops `removing`), marking its gallery dirty.
    func updateRenditions(of path: FilePathBytes, gallery: String, with records: [RenditionRecord],
                          removing names: [String]) throws(CatalogError)
    /// Records the SHA-256 of rendition files written before hashes were kept; nothing else changes.
    func recordDigests(_ digests: [RenditionDigest]) throws(CatalogError)
    /// Renditions that do not match the current settings: wrong fingerprint, or missing.
    func staleRenditionCount(current specs: [RenditionSpec]) throws(CatalogError) -> Int
    func galleries() throws(CatalogError) -> [GallerySummary]
    /// Sources that are rejected or failed, with their reasons.
    func problems() throws(CatalogError) -> [SourceRecord]

    /// Start-up recovery after a run that did not finish. When it crashed, `processing` sources
    /// become suspects and an `isolated` one (decoded alone, and it crashed again) is rejected for
    /// good. When it was killed from outside, in-flight sources are simply retried.
    func recoverInterrupted(crashed: Bool) throws(CatalogError) -> RecoveryReport
    func sources(in state: SourceState) throws(CatalogError) -> [SourceRecord]

    /// The database's own consistency check (every page): nil when whole, else what it found.
    func integrityProblem() throws(CatalogError) -> String?
    /// Which of these frame ids name a frame with a companion original (a raw + JPEG pair).
    func pairedFrameIds(among ids: [String]) throws(CatalogError) -> Set<String>
    /// Whether committing `frame` would join it to a pair's frame already in the catalog, as its
    /// companion under `pairs`: then its renditions would only be removed.
    func joinsPair(_ frame: CatalogFrame, pairs: PairPrimary) throws(CatalogError) -> Bool
    /// Companion originals that `pairs` makes the primary of their pair: pairs made under the
    /// other setting, in path order.
    func companionsToPromote(pairs: PairPrimary) throws(CatalogError) -> [SourceRecord]
    /// Which file holds a rendition stem in a gallery, if any.
    func stemOwner(_ key: StemKey) throws(CatalogError) -> FilePathBytes?

    func recordRun(_ run: RunRecord) throws(CatalogError)
    func lastRun() throws(CatalogError) -> RunRecord?

    /// The source paths of every frame in `unassigned` (see `MissionRefiling`).
    func unassignedPaths() throws(CatalogError) -> [FilePathBytes]
    /// Whether `stem` in `gallery` belongs to a file other than `path`.
    func stemTaken(_ stem: String, inGallery gallery: String, byOtherThan path: FilePathBytes) throws(CatalogError) -> Bool
    /// Rewrites a frame under its new identity and marks the gallery it left for republishing.
    func refile(_ frame: CatalogFrame, leaving gallery: String) throws(CatalogError)
}

/// Opens a catalog kept outside the library folder, named by URL (`--catalog`, or `catalog` in the
/// settings): the CLI links the implementations, the library code only calls this.
public typealias CatalogConnector = @Sendable (_ url: String, _ readOnly: Bool) throws(CatalogError) -> any Catalog

/// One change to the catalog, applied in batches by `Catalog.apply`.
public enum CatalogChange: Sendable {
    /// An ingested frame and its renditions. A camera raw and a JPEG with one frame id in one
    /// gallery become one frame (the primary's, `PairPrimary`), the other its companion original,
    /// in either order. A frame without renditions is a file read only to join its pair's frame
    /// (the worker found that frame in the catalog): it joins it, or, when the frame went in the
    /// meantime, its source is recorded failed (`Catalog.unpairedReason`), to be read again.
    case commit(CatalogFrame)
    /// A rejected or failed source with its reason; any frame it had is removed.
    case outcome(SourceRecord)
    /// The stat of a source whose content did not change.
    case refresh(SourceRecord)
    /// A source to forget.
    case remove(FilePathBytes)
    /// A file that moved: the frame of the source at `from` now belongs to `to.source.path`, with
    /// `to`'s identity, stem and rendition paths. Nothing is decoded.
    case move(from: FilePathBytes, to: CatalogFrame)
    /// A companion original kept beside its pair's frame (it has no frame of its own) that moved: its source row
    /// takes the new path, label and stat, and the frame lists it there. Nothing is decoded.
    case moveCompanion(from: FilePathBytes, to: SourceRecord)
}

extension Catalog {
    /// Why a file read to join its pair's frame was recorded failed instead.
    public static var unpairedReason: String { CatalogFrame.unpairedReason }

    /// Changes with the built-in pairing (a raw + JPEG pair is the JPEG's frame).
    @discardableResult
    public func apply(_ changes: [CatalogChange]) throws(CatalogError) -> [CatalogFrame] {
        try apply(changes, pairs: .jpeg)
    }

    /// Forgets sources; returns their frames so their renditions can be removed.
    public func remove(_ paths: [FilePathBytes]) throws(CatalogError) -> [CatalogFrame] {
        try apply(paths.map(CatalogChange.remove))
    }
}

/// What start-up recovery found of a killed run.
public struct RecoveryReport: Sendable {
    /// Sources that were being decoded: each is retried alone.
    public var suspects: Int
    /// Sources that died while decoded alone: rejected for good.
    public var poisoned: [SourceRecord]
    /// The frames the poisoned sources had, whose renditions and manifest entries must go.
    public var retired: [CatalogFrame]

    public init(suspects: Int, poisoned: [SourceRecord], retired: [CatalogFrame]) {
        self.suspects = suspects
        self.poisoned = poisoned
        self.retired = retired
    }
}

/// A rendition file stem within one gallery: unique across the library.
public struct StemKey: Hashable, Sendable {
    public let gallery: String
    public let stem: String
}

/// One finished run, for `status`.
public struct RunRecord: Sendable, Hashable, Codable {
    public var command: String
    public var finished: String
    public var exitCode: Int32
    public var summary: String

    public init(command: String, finished: String, exitCode: Int32, summary: String) {
        self.command = command
        self.finished = finished
        self.exitCode = exitCode
        self.summary = summary
    }
}

public enum CatalogError: Error, CustomStringConvertible, Sendable {
    case damaged(path: String, detail: String)
    case cannotOpen(path: String, detail: String)
    case io(detail: String)
    /// The disk holding the catalog is full: try again once there is space.
    case diskFull(path: String)
    /// A catalog server that cannot be used: unreachable, refusing us, or with a newer schema.
    case unusable(location: String, detail: String)
    /// The connection to the catalog server was lost part-way: try again.
    case lost(location: String, detail: String)

    public var description: String {
        switch self {
        case .damaged(let path, let detail): return "\(path): catalog is damaged (\(detail)); restore it from a backup or move it aside to rebuild"
        case .cannotOpen(let path, let detail): return "\(path): cannot open catalog (\(detail))"
        case .io(let detail): return "catalog: \(detail)"
        case .diskFull(let path): return "\(path): disk full, catalog not updated"
        case .unusable(let location, let detail): return "\(location): cannot use the catalog (\(detail))"
        case .lost(let location, let detail): return "\(location): lost the catalog server (\(detail)); run again"
        }
    }
}

extension Catalog {
    /// Page entries made from the frames themselves, for what keeps none ready (a theme's pages).
    public func freshPageEntries(inGallery id: String, from key: [UInt8]?, after: Bool, limit: Int) throws(CatalogError) -> [PageEntry] {
        let frames = try frames(inGallery: id, from: key, after: after, limit: limit)
        do { return try frames.map { try PageEntry($0, listedIn: id) } } catch { throw .io(detail: "\(error)") }
    }

}
