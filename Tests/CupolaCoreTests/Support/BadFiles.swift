import CupolaFixtures
import Foundation

/// Inputs a transfer can produce, made here rather than shipped as binaries.
enum BadFiles {
    /// A real JPEG whose EXIF segment is garbage: a TIFF header pointing far past its end.
    static func jpegWithBrokenExif() throws -> Data {
        let jpeg = try SyntheticImage.jpeg(width: 300, height: 200)
        var payload = Data("Exif\0\0".utf8)
        payload += Data([0x49, 0x49, 0x2A, 0x00, 0xFF, 0xFF, 0xFF, 0x7F]) // "II*\0", IFD0 at 2 GiB
        payload += Data((0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37) })
        let length = UInt16(payload.count + 2)
        var segment = Data([0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)])
        segment += payload
        return jpeg.prefix(2) + segment + jpeg.dropFirst(2)
    }

    /// A text file with an image's name.
    static let notAnImage = Data("downlink log: pass 4512 complete\n".utf8)

    /// The first half of a real JPEG, as a dropped transfer leaves it.
    static func truncatedJPEG(width: Int = 1200, height: Int = 800) throws -> Data {
        let jpeg = try SyntheticImage.jpeg(width: width, height: height, quality: 95)
        return jpeg.prefix(jpeg.count / 2)
    }
}
