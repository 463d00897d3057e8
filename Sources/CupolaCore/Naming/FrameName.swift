/// A NASA Mission-Roll-Frame name: `ISS069-E-12345` (digital), `STS098-312-20` (film roll).
public struct FrameName: Hashable, Sendable, Codable {
    public enum Program: String, Sendable, Codable { case iss = "ISS", sts = "STS" }

    public let program: Program
    public let missionNumber: Int
    public let roll: String
    public let frame: Int

    /// `ISS069`: the mission code as NASA writes it.
    public var mission: String { program.rawValue + Self.threeDigits(missionNumber) }
    /// `ISS069-E-12345`: the canonical id, frame number without leading zeros.
    public var id: String { "\(mission)-\(roll)-\(frame)" }
    public var gallery: GalleryIdentity { GalleryIdentity(name: self) }

    /// Parses a file name (with or without extension) in either of NASA's spellings:
    /// `ISS069-E-12345.JPG` or the compact `iss069e012345.jpg`; shuttle `STS102-E-5223`;
    /// film rolls `sts098-312-0020`.
    public init?(fileName: String) {
        let stem = fileName.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first
            .map(String.init) ?? fileName
        let upper = Array(stem.uppercased().utf8)
        guard upper.count >= 6,
              let program = Program(rawValue: String(decoding: upper[0..<3], as: UTF8.self)),
              let mission = Self.number(upper[3..<6]),
              // No mission is numbered 0: "ISS000" would make an "Expedition 0" gallery.
              mission > 0 else { return nil }
        let rest = upper[6...]
        if rest.first == UInt8(ascii: "-") {
            let parts = rest.dropFirst().split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 4,
                  parts[0].allSatisfy(Self.isAlphanumeric),
                  (1...7).contains(parts[1].count), let frame = Self.number(parts[1]) else { return nil }
            self.init(program: program, missionNumber: mission,
                      roll: String(decoding: parts[0], as: UTF8.self), frame: frame)
        } else {
            // Compact form: one roll letter, then 5 to 7 frame digits.
            guard let letter = rest.first, Self.isLetter(letter),
                  (5...7).contains(rest.count - 1), let frame = Self.number(rest.dropFirst()) else { return nil }
            self.init(program: program, missionNumber: mission,
                      roll: String(UnicodeScalar(letter)), frame: frame)
        }
    }

    public init(program: Program, missionNumber: Int, roll: String, frame: Int) {
        self.program = program
        self.missionNumber = missionNumber
        self.roll = roll
        self.frame = frame
    }

    private static func number<S: Collection<UInt8>>(_ digits: S) -> Int? {
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - 48) }
    }

    private static func isLetter(_ byte: UInt8) -> Bool { byte >= 65 && byte <= 90 }
    private static func isAlphanumeric(_ byte: UInt8) -> Bool { isLetter(byte) || (byte >= 48 && byte <= 57) }
    static func threeDigits(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 3 - text.count)) + text
    }
}

/// The gallery a frame belongs to: one per mission, or `unassigned`.
public struct GalleryIdentity: Hashable, Sendable, Codable, Comparable {
    public let id: String
    public let title: String
    public let mission: String?
    public let expedition: Int?

    public static let unassigned = GalleryIdentity(id: "unassigned", title: "Unassigned", mission: nil, expedition: nil)

    init(id: String, title: String, mission: String?, expedition: Int?) {
        self.id = id
        self.title = title
        self.mission = mission
        self.expedition = expedition
    }

    init(name: FrameName) {
        let mission = name.mission
        switch name.program {
        case .iss:
            self.init(id: mission.lowercased(), title: "Expedition \(name.missionNumber)",
                      mission: mission, expedition: name.missionNumber)
        case .sts:
            self.init(id: mission.lowercased(), title: Self.shuttleTitle(name.missionNumber),
                      mission: mission, expedition: nil)
        }
    }

    /// "STS-98": NASA writes shuttle flights without leading zeros (the id keeps them: `sts098`).
    static func shuttleTitle(_ number: Int) -> String { "STS-\(number)" }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.id < rhs.id }
}
