import Crypto
import Foundation

/// SHA-256 for file identity and for short, stable name tags.
enum Hashing {
    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// A short, stable tag of some bytes, for making names unique.
    static func tag(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: Data(bytes)).prefix(4).map { String(format: "%02x", $0) }.joined()
    }
}
