/// Why an image could not be probed or rendered. Each case reads as the reason a user sees next
/// to the file name.
import Foundation

public enum ImagingError: Error, Equatable, Sendable, CustomStringConvertible {
    case startFailed(String)
    case empty
    case unsupportedFormat(String)
    case tooLarge(width: Int, height: Int, pages: Int, limitMegapixels: Double)
    /// The detail names the library that found it: "libvips: …" or "libjpeg: …".
    case truncated(String)
    /// Damaged scan data that libjpeg would otherwise paper over with grey.
    case corrupt(String)
    case decodeFailed(String)
    /// LibRaw could not read a raw original; the detail is LibRaw's reason.
    case rawDecodeFailed(String)
    case encodeFailed(String)
    case timedOut(seconds: Double)

    public var description: String {
        switch self {
        case .startFailed(let detail): return "libvips could not start (\(detail))"
        case .empty: return "empty"
        case .unsupportedFormat(let detail): return detail.isEmpty ? "unsupported format" : "unsupported format (\(detail))"
        case .tooLarge(let width, let height, let pages, let limit):
            let pixels = Double(width) * Double(height) * Double(pages) / 1e6
            return "too large (\(width)×\(height)\(pages > 1 ? "×\(pages) pages" : ""), "
                + "\(Self.megapixels(pixels)) megapixels, limit \(Self.megapixels(limit)))"
        case .truncated(let detail): return "truncated image (\(detail))"
        case .corrupt(let detail): return "corrupt image (libjpeg: \(detail))"
        case .decodeFailed(let detail): return "cannot decode (libvips: \(detail))"
        case .rawDecodeFailed(let detail): return "cannot decode raw (\(detail))"
        case .encodeFailed(let detail): return "cannot encode rendition (libvips: \(detail))"
        case .timedOut(let seconds): return "timed out after \(String(format: "%g", seconds)) s"
        }
    }

    /// 250, 12.3, 0.01: two significant digits below one megapixel, so that a limit of 0.01
    /// does not read "limit 0.0".
    static func megapixels(_ value: Double) -> String {
        if value >= 100 { return String(Int(value.rounded())) }
        return String(format: value >= 1 ? "%.1f" : "%.2g", value)
    }
}
