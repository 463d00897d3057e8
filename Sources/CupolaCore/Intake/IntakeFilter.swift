/// Which names the intake passes over before looking inside a file.
public enum IntakeFilter {
    /// Suffixes that transfer tools give files still being written.
    static let partialSuffixes = [".part", ".partial", ".tmp", ".crdownload"]
    static let partialPrefixes = [".syncthing."]

    public static func reason(forName name: [UInt8]) -> SkippedEntry.Reason? {
        let lowered = String(decoding: name, as: UTF8.self).lowercased()
        if partialPrefixes.contains(where: lowered.hasPrefix) { return .partialDownload }
        if partialSuffixes.contains(where: lowered.hasSuffix) { return .partialDownload }
        if name.first == UInt8(ascii: ".") { return .hidden }
        return nil
    }
}
