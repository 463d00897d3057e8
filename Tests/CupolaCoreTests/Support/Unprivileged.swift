import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Runs the binary as `nobody`, for behaviour that only an unprivileged user meets: root reads
/// every file and folder whatever its mode, so a permission test run as root would prove nothing.
enum Unprivileged {
    static let setpriv = URL(fileURLWithPath: "/usr/bin/setpriv")
    static let arguments = ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]
    static let user: uid_t = 65534
    static let group: gid_t = 65534

    /// When the tests run as root, hands `folder` and everything in it to `nobody`, who must be
    /// able to write the library there. Not needed (nor possible) otherwise.
    static func hand(_ folder: URL) throws {
        guard getuid() == 0 else { return }
        let manager = FileManager.default
        var paths = [folder.path]
        paths += (try manager.subpathsOfDirectory(atPath: folder.path)).map { folder.appendingPathComponent($0).path }
        for path in paths { #expect(lchown(path, user, group) == 0, "chown \(path)") }
    }

    /// Whether `nobody` can be switched to here: setpriv present, or not root in the first place.
    static var isAvailable: Bool {
        getuid() != 0 || FileManager.default.isExecutableFile(atPath: setpriv.path)
    }
}
