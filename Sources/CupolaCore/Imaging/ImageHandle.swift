import CVips
import Foundation

/// Owns one libvips image reference and releases it when dropped; the pointer never leaves
/// the Imaging folder.
final class ImageHandle {
    let pointer: UnsafeMutablePointer<VipsImage>

    init(_ pointer: UnsafeMutablePointer<VipsImage>) { self.pointer = pointer }

    deinit { g_object_unref(UnsafeMutableRawPointer(pointer)) }

    var width: Int { Int(vips_image_get_width(pointer)) }
    var height: Int { Int(vips_image_get_height(pointer)) }
    /// Pixels already in memory (nothing left to evaluate).
    var isResident: Bool { pointer.pointee.data != nil }
    var pages: Int { max(1, Int(vips_image_get_n_pages(pointer))) }

    func integer(_ name: String) -> Int? {
        guard vips_image_get_typeof(pointer, name) != 0 else { return nil }
        var value: Int32 = 0
        return vips_image_get_int(pointer, name, &value) == 0 ? Int(value) : nil
    }

    func blob(_ name: String) -> Data? {
        guard vips_image_get_typeof(pointer, name) != 0 else { return nil }
        var data: UnsafeRawPointer?
        var length = 0
        guard vips_image_get_blob(pointer, name, &data, &length) == 0, let data, length > 0 else { return nil }
        return Data(bytes: data, count: length)
    }
}
