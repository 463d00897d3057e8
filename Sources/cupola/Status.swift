import ArgumentParser
import CupolaCore
import Foundation

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a library's galleries, problem files and last run.",
        discussion: """
            Reads the catalog only; safe to run while an ingest is going on, and it still runs when \
            the settings file is unusable (with a warning: the stale renditions are then not counted). \
            It lists files left in flight by a run that was stopped or crashed (the next ingest \
            retries them) and renditions made with other settings (`cupola regenerate` rebuilds them).

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

        /// The last run, its summary as the object `--json` printed then.
        struct LastRun: Encodable {
            let command: String
            let finished: String
            let exitCode: Int32
            let summary: JSONValue
        }

        /// Work shared among many workers through a catalog server (`WorkClaims`).
        struct Claims: Encodable {
            let waiting: Int
            /// Frames held now, by worker (`host/pid`).
            let claimed: [String: Int]
            /// Held past their lease: their worker stopped renewing; another will take them over.
            let overdue: Int
            /// Leases that ran out and were taken over: frames decoded twice.
            let expiredLeases: Int
            let finished: Int

            init(_ status: ClaimStatus) {
                waiting = status.waiting
                claimed = status.claimed
                overdue = status.overdue
                expiredLeases = status.expiredLeases
                finished = status.finished
            }
        }

        let galleries: [Gallery]
        let frameCount: Int
        let problems: [Problem]
        /// Files a stopped or crashed run left in flight (`processing`, `suspect`, `isolated`).
        let interrupted: [Problem]
        /// Renditions made with other settings than the current ones; nil when the settings
        /// could not be read.
        let staleRenditions: Int?
        let settingsProblem: String?
        let lastRun: LastRun?
        let catalogBytes: Int64
        let claims: Claims?
        /// Renditions rebuilt by many `regenerate` workers (`RebuildClaims`), by frame.
        let rebuilds: Claims?
    }

    func run() async throws {
        do {
            let session = try LibrarySession(readingLibrary: options.library, settingsFile: options.config, tolerateBadSettings: true,
                catalogURL: options.catalog, connector: CatalogServers.connect)
            if let problem = session.settingsProblem {
                Terminal.error("cupola: warning: \(problem); showing the catalog without the settings")
            }
            let catalog = session.catalog
            let galleries = try catalog.galleries().map {
                Report.Gallery(id: $0.identity.id, title: $0.identity.title, frameCount: $0.frameCount,
                               firstCapture: $0.firstCapture, lastCapture: $0.lastCapture)
            }
            let problems = try catalog.problems().map {
                Report.Problem(file: $0.label, state: $0.state.rawValue, reason: $0.reason ?? "")
            }
            var interrupted = try [SourceState.processing, .suspect, .isolated].flatMap { state in
                try catalog.sources(in: state).map {
                    Report.Problem(file: $0.label, state: state.rawValue, reason: "left in flight by a run that stopped; the next ingest retries it")
                }
            }
            // In flight is normal while a run holds the library: probed only when there are any,
            // and the shared lock is let go at once.
            if !interrupted.isEmpty && Self.runInProgress(session.layout) { interrupted = [] }
            let stale = session.settingsProblem == nil ? try catalog.staleRenditionCount(current: session.settings.renditions) : nil
            let lastRun = try catalog.lastRun().map { run in
                Report.LastRun(command: run.command, finished: run.finished, exitCode: run.exitCode,
                               summary: (try? JSONValue(parsing: run.summary)) ?? .string(run.summary))
            }
            let claims = try (catalog as? any WorkClaims).map { Report.Claims(try $0.claimStatus()) }
            let rebuilds = try (catalog as? any RebuildClaims).map { Report.Claims(try $0.rebuildStatus()) }
            let size = (try? FileManager.default.attributesOfItem(atPath: session.layout.catalogFile.description)[.size] as? Int64) ?? 0
            let report = Report(galleries: galleries, frameCount: galleries.reduce(0) { $0 + $1.frameCount },
                                problems: problems, interrupted: interrupted, staleRenditions: stale,
                                settingsProblem: session.settingsProblem?.description, lastRun: lastRun, catalogBytes: size,
                                claims: claims, rebuilds: rebuilds)
            options.json ? printJSON(report) : printText(report)
        } catch {
            throw ExitStatus.fail(error, json: options.json ? "status" : nil)
        }
    }

    /// Whether a writing run holds the library now.
    static func runInProgress(_ layout: LibraryLayout) -> Bool {
        do {
            _ = try LibraryLock.shared(layout.lockFile)
            return false
        } catch {
            return true
        }
    }

    private func printJSON(_ report: Report) {
        let data = (try? RunReport.encoder.encode(report)) ?? Data("{}".utf8)
        Terminal.output(String(decoding: data, as: UTF8.self))
    }

    /// File names and reasons go through `RunReport.oneLine`: a newline or a terminal escape in
    /// a name must not break the listing or drive the terminal.
    private func printText(_ report: Report) {
        Terminal.output("\(Wording.count(report.frameCount, "frame")) in \(Wording.count(report.galleries.count, "gallery", "galleries")); "
                        + "catalog \(report.catalogBytes / 1024) KiB")
        for gallery in report.galleries {
            let range = [gallery.firstCapture, gallery.lastCapture].compactMap { $0 }.joined(separator: " .. ")
            Terminal.output("  \(gallery.id.padding(toLength: 12, withPad: " ", startingAt: 0)) \(gallery.title.padding(toLength: 16, withPad: " ", startingAt: 0)) \(String(gallery.frameCount).leftPadded(6))  \(range)")
        }
        if !report.problems.isEmpty {
            Terminal.output("\(Wording.count(report.problems.count, "file")) not ingested:")
            for problem in report.problems {
                Terminal.output("  \(RunReport.oneLine(problem.file)): \(problem.state): \(RunReport.oneLine(problem.reason))")
            }
        }
        if !report.interrupted.isEmpty {
            Terminal.output("\(Wording.count(report.interrupted.count, "file")) left in flight by a run that stopped or crashed "
                            + "(the next `cupola ingest` retries them):")
            for file in report.interrupted { Terminal.output("  \(RunReport.oneLine(file.file)): \(file.state)") }
        }
        for (what, claims) in [("shared work", report.claims), ("shared rebuilds", report.rebuilds)] {
            guard let claims, claims.waiting + claims.claimed.count + claims.finished > 0 else { continue }
            let held = claims.claimed.values.reduce(0, +)
            Terminal.output("\(what): \(claims.finished) finished, \(claims.waiting) waiting, \(held) claimed by "
                            + "\(Wording.count(claims.claimed.count, "worker")), \(claims.overdue) overdue, "
                            + "\(Wording.count(claims.expiredLeases, "lease")) expired and taken over")
            for (worker, count) in claims.claimed.sorted(by: { $0.key < $1.key }) {
                Terminal.output("  \(RunReport.oneLine(worker)): \(count)")
            }
        }
        if let stale = report.staleRenditions, stale > 0 { Terminal.output(RunSummary.staleAdvice(stale)) }
        if let run = report.lastRun {
            Terminal.output("last run: \(run.command) finished \(run.finished), exit \(run.exitCode)")
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
