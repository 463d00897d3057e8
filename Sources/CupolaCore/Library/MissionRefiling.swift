/// Frames that an earlier cupola filed under `unassigned` because it did not know their mission
/// code (`AS11-40-5903`, `STS41B-35-1601`) move to their mission gallery at the start of the next
/// writing run: their renditions (and kept original) get their new names by hard link, the
/// catalog row is rewritten, then the old names go. Nothing is decoded or rendered.
enum MissionRefiling {
    /// Returns the ids of the frames moved. A frame whose files cannot be linked stays where it
    /// is and is tried again by the next run.
    @discardableResult
    static func run(layout: LibraryLayout, catalog: any Catalog) throws(CatalogError) -> [String] {
        var moved: [String] = []
        for path in try catalog.unassignedPaths() {
            guard let name = FrameName(fileName: FilePathBytes.display(path.lastComponent)),
                  let frame = try catalog.frame(at: path) else { continue }
            let taken = try catalog.stemTaken(name.id, inGallery: name.gallery.id, byOtherThan: path)
            let refiled = refiled(frame, as: name, stem: taken ? "\(name.id)~\(Hashing.tag(path.bytes))" : name.id,
                                  layout: layout)
            guard linkFiles(of: frame, as: refiled, layout: layout) else { continue }
            try catalog.refile(refiled, leaving: frame.gallery.id)
            removeOldFiles(of: frame, keeping: refiled, layout: layout)
            moved.append(refiled.id)
        }
        return moved
    }

    /// The frame as its parsed name files it: same source, metadata and rendition records, with
    /// the new gallery, id and stem.
    static func refiled(_ frame: CatalogFrame, as name: FrameName, stem: String, layout: LibraryLayout) -> CatalogFrame {
        var moved = frame.refiled(gallery: name.gallery, name: name, id: name.id, stem: stem)
        if frame.source.original != nil {
            moved.source.original = layout.originalCopy(gallery: name.gallery.id, stem: stem,
                                                        sourceName: frame.source.path.lastComponent)
        }
        return moved
    }

    private static func pairs(_ old: CatalogFrame, _ new: CatalogFrame, layout: LibraryLayout) -> [(FilePathBytes, FilePathBytes)] {
        var pairs = zip(old.renditions, new.renditions).map {
            (layout.renditionFile(gallery: old.gallery.id, relativePath: $0.path),
             layout.renditionFile(gallery: new.gallery.id, relativePath: $1.path))
        }
        if let from = old.source.original, let to = new.source.original { pairs.append((from, to)) }
        return pairs
    }

    /// A rendition file already missing is left to `regenerate` and `verify --repair`.
    private static func linkFiles(of old: CatalogFrame, as new: CatalogFrame, layout: LibraryLayout) -> Bool {
        do {
            for (from, to) in pairs(old, new, layout: layout) where FileLink.size(from) != nil {
                try FileLink.link(from, as: to)
            }
            return true
        } catch {
            return false
        }
    }

    private static func removeOldFiles(of old: CatalogFrame, keeping new: CatalogFrame, layout: LibraryLayout) {
        for (from, to) in pairs(old, new, layout: layout) where from != to { AtomicFile.remove(from) }
    }
}
