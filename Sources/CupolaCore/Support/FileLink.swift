import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Gives an existing library file a second name without copying its bytes: a moved frame's
/// renditions under their new names, or the renditions of a file whose content another frame
/// already has.
enum FileLink {
    /// Hard-links `existing` as `target` (replacing whatever `target` was), through a temporary
    /// name so a reader never sees a missing or partial file; copies when the file system cannot
    /// link. Writers replace library files by rename, so two names never change together.
    static func link(_ existing: FilePathBytes, as target: FilePathBytes) throws {
        guard existing != target else { return }
        try AtomicFile.makeFolder(target.parent)
        let temporary = target.parent.appending(Array(AtomicFile.temporaryMarker.utf8) + target.lastComponent
            + Array(".\(getpid()).\(UInt32.random(in: 0...UInt32.max))".utf8))
        let linked = existing.withCString { from in temporary.withCString { to in Glibc.link(from, to) } }
        if linked != 0 {
            guard errno == EXDEV || errno == EPERM || errno == EMLINK else {
                throw SystemCallError(call: "link", path: existing.description, code: errno)
            }
            try AtomicFile.write(try FileContents.read(existing).data, to: target, durable: false)
            return
        }
        do {
            try systemCall("rename", path: target) {
                temporary.withCString { from in target.withCString { to in rename(from, to) } }
            }
        } catch {
            AtomicFile.remove(temporary)
            throw error
        }
    }

    /// The size of a file, or nil when it is not there.
    static func size(_ path: FilePathBytes) -> Int? {
        guard let raw = try? lstatBytes(path), case .regular = EntryKind(mode: raw.st_mode) else { return nil }
        return Int(raw.st_size)
    }
}
