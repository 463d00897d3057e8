import Foundation
import TOMLKit

/// A settings file that cannot be used: names the file, the line and what is wrong.
public struct SettingsError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int?
    public let message: String

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}

/// Reads `cupola.toml`. Every key is optional; an unknown key is an error naming it and its line,
/// so a typo never silently falls back to a default.
public enum SettingsFile {
    static let topKeys: Set = ["timezone", "jobs", "limits", "rendition", "raw", "theme", "site", "catalog"]
    static let siteKeys: Set = ["enabled", "base_url"]
    static let rawKeys: Set = ["prefer", "pairs"]
    static let limitKeys: Set = ["max_megapixels", "frame_timeout_seconds"]
    static let renditionKeys: Set = ["name", "size", "format", "quality"]

    public static func load(_ path: String) throws(SettingsError) -> Settings {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SettingsError(file: path, line: nil, message: "cannot read settings file")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(SettingsError) -> Settings {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw SettingsError(file: file, line: error.source.begin.line, message: error.description)
        } catch {
            throw SettingsError(file: file, line: nil, message: "\(error)")
        }
        let reader = Reader(text: text, file: file)
        var settings = Settings()
        try reader.rejectUnknown(table, allowed: topKeys, section: nil)
        if let value = table["timezone"] {
            let zone = try reader.string(value, key: "timezone")
            guard TimeZone(identifier: zone) != nil else {
                throw reader.error("unknown time zone \"\(zone)\"", key: "timezone")
            }
            settings.timezone = zone
        }
        if let value = table["catalog"] { settings.catalog = try reader.string(value, key: "catalog") }
        if let value = table["jobs"] { settings.jobs = try reader.integer(value, key: "jobs", range: 0...256) }
        if let value = table["limits"] {
            guard let limits = value.table else { throw reader.error("[limits] must be a table", key: "limits") }
            try reader.rejectUnknown(limits, allowed: limitKeys, section: "limits")
            if let value = limits["max_megapixels"] {
                settings.maxMegapixels = try reader.number(value, key: "max_megapixels", range: 0.01...100_000)
            }
            if let value = limits["frame_timeout_seconds"] {
                settings.frameTimeoutSeconds = try reader.number(value, key: "frame_timeout_seconds", range: 0.1...86_400)
            }
        }
        if let value = table["rendition"] {
            guard let array = value.array else { throw reader.error("use [[rendition]] tables", key: "rendition") }
            settings.renditions = try array.map { (item) throws(SettingsError) in
                guard let rendition = item.table else { throw reader.error("use [[rendition]] tables", key: "rendition") }
                return try reader.rendition(rendition)
            }
            try validate(settings.renditions, reader: reader)
        }
        if let value = table["raw"] {
            guard let raw = value.table else { throw reader.error("[raw] must be a table", key: "raw") }
            try reader.rejectUnknown(raw, allowed: rawKeys, section: "raw")
            if let value = raw["prefer"] {
                let text = try reader.string(value, key: "prefer")
                guard let preference = RawPreference(rawValue: text) else {
                    throw reader.error("prefer must be \"preview\", \"decode\" or \"auto\", not \"\(text)\"", key: "prefer")
                }
                settings.rawPreference = preference
            }
            if let value = raw["pairs"] {
                let text = try reader.string(value, key: "pairs")
                guard let primary = PairPrimary(rawValue: text) else {
                    throw reader.error("pairs must be \"jpeg\" or \"raw\", not \"\(text)\"", key: "pairs")
                }
                settings.pairPrimary = primary
            }
        }
        if let value = table["theme"] {
            guard let array = value.array else { throw reader.error("use [[theme]] tables", key: "theme") }
            settings.themes = try array.map { (item) throws(SettingsError) in
                guard let theme = item.table else { throw reader.error("use [[theme]] tables", key: "theme") }
                return try reader.theme(theme)
            }
            var seen: Set<String> = []
            for theme in settings.themes where !seen.insert(theme.id).inserted {
                throw reader.error("theme \"\(theme.id)\" is defined twice", key: "id")
            }
        }
        if let value = table["site"] {
            guard let site = value.table else { throw reader.error("[site] must be a table", key: "site") }
            try reader.rejectUnknown(site, allowed: siteKeys, section: "site")
            if let value = site["enabled"] {
                guard let enabled = value.bool else { throw reader.error("enabled must be true or false", key: "enabled") }
                settings.site.enabled = enabled
            }
            if let value = site["base_url"] {
                let text = try reader.string(value, key: "base_url")
                guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                    throw reader.error("base_url must be an absolute http or https URL, not \"\(text)\"", key: "base_url")
                }
                settings.site.baseURL = text.hasSuffix("/") ? text : text + "/"
            }
        }
        return settings
    }

    private static func validate(_ renditions: [RenditionSpec], reader: Reader) throws(SettingsError) {
        guard !renditions.isEmpty else { throw reader.error("at least one [[rendition]] is needed", key: "rendition") }
        var seen: Set<String> = []
        for rendition in renditions where !seen.insert(rendition.name).inserted {
            throw reader.error("rendition \"\(rendition.name)\" is defined twice", key: "name")
        }
    }

    /// Finds keys in the source text, for error messages with line numbers.
    struct Reader {
        let lines: [Substring]
        let file: String

        init(text: String, file: String) {
            lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            self.file = file
        }

        func line(of key: String) -> Int? {
            for (index, line) in lines.enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix(key) {
                    let rest = trimmed.dropFirst(key.count).trimmingCharacters(in: .whitespaces)
                    if rest.hasPrefix("=") { return index + 1 }
                }
                if trimmed == "[\(key)]" || trimmed == "[[\(key)]]" { return index + 1 }
            }
            return nil
        }

        func error(_ message: String, key: String) -> SettingsError {
            SettingsError(file: file, line: line(of: key), message: message)
        }

        func rejectUnknown(_ table: TOMLTable, allowed: Set<String>, section: String?) throws(SettingsError) {
            for key in table.keys.sorted() where !allowed.contains(key) {
                let place = section.map { " in [\($0)]" } ?? ""
                throw error("unknown key \"\(key)\"\(place)", key: key)
            }
        }

        func string(_ value: TOMLValueConvertible, key: String) throws(SettingsError) -> String {
            guard let text = value.string else { throw error("\(key) must be a string", key: key) }
            return text
        }

        func integer(_ value: TOMLValueConvertible, key: String, range: ClosedRange<Int>) throws(SettingsError) -> Int {
            guard let number = value.int, range.contains(number) else {
                throw error("\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)", key: key)
            }
            return number
        }

        func number(_ value: TOMLValueConvertible, key: String, range: ClosedRange<Double>) throws(SettingsError) -> Double {
            guard let number = value.double ?? value.int.map(Double.init), range.contains(number) else {
                throw error("\(key) must be a number from \(range.lowerBound) to \(range.upperBound)", key: key)
            }
            return number
        }

        func rendition(_ table: TOMLTable) throws(SettingsError) -> RenditionSpec {
            try rejectUnknown(table, allowed: SettingsFile.renditionKeys, section: "[rendition]")
            guard let nameValue = table["name"] else { throw error("a [[rendition]] needs a name", key: "rendition") }
            let name = try string(nameValue, key: "name")
            // The name becomes a folder and a manifest key: short, and safe in both.
            let shown = name.count > 40 ? name.prefix(40) + "…" : Substring(name)
            guard name.count <= 32 else {
                throw error("rendition name \"\(shown)\" is \(name.count) characters long; the limit is 32", key: "name")
            }
            guard name.range(of: "^[a-z0-9][a-z0-9_-]*$", options: .regularExpression) != nil else {
                throw error("rendition name \"\(shown)\" must start with a lower-case letter or digit and hold only "
                            + "lower-case letters, digits, - and _", key: "name")
            }
            // A gallery folder holds its pages in `pages/` beside the rendition folders.
            guard name != "pages" else { throw error("rendition name \"pages\" is taken by the gallery's manifest pages", key: "name") }
            guard let sizeValue = table["size"] else { throw error("rendition \"\(name)\" needs a size", key: "name") }
            let size = try integer(sizeValue, key: "size", range: 16...16384)
            var format = RenditionSpec.Format.jpeg
            if let value = table["format"] {
                let text = try string(value, key: "format")
                guard let named = RenditionSpec.Format(rawValue: text) else {
                    throw error("format must be jpeg or webp, not \"\(text)\"", key: "format")
                }
                format = named
            }
            let quality = try table["quality"].map { (value) throws(SettingsError) in try integer(value, key: "quality", range: 1...100) }
            return RenditionSpec(name: name, size: size, format: format, quality: quality ?? 85)
        }
    }
}
