import CupolaCore
import Foundation

/// How a run's summary reaches people and scripts.
enum RunReport {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `--json`: one object on stdout, always. Otherwise a line on stderr plus one line per
    /// problem, and nothing at all when there was nothing to do and nobody is watching.
    static func print(_ summary: RunSummary, json: Bool) {
        if json {
            var object = summary
            object.galleries = summary.galleries
            let data = (try? encoder.encode(JSONSummary(summary: object))) ?? Data("{}".utf8)
            Terminal.output(String(decoding: data, as: UTF8.self))
            return
        }
        guard !summary.isQuiet || Terminal.standardOutputIsInteractive else { return }
        for problem in summary.problems { Terminal.error("\(oneLine(problem.file)): \(problem.reason)") }
        for warning in summary.warnings { Terminal.error("\(oneLine(warning.file)): warning: \(warning.warning)") }
        for shared in summary.sharedIds {
            Terminal.error(oneLine(shared.message))
        }
        for same in summary.sameContent {
            Terminal.error("\(oneLine(same.file)): same content as \(oneLine(same.sameAs)); renditions shared")
        }
                if let reason = summary.stoppedEarly { Terminal.error("cupola: stopped early: \(reason)") }
        Terminal.error(summary.line)
    }

    /// A file name with a newline or other control character must not break the one-line-per-file
    /// output that scripts and cron mail read.
    static func oneLine(_ text: String) -> String {
        String(text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control ? String(format: "\\x%02X", scalar.value) : String(scalar)
        }.joined())
    }

    static func record(_ summary: RunSummary, in catalog: any Catalog) throws {
        let data = try encoder.encode(JSONSummary(summary: summary))
        try catalog.recordRun(RunRecord(command: summary.command,
                                        finished: ISO8601DateFormatter().string(from: Date()),
                                        exitCode: summary.exitCode,
                                        summary: String(decoding: data, as: UTF8.self)))
    }

    /// The summary plus its exit code, as scripts read it.
    struct JSONSummary: Encodable {
        let summary: RunSummary

        func encode(to encoder: Encoder) throws {
            try summary.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(summary.exitCode, forKey: .exitCode)
            try container.encode(summary.problems.count, forKey: .problemCount)
        }

        enum Key: String, CodingKey { case exitCode, problemCount }
    }
}
