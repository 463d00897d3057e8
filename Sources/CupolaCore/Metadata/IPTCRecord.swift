/// The descriptive datasets of an IPTC-IIM block (record 2): Keywords (2:25, repeated),
/// ObjectName (2:05), Headline (2:105) and Caption-Abstract (2:120). Text is UTF-8 when the block
/// says so (1:90 `ESC % G`) or when the bytes are valid UTF-8, otherwise ISO 8859-1, as IIM 4
/// defaults to. Datasets are walked with every length checked; extended lengths (over 32 KiB,
/// never used for text) end the walk.
struct IPTCRecord {
    var keywords: [String] = []
    var objectName: String?
    var headline: String?
    var caption: String?

    init(_ bytes: [UInt8]) {
        var at = 0
        var utf8 = false
        while at + 5 <= bytes.count, bytes[at] == 0x1C {
            let record = bytes[at + 1], dataset = bytes[at + 2]
            let length = Int(bytes[at + 3]) << 8 | Int(bytes[at + 4])
            guard length & 0x8000 == 0, at + 5 + length <= bytes.count else { return }
            let value = Array(bytes[(at + 5)..<(at + 5 + length)])
            at += 5 + length
            if record == 1 && dataset == 90 { utf8 = value == [0x1B, 0x25, 0x47] }
            guard record == 2 else { continue }
            let text = { Self.text(value, utf8: utf8) }
            switch dataset {
            case 25: if let keyword = text() { keywords.append(keyword) }
            case 5: objectName = objectName ?? text()
            case 105: headline = headline ?? text()
            case 120: caption = caption ?? text()
            default: break
            }
        }
    }

    private static func text(_ bytes: [UInt8], utf8: Bool) -> String? {
        if utf8 || String(validating: bytes, as: UTF8.self) != nil { return ExifText.clean(bytes) }
        let latin1 = String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        return ExifText.clean(Array(latin1.utf8))
    }
}
