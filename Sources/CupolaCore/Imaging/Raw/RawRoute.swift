/// `[raw] prefer` in cupola.toml: how a raw original becomes renditions.
public enum RawPreference: String, Sendable, Codable, CaseIterable {
    /// The embedded preview when its long edge covers the largest rendition, else a decode.
    case automatic = "auto"
    /// The embedded preview whenever there is one (the camera's own processing).
    case preview
    /// Always demosaic the raw data.
    case decode
}

/// The way one raw original is turned into pixels for its renditions.
enum RawRoute: Equatable {
    case preview
    /// Demosaic, at half size when that still covers the largest rendition.
    case decode(half: Bool)

    init(_ raw: RawOriginal, largest size: Int, preference: RawPreference) {
        let hasPreview = raw.previewLongEdge > 0
        // Renditions are never enlarged: a full-size preview covers a rendition larger than the sensor.
        let needed = min(size, max(raw.width, raw.height))
        switch preference {
        case .preview where hasPreview: self = .preview
        case .automatic where hasPreview && raw.previewLongEdge >= needed: self = .preview
        default: self = .decode(half: max(raw.width, raw.height) / 2 >= size)
        }
    }
}
