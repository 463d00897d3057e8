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

    /// Reads the header of encoded bytes; throws "too large" before any pixel is decoded.
    public init(_ data: Data, maxMegapixels: Double) throws(ImagingError) {
        self = try data.withBytes { (buffer) throws(ImagingError) in
            try OpenedImage(buffer, maxMegapixels: maxMegapixels).probe
        }
    }

    init(format: Format, header: ImageHandle) {
        self.format = format
        storedWidth = header.width
        storedHeight = header.height
        pages = header.pages
        exif = header.blob("exif-data")
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

/// An image opened on bytes in memory: its probe, and the lazy header image that a decode can
/// start from. The bytes must stay valid for as long as this exists.
final class OpenedImage {
    let probe: ImageProbe
    let header: ImageHandle
    let buffer: UnsafeRawBufferPointer

    init(_ buffer: UnsafeRawBufferPointer, maxMegapixels: Double) throws(ImagingError) {
        guard buffer.count > 0 else { throw .empty }
        try VipsRuntime.start()
        var pointer: UnsafeMutablePointer<VipsImage>?
        var loader: UnsafePointer<CChar>?
        let status = cupola_vips_header(buffer.baseAddress, buffer.count, &pointer, &loader)
        let loaderName = loader.map { String(cString: $0) }
        guard let loaderName, let accepted = ImageProbe.acceptedLoaders.first(where: { loaderName.hasPrefix($0.prefix) }) else {
            if let pointer { g_object_unref(UnsafeMutableRawPointer(pointer)) }
            _ = VipsRuntime.takeErrorText()
            throw .unsupportedFormat(loaderName.map(ImageProbe.formatName) ?? "")
        }
        guard status == 0, let pointer else { throw RenditionRenderer.decodeError(VipsRuntime.takeErrorText()) }
        header = ImageHandle(pointer)
        self.buffer = buffer
        probe = ImageProbe(format: accepted.format, header: header)
        let megapixels = Double(probe.storedWidth) * Double(probe.storedHeight) * Double(probe.pages) / 1e6
        if megapixels > maxMegapixels {
            throw .tooLarge(width: probe.storedWidth, height: probe.storedHeight, pages: probe.pages,
                            limitMegapixels: maxMegapixels)
        }
    }
}
