/// Decides, for each arrival, whether there is work to do and where its frame goes. Runs serially
/// ahead of the workers, so rendition names are assigned in arrival order: the same input gives
/// the same names.
struct IngestPlanner {
    let catalog: any Catalog
    /// What the catalog knows of each file under a SOURCE, compactly; a file's whole record is
    /// read only when it has work to do.
    private(set) var knownByRoot: [FilePathBytes: KnownFiles] = [:]
    /// Who holds each stem this run asked about or changed: the catalog is asked once per stem,
    /// never read whole (a library of 10^6 frames would fill memory). nil: free.
    private var stemOwners: [StemKey: FilePathBytes?] = [:]
    /// Frame ids claimed by more than one file in this run, for the summary.
    private(set) var sharedIds: [String: Set<String>] = [:]
    /// The id whose stem the last `plan` call had to tag, for a watcher to log at once.
    private(set) var lastSharedId: String?

    init(catalog: any Catalog) throws(CatalogError) {
        self.catalog = catalog
    }

    private mutating func owner(of key: StemKey) throws(CatalogError) -> FilePathBytes? {
        if let known = stemOwners[key] { return known }
        let owner = try catalog.stemOwner(key)
        stemOwners[key] = .some(owner)
        return owner
    }

    /// What the catalog knows under a SOURCE folder; loaded once per folder and run.
    mutating func known(under root: FilePathBytes) throws(CatalogError) -> KnownFiles {
        if let cached = knownByRoot[root] { return cached }
        let loaded = try catalog.knownFiles(under: root)
        knownByRoot[root] = loaded
        return loaded
    }

    /// Takes what the catalog knows under `root`, read ahead (while the folder was scanned).
    mutating func preload(_ files: KnownFiles, under root: FilePathBytes) {
        if knownByRoot[root] == nil { knownByRoot[root] = files }
    }

    /// The whole record of a file the catalog knows; nil for a new one (without asking the catalog).
    mutating func record(of path: FilePathBytes, under root: FilePathBytes) throws(CatalogError) -> SourceRecord? {
        guard try known(under: root)[path] != nil else { return nil }
        return try catalog.source(at: path)
    }

    /// The files the catalog knows under `root` that are not among `arrivals` (paths unique), in
    /// path order: the files that went or moved. A scan's arrivals come in path order and are
    /// merged with the catalog's; no set of 10^5 paths is built to find the one that went.
    mutating func unseenKnownFiles(under root: FilePathBytes, in arrivals: [Arrival]) throws(CatalogError) -> [FilePathBytes] {
        try known(under: root).unseen(among: arrivals)
    }

    /// Whether the file is as it was when last ingested or rejected: then it is not even read.
    mutating func isUnchanged(_ arrival: Arrival) throws(CatalogError) -> Bool {
        Self.isUnchanged(arrival, known: try known(under: arrival.root)[arrival.path])
    }

    /// For each of a scan's arrivals (all under `root`, in path order), whether it is unchanged.
    mutating func unchanged(_ arrivals: [Arrival], under root: FilePathBytes) throws(CatalogError) -> [Bool] {
        zip(arrivals, try known(under: root).files(for: arrivals)).map { Self.isUnchanged($0, known: $1) }
    }

    private static func isUnchanged(_ arrival: Arrival, known: KnownFile?) -> Bool {
        guard let known else { return false }
        return known.stat == arrival.stat && (known.state == .ingested || known.state == .rejected)
    }

    /// nil when the file is unchanged since it was last ingested or rejected: it is not even read.
    mutating func plan(_ arrival: Arrival) throws(CatalogError) -> FrameJob? {
        lastSharedId = nil
        if try isUnchanged(arrival) { return nil }
        let known = try record(of: arrival.path, under: arrival.root)
        let (name, gallery, id) = Self.identity(of: arrival)
        let stem = try claimStem(id, gallery: gallery.id, path: arrival.path, label: arrival.label)
        return FrameJob(arrival: arrival, known: known, gallery: gallery, name: name, id: id, stem: stem)
    }

    /// Where a file's name files it: its parsed name, gallery and frame id (or cleaned stem).
    static func identity(of arrival: Arrival) -> (FrameName?, GalleryIdentity, String) {
        let name = FrameName(fileName: FilePathBytes.display(arrival.path.lastComponent))
        return (name, name?.gallery ?? .unassigned, name?.id ?? safeStem(arrival.path.lastComponent))
    }

