/// The XMP packet (APP1, `http://ns.adobe.com/xap/1.0/`) and the IPTC-IIM block (APP13,
/// `Photoshop 3.0`, resource 0x0404) of a JPEG, found by walking its marker segments up to the
/// first scan. Every length is checked against the bytes there are: a cut or lying file gives
/// less, never a read past the end.
struct JPEGSegments {
    var xmp: [UInt8]?
    var iptc: [UInt8]?

    static let xmpHeader = Array("http://ns.adobe.com/xap/1.0/\0".utf8)
    static let photoshopHeader = Array("Photoshop 3.0\0".utf8)

    init(_ jpeg: UnsafeRawBufferPointer) {
        guard jpeg.count >= 4, jpeg[0] == 0xFF, jpeg[1] == 0xD8 else { return }
        var at = 2
        while at + 4 <= jpeg.count {
            guard jpeg[at] == 0xFF else { return }
            let marker = jpeg[at + 1]
            if marker == 0xFF { at += 1; continue }   // fill byte
            if marker == 0xD9 || marker == 0xDA { return }   // end of image, start of scan
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { at += 2; continue }   // no length
            let length = Int(jpeg[at + 2]) << 8 | Int(jpeg[at + 3])
            guard length >= 2, at + 2 + length <= jpeg.count else { return }
            let payload = UnsafeRawBufferPointer(rebasing: jpeg[(at + 4)..<(at + 2 + length)])
            if marker == 0xE1, xmp == nil, payload.starts(with: Self.xmpHeader) {
                xmp = Array(payload.dropFirst(Self.xmpHeader.count))
            } else if marker == 0xED, iptc == nil, payload.starts(with: Self.photoshopHeader) {
                iptc = Self.iptcResource(Array(payload.dropFirst(Self.photoshopHeader.count)))
            }
            at += 2 + length
        }
    }

    /// The IPTC-NAA resource (0x0404) among Photoshop's image resource blocks:
    /// `8BIM`, id (2 bytes), Pascal name padded to even, size (4 bytes), data padded to even.
    static func iptcResource(_ bytes: [UInt8]) -> [UInt8]? {
        var at = 0
        while at + 12 <= bytes.count, bytes[at..<at + 4].elementsEqual("8BIM".utf8) {
            let id = Int(bytes[at + 4]) << 8 | Int(bytes[at + 5])
            let nameLength = Int(bytes[at + 6])
            var next = at + 6 + nameLength + 1
            if (nameLength + 1) % 2 == 1 { next += 1 }
            guard next + 4 <= bytes.count else { return nil }
            let size = bytes[next..<next + 4].reduce(0) { $0 << 8 | Int($1) }
            let start = next + 4
            guard size >= 0, size <= bytes.count - start else { return nil }
            if id == 0x0404 { return Array(bytes[start..<start + size]) }
            at = start + size + size % 2
        }
        return nil
    }
}
