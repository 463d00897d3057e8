import CupolaCore
import Foundation

/// How a run's summary reaches people and scripts.
enum RunReport {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Refreshed files named one per line in a text report; the rest are counted.
    static let refreshedShown = 20

    /// `--json`: one object on stdout, always. Otherwise a line on stderr plus one line per
    /// problem, and nothing at all when there was nothing to do and nobody is watching. `--stats`
    /// adds the seconds per stage, asked for, so printed even then.
    static func print(_ summary: RunSummary, json: Bool) {
        if json {
            var object = summary
            object.galleries = summary.galleries
            let data = (try? encoder.encode(JSONSummary(summary: object))) ?? Data("{}".utf8)
            Terminal.output(String(decoding: data, as: UTF8.self))
            return
        }
        if !summary.isQuiet || Terminal.standardOutputIsInteractive {
            for problem in summary.problems { Terminal.error("\(oneLine(problem.file)): \(problem.outcome): \(oneLine(problem.reason))") }
            for warning in summary.warnings { Terminal.error("\(oneLine(warning.file)): warning: \(warning.warning)") }
            for shared in summary.sharedIds { Terminal.error(oneLine(shared.message)) }
            for same in summary.sameContent {
                Terminal.error("\(oneLine(same.file)): same content as \(oneLine(same.sameAs)); renditions shared")
            }
            for file in summary.refreshedFiles.prefix(refreshedShown) {
                Terminal.error("\(oneLine(file)): refreshed (same bytes, new timestamps; nothing re-rendered)")
            }
            if summary.refreshed > refreshedShown { Terminal.error("… and \(summary.refreshed - refreshedShown) more refreshed") }
            if let reason = summary.stoppedEarly { Terminal.error("cupola: stopped early: \(reason)") }
            Terminal.error(summary.line)
            if let note = summary.iiif { Terminal.error("note: \(note)") }
        }
        if let stages = summary.stagesLine { Terminal.error(stages) }
    }

    /// `--json` when a command could not start or stopped with an error (64, 75, 78…): scripts
    /// still get their one object, with `command`, `error` and `exitCode`; ingest's also carries
    /// every count of its summary (all zero).
    static func printFailure(command: String, error: String, exitCode: Int32) {
        let data: Data?
        if command == "ingest" {
            var summary = RunSummary(command: command)
            summary.error = error
            data = try? encoder.encode(JSONSummary(summary: summary, exitCode: exitCode))
        } else {
            data = try? encoder.encode(Failure(command: command, error: error, exitCode: exitCode))
        }
        Terminal.output(String(decoding: data ?? Data("{}".utf8), as: UTF8.self))
    }

    struct Failure: Encodable {
        let command: String
        let error: String
        let exitCode: Int32
    }

    /// A file name with a newline or other control character must not break the one-line-per-file
    /// output that scripts and cron mail read.
    static func oneLine(_ text: String) -> String {
        String(text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control ? String(format: "\\x%02X", scalar.value) : String(scalar)
        }.joined())
    }

    static func record(_ summary: RunSummary, in catalog: any Catalog) throws {
        try record(command: summary.command, exitCode: summary.exitCode, summary: try encoder.encode(JSONSummary(summary: summary)), in: catalog)
    }

    /// The run `status` shows as the last one: its command, how it ended, and its JSON summary.
    static func record(command: String, exitCode: Int32, summary: Data, in catalog: any Catalog) throws {
        try catalog.recordRun(RunRecord(command: command, finished: ISO8601DateFormatter().string(from: Date()),
                                        exitCode: exitCode, summary: String(decoding: summary, as: UTF8.self)))
    }

    /// The summary plus its exit code, as scripts read it.
    struct JSONSummary: Encodable {
        let summary: RunSummary
        var exitCode: Int32?

        func encode(to encoder: Encoder) throws {
            try summary.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(exitCode ?? summary.exitCode, forKey: .exitCode)
            try container.encode(summary.problems.count, forKey: .problemCount)
        }

        enum Key: String, CodingKey { case exitCode, problemCount }
    }
}
