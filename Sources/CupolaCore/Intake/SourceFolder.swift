import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A SOURCE argument resolved to an absolute, symlink-free folder path.
public struct SourceFolder: Hashable, Sendable {
    public let path: FilePathBytes
    /// The folder's own name: manifests show sources as `<name>/<path inside>`.
    public let name: [UInt8]
    /// Folders inside this one that intake passes over: the library, when it lives in the SOURCE
    /// (`ingest /photos --library /photos/galleries`). By device and inode, so any spelling of the
    /// path matches.
    public private(set) var excludedFolders: Set<FolderIdentity> = []

    public init(_ argument: String) throws(IntakeError) {
        guard let resolved = realpath(argument, nil) else {
            throw .sourceMissing(argument, reason: String(cString: strerror(errno)))
        }
        defer { free(resolved) }
        let length = strlen(resolved)
        let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(resolved).assumingMemoryBound(to: UInt8.self), count: length))
        path = FilePathBytes(bytes: bytes)
        var raw = stat()
        guard stat(resolved, &raw) == 0, case .directory = EntryKind(mode: raw.st_mode) else {
            throw .sourceMissing(argument, reason: "not a folder")
        }
        name = path.lastComponent
    }

    /// Passes over `folder` (and all below it) when it exists.
    public mutating func exclude(_ folder: String) {
        var raw = stat()
        if stat(folder, &raw) == 0 { excludedFolders.insert(FolderIdentity(raw)) }
    }

    func isExcluded(_ raw: stat) -> Bool { excludedFolders.contains(FolderIdentity(raw)) }
}

/// A folder by device and inode.
public struct FolderIdentity: Hashable, Sendable {
    let device: UInt64
    let inode: UInt64

    init(_ raw: stat) {
        device = UInt64(raw.st_dev)
        inode = UInt64(raw.st_ino)
    }
}

public enum IntakeError: Error, CustomStringConvertible, Sendable {
    case sourceMissing(String, reason: String)
    case unreadableFolder(String, reason: String)

    public var description: String {
        switch self {
        case .sourceMissing(let path, let reason): return "\(path): cannot use as a source: \(reason)"
        case .unreadableFolder(let path, let reason): return "\(path): cannot list folder: \(reason)"
        }
    }
}
