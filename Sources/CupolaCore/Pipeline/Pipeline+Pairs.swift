import Foundation

extension Pipeline {
    /// `[raw] pairs` changed since some pairs were made: each companion that the setting now makes
    /// its pair's primary leaves the pair (the frame stays, from the other file, and is marked
    /// changed) and is read again as a new file; its commit makes it the frame, with the other file
    /// beside it. Those under `scanned` (this run's SOURCE folders, not scanned yet) are found new
    /// by the scan; the others are offered at once. A companion whose file is no longer where it
    /// was found (`--originals move` took it) stays as it is: only the library's copy is left.
    public func promoteCompanions(scanned roots: [FilePathBytes]) throws {
        guard !configuration.dryRun else { return }
        let promoted = try clock.measure(.catalog) { () throws(CatalogError) in
            try catalog.companionsToPromote(pairs: configuration.settings.pairPrimary)
        }.compactMap { source -> (SourceRecord, FileStat)? in
            guard let raw = try? lstatBytes(source.path), case .regular = EntryKind(mode: raw.st_mode) else { return nil }
            return (source, FileStat(raw))
        }
        guard !promoted.isEmpty else { return }
        try clock.measure(.catalog) { () throws(CatalogError) in try catalog.apply(promoted.map { .remove($0.0.path) }) }
        summary.promotedCompanions += promoted.count
        for (source, stat) in promoted {
            guard !roots.contains(where: { source.path.isInside($0) }) else { continue }
            planner.forget(source.path, under: source.root)
            releasedCompanions.append(Arrival(path: source.path, root: source.root, label: source.label, stat: stat))
        }
    }

    /// A companion-to-be (the raw of a pair, unless `[raw] pairs` says the raw is the frame) this run
    /// committed that the catalog retired as a frame has joined its primary's frame (whichever of
    /// the two came first): one frame, two files, counted once in the summary.
    func notePairs(committed changes: [CatalogChange], retired: [CatalogFrame]) {
        let pairs = configuration.settings.pairPrimary
        for case .commit(let frame) in changes where pairs.isCompanion(frame.format) {
            committedCompanions.insert(frame.source.path)
        }
        for frame in retired where committedCompanions.remove(frame.source.path) != nil {
            summary.pairedOriginals += 1
        }
        for frame in unpaired(changes, retired: retired) {
            // Its pair's frame went between the worker's question and the commit: read again at
            // once, to be rendered as a frame of its own. Counted once, when that is done.
            summary.ingested -= 1
            committedCompanions.remove(frame.source.path)
            planner.forget(frame.source.path, under: frame.source.root)
            releasedCompanions.append(Arrival(path: frame.source.path, root: frame.source.root,
                                              label: frame.source.label, stat: frame.source.stat))
        }
    }

    /// Files read only to join their pair's frame (no renditions) that did not join it: the
    /// catalog recorded them failed (`Catalog.unpairedReason`).
    func unpaired(_ changes: [CatalogChange], retired: [CatalogFrame]) -> [CatalogFrame] {
        let joined = Set(retired.map(\.source.path))
        return changes.compactMap { change in
            guard case .commit(let frame) = change, frame.renditions.isEmpty, !joined.contains(frame.source.path) else { return nil }
            return frame
        }
    }
}
