import Foundation

/// What the site reads back from the published manifests (`galleries/`): the site is derived from
/// those files alone, so it can be rebuilt for any library whose manifests are in place.
struct PublishedIndex: Decodable {
    let galleries: [Entry]

    struct Entry: Decodable {
        let id: String
        let title: String
        let mission: String?
        let program: String?
        let frameCount: Int
        let captureRange: PublishedRange?
    }
}

struct PublishedRange: Decodable, Hashable {
    let first: String
    let last: String
}

/// `manifest.json` (`cupola.gallery/2`): the page list.
struct PublishedManifest: Decodable {
    let schema: String
    let gallery: Identity
    let frameCount: Int
    let captureRange: PublishedRange?
    let pages: [Page]

    struct Identity: Decodable {
        let id: String
        let title: String
    }

    struct Page: Decodable {
        let path: String
        let frameCount: Int
        let sha256: String
        let captureRange: PublishedRange?
        let firstFrame: String
        let lastFrame: String

        /// The page's name without folder and extension (`pages/0123abcd….json` → `0123abcd…`):
        /// site files derived from a page carry the same name, so they too never change once written.
        var key: String {
            let name = path.split(separator: "/").last.map(String.init) ?? path
            return name.hasSuffix(".json") ? String(name.dropLast(5)) : name
        }
    }
}

/// `pages/*.json` (`cupola.page/1`).
struct PublishedPage: Decodable {
    let schema: String
    let frames: [PublishedFrame]
}

/// One frame object of a page, the fields the site shows.
struct PublishedFrame: Decodable, Equatable {
    let id: String
    let source: String
    let format: String?
    let width: Int
    let height: Int
    let captured: String?
    let camera: Camera?
    let lens: String?
    let focalLength: Double?
    let fNumber: Double?
    let exposureTime: Double?
    let iso: Int?
    let gps: GPS?
    let renditions: [String: Rendition]

    struct Camera: Decodable, Equatable {
        let make: String?
        let model: String?
    }

    struct GPS: Decodable, Equatable {
        let latitude: Double
        let longitude: Double
        let altitude: Double?
    }

    struct Rendition: Decodable, Equatable {
        let path: String
        let width: Int
        let height: Int
    }
}

/// A published file the site could not read: names the file and why.
public struct SiteError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let reason: String

    public var description: String { "\(file): \(reason)" }
}

enum PublishedFile {
    /// A page's frames, read without JSONDecoder (`PublishedPage.frames(in:)`).
    static func frames(ofPage path: FilePathBytes) throws -> [PublishedFrame] {
        try read(at: path, as: "page", PublishedPage.frames(in:))
    }

    static func read<T: Decodable>(_ type: T.Type, at path: FilePathBytes) throws -> T {
        try read(at: path, as: "manifest") { try JSONDecoder().decode(type, from: $0) }
    }

    /// The file's bytes through `parse`; a file that cannot be read or parsed is named with why.
    private static func read<T>(at path: FilePathBytes, as kind: String, _ parse: (Data) throws -> T) throws -> T {
        guard let data = FileManager.default.contents(atPath: path.description) else {
            throw SiteError(file: path.description, reason: "cannot read the published file")
        }
        do {
            return try parse(data)
        } catch {
            throw SiteError(file: path.description, reason: "not a \(kind) the site can read (\(error))")
        }
    }
}
