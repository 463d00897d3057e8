import Foundation

/// Works out a gallery's pages again where its frames changed, reading only those stretches.
///
/// Each changed order key falls in one published page (the last whose first key is not after it;
/// a new frame between two pages also reaches the next one).
/// From just after the previous page's last frame, frames are read in order and cut afresh
/// (`PagePartition`) until a new page ends exactly where an old page other than the last ended:
/// from there on the frames and the cuts are the same as before. Pages that no change reached are
/// neither read nor written. With no published pages, or no list of changes, the whole gallery is
/// cut in one pass.
struct PageRecut {
    let gallery: String
    let old: [PageRecord]
    let catalog: any Catalog
    /// Old pages to drop and new ones to record; a page whose bytes did not change is in both.
    private(set) var removing: [PageRecord] = []
    private(set) var adding: [PageRecord] = []
    private(set) var isWhole = false

    init(gallery: String, old: [PageRecord], catalog: any Catalog) {
        self.gallery = gallery
        self.old = old
        self.catalog = catalog
    }

    struct Page {
        let record: PageRecord
        let data: Data
    }

    /// Cuts the stretches around `changedKeys` (all of the gallery when nil), handing each page to
    /// `emit` in order.
    mutating func run(changedKeys: [[UInt8]]?, emit: (Page) throws -> Void) throws {
        guard let changedKeys, !old.isEmpty else {
            isWhole = true
            removing = old
            try cut(after: nil, oldIndex: 0, stopWhenAligned: false, emit: emit)
            return
        }
        var affected = Set<Int>()
        for key in changedKeys {
            let page = pageIndex(containing: key)
            affected.insert(page)
            // A new frame between two pages may open the next one (when the cut before it stays).
            if page + 1 < old.count && old[page].lastKey.lexicographicallyPrecedes(key) { affected.insert(page + 1) }
        }
        var coveredThrough = -1
        for start in affected.sorted() where start > coveredThrough {
            // Read from just after the previous page's last frame: a new frame before this page's
            // first one (or before the gallery's first page) is read too.
            coveredThrough = try cut(after: start == 0 ? nil : old[start - 1].lastKey, oldIndex: start,
                                     stopWhenAligned: true, emit: emit)
        }
    }

    /// The published page a key belongs to: the last one starting at or before it.
    private func pageIndex(containing key: [UInt8]) -> Int {
        var low = 0, high = old.count
        while low < high {
            let middle = (low + high) / 2
            if old[middle].firstKey.lexicographicallyPrecedes(key) || old[middle].firstKey == key {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return max(0, low - 1)
    }

    /// Reads frames after `start` (from the gallery's first when nil) and cuts them into pages;
    /// returns the index of the last old page the new pages cover. Stops where a new page ends with
    /// an old one, or at the gallery's end.
    @discardableResult
    private mutating func cut(after start: [UInt8]?, oldIndex: Int, stopWhenAligned: Bool,
                              emit: (Page) throws -> Void) throws -> Int {
        var cutter = PageCutter()
        var cursor = start
        var oldEnd = oldIndex
        while true {
            let batch = try catalog.pageEntries(inGallery: gallery, from: cursor, after: cursor != nil, limit: GalleryPublisher.batchSize)
            for entry in batch {
                guard let page = cutter.add(entry) else { continue }
                try finish(page, emit: emit)
                guard stopWhenAligned, let lastKey = page.last?.key else { continue }
                while oldEnd < old.count - 1 && old[oldEnd].lastKey.lexicographicallyPrecedes(lastKey) { oldEnd += 1 }
                // The old last page ended where the gallery did, not at a cut: frames after it are
                // new, so ending with it says nothing about what follows.
                if oldEnd < old.count - 1, old[oldEnd].lastKey == lastKey {
                    removing += old[oldIndex...oldEnd]
                    return oldEnd
                }
            }
            if batch.count < GalleryPublisher.batchSize { break }
            cursor = batch.last!.key
        }
        if let page = cutter.flush() { try finish(page, emit: emit) }
        if stopWhenAligned { removing += old[oldIndex...] }
        return old.count - 1
    }

    private mutating func finish(_ page: [PageEntry], emit: (Page) throws -> Void) throws {
        let data = try PageEntry.page(gallery: gallery, entries: page)
        let sha256 = Hashing.sha256(data)
        let range = CaptureRange(page.map(\.captured))
        let record = PageRecord(firstKey: page.first!.key, lastKey: page.last!.key,
                                path: "pages/\(sha256.prefix(16)).json", sha256: sha256, bytes: data.count,
                                frameCount: page.count, captureFirst: range?.first, captureLast: range?.last,
                                firstFrame: page.first!.id, lastFrame: page.last!.id)
        adding.append(record)
        try emit(Page(record: record, data: data))
    }
}
