/// A site frame as JSON text, written by hand: a page's data script holds thousands of frames, and
/// JSONEncoder spent more time on each than everything else the script needs. The text is exactly
/// what JSONEncoder writes with `[.sortedKeys, .withoutEscapingSlashes]` (a test holds it to that),
/// so a site written before keeps its bytes.
extension SiteFrame {
    var json: String {
        var text = "{"
        text.reserveCapacity(512)
        var separator = ""
        func field(_ key: String, _ value: String?) {
            guard let value else { return }
            text += separator + "\"" + key + "\":" + value
            separator = ","
        }
        // In key order: c e f g h i l n o r s t w x.
        field("c", c.map(Self.quoted))
        field("e", e.map(Self.number))
        field("f", f.map(Self.number))
        field("g", g.map { "[" + $0.map(Self.number).joined(separator: ",") + "]" })
        field("h", String(h))
        field("i", Self.quoted(i))
        field("l", l.map(Self.quoted))
        field("n", n.map(Self.number))
        field("o", o.map { String($0) })
        field("r", "{" + r.keys.sorted().map { name in
            Self.quoted(name) + ":[" + r[name]!.map(Self.value).joined(separator: ",") + "]"
        }.joined(separator: ",") + "}")
        field("s", Self.quoted(s))
        field("t", t.map(Self.quoted))
        field("w", String(w))
        field("x", x.map(Self.quoted))
        return text + "}"
    }

    private static func value(_ rendition: Rendition) -> String {
        switch rendition {
        case .path(let path): quoted(path)
        case .size(let size): String(size)
        }
    }

    /// Shortest text that reads back as the same number, without a trailing `.0`.
    static func number(_ value: Double) -> String {
        let text = value.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\n`… or `\u00XX`; `/` and
    /// everything beyond ASCII as they are.
    static func quoted(_ string: String) -> String {
        guard string.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            return "\"" + string + "\""
        }
        var bytes: [UInt8] = [UInt8(ascii: "\"")]
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), byte]
            case 0x08: bytes += Array("\\b".utf8)
            case 0x0C: bytes += Array("\\f".utf8)
            case 0x0A: bytes += Array("\\n".utf8)
            case 0x0D: bytes += Array("\\r".utf8)
            case 0x09: bytes += Array("\\t".utf8)
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        return String(decoding: bytes, as: UTF8.self)
    }
}
