/// Where a gallery's frames are cut into pages.
///
/// A page ends after a frame whose order key hashes to a multiple of `meanSize` (content-defined,
/// as rsync and backup tools cut files into chunks), or after `maxSize` frames without such a frame.
/// The cut depends only on the frames themselves, never on the history of the gallery, so an
/// incremental library equals a fresh one, and a frame added or removed changes only the page it
/// falls in: one page, or two when the frame itself is a cut point (a page splits or two merge).
/// The hard limit shifts later cuts only inside the rare run of more than `maxSize` frames without a
/// natural cut (about e^-8 of runs with these numbers).
public enum PagePartition {
    public static let meanSize = 512
    public static let maxSize = 4096

    /// Whether a page ends after the frame with this order key (ignoring the size limit).
    public static func endsPage(_ key: [UInt8]) -> Bool {
        // FNV-1a, then a 64-bit finaliser so that the low bits are well mixed.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash &*= 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hash % UInt64(meanSize) == 0
    }
}

/// Cuts a stream of frames, in gallery order, into pages.
struct PageCutter {
    private(set) var entries: [PageEntry] = []

    /// Adds a frame; returns the finished page when this frame ends one.
    mutating func add(_ entry: PageEntry) -> [PageEntry]? {
        entries.append(entry)
        guard PagePartition.endsPage(entry.key) || entries.count >= PagePartition.maxSize else { return nil }
        return flush()
    }

    /// The page in progress, at the end of the gallery.
    mutating func flush() -> [PageEntry]? {
        guard !entries.isEmpty else { return nil }
        defer { entries = [] }
        return entries
    }
}
