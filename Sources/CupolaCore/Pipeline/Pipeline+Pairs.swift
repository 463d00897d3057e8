import Foundation

extension Pipeline {
    /// `[raw] pairs` changed since some pairs were made: each companion that the setting now makes
    /// its pair's primary leaves the pair (the frame stays, from the other file, and is marked
    /// changed) and is read again as a new file; its commit makes it the frame, with the other file
    /// beside it. Those under `scanned` (this run's SOURCE folders, not scanned yet) are found new
    /// by the scan; the others are offered at once.
    public func promoteCompanions(scanned roots: [FilePathBytes]) throws {
        guard !configuration.dryRun else { return }
        let promoted = try clock.measure(.catalog) { () throws(CatalogError) in
            try catalog.companionsToPromote(pairs: configuration.settings.pairPrimary)
        }
        guard !promoted.isEmpty else { return }
        try clock.measure(.catalog) { () throws(CatalogError) in try catalog.apply(promoted.map { .remove($0.path) }) }
        summary.promotedCompanions += promoted.count
        for source in promoted where !roots.contains(where: { source.path.isInside($0) }) {
            planner.forget(source.path, under: source.root)
            guard let raw = try? lstatBytes(source.path), case .regular = EntryKind(mode: raw.st_mode) else { continue }
            releasedCompanions.append(Arrival(path: source.path, root: source.root, label: source.label, stat: FileStat(raw)))
        }
    }

    /// A companion-to-be (the raw of a pair, unless `[raw] pairs` says the raw is the frame) this run
    /// committed that the catalog retired as a frame has joined its primary's frame (whichever of
    /// the two came first): one frame, two files, counted once in the summary.
    func notePairs(committed changes: [CatalogChange], retired: [CatalogFrame]) {
        let pairs = configuration.settings.pairPrimary
        for case .commit(let frame) in changes where PairPrimary.mayPair(frame.format) && !pairs.isPrimary(frame.format) {
            committedCompanions.insert(frame.source.path)
        }
        for frame in retired where committedCompanions.remove(frame.source.path) != nil {
            summary.pairedOriginals += 1
        }
    }
}
