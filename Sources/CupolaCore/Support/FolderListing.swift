import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One entry of a folder: its name as bytes and whether it is a folder (by `d_type`).
struct FolderEntry {
    let name: [UInt8]
    let isFolder: Bool
}

/// Lists folders with opendir/readdir, names as bytes, "." and ".." left out.
enum FolderListing {
    private static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
    private static let typeOffset = MemoryLayout<dirent>.offset(of: \dirent.d_type)!

    /// nil when the folder cannot be opened; errno says why.
    static func entries(of folder: FilePathBytes) -> [FolderEntry]? {
        guard let handle = folder.withCString({ opendir($0) }) else { return nil }
        defer { closedir(handle) }
        var entries: [FolderEntry] = []
        while let entry = readdir(handle) {
            // Read in place, the name only up to its NUL: a record is only as long as its name, so
            // copying a whole `struct dirent` (256 bytes of name) can run off the end of readdir's
            // buffer into unmapped memory. It did: the watcher crashed in a 1,000-file folder.
            let record = UnsafeRawPointer(entry)
            let name = record + nameOffset
            let bytes = Array(UnsafeRawBufferPointer(start: name, count: strlen(name.assumingMemoryBound(to: CChar.self))))
            if bytes == [UInt8(ascii: ".")] || bytes == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            entries.append(FolderEntry(name: bytes, isFolder: record.load(fromByteOffset: typeOffset, as: UInt8.self) == UInt8(DT_DIR)))
        }
        return entries
    }
}
