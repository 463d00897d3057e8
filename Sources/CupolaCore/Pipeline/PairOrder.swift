/// The order a scan's files of one name go to the workers: of `x.DNG` and `x.JPG`, the one that
/// will be the frame first (the JPEG, unless `[raw] pairs = "raw"`). Files with one frame id run
/// one after the other (`PairWait`), so the second finds the first's frame and joins it undecoded,
/// and the frame keeps the plain stem. In plain byte order a DNG, CR2 or ARW would go before its
/// JPEG, be rendered for nothing, and leave the JPEG a `~tag` stem.
///
/// Only a hint, from the extension: what a file is, and whether it pairs, is still told from its
/// content when it is probed and committed.
enum PairOrder {
    /// Extensions of the camera raw formats LibRaw reads most often.
    static let rawExtensions: Set<String> = ["3fr", "arw", "cr2", "cr3", "crw", "dcr", "dng", "erf", "iiq", "kdc", "mef",
                                             "mos", "mrw", "nef", "nrw", "orf", "pef", "raf", "rw2", "rwl", "sr2", "srf",
                                             "srw", "x3f"]

    /// `arrivals` (in path order) with each run of files of one folder and stem put primary first;
    /// everything else keeps its place.
    static func primaryFirst(_ arrivals: [Arrival], pairs: PairPrimary) -> [Arrival] {
        var ordered = arrivals
        var start = 0
        while start < ordered.count {
            let stem = stemPath(ordered[start].path)
            var end = start + 1
            while end < ordered.count, stemPath(ordered[end].path) == stem { end += 1 }
            if end - start > 1 {
                // Stable: the raws (or, for `pairs = "raw"`, the rest) move behind, each group in its order.
                let group = ordered[start..<end]
                let first = group.filter { !isCompanion($0.path, pairs: pairs) }
                let second = group.filter { isCompanion($0.path, pairs: pairs) }
                ordered.replaceSubrange(start..<end, with: first + second)
            }
            start = end
        }
        return ordered
    }

    /// The path up to its last component's last dot: equal for `x.DNG` and `x.JPG` in one folder.
    /// Slices of the path, nothing copied: a first scan asks this of every file twice.
    private static func stemPath(_ path: FilePathBytes) -> ArraySlice<UInt8> {
        let name = nameStart(path)
        guard let dot = path.bytes[name...].lastIndex(of: UInt8(ascii: ".")), dot > name else { return path.bytes[...] }
        return path.bytes[..<dot]
    }

    /// Whether `path` goes after the other files of its frame: a raw, or under `pairs = "raw"`
    /// anything but a raw.
    static func isCompanion(_ path: FilePathBytes, pairs: PairPrimary) -> Bool {
        isRaw(path) != (pairs == .raw)
    }

    private static func isRaw(_ path: FilePathBytes) -> Bool {
        let name = nameStart(path)
        guard let dot = path.bytes[name...].lastIndex(of: UInt8(ascii: ".")) else { return false }
        return rawExtensions.contains(String(decoding: path.bytes[(dot + 1)...], as: UTF8.self).lowercased())
    }

    private static func nameStart(_ path: FilePathBytes) -> Int {
        path.bytes.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0
    }
}
