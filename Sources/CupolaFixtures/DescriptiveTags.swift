import Foundation

/// Keywords, title and caption written into a JPEG the way photo tools do: an XMP packet in an
/// APP1 segment (`dc:subject`, `dc:title`, `dc:description`) and an IPTC-IIM block in an APP13
/// Photoshop resource (Keywords 2:25, ObjectName 2:05, Headline 2:105, Caption-Abstract 2:120,
/// with 1:90 saying UTF-8). Either may be left out. Segments go right after SOI.
public struct DescriptiveTags: Sendable {
    public struct Fields: Sendable {
        public var keywords: [String]
        public var title: String?
        public var caption: String?
        /// IPTC only (XMP has `photoshop:Headline`, not read).
        public var headline: String?

        public init(keywords: [String] = [], title: String? = nil, caption: String? = nil, headline: String? = nil) {
            self.keywords = keywords
            self.title = title
            self.caption = caption
            self.headline = headline
        }
    }

    public var xmp: Fields?
    public var iptc: Fields?
    /// Replaces the XMP packet written from `xmp` with these bytes (for hostile packets).
    public var rawXMP: [UInt8]?

    public init(xmp: Fields? = nil, iptc: Fields? = nil, rawXMP: [UInt8]? = nil) {
        self.xmp = xmp
        self.iptc = iptc
        self.rawXMP = rawXMP
    }

    public func embed(in jpeg: Data) -> Data {
        precondition(jpeg.starts(with: [0xFF, 0xD8]), "not a JPEG")
        var segments = Data()
        if let packet = rawXMP ?? xmp.map(Self.xmpPacket) {
            segments += Self.segment(0xE1, Array("http://ns.adobe.com/xap/1.0/\0".utf8) + packet)
        }
        if let iptc {
            let block = Self.iptcBlock(iptc)
            var resource = Array("8BIM".utf8) + [0x04, 0x04, 0, 0] + Self.bigEndian(UInt32(block.count))
            resource += block
            if block.count % 2 == 1 { resource.append(0) }
            segments += Self.segment(0xED, Array("Photoshop 3.0\0".utf8) + resource)
        }
        return jpeg.prefix(2) + segments + jpeg.dropFirst(2)
    }

    public static func xmpPacket(_ fields: Fields) -> [UInt8] {
        func alternative(_ name: String, _ value: String?) -> String {
            guard let value else { return "" }
            return "<dc:\(name)><rdf:Alt><rdf:li xml:lang=\"x-default\">\(escaped(value))</rdf:li></rdf:Alt></dc:\(name)>"
        }
        let subject = fields.keywords.isEmpty ? ""
            : "<dc:subject><rdf:Bag>" + fields.keywords.map { "<rdf:li>\(escaped($0))</rdf:li>" }.joined() + "</rdf:Bag></dc:subject>"
        let text = """
            <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\
            <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">\
            \(subject)\(alternative("title", fields.title))\(alternative("description", fields.caption))\
            </rdf:Description></rdf:RDF></x:xmpmeta>
            <?xpacket end="w"?>
            """
        return Array(text.utf8)
    }

    static func iptcBlock(_ fields: Fields) -> [UInt8] {
        var block = dataset(1, 90, [0x1B, 0x25, 0x47])
        if let title = fields.title { block += dataset(2, 5, Array(title.utf8)) }
        for keyword in fields.keywords { block += dataset(2, 25, Array(keyword.utf8)) }
        if let headline = fields.headline { block += dataset(2, 105, Array(headline.utf8)) }
        if let caption = fields.caption { block += dataset(2, 120, Array(caption.utf8)) }
        return block
    }

    private static func dataset(_ record: UInt8, _ number: UInt8, _ value: [UInt8]) -> [UInt8] {
        [0x1C, record, number, UInt8(value.count >> 8), UInt8(value.count & 0xFF)] + value
    }

    private static func segment(_ marker: UInt8, _ payload: [UInt8]) -> Data {
        precondition(payload.count + 2 <= 0xFFFF, "segment too long")
        return Data([0xFF, marker, UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 0xFF)] + payload)
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
