/// The crewed programs whose photographs NASA keeps, in the order they flew: the index lists
/// missions by this order, then by each mission's place within its program.
public enum MissionProgram: String, Sendable, Codable, CaseIterable {
    case mercury = "Mercury", gemini = "Gemini", apollo = "Apollo", skylab = "Skylab"
    case apolloSoyuz = "Apollo-Soyuz", shuttle = "Shuttle", mir = "Mir", iss = "ISS", artemis = "Artemis"

    var rank: Int { Self.allCases.firstIndex(of: self)! + 1 }
}

/// One mission as a frame name gives it: its canonical code (`AS11`, `STS41B`, `ISS069`), program,
/// title as NASA writes it, and its place in the program.
struct Mission: Hashable, Sendable {
    let code: String
    let program: MissionProgram
    let title: String
    /// Within the program: launch order where codes do not give it (the 1984–86 shuttle flights).
    let sequence: Int
    /// ISS only: the expedition number.
    var expedition: Int? = nil

    /// Sorts the whole archive chronologically by program, then within it.
    var order: Int { program.rank * 100_000 + sequence }
}

/// Every mission code form of NASA's astronaut photography, one row per form: the letters the
/// code starts with, how many digits follow, which numbers exist, and the mission they name.
/// docs/MISSIONS.md lists the same table with where each form comes from.
enum MissionCatalog {
    struct Form: Sendable {
        let prefixes: [String]
        let digitCounts: ClosedRange<Int>
        let numbers: ClosedRange<Int>
        /// Whether the compact spelling (`iss040e006000`) exists for this form.
        var compact = false
        let mission: @Sendable (Int) -> Mission
    }

    static let forms: [Form] = [
        Form(prefixes: ["MR"], digitCounts: 1...2, numbers: 3...4) { n in
            Mission(code: "MR\(n)", program: .mercury, title: "Mercury-Redstone \(n)", sequence: n - 2)
        },
        Form(prefixes: ["MA"], digitCounts: 1...2, numbers: 6...9) { n in
            Mission(code: "MA\(n)", program: .mercury, title: "Mercury-Atlas \(n)", sequence: n - 3)
        },
        Form(prefixes: ["GT", "GEM"], digitCounts: 1...2, numbers: 3...12) { n in
            Mission(code: "GT\(n)", program: .gemini, title: "Gemini \(RomanNumeral.text(n))", sequence: geminiLaunchOrder(n))
        },
        Form(prefixes: ["AS"], digitCounts: 1...2, numbers: 7...17) { n in
            Mission(code: "AS\(n)", program: .apollo, title: "Apollo \(n)", sequence: n)
        },
        Form(prefixes: ["SL"], digitCounts: 1...1, numbers: 2...4) { n in
            Mission(code: "SL\(n)", program: .skylab, title: "Skylab \(n)", sequence: n)
        },
        // Numbered flights: 1–9 flew 1981–83, 26 onwards from 1988 (the 1984–86 flights sit
        // between them, see `shuttleLettered`). Any three digits parse, as they always have.
        Form(prefixes: ["STS"], digitCounts: 3...3, numbers: 1...999, compact: true) { n in
            Mission(code: "STS" + threeDigits(n), program: .shuttle, title: "STS-\(n)", sequence: n * 100)
        },
        Form(prefixes: ["NM"], digitCounts: 2...2, numbers: 18...25) { n in
            Mission(code: "NM\(n)", program: .mir, title: "Mir-\(n)", sequence: n * 10)
        },
        Form(prefixes: ["NASA"], digitCounts: 1...1, numbers: 1...7) { n in
            Mission(code: "NASA\(n)", program: .mir, title: "NASA-\(n)", sequence: nasaMirExpedition[n - 1] * 10 + 5)
        },
        Form(prefixes: ["ISS"], digitCounts: 3...3, numbers: 1...999, compact: true) { n in
            Mission(code: "ISS" + threeDigits(n), program: .iss, title: "Expedition \(n)", sequence: n, expedition: n)
        },
        Form(prefixes: ["ART"], digitCounts: 1...3, numbers: 1...99) { n in
            Mission(code: "ART" + threeDigits(n), program: .artemis, title: "Artemis \(RomanNumeral.text(n))", sequence: n)
        },
    ]

