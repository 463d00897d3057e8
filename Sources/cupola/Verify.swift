import ArgumentParser
import CupolaCore
import Foundation

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that a library is whole; optionally repair it.",
        discussion: """
            Checks that every manifest and the index equal what the catalog produces, and that every \
            rendition exists with its recorded size and dimensions. --deep also decodes every rendition \
            and checks every original's and every rendition's SHA-256. --repair rebuilds missing or \
            damaged renditions from the originals (or, when an original is gone or changed, from an \
            intact larger rendition of the frame) and rewrites stale manifests and pages, then names \
            what it could not fix and why. --deep --repair also records the SHA-256 of renditions made \
            before Cupola kept one. Exit 0 when whole, 1 otherwise. It holds the library's lock \
            (shared with other checks) so that it never compares a run's half-written work: while \
            an ingest holds the library it exits 75, or waits with --wait. Renditions made with \
            other settings are counted; `cupola regenerate` rebuilds them.

            Example:
              cupola verify --library /srv/galleries --deep --repair
            """)

    @OptionGroup var options: LibraryOptions

    @Flag(name: .long, help: "Also decode and hash every rendition and hash every original.")
    var deep = false

    @Flag(name: .long, help: "Fix what can be fixed from the originals and the catalog.")
    var repair = false

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Wait up to this long for a run holding the library to finish.", valueName: "SECONDS"))
    var wait: Double = 0

    struct Report: Encodable {
        let whole: Bool
        let problems: [LibraryVerifier.Problem]
        let repaired: [LibraryVerifier.Problem]
        /// Renditions made with other settings than the current ones (`cupola regenerate`).
        let staleRenditions: Int
    }

    func validate() throws {
        if wait < 0 { throw ValidationError("--wait cannot be negative") }
    }

    func run() async throws {
        do {
            try VipsRuntime.start()
            // A check takes the lock shared: during an ingest the files and the catalog differ by
            // design, and reporting that as damage would be wrong.
            let session = repair
                ? try LibrarySession(library: options.library, settingsFile: options.config, command: "verify", waitForLock: wait,
                catalogURL: options.catalog, connector: CatalogServers.connect)
                : try LibrarySession(readingLibrary: options.library, settingsFile: options.config, sharedLockWait: wait,
                catalogURL: options.catalog, connector: CatalogServers.connect)
            let verifier = LibraryVerifier(layout: session.layout, catalog: session.catalog)
            let found = try verifier.verify(deep: deep)
            // Renditions recorded before their SHA-256 was kept get it once a deep check finds them intact.
            if repair && deep { try verifier.recordMissingRenditionDigests() }
            var remaining = found
            if repair && !found.isEmpty {
                remaining = try await verifier.repair(found, settings: session.settings, workers: session.settings.workerCount)
            }
            // By kind and file: a problem left over may carry a new detail (why it was not repaired).
            let repaired = found.filter { problem in !remaining.contains { $0.kind == problem.kind && $0.file == problem.file } }
            let stale = try session.catalog.staleRenditionCount(current: session.settings.renditions)
            if options.json {
                let data = try RunReport.encoder.encode(Report(whole: remaining.isEmpty, problems: remaining, repaired: repaired,
                                                               staleRenditions: stale))
                Terminal.output(String(decoding: data, as: UTF8.self))
            } else {
                for problem in repaired { Terminal.output("repaired: \(RunReport.oneLine(problem.file)): \(problem.kind.rawValue)") }
                for problem in remaining {
                    let detail = problem.detail.isEmpty ? "" : " (\(RunReport.oneLine(problem.detail)))"
                    Terminal.output("\(RunReport.oneLine(problem.file)): \(problem.kind.rawValue)\(detail)")
                }
                if found.isEmpty { Terminal.output("library is whole") }
                if stale > 0 { Terminal.output(RunSummary.staleAdvice(stale)) }
            }
            if !remaining.isEmpty { throw ExitCode(1) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw ExitStatus.fail(error, json: options.json ? "verify" : nil)
        }
    }
}
