import CCupolaShim
import Foundation

/// Checks an existing rendition file: its header size, and with `decodes`, every pixel.
public enum RenditionInspector {
    public static func size(_ data: Data) -> (width: Int, height: Int)? {
        guard (try? VipsRuntime.start()) != nil else { return nil }
        var width: Int32 = 0, height: Int32 = 0
        let status = data.withUnsafeBytes { cupola_vips_size($0.baseAddress, $0.count, &width, &height) }
        _ = VipsRuntime.takeErrorText()
        return status == 0 ? (Int(width), Int(height)) : nil
    }

    public static func decodes(_ data: Data) -> Bool {
        guard (try? VipsRuntime.start()) != nil else { return false }
        let status = data.withUnsafeBytes { cupola_vips_decode_check($0.baseAddress, $0.count) }
        _ = VipsRuntime.takeErrorText()
        return status == 0
    }
}
