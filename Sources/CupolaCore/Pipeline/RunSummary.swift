import Foundation

/// What a run did, for the one-line report, `--json` and `status`.
public struct RunSummary: Codable, Sendable {
    public struct Problem: Codable, Sendable, Hashable {
        public var file: String
        public var outcome: String
        public var reason: String
    }

    public struct Warning: Codable, Sendable, Hashable {
        public var file: String
        public var warning: String
    }

    public struct SharedId: Codable, Sendable, Hashable {
        public var id: String
        public var files: [String]

        /// What ingest prints and the watcher logs when a frame id's renditions get a `~tag`.
        public var message: String { "\(id): same frame id in \(files.joined(separator: ", ")); renditions named apart" }
    }

    /// A file ingested with the renditions of another frame with the same bytes.
    public struct SameContent: Codable, Sendable, Hashable {
        public var file: String
        public var sameAs: String
    }

    /// Why a run stopped before the end.
    public enum Stop: String, Codable, Sendable {
        case diskFull = "disk full"
        case readOnly = "library is read-only"
    }

    public var command: String
    public var dryRun = false
    public var ingested = 0
    public var unchanged = 0
    /// Files whose stat changed but whose bytes did not.
    public var refreshed = 0
    public var rejected = 0
    public var failed = 0
    /// Frames dropped because their source file disappeared.
    public var removed = 0
    /// Frames whose file moved inside its SOURCE: kept, renditions and all, without a decode.
    public var moved = 0
    /// Dry run: files that would be read.
    public var pending = 0
    public var skipped: [String: Int] = [:]
    /// The files passed over and why (at most `skippedListLimit`; `skipped` has the counts).
    public var skippedFiles: [Problem] = []
    public static let skippedListLimit = 1000
    public var galleries: [String] = []
    public var problems: [Problem] = []
    public var warnings: [Warning] = []
    public var sharedIds: [SharedId] = []
    /// Files whose bytes another frame already had: renditions shared, nothing decoded.
    public var sameContent: [SameContent] = []
    public var stoppedEarly: String?
    public var stop: Stop?
    /// Renditions in the library made with other settings than the current ones.
    public var staleRenditions = 0
    public var elapsedSeconds = 0.0
    public var stages: [String: Double]?

    public init(command: String) { self.command = command }

    /// True when the run changed nothing and found nothing wrong: cron hears nothing.
    public var isQuiet: Bool {
        ingested == 0 && refreshed == 0 && rejected == 0 && failed == 0 && removed == 0 && moved == 0 && pending == 0
            && stoppedEarly == nil
    }

    public var exitCode: Int32 {
        switch stop {
        case .diskFull: return 75
        case .readOnly: return 74
        case nil: break
        }
        return rejected + failed > 0 ? 1 : 0
    }

    /// "52 frames in 19 galleries, 0 failed, 12.3 s"
    public var line: String {
        let seconds = String(format: "%.1f", elapsedSeconds)
        if dryRun {
            return "dry run: \(pending) files to read, \(moved) frames to move, \(removed) frames to remove, \(unchanged) unchanged"
        }
        var parts = ["\(ingested) frame\(ingested == 1 ? "" : "s") in \(galleries.count) galleries",
                     "\(rejected + failed) failed"]
        if removed > 0 { parts.append("\(removed) removed") }
        if moved > 0 { parts.append("\(moved) moved") }
        if unchanged > 0 { parts.append("\(unchanged) unchanged") }
        let skippedTotal = skipped.values.reduce(0, +)
        if skippedTotal > 0 { parts.append("\(skippedTotal) skipped") }
        if !sameContent.isEmpty {
            parts.append("\(sameContent.count) with the same content as another frame (renditions shared)")
        }
        if !sharedIds.isEmpty { parts.append("\(sharedIds.count) frame ids shared by several files") }
        if staleRenditions > 0 { parts.append("\(staleRenditions) renditions out of date, run `cupola regenerate`") }
        return parts.joined(separator: ", ") + ", \(seconds) s"
    }
}

extension RunSummary {
    /// Empties the per-file lists, keeping the counts: a watcher logs each event as it happens
    /// and must not grow without bound over weeks.
    public mutating func forgetDetails() {
        problems = []
        warnings = []
        skippedFiles = []
        sharedIds = []
        sameContent = []
    }
}
