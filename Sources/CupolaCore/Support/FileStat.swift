import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The parts of `stat` that tell whether a file changed since we last read it.
public struct FileStat: Hashable, Sendable, Codable {
    public var size: Int64
    public var modifiedNanoseconds: Int64
    public var inode: UInt64

    init(_ raw: stat) {
        size = Int64(raw.st_size)
        modifiedNanoseconds = Int64(raw.st_mtim.tv_sec) * 1_000_000_000 + Int64(raw.st_mtim.tv_nsec)
        inode = UInt64(raw.st_ino)
    }

    public init(size: Int64, modifiedNanoseconds: Int64, inode: UInt64) {
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
        self.inode = inode
    }
}

/// The kind of a directory entry, read without following symlinks.
enum EntryKind {
    case regular, directory, symlink, other(String)

    init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symlink
        case S_IFIFO: self = .other("a FIFO")
        case S_IFSOCK: self = .other("a socket")
        case S_IFCHR, S_IFBLK: self = .other("a device")
        default: self = .other("not a regular file")
        }
    }
}

/// lstat of `name` in the folder open as `folder`: 0, or the errno. No error value is made for a
/// name that is fine (a scan asks this of 10^5 names).
func lstatName(_ name: [UInt8], in folder: Int32, into raw: inout stat) -> Int32 {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: name.count + 1) { buffer in
        for (index, byte) in name.enumerated() { buffer[index] = CChar(bitPattern: byte) }
        buffer[name.count] = 0
        while true {
            if fstatat(folder, buffer.baseAddress!, &raw, AT_SYMLINK_NOFOLLOW) == 0 { return 0 }
            if errno != EINTR { return errno }
        }
    }
}

func lstatBytes(_ path: FilePathBytes) throws -> stat {
    var raw = stat()
    try systemCall("lstat", path: path) { path.withCString { lstat($0, &raw) } }
    return raw
}
