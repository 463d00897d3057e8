import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: which call, on which path, and errno's words.
public struct SystemCallError: Error, CustomStringConvertible, Sendable {
    public let call: String
    public let path: String
    public let code: Int32

    public var description: String { "\(path): \(call) failed: \(String(cString: strerror(code)))" }

    public var isDiskFull: Bool { code == ENOSPC || code == EDQUOT }
    public var isReadOnly: Bool { code == EROFS }
}

/// Runs a system call, retrying while it is interrupted by a signal (EINTR).
@discardableResult
func systemCall<T: BinaryInteger>(_ name: String, path: FilePathBytes, _ call: () -> T) throws(SystemCallError) -> T {
    while true {
        let result = call()
        if result >= 0 { return result }
        if errno == EINTR { continue }
        throw SystemCallError(call: name, path: path.description, code: errno)
    }
}
