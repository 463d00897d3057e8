import CCupolaShim
import Foundation

/// What LibRaw's header parse read of a raw file's capture. libexif reads the EXIF of TIFF-based
/// raws (NEF, DNG, CR2, ARW, PEF); ORF, RW2, RAF and CR3 are not EXIF files to it, nor is a TIFF
/// raw whose IFDs lie past the block it is given. Their metadata comes from these fields instead.
///
/// Less than EXIF gives: LibRaw names the maker its own way ("Nikon" for "NIKON CORPORATION"),
/// keeps the capture time to the second without its offset (so it is read like an EXIF time
/// without one, and it may be IFD 0's DateTime, which the EXIF path never takes), and gives no
/// altitude apart from 0 when there is none (0 is left out).
struct RawCapture: Sendable, Hashable {
    var make: String?
    var model: String?
    var serial: String?
    var lens: String?
    var focalLength: Double?
    var fNumber: Double?
    var exposureTime: Double?
    var iso: Int?
    /// The camera's local time, "YYYY:MM:DD HH:MM:SS".
    var taken: String?
    var gps: GPSPosition?

    init() {}

    init(_ info: CupolaRawInfo) {
        make = Self.text(info.make)
        model = Self.text(info.model)
        serial = Self.text(info.serial)
        lens = Self.text(info.lens)
        focalLength = Self.positive(info.focal_length)
        fNumber = Self.positive(info.f_number)
        exposureTime = Self.positive(info.exposure_time)
        // A hostile header can hold any float: an ISO or a position out of range is left out, as
        // the EXIF path leaves it out.
        iso = Self.positive(info.iso).flatMap { $0 < 10_000_000 ? Int($0.rounded()) : nil }
        taken = Self.text(info.taken)
        if info.has_gps != 0, abs(info.latitude) <= 90, abs(info.longitude) <= 180 {
            gps = GPSPosition(latitude: info.latitude, longitude: info.longitude,
                              altitude: info.altitude == 0 || !info.altitude.isFinite ? nil : info.altitude)
        }
    }

    /// The frame's metadata from these fields; orientation stays LibRaw's flip (`RawOriginal`).
    func metadata(clock: CaptureClock) -> FrameMetadata {
        var metadata = FrameMetadata()
        metadata.make = make
        metadata.model = model
        metadata.serial = serial
        metadata.lens = lens
        metadata.focalLength = focalLength
        metadata.fNumber = fNumber
        metadata.exposureTime = exposureTime
        metadata.iso = iso
        if let taken {
            if let utc = clock.utc(dateTime: taken, subSeconds: nil, offset: nil) {
                metadata.captured = utc
                metadata.capturedSource = "LibRaw"
            } else {
                metadata.warnings.append("unreadable capture time \"\(taken)\"")
            }
        }
        metadata.gps = gps
        return metadata
    }

    /// A C string field of LibRaw's, up to its NUL; nil when empty.
    static func text<T>(_ field: T) -> String? {
        let value = withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            .trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
    }

    /// LibRaw keeps these as floats: the float's shortest decimal is the camera's (5.6, not
    /// 5.599999904632568).
    private static func positive(_ value: Double) -> Double? {
        value.isFinite && value > 0 ? Double("\(Float(value))") : nil
    }
}
