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

    /// Where `--originals copy|move` keeps a frame's original: named by the frame's unique stem.
    public func originalCopy(gallery: String, stem: String, sourceName: [UInt8]) -> FilePathBytes {
        let name = FilePathBytes.display(sourceName)
        let suffix = name.split(separator: ".").count > 1 ? "." + (name.split(separator: ".").last.map { String($0).lowercased() } ?? "") : ""
        let safeSuffix = suffix.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == ".") } ? suffix : ""
        return root.appending("originals").appending(gallery).appending(stem + safeSuffix)
    }
    public func manifestFile(_ gallery: String) -> FilePathBytes { galleryFolder(gallery).appending("manifest.json") }

    /// A rendition's path relative to its gallery folder, as manifests name it.
    public static func renditionPath(_ spec: RenditionSpec, stem: String) -> String {
        "\(spec.name)/\(stem).\(spec.format.fileExtension)"
    }

    public func renditionFile(gallery: String, relativePath: String) -> FilePathBytes {
        galleryFolder(gallery).appending(relativePath)
    }
}
