import CCupolaShim
import CupolaCore
import Foundation

/// Pixel-level checks on encoded images, for tests and the benchmark.
public enum ImageComparison {
    /// Mean absolute difference on 0...255, or nil when the images differ in size or do not decode.
    /// With `storing` other than 1, `a` is first stored as a camera with that orientation would.
    public static func meanAbsoluteDifference(_ a: Data, _ b: Data, storing orientation: Int = 1) -> Double? {
        guard (try? VipsRuntime.start()) != nil else { return nil }
        var result = 0.0
        let status = a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in
                cupola_vips_mean_abs_difference(left.baseAddress, left.count, right.baseAddress, right.count, Int32(orientation), &result)
            }
        }
        return status == 0 ? result : nil
    }

    /// Width and height from the image's header, or nil when it is not an image.
    public static func size(_ data: Data) -> (width: Int, height: Int)? { RenditionInspector.size(data) }
}
