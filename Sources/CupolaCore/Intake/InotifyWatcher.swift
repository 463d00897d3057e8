import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Watches a folder tree with inotify. A file is reported when a writer closes it or it is renamed
/// in; new sub-folders are watched as they appear and reported so their contents can be scanned
/// (files written before the watch was added fire nothing).
public final class InotifyWatcher: @unchecked Sendable {
    // @unchecked: `fd` is fixed at init; `folders` and `stopped` are only touched by the reader
    // thread after `start`, and `stop` only flips `stopped` under `lock`.
    public enum Event: Sendable {
        case fileReady(FilePathBytes)
        case folderAppeared(FilePathBytes)
        /// The kernel's event queue overflowed: events were lost, rescan everything.
        case overflow
    }

    private let fd: Int32
    private let source: SourceFolder
    private var folders: [Int32: FilePathBytes] = [:]
    private let lock = NSLock()
    private var stopped = false
    static let folderMask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF)

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
                guard poll(&descriptor, 1, 200) > 0 else { continue }
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                guard count > 0 else { continue }
                for event in parse(buffer, count: count) { handler(event) }
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

    private func parse(_ buffer: [UInt8], count: Int) -> [Event] {
        var events: [Event] = []
        var offset = 0
        let headerSize = MemoryLayout<inotify_event>.size
        while offset + headerSize <= count {
            let (wd, mask, length) = buffer.withUnsafeBytes { raw in
                let header = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                return (header.wd, header.mask, Int(header.len))
            }
            let nameBytes = buffer[(offset + headerSize)..<min(count, offset + headerSize + length)].prefix { $0 != 0 }
            offset += headerSize + length
            if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                events.append(.overflow)
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
            if mask & UInt32(IN_ISDIR) != 0 {
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
