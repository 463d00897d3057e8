import CCupolaShim
import Foundation

/// Tells a crash inside a C library from a kill from outside.
///
/// A crash signal makes a C handler create `DIR/.cupola-crashed` before the process dies; SIGKILL
/// leaves nothing. Only after a real crash are in-flight frames treated as suspects, so a cron
/// job killed by a timeout never gets a good frame rejected as "crashed the decoder".
public struct CrashMarker: Sendable {
    let file: FilePathBytes

    public init(layout: LibraryLayout) { file = layout.root.appending(".cupola-crashed") }

    /// Arms the handler for this process.
    public func arm() {
        _ = file.withCString { cupola_install_crash_marker($0) }
    }

    /// Whether the previous run crashed; clears the marker.
    public func consume() -> Bool {
        let crashed = FileManager.default.fileExists(atPath: file.description)
        if crashed { AtomicFile.remove(file) }
        return crashed
    }
}
