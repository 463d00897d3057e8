import Crypto
import Foundation

/// SHA-256 for file identity and for short, stable name tags.
enum Hashing {
    static func sha256(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// A short, stable tag of some bytes, for making names unique.
    static func tag(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: Data(bytes)).prefix(4))
    }

    /// Lower-case hexadecimal, two digits a byte (String(format:) costs ~1 µs a byte).
    static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
