import ArgumentParser
import CupolaCore
import Foundation

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a library's galleries, problem files and last run.",
        discussion: """
            Reads the catalog only; safe to run while an ingest is going on.

            Example:
              cupola status --library /srv/galleries --json
            """)

    @OptionGroup var options: LibraryOptions

    struct Report: Encodable {
        struct Gallery: Encodable {
            let id: String
            let title: String
            let frameCount: Int
            let firstCapture: String?
            let lastCapture: String?
        }

        struct Problem: Encodable {
            let file: String
            let state: String
            let reason: String
        }

        let galleries: [Gallery]
        let frameCount: Int
        let problems: [Problem]
        let lastRun: RunRecord?
        let catalogBytes: Int64
    }

    func run() async throws {
        do {
            let session = try LibrarySession(readingLibrary: options.library, settingsFile: options.config)
            let catalog = session.catalog
            let galleries = try catalog.galleries().map {
                Report.Gallery(id: $0.identity.id, title: $0.identity.title, frameCount: $0.frameCount,
                               firstCapture: $0.firstCapture, lastCapture: $0.lastCapture)
            }
            let problems = try catalog.problems().map {
                Report.Problem(file: $0.label, state: $0.state.rawValue, reason: $0.reason ?? "")
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: session.layout.catalogFile.description)[.size] as? Int64) ?? 0
            let report = Report(galleries: galleries, frameCount: galleries.reduce(0) { $0 + $1.frameCount },
                                problems: problems, lastRun: try catalog.lastRun(), catalogBytes: size ?? 0)
            options.json ? printJSON(report) : printText(report)
        } catch {
            throw ExitStatus.fail(error)
        }
    }

    private func printJSON(_ report: Report) {
        let data = (try? RunReport.encoder.encode(report)) ?? Data("{}".utf8)
        Terminal.output(String(decoding: data, as: UTF8.self))
    }

    private func printText(_ report: Report) {
        Terminal.output("\(report.frameCount) frames in \(report.galleries.count) galleries; catalog \(report.catalogBytes / 1024) KiB")
        for gallery in report.galleries {
            let range = [gallery.firstCapture, gallery.lastCapture].compactMap { $0 }.joined(separator: " .. ")
            Terminal.output("  \(gallery.id.padding(toLength: 12, withPad: " ", startingAt: 0)) \(gallery.title.padding(toLength: 16, withPad: " ", startingAt: 0)) \(String(gallery.frameCount).leftPadded(6))  \(range)")
        }
        if !report.problems.isEmpty {
            Terminal.output("\(report.problems.count) files not ingested:")
            for problem in report.problems { Terminal.output("  \(problem.file): \(problem.state): \(problem.reason)") }
        }
        if let run = report.lastRun {
            Terminal.output("last run: \(run.command) finished \(run.finished), exit \(run.exitCode)")
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