    /// The id when free or already this file's; otherwise the id tagged with a hash of the path.
    private mutating func claimStem(_ id: String, gallery: String, path: FilePathBytes, label: String) throws(CatalogError) -> String {
        let key = StemKey(gallery: gallery, stem: id)
        guard let owner = try owner(of: key), owner != path else {
            stemOwners[key] = .some(path)
            return id
        }
        let ownerLabel = displayLabel(of: owner)
        sharedIds[id, default: [ownerLabel]].insert(label)
        lastSharedId = id
        let tagged = "\(id)~\(Hashing.tag(path.bytes))"
        stemOwners[StemKey(gallery: gallery, stem: tagged)] = .some(path)
        return tagged
    }

    /// A file stem made safe as a file name: letters, digits, `-`, `_` and `.` only.
    static func safeStem(_ name: [UInt8]) -> String {
        var stem = name
        if let dot = stem.lastIndex(of: UInt8(ascii: ".")), dot > 0 { stem = Array(stem[..<dot]) }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.".utf8)
        var safe = String(decoding: stem.map { allowed.contains($0) ? $0 : UInt8(ascii: "_") }, as: UTF8.self)
        while safe.hasPrefix(".") || safe.hasPrefix("-") { safe = "_" + safe.dropFirst() }
        if safe.isEmpty { safe = "frame" }
        if safe.utf8.count > 96 { safe = String(safe.prefix(96)) }
        // A name that had to change keeps a tag of its original bytes, so two names that clean
        // up alike stay apart.
        return Array(safe.utf8) == stem ? safe : "\(safe)~\(Hashing.tag(name))"
    }
}

extension IngestPlanner {
    /// Keeps the planner's view of the catalog current as results are recorded, so a long-running
    /// watcher plans later arrivals of the same file against what was just committed.
    mutating func remember(_ result: FrameResult) {
        guard let root = result.source?.root ?? knownRoot(of: result.path), knownByRoot[root] != nil else { return }
        switch result {
        case .vanished(let path): knownByRoot[root]?[path] = nil
        case .failed(_, .some): break
        default:
            if let source = result.source { knownByRoot[root]?[source.path] = KnownFile(source) }
        }
    }

    mutating func forget(_ path: FilePathBytes, under root: FilePathBytes) {
        knownByRoot[root]?[path] = nil
    }

    /// A file kept without a frame of its own (a raw beside its JPEG's frame) moved: it is known at
    /// its new path, so the scan that finds it there reads nothing.
    mutating func note(_ source: SourceRecord, movedFrom old: SourceRecord) {
        knownByRoot[old.root]?[old.path] = nil
        if knownByRoot[source.root] != nil { knownByRoot[source.root]?[source.path] = KnownFile(source) }
    }

    /// A frame left the catalog: its stem is free for the next file with its id, so a file that
    /// replaces a deleted one gets the plain name a fresh library would give it.
    mutating func release(_ frame: CatalogFrame) {
        let key = StemKey(gallery: frame.gallery.id, stem: frame.stem)
        if (try? owner(of: key)) == frame.source.path { stemOwners[key] = .some(nil) }
    }

    /// The frame of a file that moved, as it is at its new path: identity from the new name; the
    /// stem kept when that gives the same one (the common case, a folder renamed), else claimed
    /// afresh for the new path; rendition paths follow the stem. Nothing is read.
    mutating func plan(move frame: CatalogFrame, to arrival: Arrival) throws(CatalogError) -> CatalogFrame {
        lastSharedId = nil
        release(frame)
        let (name, gallery, id) = Self.identity(of: arrival)
        let stem = try claimStem(id, gallery: gallery.id, path: arrival.path, label: arrival.label)
        var moved = frame.refiled(gallery: gallery, name: name, id: id, stem: stem)
        moved.source.path = arrival.path
        moved.source.root = arrival.root
        moved.source.label = arrival.label
        moved.source.stat = arrival.stat
        moved.source.state = .ingested
        knownByRoot[frame.source.root]?[frame.source.path] = nil
        if knownByRoot[arrival.root] != nil { knownByRoot[arrival.root]?[arrival.path] = KnownFile(moved.source) }
        return moved
    }

    /// How manifests show a file (`<SOURCE name>/<path inside>`) when its SOURCE is known to this
    /// run; its full path otherwise.
    func displayLabel(of path: FilePathBytes) -> String {
        guard let root = knownRoot(of: path) else { return path.description }
        return FilePathBytes.display(root.lastComponent + path.bytes.dropFirst(root.bytes.count))
    }

    private func knownRoot(of path: FilePathBytes) -> FilePathBytes? {
        knownByRoot.keys.first { path.bytes.starts(with: $0.bytes + [UInt8(ascii: "/")]) }
    }
}
