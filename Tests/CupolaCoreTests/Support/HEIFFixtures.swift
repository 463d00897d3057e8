import CupolaFixtures
import Foundation

/// HEIF files as phones write them, made from libvips' own HEIF by patching a few bytes in place
/// (no offsets move, so the item locations stay right).
enum HEIFFixtures {
    /// Whether libvips here can write HEIF at all (libheif with an HEVC encoder).
    static let canEncode: Bool = (try? SyntheticImage.encoded(width: 16, height: 16, suffix: ".heic")) != nil

    struct Unexpected: Error, CustomStringConvertible { let description: String }

    /// Rewrites the EXIF item from Apple's wrapping (offset 6, `Exif\0\0`, TIFF) to the other
    /// form HEIF allows, which Nokia writes: offset 0, then TIFF at once (padded to the same length).
    static func withBareTIFFExif(_ heif: Data) throws -> Data {
        var bytes = [UInt8](heif)
        let apple: [UInt8] = [0, 0, 0, 6] + Array("Exif\0\0".utf8)
        guard let start = bytes.firstRange(of: apple)?.lowerBound else { throw Unexpected(description: "no Apple-form EXIF item") }
        // libvips writes the EXIF item last, so it runs to the end of the file.
        let tiff = Array(bytes[(start + apple.count)...])
        let replacement = [0, 0, 0, 0] + tiff + [UInt8](repeating: 0, count: apple.count - 4)
        bytes.replaceSubrange(start..<bytes.count, with: replacement)
        return Data(bytes)
    }

    /// Sets the EXIF orientation, which libvips wrote as 1 (little-endian IFD0 entry 0x0112).
    static func withExifOrientation(_ orientation: UInt8, _ heif: Data) throws -> Data {
        var bytes = [UInt8](heif)
        let entry: [UInt8] = [0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00]
        guard let start = bytes.firstRange(of: entry)?.lowerBound else { throw Unexpected(description: "no orientation entry") }
        bytes[start + 8] = orientation
        return Data(bytes)
    }

    /// Turns the picture by a HEIF `irot` transform, as iPhones do, in place of the `pixi`
    /// property (16 bytes, the same size): `angle` counts quarter turns anticlockwise, so 3 shows a
    /// stored landscape picture turned a quarter clockwise, as EXIF orientation 6 asks.
    static func withRotation(_ angle: UInt8, _ heif: Data) throws -> Data {
        var bytes = [UInt8](heif)
        let pixi: [UInt8] = [0, 0, 0, 0x10] + Array("pixi".utf8)
        guard let start = bytes.firstRange(of: pixi)?.lowerBound else { throw Unexpected(description: "no pixi property") }
        let irot: [UInt8] = [0, 0, 0, 0x10] + Array("irot".utf8) + [angle] + [UInt8](repeating: 0, count: 7)
        bytes.replaceSubrange(start..<(start + 16), with: irot)
        return Data(bytes)
    }
}
