import Foundation

/// A frame as the site's data scripts carry it: short keys (a 100,000-frame gallery loads them
/// page by page, so bytes count), absent values left out, URLs already encoded.
struct SiteFrame: Encodable {
    /// id, captured, source file
    let i: String
    let t: String?
    let s: String
    /// width and height as displayed
    let w: Int
    let h: Int
    /// camera, lens, focal length (mm), f-number, exposure time (s), ISO
    let c: String?
    let l: String?
    let f: Double?
    let n: Double?
    let e: Double?
    let o: Int?
    /// latitude, longitude, altitude
    let g: [Double]?
    /// renditions: name → [URL relative to the gallery's folder, width, height]
    let r: [String: [Rendition]]
    /// the kept original, relative to the library root
    let x: String?

    enum Rendition: Encodable {
        case path(String), size(Int)
        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .path(let path): try container.encode(path)
            case .size(let size): try container.encode(size)
            }
        }
    }

    init(_ frame: PublishedFrame, original: String?) {
        i = frame.id
        t = frame.captured
        s = frame.source
        w = frame.width
        h = frame.height
        let camera = [frame.camera?.make, frame.camera?.model].compactMap { $0 }.filter { !$0.isEmpty }
        c = camera.isEmpty ? nil : Self.cameraName(make: frame.camera?.make, model: frame.camera?.model)
        l = frame.lens
        f = frame.focalLength
        n = frame.fNumber
        e = frame.exposureTime
        o = frame.iso
        g = frame.gps.map { [$0.latitude, $0.longitude] + ($0.altitude.map { [$0] } ?? []) }
        r = frame.renditions.mapValues { [.path(HTMLText.urlPath($0.path)), .size($0.width), .size($0.height)] }
        x = original.map(HTMLText.urlPath)
    }

    /// "NIKON CORPORATION" + "NIKON D5" reads as "NIKON D5": the make is left out when the model repeats it.
    static func cameraName(make: String?, model: String?) -> String {
        let make = trimmed(make), model = trimmed(model)
        guard !make.isEmpty else { return model }
        guard !model.isEmpty else { return make }
        let brand = make.split(separator: " ").first.map(String.init) ?? make
        return model.uppercased().hasPrefix(brand.uppercased()) ? model : "\(make) \(model)"
    }

    /// Nearly every EXIF value has no spaces to trim, and Foundation's trimming costs more than the
    /// rest of a frame: it is called only when there is something to trim.
    private static func trimmed(_ text: String?) -> String {
        guard let text else { return "" }
        guard text.first?.isWhitespace == true || text.last?.isWhitespace == true else { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }
}
