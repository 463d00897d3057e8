import CCupolaShim
import CupolaCore
import CVips
import Foundation

/// Makes JPEGs from scratch with libvips: a colour gradient with a white block in the top-left
/// corner of the picture as seen, so a wrong rotation or flip shows.
public enum SyntheticImage {
    public enum Failure: Error { case vips(String) }

    /// A JPEG whose *displayed* size is width × height. With an orientation other than 1 the
    /// pixels are stored transformed, as a camera would, and the EXIF tag says how to undo it.
    public static func jpeg(width: Int, height: Int, exif: Data? = nil, orientation: Int = 1, quality: Int = 90) throws -> Data {
        try encode(width: width, height: height) { upright, output, length in
            var stored: UnsafeMutablePointer<VipsImage>?
            guard cupola_fixture_store_oriented(upright, Int32(orientation), &stored) == 0, let stored else { return -1 }
            defer { g_object_unref(UnsafeMutableRawPointer(stored)) }
            let blob = exif ?? Data()
            blob.withUnsafeBytes { buffer in
                _ = cupola_vips_set_exif(stored, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), buffer.count,
                                         exif == nil ? 0 : Int32(orientation))
            }
            return exif == nil
                ? cupola_vips_jpegsave(stored, Int32(quality), &output, &length)
                : cupola_vips_jpegsave_keep(stored, Int32(quality), &output, &length)
        }
    }

    /// The same picture in another format: ".png", ".tif", ".webp" or ".heic".
    public static func encoded(width: Int, height: Int, suffix: String, alpha: Bool = false, sixteenBits: Bool = false) throws -> Data {
        try encode(width: width, height: height) { upright, output, length in
            cupola_fixture_encode(upright, suffix, alpha ? 1 : 0, sixteenBits ? 1 : 0, &output, &length)
        }
    }

    /// The same picture as HEIF (libvips' heifsave) carrying an EXIF block. libvips writes the
    /// block in Apple's wrapping (offset 6, `Exif\0\0`, TIFF) and sets its orientation to 1.
    public static func heif(width: Int, height: Int, exif: Data) throws -> Data {
        try encode(width: width, height: height) { upright, output, length in
            _ = exif.withUnsafeBytes { buffer in
                cupola_vips_set_exif(upright, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), buffer.count, 0)
            }
            return cupola_fixture_encode(upright, ".heic", 0, 0, &output, &length)
        }
    }

    /// The same picture as a JPEG in another colour space: "grey", "cmyk" or "p3" (profile embedded).
    public static func jpeg(width: Int, height: Int, colourSpace: String) throws -> Data {
        try encode(width: width, height: height) { upright, output, length in
            cupola_fixture_jpeg_in(upright, colourSpace, &output, &length)
        }
    }

    /// Synthesises the upright picture and returns what `encoder` makes of it: a shim call that
    /// fills a g_malloc'd buffer and returns 0, or -1 with libvips' error buffer set.
    private static func encode(width: Int, height: Int,
                               _ encoder: (UnsafeMutablePointer<VipsImage>, inout UnsafeMutableRawPointer?, inout Int) -> Int32) throws -> Data {
        try VipsRuntime.start()
        var upright: UnsafeMutablePointer<VipsImage>?
        guard cupola_vips_synthesise(Int32(width), Int32(height), &upright) == 0, let upright else {
            throw Failure.vips(errorText())
        }
        defer { g_object_unref(UnsafeMutableRawPointer(upright)) }
        var output: UnsafeMutableRawPointer?
        var length = 0
        guard encoder(upright, &output, &length) == 0, let output else { throw Failure.vips(errorText()) }
        defer { g_free(output) }
        return Data(bytes: output, count: length)
    }

    private static func errorText() -> String {
        guard let copy = vips_error_buffer_copy() else { return "" }
        defer { g_free(copy) }
        let text = String(cString: copy)
        return text
    }
}
