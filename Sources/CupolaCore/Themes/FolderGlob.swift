/// A glob on the path of a frame under its SOURCE folder (`2023-04-19/eva/iss069e030001.jpg`):
/// `*` matches any run of characters within one folder or file name, `?` one character, `**`
/// any number of whole folders (none included; last in a pattern, everything below), and every
/// other character itself, case and all.
/// `*/eva/*` matches `2023-04-19/eva/x.jpg`; `**/eva/**` matches an `eva` folder at any depth.
public struct FolderGlob: Hashable, Sendable, Codable {
    public let pattern: String
    private let parts: [Substring]

    public init(_ pattern: String) {
        self.pattern = pattern
        parts = pattern.split(separator: "/", omittingEmptySubsequences: false)
    }

    public init(from decoder: Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(pattern)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.pattern == rhs.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }

    public func matches(_ path: String) -> Bool {
        let names = path.split(separator: "/", omittingEmptySubsequences: false)
        return Self.match(parts[...], names[...])
    }

    private static func match(_ parts: ArraySlice<Substring>, _ names: ArraySlice<Substring>) -> Bool {
        guard let part = parts.first else { return names.isEmpty }
        if part == "**" {
            // Last in the pattern: everything below. Elsewhere: zero or more whole folders.
            if parts.count == 1 { return !names.isEmpty }
            var rest = names
            while true {
                if match(parts.dropFirst(), rest) { return true }
                guard rest.count > 1 else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let name = names.first, matchName(Array(part.unicodeScalars)[...], Array(name.unicodeScalars)[...]) else {
            return false
        }
        return match(parts.dropFirst(), names.dropFirst())
    }

    /// `*` and `?` within one name; iterative with one back-track point, so no pattern is exponential.
    private static func matchName(_ pattern: ArraySlice<Unicode.Scalar>, _ name: ArraySlice<Unicode.Scalar>) -> Bool {
        var p = pattern.startIndex, n = name.startIndex
        var star: Int? = nil, resume = name.startIndex
        while n < name.endIndex {
            if p < pattern.endIndex && (pattern[p] == "?" || pattern[p] == name[n]) {
                p += 1
                n += 1
            } else if p < pattern.endIndex && pattern[p] == "*" {
                star = p
                p += 1
                resume = n
            } else if let star {
                p = star + 1
                resume += 1
                n = resume
            } else {
                return false
            }
        }
        while p < pattern.endIndex && pattern[p] == "*" { p += 1 }
        return p == pattern.endIndex
    }
}
