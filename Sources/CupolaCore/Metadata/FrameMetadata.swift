/// What a frame's EXIF block says about its capture, cleaned and in the manifest's units.
public struct FrameMetadata: Codable, Hashable, Sendable {
    public var make: String?
    public var model: String?
    public var serial: String?
    public var lens: String?
    public var focalLength: Double?
    public var fNumber: Double?
    public var exposureTime: Double?
    public var iso: Int?
    /// EXIF orientation 1...8; 1 when absent or out of range.
    public var orientation: Int = 1
    /// UTC, ISO 8601, with the camera's sub-second digits when it wrote them.
    public var captured: String?
    /// The EXIF tag `captured` came from: "DateTimeOriginal" or "DateTimeDigitized"; nil when
    /// `captured` is. Kept in the catalog; the manifest does not publish it (yet).
    public var capturedSource: String?
    public var gps: GPSPosition?
    /// From XMP (`dc:subject`, `dc:title`, `dc:description`) or IPTC-IIM (Keywords, ObjectName or
    /// Headline, Caption-Abstract); nil when the file carries none (`DescriptiveMetadata`).
    public var keywords: [String]?
    public var title: String?
    public var caption: String?
    /// What could not be read, for example a malformed EXIF block: the frame is kept regardless.
    public var warnings: [String] = []

    public init() {}

    /// Nothing of the capture was read: no EXIF, or none that libexif could parse.
    var readNothing: Bool {
        make == nil && model == nil && captured == nil && gps == nil && lens == nil && exposureTime == nil && iso == nil
    }
}

public struct GPSPosition: Codable, Hashable, Sendable {
    /// Signed decimal degrees: north and east positive.
    public var latitude: Double
    public var longitude: Double
    /// Metres above sea level; negative below.
    public var altitude: Double?
}
