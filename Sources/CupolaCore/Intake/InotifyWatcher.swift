import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Watches a folder tree with inotify. A file is reported when a writer closes it or it is renamed
/// in; new sub-folders are watched as they appear and reported so their contents can be scanned
/// (files written before the watch was added fire nothing). Deletions and renames are reported as
/// they happen, a rename inside the tree as one move (the two halves paired by their cookie).
/// When the watched folder itself goes, that is reported, and the watch is set up again as soon
/// as a folder is back at its path.
public final class InotifyWatcher: @unchecked Sendable {
    // @unchecked: `fd` is fixed at init; `folders`, `pendingMoves` and `rootGone` are only touched
    // by the reader thread after `start`, and `stop` only flips `stopped` under `lock`.
    public enum Event: Sendable {
        case fileReady(FilePathBytes)
        case folderAppeared(FilePathBytes)
        /// A file or folder renamed within the tree.
        case moved(from: FilePathBytes, to: FilePathBytes)
        /// A file or folder deleted, or renamed out of the tree.
        case removed(FilePathBytes)
        /// The kernel's event queue overflowed: events were lost, rescan everything.
        case overflow
        /// The watched folder was deleted or moved away: nothing is watched until it is back.
        case rootGone
        /// A folder is at the watched path again and is watched: scan it.
        case rootBack
    }

    private let fd: Int32
    private let source: SourceFolder
    private var folders: [Int32: FilePathBytes] = [:]
    /// `IN_MOVED_FROM` halves waiting for their `IN_MOVED_TO`, by cookie.
    private var pendingMoves: [UInt32: (path: FilePathBytes, since: Date)] = [:]
    private var rootGone = false
    private let lock = NSLock()
    private var stopped = false
    static let folderMask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE
                                   | IN_DELETE_SELF | IN_MOVE_SELF)
    /// How long a rename's first half waits for its second before it counts as a move out.
    static let moveWindow = 0.1

    /// Watches the SOURCE folder's tree, less its excluded folders.
    public init(_ source: SourceFolder) throws {
        self.source = source
        fd = try systemCall("inotify_init1", path: source.path) { inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK)) }
        try watchTree(source.path)
    }

    deinit { close(fd) }

    /// Reads events on a thread of its own until `stop`.
    public func start(_ handler: @escaping @Sendable (Event) -> Void) {
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while !isStopped {
                var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let timeout: Int32 = pendingMoves.isEmpty ? 200 : 20
                if poll(&descriptor, 1, timeout) > 0 {
                    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if count > 0 { for event in parse(buffer, count: count) { handler(event) } }
                }
                for event in expiredMoves() + rearmIfBack() { handler(event) }
            }
        }
        thread.name = "cupola-inotify"
        thread.start()
    }

    public func stop() { lock.withLock { stopped = true } }
    private var isStopped: Bool { lock.withLock { stopped } }

    private func watchTree(_ folder: FilePathBytes) throws {
        var raw = stat()
        if folder.withCString({ lstat($0, &raw) }) == 0, source.isExcluded(raw) { return }
        let wd = try systemCall("inotify_add_watch", path: folder) {
            folder.withCString { inotify_add_watch(fd, $0, Self.folderMask | UInt32(IN_ONLYDIR) | UInt32(IN_DONT_FOLLOW)) }
        }
        folders[wd] = folder
        for entry in FolderListing.entries(of: folder) ?? [] where entry.isFolder && IntakeFilter.reason(forName: entry.name) == nil {
            try? watchTree(folder.appending(entry.name))
        }
    }

    /// Stops watching a folder and all below it: one renamed out of the tree would otherwise go
    /// on reporting, under its old path, whatever happens to it elsewhere.
    private func unwatchTree(_ folder: FilePathBytes) {
        for (wd, path) in folders where path == folder || path.isInside(folder) {
            inotify_rm_watch(fd, wd)
            folders[wd] = nil
        }
    }

    /// Renames whose second half did not come: the file or folder left the tree.
    private func expiredMoves() -> [Event] {
        let now = Date()
        var events: [Event] = []
        for (cookie, pending) in pendingMoves where now.timeIntervalSince(pending.since) >= Self.moveWindow {
            pendingMoves[cookie] = nil
            unwatchTree(pending.path)
            events.append(.removed(pending.path))
        }
        return events
    }

    /// While the watched folder is gone, looks for it at its path on every turn of the loop.
    private func rearmIfBack() -> [Event] {
        guard rootGone, let raw = try? lstatBytes(source.path), case .directory = EntryKind(mode: raw.st_mode),
              (try? watchTree(source.path)) != nil else { return [] }
        rootGone = false
        return [.rootBack]
    }

    private func parse(_ buffer: [UInt8], count: Int) -> [Event] {
        var events: [Event] = []
        var offset = 0
        let headerSize = MemoryLayout<inotify_event>.size
        while offset + headerSize <= count {
            let (wd, mask, cookie, length) = buffer.withUnsafeBytes { raw in
                let header = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                return (header.wd, header.mask, header.cookie, Int(header.len))
            }
            let nameBytes = buffer[(offset + headerSize)..<min(count, offset + headerSize + length)].prefix { $0 != 0 }
            offset += headerSize + length
            if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                events.append(.overflow)
                continue
            }
            if mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED) != 0, folders[wd] == source.path, !rootGone {
                // The inbox itself went: drop every watch (a moved inbox would go on reporting
                // from wherever it went) and wait for a folder to be back at its path.
                rootGone = true
                unwatchTree(source.path)
                events.append(.rootGone)
                continue
            }
            if mask & UInt32(IN_IGNORED) != 0 {
                folders[wd] = nil
                continue
            }
            guard let folder = folders[wd], !nameBytes.isEmpty else { continue }
            let name = Array(nameBytes)
            guard IntakeFilter.reason(forName: name) == nil else { continue }
            let path = folder.appending(name)
            let isFolder = mask & UInt32(IN_ISDIR) != 0
            if mask & UInt32(IN_MOVED_FROM) != 0 {
                pendingMoves[cookie] = (path, Date())
            } else if mask & UInt32(IN_DELETE) != 0 {
                events.append(.removed(path))
            } else if mask & UInt32(IN_MOVED_TO) != 0, let from = pendingMoves.removeValue(forKey: cookie) {
                events.append(.moved(from: from.path, to: path))
                if isFolder {
                    // Same inodes, same watch descriptors: watching again records the new paths.
                    try? watchTree(path)
                    events.append(.folderAppeared(path))
                } else {
                    events.append(.fileReady(path))
                }
            } else if isFolder {
                if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                    try? watchTree(path)
                    events.append(.folderAppeared(path))
                }
            } else if mask & UInt32(IN_CLOSE_WRITE | IN_MOVED_TO) != 0 {
                events.append(.fileReady(path))
            }
        }
        return events
    }
}
