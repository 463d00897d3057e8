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
    /// Files ingested, each a frame but for `pairedOriginals`.
    public var ingested = 0
    /// Files ingested that joined the frame of their raw + JPEG pair as its companion (the raws,
    /// or with `pairPrimary` raw the JPEGs; in this run or an earlier one): one frame with two
    /// originals, not a frame of their own.
    public var pairedOriginals = 0
    /// `[raw] pairs`: which file of a pair is the frame.
    public var pairPrimary: PairPrimary = .jpeg
    /// Companions that a changed `[raw] pairs` made their pair's frame (read again in this run).
    public var promotedCompanions = 0
    public var unchanged = 0
    /// Files whose stat changed but whose bytes did not.
    public var refreshed = 0
    /// Which files were refreshed (at most `refreshedListLimit`; `refreshed` has the count), so a
    /// report about a touch-only change names what was touched.
    public var refreshedFiles: [String] = []
    public static let refreshedListLimit = 1000
    public var rejected = 0
    public var failed = 0
    /// Frames dropped because their source file disappeared.
    public var removed = 0
    /// Frames whose file moved inside its SOURCE: kept, renditions and all, without a decode.
    public var moved = 0
    /// Dry run: files that would be read.
    public var pending = 0
    /// Shared work: results dropped because another worker had taken their claim over (this worker
    /// was stopped past its lease); nil when the work is not shared.
    public var lateResults: Int?
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
    /// How many times each stage ran (`--stats`): decodes, say, against the frames ingested.
    public var stageRuns: [String: Int]?
    /// Galleries whose `cupola.gallery/1` manifest this run rewrote as paged (`cupola.gallery/2`).
    public var upgradedGalleries: [String] = []
    /// Files written or removed under `galleries/` (pages, manifests, index) and the bytes written.
    public var galleryFilesWritten = 0
    public var galleryBytesWritten = 0
    /// Theme membership this run worked out again (rules new, changed or removed; frames that
    /// joined or left a theme).
    public var themes = ThemeUpdate()
    /// Files written or removed under `site/` (and `iiif/`) and the bytes written.
    public var siteFilesWritten = 0
    public var siteBytesWritten = 0
    /// Why no IIIF documents were written, when the site was (no `[site] base_url`).
    public var iiif: String?
    /// Why the run could not start or stopped with an error (usage, busy library, bad settings).
    public var error: String?

    public init(command: String) { self.command = command }

    /// True when the run changed nothing and found nothing wrong: cron hears nothing. Renditions
    /// made with other settings are not quiet: they wait for an operator to run `cupola regenerate`.
    public var isQuiet: Bool {
        ingested == 0 && refreshed == 0 && rejected == 0 && failed == 0 && removed == 0 && moved == 0 && pending == 0
            && stoppedEarly == nil && staleRenditions == 0 && upgradedGalleries.isEmpty && themes.isEmpty
    }

    public var exitCode: Int32 {
        switch stop {
        case .diskFull: return 75
        case .readOnly: return 74
        case nil: break
        }
        return rejected + failed > 0 ? 1 : 0
    }

    /// "52 frames in 19 galleries, 2 rejected, 0 failed, 12.3 s": rejected files are bad input
    /// (not retried until they change), failed ones our side's trouble (retried).
    public var line: String {
        let seconds = String(format: "%.1f", elapsedSeconds)
        if dryRun {
            return "dry run: \(Wording.count(pending, "file")) to read, \(Wording.count(moved, "frame")) to move, \(Wording.count(removed, "frame")) to remove, \(unchanged) unchanged"
        }
        var parts = ["\(Wording.count(ingested - pairedOriginals, "frame")) in \(Wording.count(galleries.count, "gallery", "galleries"))"]
        if pairedOriginals > 0 {
            let wording = pairPrimary.companionWording
            parts.append("\(pairedOriginals) \(pairedOriginals == 1 ? wording.one : wording.many)")
        }
        if promotedCompanions > 0 {
            parts.append("\(Wording.count(promotedCompanions, "pair")) turned round ([raw] pairs changed)")
        }
        if rejected > 0 { parts.append("\(rejected) rejected") }
        parts.append("\(failed) failed")
        if refreshed > 0 { parts.append("\(Wording.count(refreshed, "file")) refreshed (same bytes, new timestamps)") }
        if removed > 0 { parts.append("\(removed) removed") }
        if moved > 0 { parts.append("\(moved) moved") }
        if unchanged > 0 { parts.append("\(unchanged) unchanged") }
        let skippedTotal = skipped.values.reduce(0, +)
        if skippedTotal > 0 { parts.append("\(skippedTotal) skipped") }
        if !sameContent.isEmpty {
            parts.append("\(sameContent.count) with the same content as another frame (renditions shared)")
        }
        if !sharedIds.isEmpty { parts.append("\(Wording.count(sharedIds.count, "frame id")) shared by several files") }
        if staleRenditions > 0 { parts.append(Self.staleAdvice(staleRenditions)) }
        if !upgradedGalleries.isEmpty {
            parts.append("\(Wording.count(upgradedGalleries.count, "gallery", "galleries")) upgraded to paged manifests (cupola.gallery/2)")
        }
        return parts.joined(separator: ", ") + ", \(seconds) s"
    }

    /// "3 renditions out of date with the settings, run `cupola regenerate`": the same words in
    /// ingest, status and verify.
    public static func staleAdvice(_ count: Int) -> String {
        "\(Wording.count(count, "rendition")) out of date with the settings, run `cupola regenerate`"
    }

    /// `--stats` in words: seconds per stage, summed over the workers, in pipeline order.
    public var stagesLine: String? {
        guard let stages else { return nil }
        let parts = Stage.allCases.compactMap { stage in
            stages[stage.rawValue].map { "\(stage.rawValue) \(String(format: "%.2f", $0))" }
        }
        return "seconds per stage (summed over workers): " + (parts.isEmpty ? "none" : parts.joined(separator: ", "))
    }
}

extension RunSummary {
    /// Empties the per-file lists, keeping the counts: a watcher logs each event as it happens
    /// and must not grow without bound over weeks.
    public mutating func forgetDetails() {
        problems = []
        warnings = []
        skippedFiles = []
        refreshedFiles = []
        sharedIds = []
        sameContent = []
    }
}
