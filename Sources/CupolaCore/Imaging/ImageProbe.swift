import CCupolaShim
import CVips
import Foundation

/// What the header of an image says, read without decoding any pixels.
public struct ImageProbe: Sendable {
    public enum Format: String, Sendable, Codable {
        case jpeg, png, tiff, webp, heif
        /// Camera raw, read through LibRaw; `raw` is a raw format without a more usual name.
        case dng, nef, cr2, cr3, arw, orf, rw2, raf, pef, srw, raw

        public var isRaw: Bool { ![.jpeg, .png, .tiff, .webp, .heif].contains(self) }
    }

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

    init(format: Format, storedWidth: Int, storedHeight: Int, pages: Int = 1, exif: Data?) {
        self.format = format
        self.storedWidth = storedWidth
        self.storedHeight = storedHeight
        self.pages = pages
        self.exif = exif
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

/// An image opened on bytes in memory: its probe, and how to decode it. Plain JPEG (8-bit grey or
/// colour, nearly every camera frame) is read by libjpeg directly; everything else through a lazy
/// libvips header image that the decode starts from. The bytes must stay valid for as long as this
/// exists.
final class OpenedImage {
    let probe: ImageProbe
    /// nil for plain JPEG, which never needs one, and for raw.
    let header: ImageHandle?
    /// Set for a camera raw file: LibRaw decodes it (or its embedded preview goes the JPEG path).
    let raw: RawOriginal?
    let buffer: UnsafeRawBufferPointer
    /// The pixel limit this image was opened with, which an embedded preview obeys too.
    let maxMegapixels: Double

    init(_ buffer: UnsafeRawBufferPointer, maxMegapixels: Double) throws(ImagingError) {
        guard buffer.count > 0 else { throw .empty }
        try VipsRuntime.start()
        let (format, raw) = try Self.sniff(buffer)
        self.buffer = buffer
        self.raw = raw
        self.maxMegapixels = maxMegapixels
        let jpeg = format == .jpeg ? try Self.readJPEGHeader(buffer) : nil
        if let raw {
            probe = ImageProbe(format: format, storedWidth: raw.width, storedHeight: raw.height,
                               exif: RawOriginal.exif(buffer))
            header = nil
        } else if let jpeg, jpeg.plain {
            probe = jpeg.probe
            header = nil
        } else {
            let header = try Self.openHeader(buffer)
            probe = ImageProbe(format: format, storedWidth: header.width, storedHeight: header.height,
                               pages: header.pages, exif: header.blob("exif-data"))
            self.header = header
        }
        let megapixels = Double(probe.storedWidth) * Double(probe.storedHeight) * Double(probe.pages) / 1e6
        if megapixels > maxMegapixels {
            throw .tooLarge(width: probe.storedWidth, height: probe.storedHeight, pages: probe.pages,
                            limitMegapixels: maxMegapixels)
        }
        if let raw, Double(raw.sensorWidth) * Double(raw.sensorHeight) / 1e6 > maxMegapixels {
            throw .tooLarge(width: raw.sensorWidth, height: raw.sensorHeight, pages: 1, limitMegapixels: maxMegapixels)
        }
    }

    /// The orientation the renderer turns the decoded pixels by, which is also what makes the
    /// displayed size. libjpeg alone ignores EXIF, so plain JPEG takes libexif's reading
    /// (`exifOrientation`). Through libvips it is libvips' own reading of the header, never the
    /// EXIF tag again: for HEIF, libheif applies the file's rotation and mirroring (`irot`,
    /// `imir`) while decoding and libvips then drops the tag, so an iPhone frame whose EXIF still
    /// says 6 is decoded upright already; turning it by the EXIF tag would do it twice.
    func appliedOrientation(exifOrientation: Int) -> Int {
        if let raw { return raw.orientation }
        guard let header else { return exifOrientation }
        return header.integer("orientation") ?? 1
    }

    /// Width and height as displayed: after the orientation the renderer applies.
    func displaySize(exifOrientation: Int) -> (width: Int, height: Int) {
        probe.displaySize(orientation: appliedOrientation(exifOrientation: exifOrientation))
    }

    /// The format by content, through libvips' loader sniffing, allow-listed. Most raw formats are
    /// TIFF inside (NEF, DNG, CR2, ARW…) and the rest unknown to libvips (RAF, CR3, ORF…): those two
    /// cases are offered to LibRaw, which takes only files with raw sensor data in them.
    private static func sniff(_ buffer: UnsafeRawBufferPointer) throws(ImagingError) -> (ImageProbe.Format, RawOriginal?) {
        let loaderName = vips_foreign_find_load_buffer(buffer.baseAddress, buffer.count).map { String(cString: $0) }
        let accepted = loaderName.flatMap { name in ImageProbe.acceptedLoaders.first { name.hasPrefix($0.prefix) } }
        if accepted == nil || accepted?.format == .tiff, let raw = RawOriginal.identify(buffer) {
            _ = VipsRuntime.takeErrorText()
            return (raw.format, raw)
        }
        guard let accepted else {
            _ = VipsRuntime.takeErrorText()
            throw .unsupportedFormat(loaderName.map(ImageProbe.formatName) ?? "")
        }
        return (accepted.format, nil)
    }

    /// The probe of a JPEG, and whether it is plain enough for libjpeg alone.
    private static func readJPEGHeader(_ buffer: UnsafeRawBufferPointer) throws(ImagingError) -> (probe: ImageProbe, plain: Bool) {
        var info = CupolaJpegInfo()
        let status = cupola_jpeg_info(buffer.baseAddress, buffer.count, &info)
        guard status == 0 else { throw RenditionRenderer.jpegDecodeError(status) }
        defer { g_free(info.exif) }
        let exif = info.exif.map { Data(bytes: $0, count: info.exif_length) }
        let probe = ImageProbe(format: .jpeg, storedWidth: Int(info.width), storedHeight: Int(info.height), exif: exif)
        return (probe, info.plain != 0)
    }

    private static func openHeader(_ buffer: UnsafeRawBufferPointer) throws(ImagingError) -> ImageHandle {
        var pointer: UnsafeMutablePointer<VipsImage>?
        var loader: UnsafePointer<CChar>?
        guard cupola_vips_header(buffer.baseAddress, buffer.count, &pointer, &loader) == 0, let pointer else {
            throw RenditionRenderer.decodeError(VipsRuntime.takeErrorText())
        }
        return ImageHandle(pointer)
    }
}
