/// The order of frames in a gallery, as one byte string per frame, so that the catalog can keep it
/// in an index and read any stretch of a gallery in order without sorting the rest.
///
/// Frames are ordered by capture time (undated frames last), then frame id, then the source's
/// label and path, each compared as UTF-8 bytes (or raw bytes for paths). Fields are joined by a
/// NUL byte, which none of them contains, so a field that is a prefix of another sorts first.
public enum FrameOrder {
    public static func key(captured: String?, id: String, label: String, path: [UInt8]) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(32 + id.utf8.count + label.utf8.count + path.count)
        if let captured {
            key.append(0)
            key += captured.utf8
        } else {
            key.append(1)
        }
        key.append(0)
        key += id.utf8
        key.append(0)
        key += label.utf8
        key.append(0)
        key += path
        return key
    }
}

extension CatalogFrame {
    /// This frame's place in its gallery (see `FrameOrder`).
    public var orderKey: [UInt8] {
        FrameOrder.key(captured: metadata.captured, id: id, label: source.label, path: source.path.bytes)
    }
}

/// `[UInt8]` compared as bytes, the way SQLite compares BLOBs.
extension Array where Element == UInt8 {
    static func bytesLess(_ a: [UInt8], _ b: [UInt8]) -> Bool { a.lexicographicallyPrecedes(b) }
}
