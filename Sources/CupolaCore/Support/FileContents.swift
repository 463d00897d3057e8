import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a whole source file in one go, so hashing, metadata and decoding share one read.
///
/// Opens with `O_NOFOLLOW` and checks the opened descriptor, so a symlink or a file swapped for a
/// FIFO between scan and read is refused rather than followed or blocked on.
enum FileContents {
    static func read(_ path: FilePathBytes) throws -> (data: Data, stat: FileStat) {
        let fd = try systemCall("open", path: path) {
            path.withCString { open($0, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK) }
        }
        defer { close(fd) }
        var raw = stat()
        try systemCall("fstat", path: path) { fstat(fd, &raw) }
        guard case .regular = EntryKind(mode: raw.st_mode) else {
            throw SystemCallError(call: "open", path: path.description, code: EINVAL)
        }
        let size = Int(raw.st_size)
        var data = Data(count: size)
        var filled = 0
        try data.withUnsafeMutableBytes { buffer in
            while filled < size {
                let count = try systemCall("read", path: path) {
                    Glibc.read(fd, buffer.baseAddress! + filled, size - filled)
                }
                if count == 0 { break }
                filled += count
            }
        }
        // A file that shrank while we read it is read again by the next run; keep what is there.
        if filled < size { data.count = filled }
        return (data, FileStat(raw))
    }
}
