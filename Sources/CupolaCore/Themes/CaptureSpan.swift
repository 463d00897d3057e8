import Foundation

/// A span of capture times in UTC: `2023-04-19T13:00Z..2023-04-19T20:00Z`. Each end is a date
/// (`2023-04-19`) or a time to the minute or second, with `Z` or an offset (`+02:00`); the end
/// covers all of its last unit, so `2023-04-19..2023-04-19` is that whole day and `..T20:00Z`
/// includes 20:00:59. One value without `..` is its own span (`2023-04-19`: that day).
public struct CaptureSpan: Hashable, Sendable, Codable {
    /// Seconds since 1970, start included, end excluded.
    public let start: Double
    public let end: Double
    public let text: String

    public struct Malformed: Error {
        public let reason: String
    }

    public init(parsing text: String) throws(Malformed) {
        let ends = text.components(separatedBy: "..")
        guard ends.count <= 2 else { throw Malformed(reason: "\"\(text)\" has more than one \"..\"") }
        guard let from = Self.moment(ends[0].trimmingCharacters(in: .whitespaces)) else {
            throw Malformed(reason: "\"\(ends[0])\" is not a date or UTC time (2023-04-19 or 2023-04-19T13:00Z)")
        }
        guard let to = Self.moment(ends.last!.trimmingCharacters(in: .whitespaces)) else {
            throw Malformed(reason: "\"\(ends.last!)\" is not a date or UTC time (2023-04-19 or 2023-04-19T13:00Z)")
        }
        guard from.instant < to.instant + to.unit else { throw Malformed(reason: "\"\(text)\" ends before it starts") }
        self.text = text
        start = from.instant
        end = to.instant + to.unit
    }

    func contains(_ instant: Double) -> Bool { instant >= start && instant < end }

    /// A catalog capture time (`2023-04-02T10:11:12.30Z`) in seconds since 1970.
    static func instant(_ captured: String) -> Double? { moment(captured).map(\.instant) }

    /// `YYYY-MM-DD[THH:MM[:SS[.fff]](Z|±HH:MM)]`: the instant and the length of its last unit.
    static func moment(_ text: String) -> (instant: Double, unit: Double)? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count, range.allSatisfy({ (48...57).contains(bytes[$0]) }) else { return nil }
            return range.reduce(0) { $0 * 10 + Int(bytes[$1] - 48) }
        }
        guard bytes.count >= 10, bytes[4] == 0x2D, bytes[7] == 0x2D,
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var seconds = Double(daysSince1970(year: year, month: month, day: day)) * 86_400
        guard bytes.count > 10 else { return (seconds, 86_400) }
        guard bytes[10] == 0x54, let hour = number(11..<13), bytes.count > 13, bytes[13] == 0x3A,
              let minute = number(14..<16), hour < 24, minute < 60 else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        var at = 16, unit = 60.0
        if at < bytes.count && bytes[at] == 0x3A {
            guard let second = number(at + 1..<at + 3), second <= 60 else { return nil }
            seconds += Double(second)
            unit = 1
            at += 3
            if at < bytes.count && bytes[at] == 0x2E {
                var digits = at + 1
                while digits < bytes.count && (48...57).contains(bytes[digits]) { digits += 1 }
                guard digits > at + 1, let fraction = Double("0." + String(decoding: bytes[at + 1..<digits], as: UTF8.self)) else { return nil }
                seconds += fraction
                unit = pow(10, -Double(digits - at - 1))
                at = digits
            }
        }
        guard at < bytes.count else { return nil }
        if bytes[at] == 0x5A && at + 1 == bytes.count { return (seconds, unit) }
        guard bytes.count == at + 6, bytes[at] == 0x2B || bytes[at] == 0x2D, bytes[at + 3] == 0x3A,
              let hours = number(at + 1..<at + 3), let minutes = number(at + 4..<at + 6), hours <= 14, minutes < 60 else { return nil }
        let offset = Double(hours * 3600 + minutes * 60) * (bytes[at] == 0x2B ? 1 : -1)
        return (seconds - offset, unit)
    }

    /// Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
    private static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
