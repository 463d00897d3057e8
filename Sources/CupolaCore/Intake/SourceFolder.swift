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

    /// Refuses a SOURCE that is the library or lies inside it: the library's own renditions would
    /// come back as new frames, and a watcher would feed them to itself without end. Compared by
    /// device and inode, this folder and each of its parents, so any spelling of either path
    /// (relative, through a symlink) is caught. A library that does not exist yet holds nothing.
    public func refuseInside(library: String) throws(IntakeError) {
        var raw = stat()
        guard stat(library, &raw) == 0 else { return }
        let libraryIdentity = FolderIdentity(raw)
        var folder = path
        while true {
            if folder.withCString({ stat($0, &raw) }) == 0, FolderIdentity(raw) == libraryIdentity {
                throw .insideLibrary(path.description, library: library, isLibrary: folder == path)
            }
            if folder.bytes.count <= 1 { return }
            folder = folder.parent
        }
    }

    func isExcluded(_ raw: stat) -> Bool { isExcluded(FolderIdentity(raw)) }
    func isExcluded(_ folder: FolderIdentity) -> Bool { excludedFolders.contains(folder) }
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
    case insideLibrary(String, library: String, isLibrary: Bool)

    public var description: String {
        switch self {
        case .sourceMissing(let path, let reason): return "\(path): cannot use as a source: \(reason)"
        case .insideLibrary(let path, let library, let isLibrary):
            let relation = isLibrary ? "it is the library" : "it lies inside the library"
            return "\(path): cannot use as a source: \(relation) \(library); its renditions are not new frames"
        case .unreadableFolder(let path, let reason): return "\(path): cannot list folder: \(reason)"
        }
    }
}
