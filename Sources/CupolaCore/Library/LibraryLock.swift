import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One writer per library: an advisory `flock` on `DIR/.cupola.lock`, held for the whole run.
/// The file says who holds it, so a second run can name the process.
public final class LibraryLock {
    private let fd: Int32

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
        let opened: Int32
        do {
            opened = try systemCall("open", path: file) {
                file.withCString { open($0, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644) }
            }
        } catch let error as SystemCallError {
            throw .cannotOpen(error)
        } catch {
            throw .cannotOpen(SystemCallError(call: "open", path: file.description, code: EIO))
        }
        let deadline = Date().addingTimeInterval(wait)
        while flock(opened, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
                let holder = Self.holder(opened)
                close(opened)
                throw .held(path: FilePathBytes.display(file.parent.bytes), holder: holder)
            }
            usleep(50_000)
        }
        fd = opened
        let note = "process \(getpid()) (cupola \(command), since \(ISO8601DateFormatter().string(from: Date())))\n"
        ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        ftruncate(fd, 0)
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
