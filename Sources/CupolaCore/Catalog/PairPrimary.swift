/// `[raw] pairs` in cupola.toml: which original of a raw + JPEG pair (one frame id, one gallery) is
/// the frame, giving its renditions, metadata and size; the other is kept beside it as a companion.
public enum PairPrimary: String, Sendable, Codable, CaseIterable {
    /// The camera's own processing, as NASA's archive serves it.
    case jpeg
    /// The raw sensor data, read as `[raw] prefer` says.
    case raw

    /// Whether a file of this format can be one of a pair at all.
    public static func mayPair(_ format: String) -> Bool { isRaw(format) || format == ImageProbe.Format.jpeg.rawValue }

    public static func isRaw(_ format: String) -> Bool { ImageProbe.Format(rawValue: format)?.isRaw ?? false }

    /// Whether a file of this format (one that may pair) is the frame of its pair.
    public func isPrimary(_ format: String) -> Bool { Self.isRaw(format) == (self == .raw) }

    /// Whether a file of this format is kept beside its pair's frame, when it has a pair.
    public func isCompanion(_ format: String) -> Bool { Self.mayPair(format) && !isPrimary(format) }

    /// Both catalogs' condition on `companion.format` for the companions this setting makes their
    /// pair's primary (ranges, which the `companion_by_format` index serves).
    public var promotedCompanions: String {
        self == .jpeg ? "format = 'jpeg'" : "(format < 'jpeg' OR format > 'jpeg')"
    }

    /// How the summary names the other file of a pair, kept beside the frame.
    var companionWording: (one: String, many: String) {
        self == .jpeg ? ("raw file kept beside its JPEG", "raw files kept beside their JPEGs")
                      : ("JPEG kept beside its raw file", "JPEGs kept beside their raw files")
    }
}
