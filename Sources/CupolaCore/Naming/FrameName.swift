/// A NASA Mission-Roll-Frame name: `ISS069-E-12345` (digital), `AS11-40-5903` (film magazine),
/// `STS41B-35-1601`, `ISS030-ESC-1234` (EarthKAM). The missions and their codes: `MissionCatalog`.
public struct FrameName: Hashable, Sendable, Codable {
    public let program: MissionProgram
    /// `ISS069`, `AS11`, `STS41B`: the mission code as NASA writes it in frame ids.
    public let mission: String
    public let roll: String
    public let frame: Int
    let missionTitle: String
    let missionOrder: Int
    let expedition: Int?

    /// `ISS069-E-12345`: the canonical id, frame number without leading zeros.
    public var id: String { "\(mission)-\(roll)-\(frame)" }
    public var gallery: GalleryIdentity { GalleryIdentity(name: self) }

    /// Parses a file name (with or without extension) in any of NASA's spellings: dashed
    /// `MISSION-ROLL-FRAME` (`ISS069-E-12345.JPG`, `as07-3-1545.jpg`, `41B-35-1601.jpg`) or the
    /// compact `iss069e012345.jpg`.
    public init?(fileName: String) {
        let stem = fileName.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first
            .map(String.init) ?? fileName
        let upper = Array(stem.uppercased().utf8)
        let parts = upper.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        if parts.count == 3 {
            guard let mission = MissionCatalog.mission(code: parts[0]),
                  !parts[1].isEmpty, parts[1].count <= 5, parts[1].allSatisfy(Self.isAlphanumeric),
                  (1...7).contains(parts[2].count), let frame = MissionCatalog.number(parts[2]) else { return nil }
            self.init(mission, roll: String(decoding: parts[1], as: UTF8.self), frame: frame)
        } else if parts.count == 1, let (mission, roll, frame) = MissionCatalog.compact(upper) {
            self.init(mission, roll: roll, frame: frame)
        } else {
            return nil
        }
    }

    init(_ mission: Mission, roll: String, frame: Int) {
        program = mission.program
        self.mission = mission.code
        self.roll = roll
        self.frame = frame
        missionTitle = mission.title
        missionOrder = mission.order
        expedition = mission.expedition
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool { MissionCatalog.isLetter(byte) || MissionCatalog.isDigit(byte) }

    // The catalog keeps each name as JSON. Only the code, roll and frame are stored; the rest is
    // worked out again on reading, so titles follow the mission table. Names stored by earlier
    // versions (`program` "ISS"/"STS" with `missionNumber`) read the same way.
    enum CodingKeys: String, CodingKey { case mission, roll, frame, program, missionNumber }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let roll = try container.decode(String.self, forKey: .roll)
        let frame = try container.decode(Int.self, forKey: .frame)
        let code: String
        if let stored = try container.decodeIfPresent(String.self, forKey: .mission) {
            code = stored
        } else {
            let program = try container.decode(String.self, forKey: .program)
            code = program + MissionCatalog.threeDigits(try container.decode(Int.self, forKey: .missionNumber))
        }
        guard let mission = MissionCatalog.mission(code: Array(code.utf8)) else {
            throw DecodingError.dataCorruptedError(forKey: .mission, in: container, debugDescription: "\(code): not a mission code")
        }
        self.init(mission, roll: roll, frame: frame)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mission, forKey: .mission)
        try container.encode(roll, forKey: .roll)
        try container.encode(frame, forKey: .frame)
    }
}

/// The gallery a frame belongs to: one per mission, or `unassigned`.
public struct GalleryIdentity: Hashable, Sendable, Codable, Comparable {
    public let id: String
    public let title: String
    public let mission: String?
    public let expedition: Int?
    /// `ISS`, `Shuttle`, `Apollo`…; nil for galleries that are no mission.
    public let program: String?
    /// Sorts missions chronologically by program, then within it; nil for other galleries.
    public let order: Int?
    /// "theme" for a theme gallery (`ThemeRule`); nil for mission galleries and `unassigned`.
    public let kind: String?

    public static let unassigned = GalleryIdentity(id: "unassigned", title: "Unassigned", mission: nil, expedition: nil)

    init(id: String, title: String, mission: String?, expedition: Int?, program: String? = nil, order: Int? = nil,
         kind: String? = nil) {
        self.kind = kind
        self.id = id
        self.title = title
        self.mission = mission
        self.expedition = expedition
        self.program = program
        self.order = order
    }

    init(name: FrameName) {
        self.init(id: name.mission.lowercased(), title: name.missionTitle, mission: name.mission,
                  expedition: name.expedition, program: name.program.rawValue, order: name.missionOrder)
    }

    init(theme id: String, title: String) {
        self.init(id: id, title: title, mission: nil, expedition: nil, kind: "theme")
    }

    public var isTheme: Bool { kind == "theme" }

    /// `kind` in `index.json`: "mission", "theme", or "other" (`unassigned`).
    var indexKind: String { isTheme ? "theme" : program != nil ? "mission" : "other" }

    /// "STS-98": NASA writes shuttle flights without leading zeros (the id keeps them: `sts098`).
    static func shuttleTitle(_ number: Int) -> String { "STS-\(number)" }

    /// Identities stored by earlier versions have no `program` or `order`.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try container.decode(String.self, forKey: .id),
                  title: try container.decode(String.self, forKey: .title),
                  mission: try container.decodeIfPresent(String.self, forKey: .mission),
                  expedition: try container.decodeIfPresent(Int.self, forKey: .expedition),
                  program: try container.decodeIfPresent(String.self, forKey: .program),
                  order: try container.decodeIfPresent(Int.self, forKey: .order),
                  kind: try container.decodeIfPresent(String.self, forKey: .kind))
    }

    /// Missions chronologically, then every other gallery by id, then the themes by id.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        if lhs.isTheme != rhs.isTheme { return rhs.isTheme }
        switch (lhs.order, rhs.order) {
        case let (left?, right?) where left != right: return left < right
        case (_?, nil): return true
        case (nil, _?): return false
        default: return lhs.id < rhs.id
        }
    }
}
