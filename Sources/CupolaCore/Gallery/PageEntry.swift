import Foundation

/// One frame as its page shows it, ready to be joined into the page: the frame object of
/// `cupola.page/1`, encoded once when the frame is recorded and kept in the catalog. Publishing a
/// page is then reading these and concatenating them; decoding the catalog's JSON columns and
/// encoding every frame of a page again cost two thirds of a one-frame run at 10^5 frames.
public struct PageEntry: Sendable {
    /// The frame's place in its gallery (`FrameOrder`).
    public let key: [UInt8]
    public let id: String
    public let captured: String?
    /// The frame object, pretty-printed and indented as it stands in a page's `frames` list.
    public let json: Data

    public init(key: [UInt8], id: String, captured: String?, json: Data) {
        self.key = key
        self.id = id
        self.captured = captured
        self.json = json
    }

    /// `listedIn`: the gallery whose page shows the frame, when not its own (a theme's).
    public init(_ frame: CatalogFrame, listedIn gallery: String? = nil) throws {
        self.init(key: frame.orderKey, id: frame.id, captured: frame.metadata.captured,
                  json: try Self.json(frame, listedIn: gallery))
    }

    /// Bump when a frame's published form changes: entries kept under another format are made
    /// again from the catalog's columns the next time their page is written.
    public static let format = 1

    /// Where a frame object sits in a page: inside the `frames` list of the page object.
    private static let indent = Array("    ".utf8)

    /// The entries of frames (by source id) whose kept entry was missing or of another format,
    /// made from their columns: each catalog keeps them and joins them into the page.
    public static func made(for frames: [Int64: CatalogFrame]) throws(CatalogError) -> [Int64: Data] {
        var made: [Int64: Data] = [:]
        do {
            for (sourceId, frame) in frames { made[sourceId] = try json(frame) }
        } catch {
            throw .io(detail: "\(error)")
        }
        return made
    }

    public static func json(_ frame: CatalogFrame, listedIn gallery: String? = nil) throws -> Data {
        let standalone = try GalleryPublisher.encoder.encode(ManifestFrame(frame, listedIn: gallery ?? frame.gallery.id))
        var indented = Data(capacity: standalone.count + standalone.count / 8)
        indented.append(contentsOf: indent)
        for byte in standalone {
            indented.append(byte)
            if byte == UInt8(ascii: "\n") { indented.append(contentsOf: indent) }
        }
        return indented
    }

    /// The page file: byte for byte what the encoder makes of `GalleryPage` (a test holds it to that).
    static func page(gallery: String, entries: [PageEntry]) throws -> Data {
        var data = Data("{\n  \"frames\" : [\n".utf8)
        for (index, entry) in entries.enumerated() {
            if index > 0 { data.append(contentsOf: Array(",\n".utf8)) }
            data.append(entry.json)
        }
        data.append(contentsOf: Array("\n  ],\n  \"gallery\" : ".utf8))
        data.append(try GalleryPublisher.encoder.encode(gallery))
        data.append(contentsOf: Array(",\n  \"schema\" : ".utf8))
        data.append(try GalleryPublisher.encoder.encode(GalleryPage.schemaName))
        data.append(contentsOf: Array("\n}\n".utf8))
        return data
    }
}
