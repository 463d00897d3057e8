import Foundation

/// Escaping for everything the site writes: frame names, titles and EXIF strings are untrusted
/// (a lens model of `<script>` must show as text), so no value reaches a page unescaped.
enum HTMLText {
    /// Text for an element's content or a quoted attribute value.
    static func escape(_ text: String) -> String {
        replacing(text, htmlEntities, startBytes: htmlEntityStarts)
    }

    private static let htmlEntities: [Unicode.Scalar: String] = ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"]

    /// JSON that may sit inside a `<script>` element: `<`, `>` and `&` become `\u003c`… so that
    /// no string can close the element, and U+2028/2029 are escaped for older JavaScript parsers.
    /// Outside strings JSON has none of these characters, so replacing them everywhere is safe.
    static func scriptSafe(_ json: String) -> String {
        replacing(json, scriptEscapes, startBytes: scriptEscapeStarts)
    }

    private static let scriptEscapes: [Unicode.Scalar: String] = [
        "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u{2028}": "\\u2028", "\u{2029}": "\\u2029",
    ]

    private static func replacing(_ text: String, _ table: [Unicode.Scalar: String], startBytes: [Bool]) -> String {
        // Nearly every string has nothing to replace: one pass over its bytes says so.
        guard text.utf8.contains(where: { startBytes[Int($0)] }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let replacement = table[scalar] { out += replacement } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// Per table, the bytes that start a character it replaces: each key is ASCII or starts with
    /// the byte 0xE2 (U+2028, U+2029). One table each, or every JSON string's `"` would look like
    /// work for `scriptSafe`.
    private static let htmlEntityStarts = startBytes(of: htmlEntities)
    private static let scriptEscapeStarts = startBytes(of: scriptEscapes)

    private static func startBytes(of table: [Unicode.Scalar: String]) -> [Bool] {
        (0..<256).map { (byte: Int) in table.keys.contains { Int(String($0).utf8.first!) == byte } }
    }

    /// A relative path made safe as a URL: each segment percent-encoded (a `#` or `?` in a file
    /// name must not cut the link short).
    static func urlPath(_ path: String) -> String {
        // Rendition paths are nearly always plain ASCII letters, digits and `-._/`: nothing to encode.
        if path.utf8.allSatisfy({ plainURLByte[Int($0)] }) { return path }
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { String($0).addingPercentEncoding(withAllowedCharacters: urlSegmentAllowed) ?? "" }
            .joined(separator: "/")
    }

    private static let urlSegmentAllowed: CharacterSet = {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/;?#%&'\"<>")
        return allowed
    }()

    private static let plainURLByte: [Bool] = (0..<256).map { byte in
        guard let scalar = Unicode.Scalar(UInt32(byte)), byte < 128 else { return false }
        return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || "-._/".unicodeScalars.contains(scalar)
    }

    /// Capture time as people read it: `2023-04-02 10:11:12.30 UTC`.
    static func time(_ iso: String?) -> String? {
        guard let iso else { return nil }
        // Twice for every frame of a page: a scalar loop, not Foundation's search-and-replace,
        // which cost more than the rest of the plain page together.
        var out = ""
        out.reserveCapacity(iso.utf8.count + 4)
        for scalar in iso.unicodeScalars {
            switch scalar {
            case "T": out += " "
            case "Z": out += " UTC"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Grouped thousands, the same in every locale (`20,000`).
    static func count(_ number: Int) -> String {
        let digits = String(number)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }

    /// Alternative text for a frame's image: its id and when it was taken.
    static func alt(id: String, captured: String?) -> String {
        captured.flatMap(time).map { "\(id), taken \($0)" } ?? id
    }
}
