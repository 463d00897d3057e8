import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The Dublin Core properties of an XMP packet: `dc:subject` (a bag of keywords), `dc:title` and
/// `dc:description` (language alternatives: `x-default` first, else the first given), read with
/// Foundation's XML parser (libxml2). A packet that declares a DTD or entities is refused before
/// parsing (XMP never needs one, and entity expansion is how a small packet becomes a huge
/// document), as is one larger than a JPEG segment can carry, one that is not UTF-8 (Foundation's
/// parser was found by the fuzzer to trap on invalid UTF-8 in a name), or one the parser finds
/// malformed.
struct XMPPacket {
    var keywords: [String] = []
    var title: String?
    var description: String?

    /// An APP1 segment holds at most 65,533 bytes; extended XMP is not read.
    static let maximumBytes = 65_535
    /// Elements in one packet: a camera writes a few dozen.
    static let maximumElements = 10_000

    struct Refused: Error, CustomStringConvertible {
        let reason: String
        var description: String { "XMP packet not read: \(reason)" }
    }

    init(_ bytes: [UInt8]) throws(Refused) {
        guard bytes.count <= Self.maximumBytes else { throw Refused(reason: "\(bytes.count) bytes, over the \(Self.maximumBytes) a segment holds") }
        // XMP in JPEG is UTF-8; FoundationXML traps on some invalid sequences libxml2 passes on.
        guard String(validating: bytes, as: UTF8.self) != nil else { throw Refused(reason: "not UTF-8 text") }
        for declaration in ["<!DOCTYPE", "<!ENTITY"] where Self.contains(bytes, Array(declaration.utf8)) {
            throw Refused(reason: "it declares a DTD or entities")
        }
        // The packet wrapper's trailing padding and NULs are no part of the XML.
        let end = bytes.lastIndex(where: { $0 == UInt8(ascii: ">") }).map { $0 + 1 } ?? 0
        let document = try Self.blankingInstructions(Array(bytes[..<end]))
        let reader = DublinCoreReader()
        let parser = XMLParser(data: Data(document))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        guard parser.parse(), reader.refusal == nil else {
            throw Refused(reason: reader.refusal ?? "malformed XML (\(parser.parserError.map { "\($0)" } ?? "parse failed"))")
        }
        // libxml2 as Foundation drives it accepts a document cut inside an element: count them.
        guard reader.elements > 0, reader.depth == 0 else { throw Refused(reason: "malformed XML (an element is not closed)") }
        keywords = reader.keywords
        title = reader.title.chosen
        description = reader.caption.chosen
    }

    /// Processing instructions (the `<?xpacket …?>` wrapper, an XML declaration) carry nothing
    /// read here, and Foundation's parser crashes on one without data (`<?x?>`: strlen of NULL,
    /// found by `make fuzz`): each is overwritten with spaces before parsing, byte for byte.
    private static func blankingInstructions(_ bytes: [UInt8]) throws(Refused) -> [UInt8] {
        var document = bytes
        var at = 0
        while at + 1 < document.count {
            guard document[at] == UInt8(ascii: "<"), document[at + 1] == UInt8(ascii: "?") else { at += 1; continue }
            var close = at + 2
            while close + 1 < document.count && !(document[close] == UInt8(ascii: "?") && document[close + 1] == UInt8(ascii: ">")) {
                close += 1
            }
            guard close + 1 < document.count else { throw Refused(reason: "malformed XML (a processing instruction is not closed)") }
            for index in at...(close + 1) { document[index] = UInt8(ascii: " ") }
            at = close + 2
        }
        return document
    }

    private static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard bytes.count >= needle.count else { return false }
        for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
            if bytes[start..<start + needle.count].elementsEqual(needle) { return true }
        }
        return false
    }
}

/// Collects `rdf:li` texts under `dc:subject`, `dc:title` and `dc:description`.
private final class DublinCoreReader: NSObject, XMLParserDelegate {
    static let dublinCore = "http://purl.org/dc/elements/1.1/"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

    struct Alternatives {
        var byDefault: String?
        var first: String?
        var chosen: String? { byDefault ?? first }
    }

    var keywords: [String] = []
    var title = Alternatives()
    var caption = Alternatives()
    var refusal: String?
    private var property: String?
    private var itemLanguage: String?
    private var text: [UInt8]?
    private(set) var elements = 0
    private(set) var depth = 0

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements += 1
        depth += 1
        if elements > XMPPacket.maximumElements {
            refusal = "more than \(XMPPacket.maximumElements) elements"
            parser.abortParsing()
            return
        }
        if namespaceURI == Self.dublinCore, ["subject", "title", "description"].contains(name) {
            property = name
        } else if property != nil, namespaceURI == Self.rdf, name == "li" {
            itemLanguage = attributes["xml:lang"] ?? attributes["lang"]
            text = []
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard text != nil else { return }
        text! += string.utf8
        if text!.count > XMPPacket.maximumBytes { text = Array(text!.prefix(XMPPacket.maximumBytes)) }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        depth -= 1
        if namespaceURI == Self.rdf, name == "li", let bytes = text {
            text = nil
            guard let value = ExifText.clean(bytes) else { return }
            switch property {
            case "subject": keywords.append(value)
            case "title": choose(value, into: &title)
            case "description": choose(value, into: &caption)
            default: break
            }
        } else if namespaceURI == Self.dublinCore, name == property {
            property = nil
        }
    }

    private func choose(_ value: String, into alternatives: inout Alternatives) {
        if itemLanguage == "x-default", alternatives.byDefault == nil { alternatives.byDefault = value }
        if alternatives.first == nil { alternatives.first = value }
    }

    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        refusal = "it declares entities"
        parser.abortParsing()
    }
}
