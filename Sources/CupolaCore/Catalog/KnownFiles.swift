import Foundation

/// What the catalog knows of every file under one SOURCE folder, as a run reads it before it
/// looks at any file: the catalog's rows in path order, packed into one buffer of path bytes and
/// one array of records, with this run's own changes kept beside them.
///
/// A scan lists a folder in the same byte order, so the two are compared by walking both once
/// (a merge) instead of hashing every path: at 10^5 files, building and probing a dictionary of
/// paths was most of what a no-op run spent outside the kernel.
public struct KnownFiles: Sendable {
    /// Every path read from the catalog, end to end, in byte order; `ends[i]` is where the i-th ends.
    private var pathBytes: [UInt8] = []
    private var ends: [Int] = []
    private var files: [KnownFile] = []
    /// This run's changes over what was read: nil for a file forgotten.
    private var changes: [FilePathBytes: KnownFile?] = [:]

    public init() {}

    /// The table from rows given by `read`, which hands each row's path bytes and record; rows
    /// are expected in byte order of their paths, and sorted here when they are not.
    public static func collect<E: Error>(_ read: ((UnsafeRawBufferPointer, KnownFile) -> Void) throws(E) -> Void) throws(E) -> KnownFiles {
        var table = KnownFiles()
        var inOrder = true
        try read { path, file in
            if inOrder, let last = table.ends.indices.last {
                inOrder = table.withPath(last) { Self.compare($0, path) < 0 }
            }
            table.pathBytes.append(contentsOf: path)
            table.ends.append(table.pathBytes.count)
            table.files.append(file)
        }
        return inOrder ? table : table.sorted()
    }

    /// Files known, counting this run's changes.
    public var count: Int {
        ends.count + changes.reduce(0) { count, change in
            switch (baseIndex(of: change.key) != nil, change.value != nil) {
            case (true, false): count - 1
            case (false, true): count + 1
            default: count
            }
        }
    }

    /// Every path known, in byte order.
    public var paths: [FilePathBytes] { entries(from: nil, before: nil).map(\.path) }

    public subscript(path: FilePathBytes) -> KnownFile? {
        get {
            if let change = changes[path] { return change }
            return baseIndex(of: path).map { files[$0] }
        }
        set { changes[path] = .some(newValue) }
    }

    /// What is known of each arrival, in the arrivals' order; nil for a file not known. Arrivals
    /// in path order (as a scan gives them) are matched by one merge with the table.
    public func files(for arrivals: [Arrival]) -> [KnownFile?] {
        guard arrivals.isSortedByPath else { return arrivals.map { self[$0.path] } }
        var found = [KnownFile?](repeating: nil, count: arrivals.count)
        var next = 0
        for (index, arrival) in arrivals.enumerated() {
            arrival.path.bytes.withUnsafeBytes { path in
                while next < ends.count, withPath(next, { Self.compare($0, path) < 0 }) { next += 1 }
                if next < ends.count, withPath(next, { Self.compare($0, path) == 0 }) { found[index] = files[next] }
            }
        }
        guard !changes.isEmpty else { return found }
        for (index, arrival) in arrivals.enumerated() {
            if let change = changes[arrival.path] { found[index] = change }
        }
        return found
    }

    /// The known files that are not among `arrivals`, in path order: the files that went or moved.
    public func unseen(among arrivals: [Arrival]) -> [FilePathBytes] {
        guard arrivals.isSortedByPath else {
            let seen = Set(arrivals.map(\.path))
            return paths.filter { !seen.contains($0) }
        }
        var unseen: [FilePathBytes] = []
        var next = 0
        for index in ends.indices {
            let isSeen = withPath(index) { path in
                while next < arrivals.count, arrivals[next].path.bytes.withUnsafeBytes({ Self.compare($0, path) < 0 }) { next += 1 }
                return next < arrivals.count && arrivals[next].path.bytes.withUnsafeBytes { Self.compare($0, path) == 0 }
            }
            if !isSeen { unseen.append(path(at: index)) }
        }
        unseen.removeAll { changes[$0] == .some(nil) }
        let added = changes.filter { $0.value != nil && baseIndex(of: $0.key) == nil }.map(\.key)
        let notArrived = added.filter { path in !arrivals.containsSorted(path) }
        return notArrived.isEmpty ? unseen : (unseen + notArrived).sorted()
    }

    /// `path` itself and every known file below it (a folder), in path order.
    public func entries(atOrInside path: FilePathBytes) -> [(path: FilePathBytes, file: KnownFile)] {
        // Below `path/` come exactly the paths from `path/` up to `path0` ('0' follows '/').
        let inside = entries(from: path.bytes + [UInt8(ascii: "/")], before: path.bytes + [UInt8(ascii: "0")])
        return (self[path].map { [(path: path, file: $0)] } ?? []) + inside
    }

    /// The files known with paths from `start` up to, not including, `end` (nil: no bound), with
    /// this run's changes applied, in path order.
    private func entries(from start: [UInt8]?, before end: [UInt8]?) -> [(path: FilePathBytes, file: KnownFile)] {
        let inRange = { (bytes: [UInt8]) in
            start.map { !FilePathBytes.precedes(bytes, $0) } ?? true && end.map { FilePathBytes.precedes(bytes, $0) } ?? true
        }
        var result: [(path: FilePathBytes, file: KnownFile)] = []
        for index in (start.map(lowerBound) ?? 0)..<(end.map(lowerBound) ?? ends.count) {
            let path = path(at: index)
            if changes[path] == nil { result.append((path, files[index])) }
        }
        guard !changes.isEmpty else { return result }
        for (path, change) in changes where inRange(path.bytes) {
            if let file = change { result.append((path, file)) }
        }
        return result.sorted { $0.path < $1.path }
    }

    // MARK: The packed table

    private func path(at index: Int) -> FilePathBytes {
        FilePathBytes(bytes: Array(pathBytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]]))
    }

    private func withPath<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        pathBytes.withUnsafeBytes { all in
            body(UnsafeRawBufferPointer(rebasing: all[(index == 0 ? 0 : ends[index - 1])..<ends[index]]))
        }
    }

    /// The first base index whose path does not precede `bytes`.
    private func lowerBound(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { key in
            var low = 0, high = ends.count
            while low < high {
                let middle = (low + high) / 2
                if withPath(middle, { Self.compare($0, key) < 0 }) { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    private func baseIndex(of path: FilePathBytes) -> Int? {
        let index = lowerBound(path.bytes)
        guard index < ends.count, path.bytes.withUnsafeBytes({ key in withPath(index) { Self.compare($0, key) == 0 } }) else { return nil }
        return index
    }

    private func sorted() -> KnownFiles {
        let order = ends.indices.map { (path: path(at: $0), file: files[$0]) }.sorted { $0.path < $1.path }
        var table = KnownFiles()
        for entry in order {
            table.pathBytes += entry.path.bytes
            table.ends.append(table.pathBytes.count)
            table.files.append(entry.file)
        }
        return table
    }

    /// memcmp, then length: the order of `FilePathBytes` and of SQLite's BLOBs.
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let common = min(a.count, b.count)
        let order = common == 0 ? 0 : Int(memcmp(a.baseAddress!, b.baseAddress!, common))
        return order != 0 ? order : a.count - b.count
    }
}

extension [Arrival] {
    /// Whether an arrival has `path`, for arrivals in path order.
    func containsSorted(_ path: FilePathBytes) -> Bool {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle].path < path { low = middle + 1 } else { high = middle }
        }
        return low < count && self[low].path == path
    }
}
