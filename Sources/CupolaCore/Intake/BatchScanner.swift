import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Walks SOURCE folders recursively and reports every candidate file, by bytes, without
/// following symlinks out of the folder. Only `stat` is read here: deciding whether a file is
/// an image happens in the pipeline, by content.
public struct BatchScanner: Sendable {
    public struct Result: Sendable {
        public var arrivals: [Arrival] = []
        public var skipped: [SkippedEntry] = []
        /// Folders that could not be listed or looked into: reported as problems, and their
        /// catalog entries must not be treated as gone.
        public var unreadableFolders: [UnreadableFolder] = []
        /// What each file's stat was, by path (the poller's memory between scans).
        var stats: [FilePathBytes: FileStat] { Dictionary(uniqueKeysWithValues: arrivals.map { ($0.path, $0.stat) }) }
    }

    public init() {}

    /// Scans a whole SOURCE folder, or one folder inside it.
    public func scan(_ source: SourceFolder, folder: FilePathBytes? = nil) -> Result {
        var result = Result()
        let start = folder ?? source.path
        let relative = source.name + start.bytes.dropFirst(source.path.bytes.count)
        walk(folder: start, relative: Array(relative), source: source, into: &result)
        // Nearly always in order already (names are listed sorted); a folder name that sorts after
        // its sibling file only once `/` is appended is the exception.
        if !result.arrivals.isSortedByPath { result.arrivals.sort { $0.path < $1.path } }
        return result
    }

    private func walk(folder: FilePathBytes, relative: [UInt8], source: SourceFolder, into result: inout Result) {
        let names: [[UInt8]]
        let descriptor: Int32
        do {
            (names, descriptor) = try listFolder(folder)
        } catch {
            result.unreadableFolders.append(UnreadableFolder(path: folder, label: relative, error: error))
            return
        }
        defer { close(descriptor) }
        let skipReasons = names.map(IntakeFilter.reason(forName:))
        var stats: [Looked] = []
        for (index, name) in names.enumerated() {
            // Stat'ed a batch at a time: a folder of 10^5 entries never holds 10^5 stat buffers.
            if index % Self.statBatch == 0 {
                stats = lstatEach(names, index..<min(index + Self.statBatch, names.count), skipping: skipReasons, in: descriptor)
            }
            let path = folder.appending(name)
            if let reason = skipReasons[index] {
                result.skipped.append(SkippedEntry(path: path, reason: reason))
                continue
            }
            let looked = stats[index % Self.statBatch]
            switch looked {
            case .skipped, .failed(ENOENT):
                continue // gone since it was listed
            case .failed(let code):
                // Listed but not searchable (read without execute permission): nothing in it can
                // be reached, so the folder is as unreadable as one that cannot be listed.
                let error = SystemCallError(call: "lstat", path: path.description, code: code)
                result.unreadableFolders.append(UnreadableFolder(path: folder, label: relative, error: error))
                return
            case .found(let stat, let mode, let identity):
                switch EntryKind(mode: mode) {
                case .directory:
                    if source.isExcluded(identity) {
                        result.skipped.append(SkippedEntry(path: path, reason: .library))
                        continue
                    }
                    walk(folder: path, relative: Self.joined(relative, name), source: source, into: &result)
                case .regular:
                    result.arrivals.append(Arrival(path: path, root: source.path,
                                                   label: FilePathBytes.display(Self.joined(relative, name)), stat: stat))
                case .symlink:
                    result.skipped.append(SkippedEntry(path: path, reason: .symlink))
                case .other:
                    result.skipped.append(SkippedEntry(path: path, reason: .notRegularFile))
                }
            }
        }
    }

    /// `folder/name`, made in one allocation: a scan makes one for each of 10^5 files.
    private static func joined(_ folder: [UInt8], _ name: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(folder.count + 1 + name.count)
        bytes += folder
        bytes.append(UInt8(ascii: "/"))
        bytes += name
        return bytes
    }

    /// What one name's lstat gave, kept small: a batch of thousands is held at once.
    private enum Looked {
        case skipped
        case failed(Int32)
        case found(FileStat, mode: mode_t, identity: FolderIdentity)
    }


    /// The lstat of each name in `batch` not skipped, by name relative to the folder's descriptor.
    /// Stat is most of what a no-op run over a large folder costs, all of it in the kernel: a
    /// batch of thousands is stat'ed on every core.
    private static let statBatch = 8192

    private func lstatEach(_ names: [[UInt8]], _ batch: Range<Int>, skipping skipReasons: [SkippedEntry.Reason?],
                           in descriptor: Int32) -> [Looked] {
        @Sendable func lstatOne(_ index: Int) -> Looked {
            guard skipReasons[index] == nil else { return .skipped }
            var raw = stat()
            let code = lstatName(names[index], in: descriptor, into: &raw)
            return code == 0 ? .found(FileStat(raw), mode: raw.st_mode, identity: FolderIdentity(raw)) : .failed(code)
        }
        let chunks = batch.count < 4096 ? 1 : ProcessInfo.processInfo.activeProcessorCount
        guard chunks > 1 else { return batch.map(lstatOne) }
        return Array(0..<chunks).concurrentMap { chunk in
            (batch.lowerBound + batch.count * chunk / chunks..<batch.lowerBound + batch.count * (chunk + 1) / chunks).map(lstatOne)
        }.flatMap { $0 }
    }

    /// The folder's names in byte order, and a descriptor on it: each entry is then stat'ed by
    /// name relative to it, not by a full path the kernel would walk again component by component.
    private func listFolder(_ folder: FilePathBytes) throws(SystemCallError) -> ([[UInt8]], Int32) {
        guard let names = FolderListing.sortedNames(of: folder) else {
            throw SystemCallError(call: "opendir", path: folder.description, code: errno)
        }
        let descriptor = folder.withCString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw SystemCallError(call: "open", path: folder.description, code: errno) }
        return (names, descriptor)
    }
}

/// A folder intake could not read, with the reason in words.
public struct UnreadableFolder: Sendable, Hashable {
    public let path: FilePathBytes
    /// The SOURCE folder's name followed by the path inside it, as manifests show sources.
    public let label: String
    public let reason: String

    init(path: FilePathBytes, label: [UInt8], error: SystemCallError) {
        self.path = path
        self.label = FilePathBytes.display(label)
        let cause = error.code == EACCES || error.code == EPERM ? "permission denied" : String(cString: strerror(error.code))
        reason = "cannot read folder: \(cause)"
    }
}

extension [Arrival] {
    var isSortedByPath: Bool { indices.dropFirst().allSatisfy { self[$0 - 1].path < self[$0].path } }
}
