import CCupolaShim
import CVips
import Foundation

/// A camera raw file (NEF, DNG, CR2, ARW…) as LibRaw's header parse sees it. Recognised by
/// content: whatever LibRaw opens as raw data is a raw original, whatever its name.
struct RawOriginal: Sendable {
    let format: ImageProbe.Format
    /// The sensor image's size before orientation, as LibRaw outputs it at full size.
    let width: Int
    let height: Int
    /// LibRaw's `flip` as an EXIF orientation: the turn that makes the picture upright.
    let orientation: Int
    /// The long edge of the largest embedded preview; 0 when there is none.
    let previewLongEdge: Int
    /// The raw data's size, margins included: what LibRaw allocates before any demosaic. A hostile
    /// header can claim a small picture on a huge sensor, so the pixel limit applies to both.
    var sensorWidth = 0
    var sensorHeight = 0
    /// LibRaw's own reading of the capture: the metadata of a raw whose EXIF libexif cannot reach.
    var capture = RawCapture()

    /// nil when LibRaw cannot open the bytes as a raw file (the caller then names the format it found).
    static func identify(_ buffer: UnsafeRawBufferPointer) -> RawOriginal? {
        var info = CupolaRawInfo()
        guard cupola_raw_identify(buffer.baseAddress, buffer.count, &info) == 0 else { return nil }
        let make = RawCapture.text(info.make) ?? ""
        return RawOriginal(format: info.dng != 0 ? .dng : Self.format(make: make, buffer: buffer),
                           width: Int(info.width), height: Int(info.height), orientation: Int(info.orientation),
                           previewLongEdge: Int(max(info.preview_width, info.preview_height)),
                           sensorWidth: Int(info.sensor_width), sensorHeight: Int(info.sensor_height),
                           capture: RawCapture(info))
    }

    /// The format's usual name, from the maker LibRaw found and the container's signature.
    static func format(make: String, buffer: UnsafeRawBufferPointer) -> ImageProbe.Format {
        let maker = make.lowercased()
        let head = Array(buffer.prefix(12))
        let isoMedia = head.count == 12 && String(decoding: head[4..<8], as: UTF8.self) == "ftyp"
        switch true {
        case maker.hasPrefix("nikon"): return .nef
        case maker.hasPrefix("canon"): return isoMedia ? .cr3 : .cr2
        case maker.hasPrefix("sony"): return .arw
        case maker.hasPrefix("olympus"), maker.hasPrefix("om digital"): return .orf
        case maker.hasPrefix("panasonic"): return .rw2
        case maker.hasPrefix("fujifilm"): return .raf
        case maker.hasPrefix("pentax"), maker.hasPrefix("ricoh"): return .pef
        case maker.hasPrefix("samsung"): return .srw
        default: return .raw
        }
    }

    /// The EXIF libexif reads from a TIFF-based raw (NEF, DNG, CR2, ARW, PEF…): the file's own TIFF
    /// structure, whose IFDs come first. Only the first 64 KiB: an EXIF block is never larger, and
    /// the pixel data after it is none of libexif's business.
    static func exif(_ buffer: UnsafeRawBufferPointer) -> Data? {
        let head = Array(buffer.prefix(4))
        guard head == [0x49, 0x49, 0x2A, 0x00] || head == [0x4D, 0x4D, 0x00, 0x2A] else { return nil }
        return Data(buffer.prefix(65_000))
    }

    /// The largest embedded preview's bytes; nil when it is not a JPEG.
    func preview(_ buffer: UnsafeRawBufferPointer) throws(ImagingError) -> Data? {
        var jpeg: UnsafeMutableRawPointer?
        var length = 0
        let status = cupola_raw_preview(buffer.baseAddress, buffer.count, &jpeg, &length)
        if status == CUPOLA_RAW_NO_JPEG_PREVIEW { return nil }
        guard status == 0, let jpeg else { throw Self.decodeError(String(cString: cupola_raw_error())) }
        defer { g_free(jpeg) }
        return Data(bytes: jpeg, count: length)
    }

    /// Demosaics the raw data into 8-bit sRGB in memory, stored orientation, half size when asked.
    func decode(_ buffer: UnsafeRawBufferPointer, half: Bool, deadline: Date, timeLimit: Double) throws(ImagingError) -> ImageHandle {
        var pointer: UnsafeMutablePointer<VipsImage>?
        let seconds = timeLimit.isFinite ? max(0, deadline.timeIntervalSinceNow) : .greatestFiniteMagnitude
        let status = cupola_raw_decode(buffer.baseAddress, buffer.count, half ? 1 : 0, seconds, &pointer)
        if status == CUPOLA_RAW_TIMED_OUT { throw .timedOut(seconds: timeLimit) }
        guard status == 0, let pointer else { throw Self.decodeError(String(cString: cupola_raw_error())) }
        return ImageHandle(pointer)
    }

    /// LibRaw's reason; a raw cut short is "truncated", like a JPEG.
    static func decodeError(_ text: String) -> ImagingError {
        let lowered = text.lowercased()
        return lowered.contains("end of file") || lowered.contains("i/o error") ? .truncated(text) : .rawDecodeFailed(text)
    }
}
