import Foundation

/// Reads capture metadata from an EXIF block with libexif.
public struct MetadataReader: Sendable {
    public let clock: CaptureClock

    public init(clock: CaptureClock = CaptureClock()) { self.clock = clock }

    /// Never throws: a missing or malformed block gives empty metadata and a warning.
    public func read(exif bytes: Data?) -> FrameMetadata {
        var metadata = FrameMetadata()
        guard let bytes, !bytes.isEmpty else { return metadata }
        guard let block = ExifBlock(bytes: ExifPayload.normalised(bytes)), !block.isEmpty else {
            metadata.warnings.append("malformed EXIF block (\(bytes.count) bytes): metadata not read")
            return metadata
        }
        metadata.make = block.text(.primary, ExifTags.make)
        metadata.model = block.text(.primary, ExifTags.model)
        metadata.serial = block.text(.exif, ExifTags.bodySerialNumber)
        metadata.lens = block.text(.exif, ExifTags.lensModel) ?? Self.lensName(block.rationals(.exif, ExifTags.lensSpecification))
        metadata.focalLength = block.rational(.exif, ExifTags.focalLength)
        metadata.fNumber = block.rational(.exif, ExifTags.fNumber)
        metadata.exposureTime = block.rational(.exif, ExifTags.exposureTime)
        metadata.iso = block.integer(.exif, ExifTags.iso)
        if let orientation = block.integer(.primary, ExifTags.orientation), (1...8).contains(orientation) {
            metadata.orientation = orientation
        }
        if let capture = captureTime(block, warnings: &metadata.warnings) {
            metadata.captured = capture.utc
            metadata.capturedSource = capture.tag
        }
        metadata.gps = Self.position(block)
        return metadata
    }

    /// The moment the shutter opened: DateTimeOriginal, else DateTimeDigitized. IFD0's DateTime is
    /// when the file was last changed (an editor's save, a transfer tool): it is never taken for a
    /// capture time, so a frame without either tag has none.
    private func captureTime(_ block: ExifBlock, warnings: inout [String]) -> (utc: String, tag: String)? {
        let candidates: [(name: String, time: UInt16, subSeconds: UInt16, offset: UInt16)] = [
            ("DateTimeOriginal", ExifTags.dateTimeOriginal, ExifTags.subSecTimeOriginal, ExifTags.offsetTimeOriginal),
            ("DateTimeDigitized", ExifTags.dateTimeDigitized, ExifTags.subSecTimeDigitized, ExifTags.offsetTimeDigitized),
        ]
        for candidate in candidates {
            guard let text = block.text(.exif, candidate.time) else { continue }
            if let utc = clock.utc(dateTime: text,
                                   subSeconds: block.text(.exif, candidate.subSeconds),
                                   offset: block.text(.exif, candidate.offset)) {
                return (utc, candidate.name)
            }
            warnings.append("unreadable capture time \"\(text)\"")
        }
        return nil
    }

    static func position(_ block: ExifBlock) -> GPSPosition? {
        guard let latitude = degrees(block.rationals(.gps, ExifTags.gpsLatitude)),
              let longitude = degrees(block.rationals(.gps, ExifTags.gpsLongitude)) else { return nil }
        let south = block.text(.gps, ExifTags.gpsLatitudeRef)?.uppercased() == "S"
        let west = block.text(.gps, ExifTags.gpsLongitudeRef)?.uppercased() == "W"
        var altitude = block.rational(.gps, ExifTags.gpsAltitude)
        if altitude != nil, block.integer(.gps, ExifTags.gpsAltitudeRef) == 1 { altitude! *= -1 }
        return GPSPosition(latitude: south ? -latitude : latitude, longitude: west ? -longitude : longitude,
                           altitude: altitude)
    }

    /// Degrees, minutes, seconds as three rationals; minutes and seconds may be missing.
    static func degrees(_ parts: [Double?]) -> Double? {
        guard let whole = parts.first ?? nil else { return nil }
        let minutes = parts.count > 1 ? (parts[1] ?? 0) : 0
        let seconds = parts.count > 2 ? (parts[2] ?? 0) : 0
        let value = whole + minutes / 60 + seconds / 3600
        return value.isFinite && value <= 180 ? value : nil
    }

    /// "14.0-24.0 mm f/2.8" from LensSpecification, when the camera wrote no lens model.
    static func lensName(_ spec: [Double?]) -> String? {
        guard spec.count == 4, let shortest = spec[0], let longest = spec[1] else { return nil }
        var name = shortest == longest ? String(format: "%.1f mm", shortest)
            : String(format: "%.1f-%.1f mm", shortest, longest)
        if let aperture = spec[2] { name += String(format: " f/%.1f", aperture) }
        return name
    }
}
