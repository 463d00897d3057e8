import Foundation

/// Turns EXIF's local "YYYY:MM:DD HH:MM:SS" plus sub-seconds and offset into UTC ISO 8601.
///
/// `OffsetTimeOriginal` wins when the camera wrote it; otherwise the configured zone applies
/// (the station's clocks run on GMT, so the default is UTC).
public struct CaptureClock: Sendable {
    public let zone: TimeZone

    public init(zone: TimeZone = TimeZone(identifier: "UTC")!) { self.zone = zone }

    public func utc(dateTime: String, subSeconds: String?, offset: String?) -> String? {
        let fields = dateTime.split(whereSeparator: { ":- T".contains($0) }).compactMap { Int($0) }
        guard fields.count >= 6, (1...12).contains(fields[1]), (1...31).contains(fields[2]),
              (0...23).contains(fields[3]), (0...59).contains(fields[4]), (0...60).contains(fields[5]),
              fields[0] > 0 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = offset.flatMap(Self.zone(fromOffset:)) ?? zone
        let components = DateComponents(year: fields[0], month: fields[1], day: fields[2],
                                        hour: fields[3], minute: fields[4], second: fields[5])
        guard let date = calendar.date(from: components) else { return nil }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let parts = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        var text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year!, parts.month!, parts.day!,
                          parts.hour!, parts.minute!, parts.second!)
        let digits = (subSeconds ?? "").filter(\.isASCII).filter(\.isNumber)
        if !digits.isEmpty { text += "." + digits }
        return text + "Z"
    }

    /// "+05:30", "-0800" or "Z" as a fixed-offset zone.
    static func zone(fromOffset text: String) -> TimeZone? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "Z" { return TimeZone(secondsFromGMT: 0) }
        guard let sign = trimmed.first, sign == "+" || sign == "-" else { return nil }
        let digits = trimmed.dropFirst().filter(\.isNumber)
        guard digits.count == 4, let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)),
              hours <= 14, minutes < 60 else { return nil }
        let seconds = (hours * 3600 + minutes * 60) * (sign == "-" ? -1 : 1)
        return TimeZone(secondsFromGMT: seconds)
    }
}
