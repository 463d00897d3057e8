import Foundation

/// A forward-only reader of JSON text, for the published files the site reads in bulk: values are
/// read straight into the caller's fields and everything else is skipped, with no tree of the
/// document and no Codable containers in between (JSONDecoder spent ~50 µs on each frame of a
/// page, most of it in its containers). Any text that is not JSON, or not the shape the caller
/// asks for, is an error naming the byte offset; nothing is trusted.
struct JSONReader {
    struct Failure: Error, CustomStringConvertible {
        let reason: String
        let offset: Int
        var description: String { "\(reason) at byte \(offset)" }
    }

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var depth = 0
    /// Deeper than any published file; a hostile file cannot exhaust the stack.
    private static let maximumDepth = 64

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Reads the whole text as one value with `body`; only white space may follow it.
    static func read<T>(_ data: Data, _ body: (inout JSONReader) throws -> T) throws -> T {
        try data.withUnsafeBytes { raw in
            var reader = JSONReader(raw)
            let value = try body(&reader)
            reader.skipSpace()
            guard reader.index == raw.count else { throw reader.failure("text after the end") }
            return value
        }
    }

    // MARK: Values

    /// An object: `field` is called with each key and must read or skip its value.
    mutating func object(_ field: (inout JSONReader, String) throws -> Void) throws {
        try nested(open: UInt8(ascii: "{"), close: UInt8(ascii: "}")) { reader in
            let key = try reader.string()
            try reader.expect(UInt8(ascii: ":"))
            try field(&reader, key)
        }
    }

    /// An array: `element` is called for each element and must read or skip it.
    mutating func array(_ element: (inout JSONReader) throws -> Void) throws {
        try nested(open: UInt8(ascii: "["), close: UInt8(ascii: "]"), element)
    }

    /// nil for `null`; otherwise the value `read` reads.
    mutating func optional<T>(_ read: (inout JSONReader) throws -> T) throws -> T? {
        skipSpace()
        if matches("null") { return nil }
        return try read(&self)
    }

    mutating func string() throws -> String {
        skipSpace()
        guard peek == UInt8(ascii: "\"") else { throw failure("a string expected") }
        index += 1
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
            guard bytes[index] >= 0x20 else { throw failure("a control character in a string") }
            index += 1
        }
        guard index < bytes.count else { throw failure("a string without its end") }
        // Nearly every string has no escape: taken as it stands.
        guard bytes[index] == UInt8(ascii: "\\") else {
            defer { index += 1 }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }
        var text = Array(bytes[start..<index])
        while true {
            guard index < bytes.count else { throw failure("a string without its end") }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"): try unescape(into: &text)
            case ..<0x20: throw failure("a control character in a string")
            default: text.append(byte)
            }
        }
    }

    mutating func double() throws -> Double {
        skipSpace()
        let start = index
        while index < bytes.count, Self.numberBytes.contains(bytes[index]) { index += 1 }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        // Swift takes forms JSON does not (`.5`, `+1`, `inf`): those are refused first.
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first),
              let value = Double(text), value.isFinite else {
            index = start
            throw failure("a number expected")
        }
        return value
    }

    mutating func int() throws -> Int {
        let start = index
        let value = try double()
        guard value == value.rounded(), let exact = Int(exactly: value) else {
            index = start
            throw failure("a whole number expected")
        }
        return exact
    }

    mutating func bool() throws -> Bool {
        skipSpace()
        if matches("true") { return true }
        if matches("false") { return false }
        throw failure("true or false expected")
    }

    /// Reads past one value of any kind.
    mutating func skipValue() throws {
        skipSpace()
        switch peek {
        case UInt8(ascii: "{"): try object { reader, _ in try reader.skipValue() }
        case UInt8(ascii: "["): try array { try $0.skipValue() }
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try bool()
        case UInt8(ascii: "n"):
            guard matches("null") else { throw failure("a value expected") }
        default: _ = try double()
        }
    }

    // MARK: Text

    private static let numberBytes = Set("0123456789+-.eE".utf8)

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    func failure(_ reason: String) -> Failure { Failure(reason: reason, offset: index) }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8) throws {
        skipSpace()
        guard peek == byte else { throw failure("'\(Character(Unicode.Scalar(byte)))' expected") }
        index += 1
    }

    private mutating func matches(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count,
              memcmp(bytes.baseAddress! + index, word.utf8Start, count) == 0 else { return false }
        index += count
        return true
    }

    /// `open`, elements separated by commas, `close`; each element read by `element`.
    private mutating func nested(open: UInt8, close: UInt8, _ element: (inout JSONReader) throws -> Void) throws {
        try expect(open)
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure("nested too deeply") }
        skipSpace()
        if peek == close {
            index += 1
        } else {
            while true {
                try element(&self)
                skipSpace()
                guard let next = peek, next == UInt8(ascii: ",") || next == close else {
                    throw failure("',' or '\(Character(Unicode.Scalar(close)))' expected")
                }
                index += 1
                if next == close { break }
            }
        }
        depth -= 1
    }

    /// The escape after a `\` (already read), appended as UTF-8.
    private mutating func unescape(into text: inout [UInt8]) throws {
        guard let byte = peek else { throw failure("a string without its end") }
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(byte)
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hexQuad()
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate takes the low one that must follow it.
                guard matches("\\u") else { throw failure("a lone surrogate") }
                let low = try hexQuad()
                guard (0xDC00..<0xE000).contains(low) else { throw failure("a lone surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let character = Unicode.Scalar(scalar) else { throw failure("a lone surrogate") }
            text += Array(String(Character(character)).utf8)
        default:
            throw failure("an unknown escape")
        }
    }

    private mutating func hexQuad() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("four hex digits expected") }
        var value: UInt32 = 0
        for byte in bytes[index..<(index + 4)] {
            guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue else { throw failure("four hex digits expected") }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }
}
