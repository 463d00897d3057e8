import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A SOURCE argument resolved to an absolute, symlink-free folder path.
public struct SourceFolder: Hashable, Sendable {
    public let path: FilePathBytes
    /// The folder's own name: manifests show sources as `<name>/<path inside>`.
    public let name: [UInt8]

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
