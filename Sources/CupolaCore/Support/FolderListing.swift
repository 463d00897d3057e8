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
        var entries: [FolderEntry] = []
        let listed = forEachEntry(of: folder) { name, isFolder in entries.append(FolderEntry(name: Array(name), isFolder: isFolder)) }
        return listed ? entries : nil
    }

    /// The names of a folder's entries in byte order (`FilePathBytes.precedes`); nil as `entries`.
    /// Sorted as spans of one buffer: sorting 100,000 separate arrays spent most of its time
    /// retaining and releasing them for each comparison.
    static func sortedNames(of folder: FilePathBytes) -> [[UInt8]]? {
        var buffer: [UInt8] = []
        var spans: [Range<Int>] = []
        let listed = forEachEntry(of: folder) { name, _ in
            spans.append(buffer.count..<(buffer.count + name.count))
            buffer.append(contentsOf: name)
        }
        guard listed else { return nil }
        return buffer.withUnsafeBytes { all in
            spans.sort { a, b in
                let common = min(a.count, b.count)
                let order = common == 0 ? 0 : memcmp(all.baseAddress! + a.lowerBound, all.baseAddress! + b.lowerBound, common)
                return order != 0 ? order < 0 : a.count < b.count
            }
            return spans.map { Array(all[$0]) }
        }
    }

    /// Calls `body` with each entry's name (valid only during the call) and whether it is a folder;
    /// false when the folder cannot be opened.
    private static func forEachEntry(of folder: FilePathBytes, _ body: (UnsafeRawBufferPointer, Bool) -> Void) -> Bool {
        guard let handle = folder.withCString({ opendir($0) }) else { return false }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            // Read in place, the name only up to its NUL: a record is only as long as its name, so
            // copying a whole `struct dirent` (256 bytes of name) can run off the end of readdir's
            // buffer into unmapped memory. It did: the watcher crashed in a 1,000-file folder.
            let record = UnsafeRawPointer(entry)
            let name = record + nameOffset
            let bytes = UnsafeRawBufferPointer(start: name, count: strlen(name.assumingMemoryBound(to: CChar.self)))
            if bytes.elementsEqual([UInt8(ascii: ".")]) || bytes.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) { continue }
            body(bytes, record.load(fromByteOffset: typeOffset, as: UInt8.self) == UInt8(DT_DIR))
        }
        return true
    }
}
