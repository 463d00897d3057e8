/// Keywords, title and caption from a JPEG's XMP and IPTC-IIM blocks, where it carries them.
/// XMP wins where both give a value (it is what current tools write; IPTC-IIM is its older
/// form); keywords from both are kept once each, compared without regard to case, XMP's first.
/// Values are cleaned like every other string (`ExifText`) and bounded in length and number.
struct DescriptiveMetadata {
    var keywords: [String] = []
    var title: String?
    var caption: String?
    var warnings: [String] = []

    static let maximumKeywords = 256
    static let maximumKeywordLength = 256
    static let maximumTextLength = 8_192

    init(jpeg: UnsafeRawBufferPointer) {
        self.init(segments: JPEGSegments(jpeg))
    }

    init(segments: JPEGSegments) {
        var xmp: XMPPacket?
        if let packet = segments.xmp {
            do {
                xmp = try XMPPacket(packet)
            } catch {
                warnings.append(error.description)
            }
        }
        let iptc = segments.iptc.map(IPTCRecord.init)
        var seen: Set<String> = []
        for keyword in (xmp?.keywords ?? []) + (iptc?.keywords ?? []) {
            let kept = Self.bounded(keyword, Self.maximumKeywordLength)
            guard keywords.count < Self.maximumKeywords, seen.insert(kept.lowercased()).inserted else { continue }
            keywords.append(kept)
        }
        title = (xmp?.title ?? iptc?.objectName ?? iptc?.headline).map { Self.bounded($0, Self.maximumTextLength) }
        caption = (xmp?.description ?? iptc?.caption).map { Self.bounded($0, Self.maximumTextLength) }
    }

    private static func bounded(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit))
    }

    /// Adds what was found to a frame's metadata; absent values stay nil.
    func apply(to metadata: inout FrameMetadata) {
        metadata.keywords = keywords.isEmpty ? nil : keywords
        metadata.title = title
        metadata.caption = caption
        metadata.warnings += warnings
    }
}
