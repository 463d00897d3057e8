import CCupolaShim
import CupolaCore
import CVips
import Foundation

/// Makes DNG files from scratch: the synthetic picture of `SyntheticImage` as real CFA data (an
/// RGGB Bayer mosaic of its linear-light pixels, 16 bits), with the camera's EXIF in an Exif IFD
/// and a GPS IFD, the orientation in IFD 0, and optionally an embedded JPEG preview of the same
/// pixels in a SubIFD. No raw file from elsewhere is needed to test the raw path.
public struct SyntheticRaw {
    /// Displayed size of the picture (before the stored turn).
    public var width: Int
    public var height: Int
    public var orientation = 1
    /// Long edge of the embedded JPEG preview; nil for none.
    public var previewLongEdge: Int?
    /// The camera metadata written into IFD 0, the Exif IFD and the GPS IFD.
    public var exif = ExifBuilder()
    /// The picture to store instead of the synthetic gradient: encoded bytes libvips reads, upright
    /// (the benchmark makes its raw frames from its JPEG frames, so both routes see one picture).
    public var picture: Data?
    /// The pixel data before the IFDs, so that the EXIF lies beyond the file's first 64 KiB
    /// (when the mosaic is larger than that: 2 bytes a pixel).
    public var pixelsFirst = false

    public init(width: Int, height: Int, orientation: Int = 1, previewLongEdge: Int? = nil, exif: ExifBuilder = ExifBuilder()) {
        self.width = width
        self.height = height
        self.orientation = orientation
        self.previewLongEdge = previewLongEdge
        self.exif = exif
    }

    /// The picture in stored orientation, as the mosaic and (when asked) the preview JPEG.
    struct Sensor {
        let width: Int
        let height: Int
        let mosaic: Data
        let preview: (jpeg: Data, width: Int, height: Int)?
    }

    func sensor() throws -> Sensor {
        try VipsRuntime.start()
        let upright = try picture.map(Self.decoded) ?? Self.synthesised(width: width, height: height)
        defer { g_object_unref(UnsafeMutableRawPointer(upright)) }
        var stored: UnsafeMutablePointer<VipsImage>?
        guard cupola_fixture_store_oriented(upright, Int32(orientation), &stored) == 0, let stored else { throw Self.failure() }
        defer { g_object_unref(UnsafeMutableRawPointer(stored)) }
        var length = 0
        guard let pixels = vips_image_write_to_memory(stored, &length) else { throw Self.failure() }
        defer { g_free(pixels) }
        let storedWidth = Int(vips_image_get_width(stored)), storedHeight = Int(vips_image_get_height(stored))
        let bands = Int(vips_image_get_bands(stored))
        let mosaic = Self.mosaic(UnsafeRawBufferPointer(start: pixels, count: length), width: storedWidth, height: storedHeight, bands: bands)
        let preview = try previewLongEdge.map { try Self.preview(stored, longEdge: $0) }
        return Sensor(width: storedWidth, height: storedHeight, mosaic: mosaic,
                      preview: preview.map { (jpeg: $0.0, width: $0.1, height: $0.2) })
    }

    public func dng() throws -> Data {
        let sensor = try sensor()
        let storedWidth = sensor.width, storedHeight = sensor.height, mosaic = sensor.mosaic

        var tiff = TIFFWriter()
        var raw = TIFFWriter.IFD()
        raw.long(254, 0)
        raw.long(256, UInt32(storedWidth))
        raw.long(257, UInt32(storedHeight))
        raw.shorts(258, [16])
        raw.shorts(259, [1])
        raw.shorts(262, [32803])
        raw.ascii(271, exif.make ?? "Cupola")
        raw.ascii(272, exif.model ?? "Synthetic DNG")
        raw.pointer(273, to: .block(0))
        raw.shorts(274, [UInt16(orientation)])
        raw.shorts(277, [1])
        raw.long(278, UInt32(storedHeight))
        raw.long(279, UInt32(mosaic.count))
        raw.shorts(284, [1])
        raw.shorts(33421, [2, 2])
        raw.bytes(33422, [0, 1, 1, 2])
        raw.pointer(34665, to: .ifd(1))
        raw.bytes(50706, [1, 4, 0, 0])
        raw.bytes(50707, [1, 1, 0, 0])
        raw.ascii(50708, "\(exif.make ?? "Cupola") \(exif.model ?? "Synthetic DNG")")
        raw.shorts(50714, [0])
        raw.long(50717, 65535)
        // XYZ (D65) to linear sRGB: the "camera" sees sRGB primaries, so LibRaw's sRGB output
        // gives the picture's own colours back.
        let xyzToSRGB: [Double] = [3.2406, -1.5372, -0.4986, -0.9689, 1.8758, 0.0415, 0.0557, -0.2040, 1.0570]
        raw.signedRationals(50721, xyzToSRGB.map { (Int32(($0 * 10_000).rounded()), 10_000) })
        raw.rationals(50728, [(1, 1), (1, 1), (1, 1)])
        raw.shorts(50778, [21])
        tiff.ifds.append(raw)
        tiff.blocks.append(mosaic)
        tiff.ifds.append(exifIFD())
        if let gps = exif.gps {
            tiff.ifds[0].pointer(34853, to: .ifd(tiff.ifds.count))
            tiff.ifds.append(Self.gpsIFD(gps))
        }
        if let (jpeg, previewWidth, previewHeight) = sensor.preview {
            var preview = TIFFWriter.IFD()
            preview.long(254, 1)
            preview.long(256, UInt32(previewWidth))
            preview.long(257, UInt32(previewHeight))
            preview.shorts(258, [8, 8, 8])
            preview.shorts(259, [7])
            preview.shorts(262, [6])
            preview.pointer(273, to: .block(tiff.blocks.count))
            preview.shorts(277, [3])
            preview.long(278, UInt32(previewHeight))
            preview.long(279, UInt32(jpeg.count))
            preview.shorts(284, [1])
            tiff.ifds[0].pointer(330, to: .ifd(tiff.ifds.count))
            tiff.ifds.append(preview)
            tiff.blocks.append(jpeg)
        }
        tiff.blocksFirst = pixelsFirst
        return tiff.write()
    }

