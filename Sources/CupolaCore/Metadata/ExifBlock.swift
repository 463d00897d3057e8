import CExif
import CCupolaShim
import Foundation

/// A parsed EXIF block, owned: libexif's data is freed when this goes away.
///
/// Read-only: the block is parsed without libexif's "fix to the specification" pass, which would
/// otherwise invent default values the camera never wrote.
final class ExifBlock {
    enum Folder: Int32 { case primary = 0, exif = 2, gps = 3 }

    private let data: UnsafeMutablePointer<ExifData>
    private let byteOrder: ExifByteOrder

    init?(bytes: Data) {
        guard !bytes.isEmpty, bytes.count < Int(UInt32.max) else { return nil }
        let parsed = bytes.withUnsafeBytes { buffer in
            cupola_exif_parse(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt32(buffer.count))
        }
        guard let parsed else { return nil }
        data = parsed
        byteOrder = exif_data_get_byte_order(parsed)
    }

    deinit { exif_data_unref(data) }

    /// True when the block held no entry we could read at all.
    var isEmpty: Bool {
        [Folder.primary, .exif, .gps].allSatisfy { folder in
            guard let content = cupola_exif_ifd(data, folder.rawValue) else { return true }
            return content.pointee.count == 0
        }
    }

    private func entry(_ folder: Folder, _ tag: UInt16) -> UnsafeMutablePointer<ExifEntry>? {
        guard let content = cupola_exif_ifd(data, folder.rawValue),
              let entry = exif_content_get_entry(content, ExifTag(rawValue: UInt32(tag))),
              entry.pointee.data != nil, entry.pointee.size > 0 else { return nil }
        return entry
    }

    /// The raw bytes of a text-like entry (ASCII, UNDEFINED or BYTE), cut at the first NUL.
    func text(_ folder: Folder, _ tag: UInt16) -> String? {
        guard let entry = entry(folder, tag) else { return nil }
        switch entry.pointee.format {
        case EXIF_FORMAT_ASCII, EXIF_FORMAT_UNDEFINED, EXIF_FORMAT_BYTE: break
        default: return nil
        }
        let bytes = UnsafeBufferPointer(start: entry.pointee.data, count: Int(entry.pointee.size))
        return ExifText.clean(Array(bytes.prefix(while: { $0 != 0 })))
    }

    /// An unsigned integer entry (BYTE, SHORT or LONG), first component.
    func integer(_ folder: Folder, _ tag: UInt16) -> Int? {
        guard let entry = entry(folder, tag) else { return nil }
        let pointer = entry.pointee.data!
        let size = Int(entry.pointee.size)
        switch entry.pointee.format {
        case EXIF_FORMAT_BYTE: return Int(pointer[0])
        case EXIF_FORMAT_SHORT where size >= 2: return Int(exif_get_short(pointer, byteOrder))
        case EXIF_FORMAT_LONG where size >= 4: return Int(exif_get_long(pointer, byteOrder))
        default: return nil
        }
    }

    /// The rational components of an entry as decimals; nil for a zero denominator.
    func rationals(_ folder: Folder, _ tag: UInt16) -> [Double?] {
        guard let entry = entry(folder, tag) else { return [] }
        let pointer = entry.pointee.data!
        let count = min(Int(entry.pointee.components), Int(entry.pointee.size) / 8)
        return (0..<count).map { index in
            let item = pointer + 8 * index
            switch entry.pointee.format {
            case EXIF_FORMAT_RATIONAL:
                let value = exif_get_rational(item, byteOrder)
                return value.denominator == 0 ? nil : Double(value.numerator) / Double(value.denominator)
            case EXIF_FORMAT_SRATIONAL:
                let value = exif_get_srational(item, byteOrder)
                return value.denominator == 0 ? nil : Double(value.numerator) / Double(value.denominator)
            default:
                return nil
            }
        }
    }

    func rational(_ folder: Folder, _ tag: UInt16) -> Double? { rationals(folder, tag).first ?? nil }
}

/// Cleans strings from EXIF: cameras pad with spaces and NULs and sometimes write bytes that are
/// not UTF-8.
enum ExifText {
    static func clean(_ bytes: [UInt8]) -> String? {
        // Nearly always plain printable ASCII: only spaces at the ends to trim.
        if bytes.allSatisfy({ (0x20...0x7e).contains($0) }) {
            let trimmed = bytes.drop(while: { $0 == 0x20 }).reversed().drop(while: { $0 == 0x20 }).reversed()
            return trimmed.isEmpty ? nil : String(decoding: trimmed, as: UTF8.self)
        }
        let kept = bytes.filter { $0 != 0 }
        let text = String(decoding: kept, as: UTF8.self)
            .unicodeScalars.filter { $0 != "\u{FFFD}" && !($0.properties.generalCategory == .control) }
        let cleaned = String(String.UnicodeScalarView(text)).trimmingCharacters(in: .whitespacesAndNewlines)
        return cleaned.isEmpty ? nil : cleaned
    }
}
