import Foundation

/// Files that moved inside a SOURCE keep their frames: same bytes at a new path is a move, not a
/// deletion plus a new frame. The frame keeps its renditions (renamed by hard link when its stem
/// or gallery changes), nothing is decoded, and its manifest entry shows the new path.
extension Pipeline {
    /// After a full scan: known frames whose files were not seen (`unseen`, in path order),
    /// matched with unknown files holding the same bytes.
    func applyMoves(under source: SourceFolder, _ result: BatchScanner.Result, unseen: [FilePathBytes]) throws {
        let known = try planner.known(under: source.path)
        let gonePaths = unseen.filter { path in
            known[path]?.state == .ingested && !result.unreadableFolders.contains { path.isInside($0.path) }
        }
        guard !gonePaths.isEmpty else { return }
        var gone: [SourceRecord] = []
        for path in gonePaths {
            if let record = try catalog.source(at: path) { gone.append(record) }
        }
        let appeared = zip(result.arrivals, known.files(for: result.arrivals)).filter { $1 == nil }.map(\.0)
        for pair in MoveMatcher.pairs(gone: gone, appeared: appeared) {
            try move(pair.from, to: pair.to)
        }
    }

    /// The watcher saw `from` renamed to `to` (a file, or a folder and all below it). A file
    /// whose size and inode are unchanged at its new path is moved; any other entry under
    /// `from` is gone (its new path, if any, arrives through the settler like a new file).
    func followMove(in source: SourceFolder, from: FilePathBytes, to: FilePathBytes) throws {
        let affectedPaths = try planner.known(under: source.path).entries(atOrInside: from).map(\.path)
        var gone: [FilePathBytes] = []
        for path in affectedPaths {
            guard let record = try catalog.source(at: path) else { continue }
            let target = FilePathBytes(bytes: to.bytes + record.path.bytes.dropFirst(from.bytes.count))
            if record.state == .ingested, let arrival = source.arrival(at: target),
               arrival.stat.size == record.stat.size, arrival.stat.inode == record.stat.inode {
                try move(record, to: arrival)
            } else if record.original == nil {
                gone.append(record.path)
            }
        }
        for path in gone { planner.forget(path, under: source.path) }
        try removeVanished(gone)
        try commitPending()
    }

    /// The watcher saw `path` deleted or moved out of the SOURCE: its frames (all below it, for a
    /// folder) leave the catalog now rather than at the next rescan. Frames whose original the
    /// library keeps stay, as after a scan.
    func removeGone(in source: SourceFolder, _ path: FilePathBytes) throws {
        let gone = try planner.known(under: source.path).entries(atOrInside: path).filter { !$0.file.keepsOriginal }.map(\.path)
        for path in gone { planner.forget(path, under: source.path) }
        try removeVanished(gone)
        try commitPending()
    }

    /// Moves one known frame to the file that now holds its bytes.
    func move(_ from: SourceRecord, to arrival: Arrival) throws {
        guard let frame = try catalog.frame(at: from.path) else { return try moveCompanion(from, to: arrival) }
        let moved = try planner.plan(move: frame, to: arrival)
        if let id = planner.lastSharedId, let files = planner.sharedIds[id] {
            onSharedId?(RunSummary.SharedId(id: id, files: files.sorted()))
        }
        summary.moved += 1
        guard !configuration.dryRun else { return }
        let layout = configuration.layout
        for (old, new) in zip(frame.renditions, moved.renditions) where frame.gallery.id != moved.gallery.id || old.path != new.path {
            try FileLink.link(layout.renditionFile(gallery: frame.gallery.id, relativePath: old.path),
                              as: layout.renditionFile(gallery: moved.gallery.id, relativePath: new.path))
        }
        var committed = moved
        if let original = frame.source.original {
            let copy = layout.originalCopy(gallery: moved.gallery.id, stem: moved.stem, sourceName: arrival.path.lastComponent)
            if copy != original {
                try FileLink.link(original, as: copy)
                committed.source.original = copy
                retiredOriginals.append(original)
            }
        }
        pendingChanges.append(.move(from: from.path, to: committed))
        dirtyGalleries.insert(committed.gallery.id)
        touchedGalleries.insert(committed.gallery.id)
        onMove?(from.label, committed)
        try commitPending()
    }
}

extension Pipeline {
    /// A raw kept beside its JPEG's frame moved with it (a folder renamed, say): it keeps its place
    /// in the frame, rather than going and coming back as a raw to decode and pair again.
    private func moveCompanion(_ from: SourceRecord, to arrival: Arrival) throws {
        summary.moved += 1
        guard !configuration.dryRun else { return }
        var source = from
        source.path = arrival.path
        source.root = arrival.root
        source.label = arrival.label
        source.stat = arrival.stat
        planner.note(source, movedFrom: from)
        pendingChanges.append(.moveCompanion(from: from.path, to: source))
        try commitPending()
        // The frame's gallery is the catalog's to say: the companion has no frame of its own.
        let changed = try catalog.dirtyGalleries()
        dirtyGalleries.formUnion(changed)
        touchedGalleries.formUnion(changed)
    }
}

extension FilePathBytes {
    /// True when this path lies below `folder`.
    func isInside(_ folder: FilePathBytes) -> Bool {
        bytes.count > folder.bytes.count && bytes.starts(with: folder.bytes) && bytes[folder.bytes.count] == UInt8(ascii: "/")
    }
}
