import Foundation

extension RenditionRenderer {
    /// A raw original's pixels for a rendition of `size`, stored orientation: through the embedded
    /// JPEG preview and the JPEG path (shrink-on-load), or through LibRaw's demosaic.
    func loadRaw(_ raw: RawOriginal, image: OpenedImage, size: Int, preference: RawPreference,
                 deadline: Date, timeLimit: Double) throws(ImagingError) -> ImageHandle {
        let route = RawRoute(raw, largest: size, preference: preference)
        switch route {
        case .preview:
            // A bitmap preview (some older cameras) is not worth a path of its own: demosaic instead.
            guard let jpeg = try raw.preview(image.buffer) else {
                return try raw.decode(image.buffer, half: max(raw.width, raw.height) / 2 >= size, deadline: deadline, timeLimit: timeLimit)
            }
            return try jpeg.withBytes { (buffer) throws(ImagingError) in
                let preview = try OpenedImage(buffer, maxMegapixels: image.maxMegapixels)
                guard preview.probe.format == .jpeg else { throw .rawDecodeFailed("the embedded preview is not a JPEG") }
                return try load(preview, size: size, preference: preference, deadline: deadline, timeLimit: timeLimit)
            }
        case .decode(let half):
            return try raw.decode(image.buffer, half: half, deadline: deadline, timeLimit: timeLimit)
        }
    }
}
