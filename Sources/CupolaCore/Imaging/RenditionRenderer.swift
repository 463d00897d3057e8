import CCupolaShim
import CVips
import Foundation

/// One encoded rendition, ready to be written.
public struct RenderedRendition: Sendable {
    public let spec: RenditionSpec
    public let data: Data
    public let width: Int
    public let height: Int
}

/// Makes every rendition of a frame from a single decode.
///
/// The original is decoded once, with JPEG shrink-on-load, to the largest rendition's size
/// (sRGB, never enlarged), kept in memory and turned upright there; each smaller rendition is
/// derived from the previous, larger one. The cost is one reduced JPEG decode plus cheap
/// in-memory resizes and the encodes.
public struct RenditionRenderer: Sendable {
    public init() {}

    /// Renders from encoded bytes in memory.
    public func render(_ original: Data, specs: [RenditionSpec], maxMegapixels: Double = .infinity, timeLimit: Double = .infinity,
                       clock: StageClock = StageClock()) throws(ImagingError) -> [RenderedRendition] {
        try original.withBytes { (buffer) throws(ImagingError) in
            let image = try OpenedImage(buffer, maxMegapixels: maxMegapixels)
            let orientation = MetadataReader().read(exif: image.probe.exif).orientation
            return try render(image, orientation: orientation, specs: specs, timeLimit: timeLimit, clock: clock)
        }
    }

    /// `orientation` is the frame's EXIF orientation (libexif's reading); `timeLimit` bounds the
    /// whole frame: the decode stops when it runs past it, and the limit is checked again between
    /// renditions.
    func render(_ image: OpenedImage, orientation: Int, specs: [RenditionSpec], timeLimit: Double = .infinity,
                clock: StageClock = StageClock()) throws(ImagingError) -> [RenderedRendition] {
        guard let largest = specs.map(\.size).max() else { return [] }
        let deadline = Date().addingTimeInterval(timeLimit)
        var current = try clock.measure(.decode) { () throws(ImagingError) in
            try decode(image, size: largest, orientation: orientation, preference: specs.first?.rawPreference ?? .automatic,
                       deadline: deadline, timeLimit: timeLimit)
        }
        var results: [RenderedRendition] = []
        for spec in specs.sorted(by: { $0.size > $1.size }) {
            if Date() > deadline { throw .timedOut(seconds: timeLimit) }
            if spec.size < max(current.width, current.height) {
                current = try clock.measure(.resize) { () throws(ImagingError) in try resize(current, size: spec.size) }
            }
            // A rendition the same size, format and quality as the one before (small originals are
            // never enlarged) has the same bytes: encode it once.
            if let previous = results.last, previous.width == current.width, previous.height == current.height,
               previous.spec.format == spec.format, previous.spec.quality == spec.quality {
                results.append(RenderedRendition(spec: spec, data: previous.data, width: previous.width, height: previous.height))
                continue
            }
            let data = try clock.measure(.encode) { () throws(ImagingError) in try encode(current, spec: spec) }
            results.append(RenderedRendition(spec: spec, data: data, width: current.width, height: current.height))
        }
        return results
    }

    private func decode(_ image: OpenedImage, size: Int, orientation: Int, preference: RawPreference,
                        deadline: Date, timeLimit: Double) throws(ImagingError) -> ImageHandle {
        let decoded = try load(image, size: size, preference: preference, deadline: deadline, timeLimit: timeLimit)
        let turn = image.appliedOrientation(exifOrientation: orientation)
        guard turn > 1 else { return decoded }
        vips_image_set_int(decoded.pointer, "orientation", Int32(turn))
        var upright: UnsafeMutablePointer<VipsImage>?
        guard cupola_vips_autorot(decoded.pointer, &upright) == 0, let upright else {
            throw .decodeFailed(VipsRuntime.takeErrorText())
        }
        return try materialise(ImageHandle(upright))
    }

