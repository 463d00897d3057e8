import Foundation

/// A file path kept as the bytes the file system gave us.
///
/// Swift strings compare NFC and NFD spellings as equal and FileManager mangles names that are not
/// UTF-8, so two different files could collapse into one entry. Paths are keyed by their bytes and
/// turned into text only for display.
public struct FilePathBytes: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(_ string: String) { self.bytes = Array(string.utf8) }

    public static func < (lhs: Self, rhs: Self) -> Bool { precedes(lhs.bytes, rhs.bytes) }

    /// Byte order: memcmp, then length — the same order as comparing byte by byte (and as SQLite
    /// compares BLOBs), at a fraction of the cost.
    static func precedes(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        lhs.withUnsafeBytes { a in
            rhs.withUnsafeBytes { b in
                let common = memcmp(a.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, b.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!,
                                    min(a.count, b.count))
                return common != 0 ? common < 0 : a.count < b.count
            }
        }
    }

    /// The bytes hashed as one block: an array hashes element by element, and paths are keys of
    /// dictionaries and sets of every file a scan sees.
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.bytes == rhs.bytes }

    /// Made in one allocation: a scan makes one path for each of 10^5 files.
    public func appending(_ component: [UInt8]) -> FilePathBytes {
        let separator = bytes.last != UInt8(ascii: "/")
        var joined: [UInt8] = []
        joined.reserveCapacity(bytes.count + (separator ? 1 : 0) + component.count)
        joined += bytes
        if separator { joined.append(UInt8(ascii: "/")) }
        joined += component
        return FilePathBytes(bytes: joined)
    }

    public func appending(_ component: String) -> FilePathBytes { appending(Array(component.utf8)) }

    /// The last component.
    public var lastComponent: [UInt8] {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return bytes }
        return Array(bytes[(slash + 1)...])
    }

    public var parent: FilePathBytes {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return FilePathBytes(".") }
        return FilePathBytes(bytes: slash == 0 ? [UInt8(ascii: "/")] : Array(bytes[..<slash]))
    }

    /// Text for people and JSON: valid UTF-8 as is, any other byte as `\xNN`, so that distinct
    /// paths stay distinct when printed.
    public var description: String { Self.display(bytes) }

    public static func display(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var result = ""
        var index = 0
        while index < bytes.count {
            let length = Self.utf8SequenceLength(bytes, at: index)
            if length > 0, let text = String(validating: bytes[index..<(index + length)], as: UTF8.self) {
                result += text
                index += length
            } else {
                result += String(format: "\\x%02X", bytes[index])
                index += 1
            }
        }
        return result
    }

    private static func utf8SequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let length: Int
        switch lead {
        case 0x00...0x7F: length = 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        return index + length <= bytes.count ? length : 0
    }

    /// Calls `body` with a NUL-terminated copy of the path.
    public func withCString<T>(_ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
        try (bytes + [0]).withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }
}
