/// Where everything lives in a library folder (`--library DIR`).
public struct LibraryLayout: Sendable {
    public let root: FilePathBytes

    public init(root: FilePathBytes) { self.root = root }

    public var settingsFile: FilePathBytes { root.appending("cupola.toml") }
    public var catalogFile: FilePathBytes { root.appending("catalog.sqlite") }
    public var lockFile: FilePathBytes { root.appending(".cupola.lock") }
    public var galleriesFolder: FilePathBytes { root.appending("galleries") }
    public var indexFile: FilePathBytes { galleriesFolder.appending("index.json") }

    public func galleryFolder(_ gallery: String) -> FilePathBytes { galleriesFolder.appending(gallery) }
    public func manifestFile(_ gallery: String) -> FilePathBytes { galleryFolder(gallery).appending("manifest.json") }

    /// A rendition's path relative to its gallery folder, as manifests name it.
    public static func renditionPath(_ spec: RenditionSpec, stem: String) -> String {
        "\(spec.name)/\(stem).\(spec.format.fileExtension)"
    }

    public func renditionFile(gallery: String, relativePath: String) -> FilePathBytes {
        galleryFolder(gallery).appending(relativePath)
    }
}
