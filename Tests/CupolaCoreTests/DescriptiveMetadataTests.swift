@testable import CupolaCore
import CupolaFixtures
import Foundation
import Testing

/// Keywords, titles and captions from XMP and IPTC-IIM: read as ExifTool reads them, merged into
/// the manifest, and hostile XMP refused without harm.
@Suite("Keywords, titles and captions")
struct DescriptiveMetadataTests {

    static let xmpFields = DescriptiveTags.Fields(
        keywords: ["EVA", "Spacewalk", "Océan & <Ciel>", "Ünity node"], title: "Préparation de la sortie",
        caption: "Two crew members outside the station; \"Quest\" airlock in view.")
    static let iptcFields = DescriptiveTags.Fields(
        keywords: ["eva", "Canadarm2", "Zvezda – Звезда"], title: "Object name", caption: "Caption-Abstract: Earth limb, 408 km.",
        headline: "Headline here")

    func jpeg(_ tags: DescriptiveTags) throws -> Data {
        tags.embed(in: try SyntheticImage.jpeg(width: 160, height: 120))
    }

    func segments(_ data: Data) -> JPEGSegments { data.withUnsafeBytes { JPEGSegments($0) } }

    func exifTool(_ file: URL) throws -> [String: Any] {
        try ExifTool.read(file, ["-G1", "-XMP-dc:Subject", "-XMP-dc:Title", "-XMP-dc:Description", "-IPTC:Keywords",
                                 "-IPTC:ObjectName", "-IPTC:Headline", "-IPTC:Caption-Abstract"])
    }

    /// ExifTool writes one value as a string and several as a list.
    func list(_ value: Any?) -> [String] {
        if let one = value as? String { return [one] }
        return value as? [String] ?? []
    }

