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

extension BadFiles {
    /// A real, tiny JPEG whose frame header claims 60000×60000 pixels.
    static func lyingJPEG() throws -> Data {
        var jpeg = try SyntheticImage.jpeg(width: 16, height: 16)
        let bytes = [UInt8](jpeg)
        guard let sof = (0..<(bytes.count - 9)).first(where: { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 }) else {
            return jpeg
        }
        // SOF0: marker, length (2), precision (1), height (2), width (2).
        for offset in [sof + 5, sof + 7] {
            jpeg[offset] = 0xEA
            jpeg[offset + 1] = 0x60
        }
        return jpeg
    }

    static let svg = Data(#"<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64"/></svg>"#.utf8)
    static let ppm = Data("P6\n2 2\n255\n".utf8) + Data(repeating: 200, count: 12)
    static let pdf = Data("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".utf8)
}

extension BadFiles {
    /// The first part of a real JPEG's scan data followed by an end-of-image marker: libjpeg meets
    /// the marker mid-scan ("premature end of data segment") and, left alone, fills the rest grey.
    static func scanCutShort(width: Int = 1200, height: Int = 800) throws -> Data {
        let jpeg = try SyntheticImage.jpeg(width: width, height: height, quality: 95)
        return jpeg.prefix(jpeg.count * 3 / 5) + Data([0xFF, 0xD9])
    }

    /// A whole JPEG with stray bytes between its scan data and its end-of-image marker
    /// ("Corrupt JPEG data: N extraneous bytes before marker 0xd9"; the decoder's read-ahead takes a
    /// few of them, so there are enough to be left over).
    static func extraneousBytes(width: Int = 400, height: Int = 300) throws -> Data {
        let jpeg = try SyntheticImage.jpeg(width: width, height: height)
        return jpeg.dropLast(2) + Data((0..<64).map { UInt8($0 * 3 + 1) }) + Data([0xFF, 0xD9])
    }

    /// A real JPEG whose frame header claims another size, within the pixel limit: its scan data
    /// ends long before the claimed frame does.
    static func jpegClaiming(width claimedWidth: Int, height claimedHeight: Int, actualWidth: Int = 640, actualHeight: Int = 426) throws -> Data {
        var jpeg = try SyntheticImage.jpeg(width: actualWidth, height: actualHeight)
        let bytes = [UInt8](jpeg)
        guard let sof = (0..<(bytes.count - 9)).first(where: { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 }) else {
            return jpeg
        }
        // SOF0: marker, length (2), precision (1), height (2), width (2).
        for (offset, value) in [(sof + 5, claimedHeight), (sof + 7, claimedWidth)] {
            jpeg[offset] = UInt8(value >> 8)
            jpeg[offset + 1] = UInt8(value & 0xFF)
        }
        return jpeg
    }
}
