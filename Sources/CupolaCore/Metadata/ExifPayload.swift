import Foundation

/// EXIF arrives in more than one wrapping, and libexif reads only the JPEG one.
///
/// - JPEG APP1 (and what libvips gives for most formats): `Exif\0\0`, then the TIFF header.
/// - HEIF's `Exif` item (ISO/IEC 23008-12, annex A): a 4-byte big-endian offset to the TIFF
///   header, counted from the end of those 4 bytes, then the TIFF header at that offset. Apple
///   writes offset 6 with `Exif\0\0` in between; Nokia and others write offset 0.
/// - Bare TIFF (`II*\0` or `MM\0*`): what libvips hands on for a HEIF written with offset 0, since
///   it drops the 4 offset bytes only.
enum ExifPayload {
    static let signature: [UInt8] = Array("Exif\0\0".utf8)

    /// The block as libexif reads it (`Exif\0\0` then TIFF); unrecognised blocks are returned as
    /// they are, for libexif to judge.
    static func normalised(_ block: Data) -> Data {
        let bytes = [UInt8](block)
        if bytes.starts(with: signature) { return block }
        if isTIFFHeader(bytes, at: 0) { return Data(signature + bytes) }
        if bytes.count > 4 {
            let offset = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }
            let start = 4 + offset
            if isTIFFHeader(bytes, at: start) { return Data(signature + bytes[start...]) }
        }
        return block
    }

    private static func isTIFFHeader(_ bytes: [UInt8], at start: Int) -> Bool {
        guard start >= 0, start + 8 <= bytes.count else { return false }
        let mark = Array(bytes[start..<(start + 4)])
        return mark == [0x49, 0x49, 0x2A, 0x00] || mark == [0x4D, 0x4D, 0x00, 0x2A]
    }
}
