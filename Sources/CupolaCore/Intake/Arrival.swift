/// One file offered to the pipeline. Every source (batch scan, watcher, polling) yields these;
/// the pipeline does not know which source fed it.
public struct Arrival: Hashable, Sendable {
    /// Absolute path, as bytes: the file's identity in the catalog.
    public let path: FilePathBytes
    /// The SOURCE folder the file was found under, absolute.
    public let root: FilePathBytes
    /// What manifests show: the SOURCE folder's name followed by the path inside it.
    public let label: String
    public let stat: FileStat
}

/// A file the intake passed over, and why.
public struct SkippedEntry: Hashable, Sendable {
    public enum Reason: String, Sendable, Codable, CaseIterable {
        case hidden = "hidden"
        case partialDownload = "partial download"
        case notRegularFile = "not a regular file"
        case symlink = "symlink not followed"
        /// The library's own folder inside a SOURCE: its renditions are not new frames.
        case library = "the library itself"
    }
    public let path: FilePathBytes
    public let reason: Reason
}
