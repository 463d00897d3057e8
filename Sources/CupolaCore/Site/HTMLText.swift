import Foundation

/// Escaping for everything the site writes: frame names, titles and EXIF strings are untrusted
/// (a lens model of `<script>` must show as text), so no value reaches a page unescaped.
enum HTMLText {
    /// Text for an element's content or a quoted attribute value.
    static func escape(_ text: String) -> String {
        replacing(text, htmlEntities)
    }

    private static let htmlEntities: [Unicode.Scalar: String] = ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"]

    /// JSON that may sit inside a `<script>` element: `<`, `>` and `&` become `\u003c`… so that
    /// no string can close the element, and U+2028/2029 are escaped for older JavaScript parsers.
    /// Outside strings JSON has none of these characters, so replacing them everywhere is safe.
    static func scriptSafe(_ json: String) -> String {
        replacing(json, scriptEscapes)
    }

    private static let scriptEscapes: [Unicode.Scalar: String] = [
        "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u{2028}": "\\u2028", "\u{2029}": "\\u2029",
    ]

    private static func replacing(_ text: String, _ table: [Unicode.Scalar: String]) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let replacement = table[scalar] { out += replacement } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// A relative path made safe as a URL: each segment percent-encoded (a `#` or `?` in a file
    /// name must not cut the link short).
    static func urlPath(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/;?#%&'\"<>")
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { String($0).addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
            .joined(separator: "/")
    }

    /// Capture time as people read it: `2023-04-02 10:11:12.30 UTC`.
    static func time(_ iso: String?) -> String? {
        guard let iso else { return nil }
        return iso.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
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