    @Test("XMP and IPTC-IIM read as ExifTool reads the same file",
          .enabled(if: ExifTool.isInstalled, ExifTool.absentMessage))
    func againstExifTool() throws {
        let folder = TemporaryFolder()
        let file = folder.write(try jpeg(DescriptiveTags(xmp: Self.xmpFields, iptc: Self.iptcFields)), to: "tagged.jpg")
        let tool = try exifTool(file)
        let found = segments(try Data(contentsOf: file))

        let xmp = try XMPPacket(try #require(found.xmp))
        #expect(xmp.keywords == list(tool["XMP-dc:Subject"]))
        #expect(xmp.title == tool["XMP-dc:Title"] as? String)
        #expect(xmp.description == tool["XMP-dc:Description"] as? String)
        #expect(xmp.keywords == Self.xmpFields.keywords)

        let iptc = IPTCRecord(try #require(found.iptc))
        #expect(iptc.keywords == list(tool["IPTC:Keywords"]))
        #expect(iptc.objectName == tool["IPTC:ObjectName"] as? String)
        #expect(iptc.headline == tool["IPTC:Headline"] as? String)
        #expect(iptc.caption == tool["IPTC:Caption-Abstract"] as? String)
        #expect(iptc.keywords == Self.iptcFields.keywords)
    }

    @Test("the manifest has XMP's title and caption and the keywords of both, each once whatever its case")
    func inTheManifest() async throws {
        let folder = TemporaryFolder()
        _ = folder.write(try jpeg(DescriptiveTags(xmp: Self.xmpFields, iptc: Self.iptcFields)), to: "in/ISS069-E-1.jpg")
        _ = folder.write(try jpeg(DescriptiveTags(iptc: Self.iptcFields)), to: "in/ISS069-E-2.jpg")
        _ = folder.write(try SyntheticImage.jpeg(width: 160, height: 120), to: "in/ISS069-E-3.jpg")
        let library = folder.url.appendingPathComponent("lib").path
        #expect(try await TestIngest.run([folder.url.appendingPathComponent("in").path], library: library).ingested == 3)
        let frames = Dictionary(uniqueKeysWithValues: try TestIngest.frames(library, gallery: "iss069").map { ($0["id"] as! String, $0) })

        let both = try #require(frames["ISS069-E-1"])
        #expect(both["keywords"] as? [String] == ["EVA", "Spacewalk", "Océan & <Ciel>", "Ünity node", "Canadarm2", "Zvezda – Звезда"])
        #expect(both["title"] as? String == "Préparation de la sortie")
        #expect(both["caption"] as? String == Self.xmpFields.caption)
        let iptcOnly = try #require(frames["ISS069-E-2"])
        #expect(iptcOnly["keywords"] as? [String] == Self.iptcFields.keywords)
        #expect(iptcOnly["title"] as? String == "Object name")
        #expect(iptcOnly["caption"] as? String == Self.iptcFields.caption)
        let none = try #require(frames["ISS069-E-3"])
        #expect(none["keywords"] == nil && none["title"] == nil && none["caption"] == nil)
        let schema = try SchemaCheck.problems(galleries: "\(library)/galleries")
        #expect(schema.status == 0, "\(schema.output)")
    }

    @Test("IPTC: Headline stands in for a missing ObjectName; Latin-1 text without the UTF-8 mark is read as Latin-1; control characters go")
    func iptcDetails() {
        var block: [UInt8] = [0x1C, 2, 105, 0, 8] + Array("Headline".utf8)
        block += [0x1C, 2, 25, 0, 5, 0x43, 0x61, 0x66, 0xE9, 0x07]   // "Café" in Latin-1, then BEL
        let record = IPTCRecord(block)
        let descriptive = DescriptiveMetadata(segments: JPEGSegments.with(iptc: block))
        #expect(record.keywords == ["Café"])
        #expect(descriptive.title == "Headline")
        // A dataset longer than the block ends the walk without reading past it.
        #expect(IPTCRecord([0x1C, 2, 25, 0x00, 0xFF, 0x41]).keywords.isEmpty)
        #expect(IPTCRecord([0x1C, 2, 25, 0x80, 0x04, 0, 0, 0, 1, 0x41]).keywords.isEmpty)
    }

    static let hostile: [(String, String)] = [
        ("entity expansion", """
            <?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\
            <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">\
            <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">\
            <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>\
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\
            <rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:subject><rdf:Bag><rdf:li>&h;</rdf:li>\
            </rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>
            """),
        ("external entity", """
            <!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]><x:xmpmeta xmlns:x="adobe:ns:meta/">&secret;</x:xmpmeta>
            """),
        ("undeclared entity", """
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&lol9;</rdf:RDF></x:xmpmeta>
            """),
        ("malformed", "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF><dc:subject></x:xmpmeta"),
        ("deep nesting", String(repeating: "<a>", count: 20_000) + String(repeating: "</a>", count: 1)),
        // Found by `make fuzz`: Foundation's parser trapped on this element name.
        ("invalid UTF-8 in a name", "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf\u{FFFF}ag></rdf\u{FFFF}ag></x:xmpmeta>"),
        ("binary", String(decoding: (0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }, as: UTF8.self)),
    ]

    @Test("hostile XMP is refused quickly with a reason, and nothing of it is kept", arguments: hostile.map(\.0))
    func hostilePacket(name: String) throws {
        var packet = Array(Self.hostile.first { $0.0 == name }!.1.utf8)
        // U+FFFF stands for the bytes the fuzzer found: C6 C0 is no UTF-8 sequence.
        if let at = packet.firstRange(of: Array("\u{FFFF}".utf8)) {
            packet.replaceSubrange(at, with: [0xC6, 0xC0])
            packet.replaceSubrange(packet.firstRange(of: Array("\u{FFFF}".utf8))!, with: [0xC6, 0xC0])
        }
        let start = Date()
        #expect(throws: XMPPacket.Refused.self) { try XMPPacket(packet) }
        #expect(Date().timeIntervalSince(start) < 2)
        let descriptive = DescriptiveMetadata(segments: JPEGSegments.with(xmp: packet))
        #expect(descriptive.keywords.isEmpty)
        #expect(descriptive.warnings.count == 1)
        #expect(descriptive.warnings.first?.hasPrefix("XMP packet not read: ") == true)
    }

    @Test("processing instructions are passed over, one without data too (Foundation's parser crashed on it)")
    func instructionWithoutData() throws {
        var packet = DescriptiveTags.xmpPacket(.init(keywords: ["kept"]))
        packet.insert(contentsOf: Array("<?x?><?y ?>".utf8), at: packet.firstRange(of: Array("<x:xmpmeta".utf8))!.lowerBound)
        #expect(try XMPPacket(packet).keywords == ["kept"])
        #expect(throws: XMPPacket.Refused.self) { try XMPPacket(Array("<?x <x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>".utf8)) }
    }

    @Test("a packet larger than a segment holds is refused before parsing")
    func hugePacket() {
        let packet = Array("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">".utf8) + [UInt8](repeating: 0x20, count: 200_000) + Array("</x:xmpmeta>".utf8)
        #expect(throws: XMPPacket.Refused.self) { try XMPPacket(packet) }
    }

    @Test("a frame with hostile XMP is still ingested, with a warning, and its IPTC keywords are kept")
    func hostileFrameIngested() async throws {
        let folder = TemporaryFolder()
        let packet = Array(Self.hostile[0].1.utf8)
        _ = folder.write(try jpeg(DescriptiveTags(iptc: .init(keywords: ["kept"]), rawXMP: packet)), to: "in/ISS069-E-7.jpg")
        let library = folder.url.appendingPathComponent("lib").path
        let summary = try await TestIngest.run([folder.url.appendingPathComponent("in").path], library: library)
        #expect(summary.ingested == 1)
        let frame = try #require(try TestIngest.frames(library, gallery: "iss069").first)
        #expect(frame["keywords"] as? [String] == ["kept"])
        let warnings = frame["warnings"] as? [String] ?? []
        #expect(warnings == ["XMP packet not read: it declares a DTD or entities"])
    }

    @Test("segments that lie about their length are not read past the end of the file")
    func cutSegments() throws {
        let whole = try jpeg(DescriptiveTags(xmp: Self.xmpFields, iptc: Self.iptcFields))
        for length in stride(from: 2, to: 700, by: 7) {
            let found = segments(whole.prefix(length))
            if let xmp = found.xmp { _ = try? XMPPacket(xmp) }
            if let iptc = found.iptc { _ = IPTCRecord(iptc) }
        }
        #expect(segments(whole).xmp != nil)
        #expect(segments(whole).iptc != nil)
    }
}

extension JPEGSegments {
    static func with(xmp: [UInt8]? = nil, iptc: [UInt8]? = nil) -> JPEGSegments {
        var segments = JPEGSegments(UnsafeRawBufferPointer(start: nil, count: 0))
        segments.xmp = xmp
        segments.iptc = iptc
        return segments
    }
}
