import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One writer per library: an advisory `flock` on `DIR/.cupola.lock`, held for the whole run.
/// The file says who holds it, so a second run can name the process. Readers that compare files
/// with the catalog (`verify`) take it shared: any number of them at once, never beside a writer.
public final class LibraryLock {
    private let fd: Int32
    private let exclusive: Bool

    public enum Failure: Error, CustomStringConvertible, Sendable {
        case held(path: String, holder: String)
        case cannotOpen(SystemCallError)

        public var description: String {
            switch self {
            case .held(let path, let holder): return "\(path): library is in use by \(holder); try again later"
            case .cannotOpen(let error): return error.description
            }
        }
    }

    /// Takes the lock, waiting up to `wait` seconds for another run to finish.
    public init(_ file: FilePathBytes, command: String, wait: Double = 0) throws(Failure) {
        // Locked before the properties are set: a failure must not reach deinit's close.
        let opened = try Self.open(file, flags: O_RDWR | O_CREAT)
        try Self.acquire(opened, operation: LOCK_EX, file: file, wait: wait)
        fd = opened
        exclusive = true
        let note = "process \(getpid()) (cupola \(command), since \(ISO8601DateFormatter().string(from: Date())))\n"
        ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    private init(sharedFrom fd: Int32) {
        self.fd = fd
        exclusive = false
    }

    /// Takes the lock shared, waiting up to `wait` seconds for a writing run to finish. nil when
    /// there is no lock file and none can be made (a read-only library): then nothing can be
    /// writing the library either.
    public static func shared(_ file: FilePathBytes, wait: Double = 0) throws(Failure) -> LibraryLock? {
        let opened: Int32
        do {
            opened = try open(file, flags: O_RDONLY)
        } catch .cannotOpen(let error) where error.code == ENOENT {
            guard let created = try? open(file, flags: O_RDWR | O_CREAT) else { return nil }
            opened = created
        }
        try acquire(opened, operation: LOCK_SH, file: file, wait: wait)
        return LibraryLock(sharedFrom: opened)
    }

    private static func open(_ file: FilePathBytes, flags: Int32) throws(Failure) -> Int32 {
        do {
            return try systemCall("open", path: file) {
                file.withCString { Glibc.open($0, flags | O_CLOEXEC | O_NOFOLLOW, 0o644) }
            }
        } catch {
            throw .cannotOpen(error)
        }
    }

    /// `flock` with retries until `wait` has passed; closes `fd` and names the holder on failure.
    private static func acquire(_ fd: Int32, operation: Int32, file: FilePathBytes, wait: Double) throws(Failure) {
        let deadline = Date().addingTimeInterval(wait)
        while flock(fd, operation | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
                let holder = Self.holder(fd)
                close(fd)
                throw .held(path: FilePathBytes.display(file.parent.bytes), holder: holder)
            }
            usleep(50_000)
        }
    }

    deinit {
        // Only the writer's note is in the file; a reader leaves it alone.
        if exclusive { ftruncate(fd, 0) }
        flock(fd, LOCK_UN)
        close(fd)
    }

    private static func holder(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = pread(fd, &buffer, buffer.count, 0)
        let text = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
        return text.isEmpty ? "another process" : text
    }
}