    /// Apollo-Soyuz: one mission, no number.
    static let apolloSoyuz = Mission(code: "AST", program: .apolloSoyuz, title: "Apollo-Soyuz", sequence: 1)

    /// The 1984–86 shuttle flights, named by fiscal year, launch site and order (`41B`), in the
    /// order they launched: they come after STS-9 and before STS-26.
    static let shuttleLettered = ["41B", "41C", "41D", "41G", "51A", "51C", "51D", "51B",
                                  "51G", "51F", "51I", "51J", "61A", "61B", "61C", "51L"]

    /// Gemini VII launched before Gemini VI-A.
    static func geminiLaunchOrder(_ number: Int) -> Int {
        switch number {
        case 6: return 7
        case 7: return 6
        default: return number
        }
    }

    /// The Mir expedition each NASA-Mir increment (NASA-1 … NASA-7) began in.
    static let nasaMirExpedition = [18, 21, 22, 22, 23, 24, 24]

    /// The mission a code names (`AS11`, `AS07`, `GEM04`, `STS41B`, `41B`, `AST`), or nil.
    static func mission(code: some Collection<UInt8>) -> Mission? {
        let bytes = Array(code)
        let letters = bytes.prefix { isLetter($0) }
        let digits = bytes.dropFirst(letters.count).prefix { isDigit($0) }
        let suffix = bytes.dropFirst(letters.count + digits.count)
        let prefix = String(decoding: letters, as: UTF8.self)
        if prefix == "AST" && digits.isEmpty && suffix.isEmpty { return apolloSoyuz }
        if (prefix == "STS" || prefix.isEmpty) && digits.count == 2 && suffix.count == 1 {
            let flight = String(decoding: digits + suffix, as: UTF8.self)
            guard let index = shuttleLettered.firstIndex(of: flight) else { return nil }
            return Mission(code: "STS" + flight, program: .shuttle, title: "STS-\(flight.prefix(2))-\(flight.suffix(1))",
                           sequence: 900 + 5 * (index + 1))
        }
        guard suffix.isEmpty, let form = forms.first(where: { $0.prefixes.contains(prefix) }),
              form.digitCounts.contains(digits.count), let number = number(digits),
              // No mission is numbered 0: "ISS000" would make an "Expedition 0" gallery.
              form.numbers.contains(number) else { return nil }
        return form.mission(number)
    }

    /// The compact spelling `ISS040E006000`: three mission digits, one roll letter, 5 to 7 frame
    /// digits, with no dashes. Only ISS and numbered shuttle flights are written so.
    static func compact(_ stem: [UInt8]) -> (Mission, roll: String, frame: Int)? {
        guard stem.count >= 6 else { return nil }
        let prefix = String(decoding: stem.prefix(3), as: UTF8.self)
        guard forms.contains(where: { $0.compact && $0.prefixes.contains(prefix) }),
              let mission = mission(code: stem.prefix(6)) else { return nil }
        let rest = stem.dropFirst(6)
        guard let letter = rest.first, isLetter(letter), (5...7).contains(rest.count - 1),
              let frame = number(rest.dropFirst()) else { return nil }
        return (mission, String(UnicodeScalar(letter)), frame)
    }

    static func number<S: Collection<UInt8>>(_ digits: S) -> Int? {
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(isDigit) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - 48) }
    }

    static func isLetter(_ byte: UInt8) -> Bool { byte >= 65 && byte <= 90 }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    static func threeDigits(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 3 - text.count)) + text
    }
}

/// Gemini and Artemis flights are numbered in Roman numerals.
enum RomanNumeral {
    static func text(_ value: Int) -> String {
        let symbols: [(Int, String)] = [(90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        var rest = value
        var text = ""
        for (amount, symbol) in symbols {
            while rest >= amount {
                text += symbol
                rest -= amount
            }
        }
        return text
    }
}
