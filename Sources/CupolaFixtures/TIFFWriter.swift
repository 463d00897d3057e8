import Foundation

/// A little-endian TIFF laid out from IFDs and data blocks, enough for DNG fixtures: every IFD
/// with its out-of-line values, then the data blocks (pixel strips), in the order given.
struct TIFFWriter {
    enum FieldType: UInt16 { case byte = 1, ascii = 2, short = 3, long = 4, rational = 5, srational = 10 }

    struct Entry {
        let tag: UInt16
        let type: FieldType
        let count: UInt32
        var payload: [UInt8]
    }

    /// One IFD. Entries that point somewhere (`pointer`) are filled in when the file is laid out.
    struct IFD {
        var entries: [Entry] = []
        var pointers: [(tag: UInt16, targets: [Target])] = []

        mutating func ascii(_ tag: UInt16, _ text: String) {
            let bytes = Array(text.utf8) + [0]
            entries.append(Entry(tag: tag, type: .ascii, count: UInt32(bytes.count), payload: bytes))
        }
        mutating func bytes(_ tag: UInt16, _ values: [UInt8]) {
            entries.append(Entry(tag: tag, type: .byte, count: UInt32(values.count), payload: values))
        }
        mutating func shorts(_ tag: UInt16, _ values: [UInt16]) {
            entries.append(Entry(tag: tag, type: .short, count: UInt32(values.count), payload: values.flatMap(TIFFWriter.le16)))
        }
        mutating func long(_ tag: UInt16, _ value: UInt32) {
            entries.append(Entry(tag: tag, type: .long, count: 1, payload: TIFFWriter.le32(value)))
        }
        mutating func rationals(_ tag: UInt16, _ values: [(UInt32, UInt32)]) {
            entries.append(Entry(tag: tag, type: .rational, count: UInt32(values.count),
                                 payload: values.flatMap { TIFFWriter.le32($0.0) + TIFFWriter.le32($0.1) }))
        }
        mutating func signedRationals(_ tag: UInt16, _ values: [(Int32, Int32)]) {
            entries.append(Entry(tag: tag, type: .srational, count: UInt32(values.count),
                                 payload: values.flatMap { TIFFWriter.le32(UInt32(bitPattern: $0.0)) + TIFFWriter.le32(UInt32(bitPattern: $0.1)) }))
        }
        /// A LONG whose value is the offset of another IFD or a data block.
        mutating func pointer(_ tag: UInt16, to target: Target) {
            pointers(tag, to: [target])
        }
        /// LONGs pointing at several IFDs or blocks (NEF's SubIFDs: the preview, then the raw data).
        mutating func pointers(_ tag: UInt16, to targets: [Target]) {
            entries.append(Entry(tag: tag, type: .long, count: UInt32(targets.count), payload: [UInt8](repeating: 0, count: 4 * targets.count)))
            pointers.append((tag, targets))
        }

        var size: Int {
            2 + 12 * entries.count + 4 + entries.reduce(0) { $0 + ($1.payload.count > 4 ? ($1.payload.count + 1) & ~1 : 0) }
        }
    }

    enum Target { case ifd(Int), block(Int) }

    var ifds: [IFD] = []
    var blocks: [Data] = []
    /// The blocks before the IFDs instead of after them: legal TIFF, and the IFDs then lie past
    /// the head of the file that EXIF readers are often given.
    var blocksFirst = false

    /// The file: header, IFD 0 first (the others reached through pointers), then the blocks; or
    /// the blocks first when `blocksFirst`.
    func write() -> Data {
        var offsets: [Int] = []
        var blockOffsets: [Int] = []
        var next = 8
        func layBlocks() { for block in blocks { blockOffsets.append(next); next += (block.count + 1) & ~1 } }
        if blocksFirst { layBlocks() }
        for ifd in ifds { offsets.append(next); next += ifd.size }
        if !blocksFirst { layBlocks() }
        var file: [UInt8] = [0x49, 0x49, 0x2A, 0x00] + Self.le32(UInt32(offsets.first ?? 8))
        if blocksFirst {
            for block in blocks { file += block; if block.count % 2 == 1 { file.append(0) } }
        }
        for (index, ifd) in ifds.enumerated() {
            var entries = ifd.entries
            for (tag, targets) in ifd.pointers {
                let values = targets.map { target -> Int in
                    switch target { case .ifd(let n): return offsets[n]; case .block(let n): return blockOffsets[n] }
                }
                if let at = entries.firstIndex(where: { $0.tag == tag }) { entries[at].payload = values.flatMap { Self.le32(UInt32($0)) } }
            }
            entries.sort { $0.tag < $1.tag }
            var extra = offsets[index] + 2 + 12 * entries.count + 4
            var values: [UInt8] = []
            file += Self.le16(UInt16(entries.count))
            for entry in entries {
                file += Self.le16(entry.tag) + Self.le16(entry.type.rawValue) + Self.le32(entry.count)
                if entry.payload.count <= 4 {
                    file += entry.payload + [UInt8](repeating: 0, count: 4 - entry.payload.count)
                } else {
                    file += Self.le32(UInt32(extra))
                    let padded = entry.payload + (entry.payload.count % 2 == 1 ? [0] : [])
                    values += padded
                    extra += padded.count
                }
            }
            file += Self.le32(0) + values
        }
        var data = Data(file)
        for block in blocks where !blocksFirst {
            data += block
            if block.count % 2 == 1 { data.append(0) }
        }
        return data
    }

    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
}