    func exifIFD() -> TIFFWriter.IFD {
        var ifd = TIFFWriter.IFD()
        ifd.bytes(36864, Array("0231".utf8))
        if let value = exif.exposureTime { ifd.rationals(33434, [value]) }
        if let value = exif.fNumber { ifd.rationals(33437, [value]) }
        if let value = exif.iso { ifd.shorts(34855, [value]) }
        if let value = exif.dateTimeOriginal { ifd.ascii(36867, value) }
        if let value = exif.offset { ifd.ascii(36881, value) }
        if let value = exif.focalLength { ifd.rationals(37386, [value]) }
        if let value = exif.subSeconds { ifd.ascii(37521, value) }
        if let value = exif.serial { ifd.ascii(42033, value) }
        if let value = exif.lens { ifd.ascii(42036, value) }
        return ifd
    }

    static func gpsIFD(_ gps: (latitude: Double, longitude: Double, altitude: Double)) -> TIFFWriter.IFD {
        func dms(_ value: Double) -> [(UInt32, UInt32)] {
            let degrees = abs(value), whole = degrees.rounded(.down), minutes = (degrees - whole) * 60
            let wholeMinutes = minutes.rounded(.down)
            return [(UInt32(whole), 1), (UInt32(wholeMinutes), 1), (UInt32(((minutes - wholeMinutes) * 60 * 1000).rounded()), 1000)]
        }
        var ifd = TIFFWriter.IFD()
        ifd.bytes(0, [2, 3, 0, 0])
        ifd.ascii(1, gps.latitude < 0 ? "S" : "N")
        ifd.rationals(2, dms(gps.latitude))
        ifd.ascii(3, gps.longitude < 0 ? "W" : "E")
        ifd.rationals(4, dms(gps.longitude))
        ifd.bytes(5, [gps.altitude < 0 ? 1 : 0])
        ifd.rationals(6, [(UInt32(abs(gps.altitude).rounded()), 1)])
        return ifd
    }

    /// RGGB: red at even rows and columns, blue at odd ones, green between; sRGB decoded to linear.
    private static func mosaic(_ pixels: UnsafeRawBufferPointer, width: Int, height: Int, bands: Int) -> Data {
        let linear = (0...255).map { (code: Int) -> UInt16 in
            let value = Double(code) / 255
            let light = value <= 0.04045 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
            return UInt16((light * 65535).rounded())
        }
        var out = [UInt8](repeating: 0, count: width * height * 2)
        for y in 0..<height {
            for x in 0..<width {
                let channel = bands < 3 ? 0 : (y % 2 == 0 ? (x % 2 == 0 ? 0 : 1) : (x % 2 == 0 ? 1 : 2))
                let value = linear[Int(pixels[(y * width + x) * bands + channel])]
                out[(y * width + x) * 2] = UInt8(value & 0xFF)
                out[(y * width + x) * 2 + 1] = UInt8(value >> 8)
            }
        }
        return Data(out)
    }

    private static func preview(_ stored: UnsafeMutablePointer<VipsImage>, longEdge: Int) throws -> (Data, Int, Int) {
        var smaller: UnsafeMutablePointer<VipsImage>?
        guard cupola_vips_resize_fit(stored, Int32(clamping: longEdge), &smaller) == 0, let smaller else { throw failure() }
        defer { g_object_unref(UnsafeMutableRawPointer(smaller)) }
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        guard cupola_vips_jpegsave(smaller, 92, &buffer, &length) == 0, let buffer else { throw failure() }
        defer { g_free(buffer) }
        return (Data(bytes: buffer, count: length), Int(vips_image_get_width(smaller)), Int(vips_image_get_height(smaller)))
    }

    private static func synthesised(width: Int, height: Int) throws -> UnsafeMutablePointer<VipsImage> {
        var image: UnsafeMutablePointer<VipsImage>?
        guard cupola_vips_synthesise(Int32(width), Int32(height), &image) == 0, let image else { throw failure() }
        return image
    }

    /// The picture's pixels in memory, 8-bit sRGB, read once.
    private static func decoded(_ picture: Data) throws -> UnsafeMutablePointer<VipsImage> {
        try picture.withUnsafeBytes { buffer in
            var header: UnsafeMutablePointer<VipsImage>?
            var loader: UnsafePointer<CChar>?
            guard cupola_vips_header(buffer.baseAddress, buffer.count, &header, &loader) == 0, let header else { throw failure() }
            defer { g_object_unref(UnsafeMutableRawPointer(header)) }
            guard let resident = vips_image_copy_memory(header) else { throw failure() }
            return resident
        }
    }

    private static func failure() -> SyntheticImage.Failure {
        guard let copy = vips_error_buffer_copy() else { return .vips("") }
        defer { g_free(copy) }
        let text = String(cString: copy)
        return .vips(text)
    }
}
