import Foundation

/// The IIIF Presentation 3 and Image 3 documents Cupola writes, as plain Encodable values. Only the
/// properties Cupola has something to say in are present; ids are absolute URLs under the
/// configured `[site] base_url`.
enum IIIF {
    static let presentationContext = "http://iiif.io/api/presentation/3/context.json"
    static let imageContext = "http://iiif.io/api/image/3/context.json"

    /// A language map: `{"en": ["Expedition 69"]}`; `none` for values that are no language (ids).
    struct Text: Encodable, Equatable {
        let values: [String: [String]]
        static func en(_ text: String) -> Text { Text(values: ["en": [text]]) }
        static func none(_ text: String) -> Text { Text(values: ["none": [text]]) }
        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(values)
        }
    }

    struct Pair: Encodable {
        let label: Text
        let value: Text
    }

    /// An item of a Collection: a Manifest or a Collection by reference.
    struct Reference: Encodable {
        let id: String
        let type: String
        let label: Text
        let thumbnail: [Resource]?
    }

    struct Collection: Encodable {
        let context = IIIF.presentationContext
        let id: String
        let type = "Collection"
        let label: Text
        let summary: Text?
        let items: [Reference]
        enum CodingKeys: String, CodingKey { case context = "@context", id, type, label, summary, items }
    }

    struct Manifest: Encodable {
        let context = IIIF.presentationContext
        let id: String
        let type = "Manifest"
        let label: Text
        let summary: Text?
        let partOf: [PartOf]?
        let items: [Canvas]
        enum CodingKeys: String, CodingKey { case context = "@context", id, type, label, summary, partOf, items }
    }

    struct PartOf: Encodable {
        let id: String
        let type = "Collection"
    }

    struct Canvas: Encodable {
        let id: String
        let type = "Canvas"
        let label: Text
        let width: Int
        let height: Int
        let navDate: String?
        let metadata: [Pair]?
        let thumbnail: [Resource]?
        let items: [AnnotationPage]
    }

    struct AnnotationPage: Encodable {
        let id: String
        let type = "AnnotationPage"
        let items: [Annotation]
    }

    struct Annotation: Encodable {
        let id: String
        let type = "Annotation"
        let motivation = "painting"
        let body: Resource
        let target: String
    }

    struct Resource: Encodable {
        let id: String
        let type = "Image"
        let format: String
        let width: Int
        let height: Int
        let service: [ServiceReference]?
    }

    struct ServiceReference: Encodable {
        let id: String
        let type = "ImageService3"
        let profile = "level0"
    }

    /// `info.json` of a level-0 Image API service: no image server, only the sizes that exist as
    /// files (the renditions, linked under `full/<w>,<h>/0/default.<ext>`).
    struct ImageInfo: Encodable {
        let context = IIIF.imageContext
        let id: String
        let type = "ImageService3"
        let `protocol` = "http://iiif.io/api/image"
        let profile = "level0"
        let width: Int
        let height: Int
        let sizes: [Size]
        enum CodingKeys: String, CodingKey { case context = "@context", id, type, `protocol`, profile, width, height, sizes }
    }

    struct Size: Encodable, Hashable {
        let width: Int
        let height: Int
    }
}
