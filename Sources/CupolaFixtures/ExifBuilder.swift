import CCupolaShim
import CExif
import Foundation

/// Builds real EXIF blocks with libexif, for samples and test fixtures.
public struct ExifBuilder: Sendable {
    public var make: String?
    public var model: String?
    public var serial: String?
    public var lens: String?
    public var orientation: Int?
    /// "YYYY:MM:DD HH:MM:SS"
    public var dateTimeOriginal: String?
    /// "YYYY:MM:DD HH:MM:SS": ExifIFD DateTimeDigitized and IFD0 DateTime (the file's modify date).
    public var dateTimeDigitized: String?
    public var dateTime: String?
    public var subSeconds: String?
    public var offset: String?
    public var focalLength: (UInt32, UInt32)?
    public var fNumber: (UInt32, UInt32)?
    public var exposureTime: (UInt32, UInt32)?
    public var iso: UInt16?
    /// Signed decimal degrees and metres.
    public var gps: (latitude: Double, longitude: Double, altitude: Double)?

    public init() {}

    /// The block as it goes into a JPEG APP1 segment, starting with "Exif\0\0".
    public func build() -> Data {
        let data = exif_data_new()!
        defer { exif_data_unref(data) }
        exif_data_set_byte_order(data, EXIF_BYTE_ORDER_INTEL)
        let primary: Int32 = 0, exif: Int32 = 2, gpsFolder: Int32 = 3
        if let make { cupola_exif_set_ascii(data, primary, 0x010F, make) }
        if let model { cupola_exif_set_ascii(data, primary, 0x0110, model) }
        if let orientation { cupola_exif_set_short(data, primary, 0x0112, UInt16(orientation)) }
        if let dateTime { cupola_exif_set_ascii(data, primary, 0x0132, dateTime) }
        if let dateTimeOriginal { cupola_exif_set_ascii(data, exif, 0x9003, dateTimeOriginal) }
        if let dateTimeDigitized { cupola_exif_set_ascii(data, exif, 0x9004, dateTimeDigitized) }
        if let subSeconds { cupola_exif_set_ascii(data, exif, 0x9291, subSeconds) }
        if let offset { cupola_exif_set_ascii(data, exif, 0x9011, offset) }
        if let serial { cupola_exif_set_ascii(data, exif, 0xA431, serial) }
        if let lens { cupola_exif_set_ascii(data, exif, 0xA434, lens) }
        if let iso { cupola_exif_set_short(data, exif, 0x8827, iso) }
        for (tag, value) in [(0x920A, focalLength), (0x829D, fNumber), (0x829A, exposureTime)] {
            if let value { Self.setRationals(data, exif, Int32(tag), [value]) }
        }
        if let gps {
            cupola_exif_set_ascii(data, gpsFolder, 0x0001, gps.latitude < 0 ? "S" : "N")
            Self.setRationals(data, gpsFolder, 0x0002, Self.dms(abs(gps.latitude)))
            cupola_exif_set_ascii(data, gpsFolder, 0x0003, gps.longitude < 0 ? "W" : "E")
            Self.setRationals(data, gpsFolder, 0x0004, Self.dms(abs(gps.longitude)))
            cupola_exif_set_short(data, gpsFolder, 0x0005, gps.altitude < 0 ? 1 : 0)
            Self.setRationals(data, gpsFolder, 0x0006, [(UInt32(abs(gps.altitude) * 100), 100)])
        }
        var buffer: UnsafeMutablePointer<UInt8>?
        var length: UInt32 = 0
        guard cupola_exif_save(data, &buffer, &length) == 0, let buffer else { return Data() }
        defer { free(buffer) }
        return Data(bytes: buffer, count: Int(length))
    }

    private static func setRationals(_ data: UnsafeMutablePointer<ExifData>, _ folder: Int32, _ tag: Int32, _ values: [(UInt32, UInt32)]) {
        let flat = values.flatMap { [$0.0, $0.1] }
        _ = flat.withUnsafeBufferPointer { cupola_exif_set_rationals(data, folder, tag, $0.baseAddress, Int32(values.count)) }
    }

    /// Degrees, minutes and seconds with 1/10000 s precision.
    private static func dms(_ value: Double) -> [(UInt32, UInt32)] {
        let degrees = value.rounded(.down)
        let minutes = ((value - degrees) * 60).rounded(.down)
        let seconds = (value - degrees - minutes / 60) * 3600
        return [(UInt32(degrees), 1), (UInt32(minutes), 1), (UInt32((seconds * 10000).rounded()), 10000)]
    }
}
