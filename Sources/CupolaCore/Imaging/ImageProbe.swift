import CCupolaShim
import CVips
import Foundation

/// What the header of an image says, read without decoding any pixels.
public struct ImageProbe: Sendable {
    public enum Format: String, Sendable, Codable { case jpeg, png, tiff, webp, heif }

    public let format: Format
    /// Stored dimensions of the first page, before EXIF orientation.
    public let storedWidth: Int
    public let storedHeight: Int
    public let pages: Int
    public let exif: Data?

    /// The loaders we accept, by libvips class-name prefix; everything else is "unsupported format".
    static let acceptedLoaders: [(prefix: String, format: Format)] = [
        ("VipsForeignLoadJpeg", .jpeg), ("VipsForeignLoadPng", .png), ("VipsForeignLoadTiff", .tiff),
        ("VipsForeignLoadWebp", .webp), ("VipsForeignLoadHeif", .heif),
    ]

    public init(_ data: Data, maxMegapixels: Double) throws(ImagingError) {
        guard !data.isEmpty else { throw .empty }
        try VipsRuntime.start()
        var pointer: UnsafeMutablePointer<VipsImage>?
        var loader: UnsafePointer<CChar>?
        let status = data.withUnsafeBytes { buffer in
            cupola_vips_header(buffer.baseAddress, buffer.count, &pointer, &loader)
        }
        let loaderName = loader.map { String(cString: $0) }
        guard let loaderName, let accepted = Self.acceptedLoaders.first(where: { loaderName.hasPrefix($0.prefix) }) else {
            if let pointer { g_object_unref(UnsafeMutableRawPointer(pointer)) }
            _ = VipsRuntime.takeErrorText()
            throw .unsupportedFormat(loaderName.map(Self.formatName) ?? "")
        }
        guard status == 0, let pointer else {
            throw .decodeFailed(VipsRuntime.takeErrorText())
        }
        let image = ImageHandle(pointer)
        format = accepted.format
        storedWidth = image.width
        storedHeight = image.height
        pages = image.pages
        exif = image.blob("exif-data")
        let megapixels = Double(storedWidth) * Double(storedHeight) * Double(pages) / 1e6
        if megapixels > maxMegapixels {
            throw .tooLarge(width: storedWidth, height: storedHeight, pages: pages, limitMegapixels: maxMegapixels)
        }
    }

    /// "VipsForeignLoadSvgBuffer" → "svg": what the file turned out to be, for the reason text.
    static func formatName(_ loader: String) -> String {
        var name = loader.replacingOccurrences(of: "VipsForeignLoad", with: "")
        for suffix in ["Buffer", "Source", "File"] where name.hasSuffix(suffix) { name = String(name.dropLast(suffix.count)) }
        return name.lowercased()
    }

    /// Dimensions as displayed, after EXIF orientation (5 to 8 swap width and height).
    public func displaySize(orientation: Int) -> (width: Int, height: Int) {
        (5...8).contains(orientation) ? (storedHeight, storedWidth) : (storedWidth, storedHeight)
    }
}