    /// The decoded pixels at the largest rendition's size (a raw decode may be larger), in sRGB, in memory.
    func load(_ image: OpenedImage, size: Int, preference: RawPreference, deadline: Date, timeLimit: Double) throws(ImagingError) -> ImageHandle {
        if let raw = image.raw {
            return try loadRaw(raw, image: image, size: size, preference: preference, deadline: deadline, timeLimit: timeLimit)
        }
        var pointer: UnsafeMutablePointer<VipsImage>?
        let status: Int32
        if let header = image.header {
            status = cupola_vips_load_fit(header.pointer, image.buffer.baseAddress, image.buffer.count,
                                          image.probe.format == .jpeg ? 1 : 0, Int32(size), &pointer)
        } else {
            status = cupola_jpeg_load_fit(image.buffer.baseAddress, image.buffer.count, Int32(image.probe.storedWidth),
                                          Int32(image.probe.storedHeight), Int32(size), deadline.timeIntervalSinceNow, &pointer)
            if status == CUPOLA_JPEG_TIMED_OUT { throw .timedOut(seconds: timeLimit) }
            if status != 0 { throw Self.jpegDecodeError(status) }
        }
        guard status == 0, let pointer else { throw Self.decodeError(VipsRuntime.takeErrorText()) }
        let lazy = ImageHandle(pointer)
        if lazy.isResident { return lazy }
        // Evaluate now, once: every smaller rendition is derived from these pixels in memory.
        let watchdog = timeLimit.isFinite ? Watchdog(image: lazy, seconds: deadline.timeIntervalSinceNow) : nil
        let resident = vips_image_copy_memory(lazy.pointer)
        if watchdog?.disarm() == true {
            if let resident { g_object_unref(UnsafeMutableRawPointer(resident)) }
            _ = VipsRuntime.takeErrorText()
            throw .timedOut(seconds: timeLimit)
        }
        guard let resident else { throw Self.decodeError(VipsRuntime.takeErrorText()) }
        return ImageHandle(resident)
    }

    private func resize(_ image: ImageHandle, size: Int) throws(ImagingError) -> ImageHandle {
        var smaller: UnsafeMutablePointer<VipsImage>?
        guard cupola_vips_resize_fit(image.pointer, Int32(size), &smaller) == 0, let smaller else {
            throw .decodeFailed(VipsRuntime.takeErrorText())
        }
        return try materialise(ImageHandle(smaller))
    }

    private func materialise(_ image: ImageHandle) throws(ImagingError) -> ImageHandle {
        guard let resident = vips_image_copy_memory(image.pointer) else { throw .decodeFailed(VipsRuntime.takeErrorText()) }
        return ImageHandle(resident)
    }

    private func encode(_ image: ImageHandle, spec: RenditionSpec) throws(ImagingError) -> Data {
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        let status: Int32
        switch spec.format {
        case .jpeg: status = cupola_jpeg_save(image.pointer, Int32(spec.quality), &buffer, &length)
        case .webp: status = cupola_vips_webpsave(image.pointer, Int32(spec.quality), &buffer, &length)
        }
        guard status == 0, let buffer else {
            throw .encodeFailed(spec.format == .jpeg ? Self.jpegFailureText() : VipsRuntime.takeErrorText())
        }
        defer { g_free(buffer) }
        return Data(bytes: buffer, count: length)
    }

    /// Why a call on the libjpeg path failed: libjpeg's reason, kept per thread, when the failing
    /// step was libjpeg's; libvips' otherwise.
    static func jpegFailureText() -> String {
        let own = String(cString: cupola_jpeg_error())
        return own.isEmpty ? VipsRuntime.takeErrorText() : own
    }

    static func jpegDecodeError(_ status: Int32) -> ImagingError {
        let text = jpegFailureText()
        switch status {
        case CUPOLA_JPEG_TRUNCATED: return .truncated("libjpeg: \(text)")
        case CUPOLA_JPEG_CORRUPT: return .corrupt(text)
        default: return decodeError(text)
        }
    }

    /// libvips reports a short file in several wordings; all of them mean "truncated".
    static func decodeError(_ text: String) -> ImagingError {
        let lowered = text.lowercased()
        let truncationHints = ["premature end", "truncated", "unexpected end", "out of data", "read error"]
        return truncationHints.contains(where: lowered.contains) ? .truncated("libvips: \(text)") : .decodeFailed(text)
    }
}
