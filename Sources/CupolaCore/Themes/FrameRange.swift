/// Frames of one mission and roll by number: `ISS069-E-30000..ISS069-E-31500` (both ends
/// included), or one frame `ISS069-E-30000`. Ends are written in any spelling NASA uses
/// (`iss069e030000` too).
public struct FrameRange: Hashable, Sendable, Codable {
    public let gallery: String
    public let roll: String
    public let first: Int
    public let last: Int

    /// Why a range cannot be read, in words for the settings error.
    public struct Malformed: Error {
        public let reason: String
    }

    public init(parsing text: String) throws(Malformed) {
        let ends = text.components(separatedBy: "..")
        guard ends.count <= 2 else { throw Malformed(reason: "\"\(text)\" has more than one \"..\"") }
        let names = ends.map { FrameName(fileName: $0.trimmingCharacters(in: .whitespaces)) }
        guard let start = names.first ?? nil else { throw Malformed(reason: "\"\(ends[0])\" is not a frame id") }
        guard let end = names.last ?? nil else { throw Malformed(reason: "\"\(ends.last!)\" is not a frame id") }
        guard start.mission == end.mission, start.roll == end.roll else {
            throw Malformed(reason: "\"\(text)\" spans two rolls; a range stays within one mission and roll")
        }
        guard start.frame <= end.frame else { throw Malformed(reason: "\"\(text)\" ends before it starts") }
        gallery = start.gallery.id
        roll = start.roll
        first = start.frame
        last = end.frame
    }

    func contains(_ frame: ThemeFacts) -> Bool {
        guard let number = frame.frameNumber, let roll = frame.roll else { return false }
        return frame.gallery == gallery && roll.uppercased() == self.roll && (first...last).contains(number)
    }
}
