/// Tells which files of a scan are known frames that moved: a catalog entry whose file is gone,
/// and a file the catalog does not know, holding the same bytes. Renaming on one file system
/// keeps size, inode and mtime, so those are enough; a file copied and then deleted (another
/// file system, a sync tool) is matched by size, then SHA-256, which costs a read but no decode.
enum MoveMatcher {
    struct Identity: Hashable {
        let size: Int64
        let inode: UInt64
        let modified: Int64

        init(_ stat: FileStat) {
            size = stat.size
            inode = stat.inode
            modified = stat.modifiedNanoseconds
        }
    }

    /// Pairs in path order of the files that appeared, each gone entry used at most once.
    static func pairs(gone: [SourceRecord], appeared: [Arrival]) -> [(from: SourceRecord, to: Arrival)] {
        guard !gone.isEmpty, !appeared.isEmpty else { return [] }
        let ordered = gone.sorted { $0.path < $1.path }
        var byIdentity: [Identity: SourceRecord] = [:]
        var bySize: [Int64: [SourceRecord]] = [:]
        for record in ordered {
            byIdentity[Identity(record.stat)] = byIdentity[Identity(record.stat)] ?? record
            if record.sha256 != nil { bySize[record.stat.size, default: []].append(record) }
        }
        var taken: Set<FilePathBytes> = []
        var pairs: [(from: SourceRecord, to: Arrival)] = []
        var unmatched: [Arrival] = []
        for arrival in appeared.sorted(by: { $0.path < $1.path }) {
            if let record = byIdentity[Identity(arrival.stat)], !taken.contains(record.path) {
                taken.insert(record.path)
                pairs.append((record, arrival))
            } else {
                unmatched.append(arrival)
            }
        }
        for arrival in unmatched {
            let candidates = (bySize[arrival.stat.size] ?? []).filter { !taken.contains($0.path) }
            guard !candidates.isEmpty, let data = try? FileContents.read(arrival.path).data else { continue }
            let digest = Hashing.sha256(data)
            if let record = candidates.first(where: { $0.sha256 == digest }) {
                taken.insert(record.path)
                pairs.append((record, arrival))
            }
        }
        return pairs
    }
}
