import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that a reader sees the old content or the new, never a half-written one.
///
/// The bytes go to a temporary name in the same folder, are flushed, then renamed over the target;
/// the folder is flushed too so the rename itself survives a power cut. Temporary names carry
/// `temporaryMarker` so that start-up can remove what a killed run left behind.
public enum AtomicFile {
    public static let temporaryMarker = ".cupola-tmp-"

    /// Writes `data` unless the file already holds exactly these bytes; true when it wrote. Published
    /// files (pages, manifests, the site) are rewritten only when they change.
    @discardableResult
    public static func writeIfChanged(_ data: Data, to path: FilePathBytes, durable: Bool = true) throws -> Bool {
        if let existing = FileManager.default.contents(atPath: path.description), existing == data { return false }
        try write(data, to: path, durable: durable)
        return true
    }

    public static func write(_ data: Data, to path: FilePathBytes, durable: Bool = true) throws {
        let folder = path.parent
        let temporary = folder.appending(Array(temporaryMarker.utf8) + path.lastComponent
            + Array(".\(getpid()).\(UInt32.random(in: 0...UInt32.max))".utf8))
        let fd = try systemCall("open", path: temporary) {
            temporary.withCString { open($0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644) }
        }
        do {
            try data.withUnsafeBytes { buffer in
                var written = 0
                while written < buffer.count {
                    written += try systemCall("write", path: temporary) {
                        Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
                    }
                }
            }
            if durable { try systemCall("fsync", path: temporary) { fsync(fd) } }
            close(fd)
            try systemCall("rename", path: path) {
                temporary.withCString { from in path.withCString { to in rename(from, to) } }
            }
        } catch {
            close(fd)
            _ = temporary.withCString { unlink($0) }
            throw error
        }
        if durable { try syncFolder(folder) }
    }

    static func syncFolder(_ folder: FilePathBytes) throws {
        let fd = try systemCall("open", path: folder) {
            folder.withCString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        }
        defer { close(fd) }
        try systemCall("fsync", path: folder) { fsync(fd) }
    }

    /// Folders this process already made or checked: rendition folders are asked for three times a
    /// frame, and a cached answer saves the lstat calls.
    private static let knownFolders = Mutex<Set<FilePathBytes>>([])

    /// Creates a folder and its parents; an existing folder is fine, a symlink in its place is not.
    public static func makeFolder(_ folder: FilePathBytes) throws {
        if knownFolders.withLock({ $0.contains(folder) }) { return }
        try makeFolderUncached(folder)
        knownFolders.withLock { _ = $0.insert(folder) }
    }

    /// `makeFolder` without the cache, for outputs a person may delete while a watcher runs (the
    /// site can be removed and is written again).
    public static func makeFolderChecked(_ folder: FilePathBytes) throws {
        try makeFolderUncached(folder)
    }

    private static func makeFolderUncached(_ folder: FilePathBytes) throws {
        var raw = stat()
        if folder.withCString({ lstat($0, &raw) }) == 0 {
            guard case .directory = EntryKind(mode: raw.st_mode) else {
                throw SystemCallError(call: "mkdir", path: folder.description, code: ENOTDIR)
            }
            return
        }
        let parent = folder.parent
        if parent != folder, parent.bytes != [UInt8(ascii: "/")], parent.bytes != Array(".".utf8) {
            try makeFolderUncached(parent)
        }
        let result = folder.withCString { mkdir($0, 0o755) }
        if result != 0 && errno != EEXIST {
            throw SystemCallError(call: "mkdir", path: folder.description, code: errno)
        }
    }

    public static func remove(_ path: FilePathBytes) {
        _ = path.withCString { unlink($0) }
    }
}
