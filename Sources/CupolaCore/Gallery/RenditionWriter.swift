/// Puts encoded renditions in their gallery folders.
enum RenditionWriter {
    /// Writes every rendition under a temporary name and renames it into place, so a rendition file
    /// is always whole; the catalog learns of them only after all are written.
    static func write(_ rendered: [RenderedRendition], gallery: String, stem: String,
                      layout: LibraryLayout) throws -> [RenditionRecord] {
        try rendered.map { rendition in
            let relative = LibraryLayout.renditionPath(rendition.spec, stem: stem)
            let file = layout.renditionFile(gallery: gallery, relativePath: relative)
            try AtomicFile.makeFolder(file.parent)
            // No fsync per rendition: a kill cannot lose them, and after a power cut
            // `cupola verify --repair` rebuilds any that did not reach the disk.
            try AtomicFile.write(rendition.data, to: file, durable: false)
            return RenditionRecord(name: rendition.spec.name, fingerprint: rendition.spec.fingerprint, path: relative,
                                   bytes: rendition.data.count, width: rendition.width, height: rendition.height)
        }
    }
}
