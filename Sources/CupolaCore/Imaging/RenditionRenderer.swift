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
/// The original is decoded once with shrink-on-load to the largest rendition's size (upright,
/// sRGB, never enlarged) and kept in memory; each smaller rendition is derived from the previous,
/// larger one, so the cost is one JPEG decode plus cheap in-memory resizes.
public struct RenditionRenderer: Sendable {
    public init() {}

    public func render(_ original: Data, specs: [RenditionSpec], clock: StageClock = StageClock()) throws(ImagingError) -> [RenderedRendition] {
        guard let largest = specs.map(\.size).max() else { return [] }
        try VipsRuntime.start()
        var current = try clock.measure(.decode) { () throws(ImagingError) in try decode(original, size: largest) }
        var results: [RenderedRendition] = []
        for spec in specs.sorted(by: { $0.size > $1.size }) {
            if spec.size < max(current.width, current.height) {
                current = try clock.measure(.resize) { () throws(ImagingError) in try resize(current, size: spec.size) }
            }
            let data = try clock.measure(.encode) { () throws(ImagingError) in try encode(current, spec: spec) }
            results.append(RenderedRendition(spec: spec, data: data, width: current.width, height: current.height))
        }
        return results
    }

    private func decode(_ original: Data, size: Int) throws(ImagingError) -> ImageHandle {
        var thumbnail: UnsafeMutablePointer<VipsImage>?
        let status = original.withUnsafeBytes { buffer in
            cupola_vips_thumbnail_buffer(buffer.baseAddress, buffer.count, Int32(size), Int32(size), &thumbnail)
        }
        guard status == 0, let thumbnail else { throw Self.decodeError(VipsRuntime.takeErrorText()) }
        let lazy = ImageHandle(thumbnail)
        var converted: UnsafeMutablePointer<VipsImage>?
        guard cupola_vips_to_srgb(lazy.pointer, &converted) == 0, let converted else {
            throw Self.decodeError(VipsRuntime.takeErrorText())
        }
        let srgb = ImageHandle(converted)
        // Evaluate now, once: every smaller rendition is derived from these pixels in memory.
        guard let resident = vips_image_copy_memory(srgb.pointer) else {
            throw Self.decodeError(VipsRuntime.takeErrorText())
        }
        return ImageHandle(resident)
    }

    private func resize(_ image: ImageHandle, size: Int) throws(ImagingError) -> ImageHandle {
        var smaller: UnsafeMutablePointer<VipsImage>?
        guard cupola_vips_thumbnail_image(image.pointer, Int32(size), Int32(size), &smaller) == 0, let smaller,
              let resident = vips_image_copy_memory(smaller) else {
            throw .decodeFailed(VipsRuntime.takeErrorText())
        }
        g_object_unref(UnsafeMutableRawPointer(smaller))
        return ImageHandle(resident)
    }

    private func encode(_ image: ImageHandle, spec: RenditionSpec) throws(ImagingError) -> Data {
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        let status: Int32
        switch spec.format {
        case .jpeg: status = cupola_vips_jpegsave(image.pointer, Int32(spec.quality), &buffer, &length)
        case .webp: status = cupola_vips_webpsave(image.pointer, Int32(spec.quality), &buffer, &length)
        }
        guard status == 0, let buffer else { throw .encodeFailed(VipsRuntime.takeErrorText()) }
        defer { g_free(buffer) }
        return Data(bytes: buffer, count: length)
    }

    /// libvips reports a short file in several wordings; all of them mean "truncated".
    static func decodeError(_ text: String) -> ImagingError {
        let lowered = text.lowercased()
        let truncationHints = ["premature end", "truncated", "unexpected end", "out of data", "read error"]
        return truncationHints.contains(where: lowered.contains) ? .truncated(text) : .decodeFailed(text)
    }
}
