import ArgumentParser
import CupolaCore
import Foundation

struct Regenerate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild renditions that are missing or were made with other settings.",
        discussion: """
            After a change to the [[rendition]] settings, rebuilds exactly the renditions whose settings \
            fingerprint changed (size, format, quality, libvips version) or whose file is missing, all of a frame's stale \
            renditions from one decode, and rewrites the manifests of the galleries touched. They are \
            made from the smallest up-to-date rendition of the frame at least twice their size when \
            there is one (as ingest makes each rendition from the larger one), else from the original; \
            --from-originals always decodes the originals, as --force does. \
            Renditions whose name left the settings are listed, and removed with --prune. \
            Safe to kill: a re-run carries on where it stopped. A --gallery, --rendition or \
            --from-rendition value that names nothing in the library is refused (exit 64) with the \
            values it knows. --dry-run only reads the catalog: it takes no lock. \
            With a catalog server, any number of workers run it together: each frame is rebuilt by \
            the worker that claims it, under a lease (--lease), as ingest shares its frames.

            Example:
              cupola regenerate --library /srv/galleries --rendition thumb --dry-run
            """)

    @OptionGroup var options: LibraryOptions

    @Option(name: .long, help: ArgumentHelp("Only this gallery (repeatable).", valueName: "ID"))
    var gallery: [String] = []

    @Option(name: .long, help: ArgumentHelp("Only this rendition (repeatable).", valueName: "NAME"))
    var rendition: [String] = []

    @Option(name: .long, help: ArgumentHelp("Only frames whose id or source path matches this shell pattern.", valueName: "GLOB"))
    var frames: String?

    @Flag(name: .long, help: "Rebuild the selected renditions even when they are up to date.")
    var force = false

    @Flag(name: .long, help: "Delete renditions whose name is no longer in the settings.")
    var prune = false

    @Flag(name: .long, help: "List what would be rebuilt; write nothing, lock nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Decode the originals, even where a larger up-to-date rendition would do.")
    var fromOriginals = false

    @Option(name: .long, help: ArgumentHelp("Derive from this up-to-date rendition whenever it holds the pixels needed, even at less than twice the size.", valueName: "NAME"))
    var fromRendition: String?

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("With a catalog server: how long a claimed frame stays this worker's without a heartbeat (renewed every third of it).", valueName: "SECONDS"))
    var lease: Double = 60

    // .unconditional: "--jobs -1" reaches validate() and its message, not "Missing value".
    @Option(name: .long, parsing: .unconditional, help: "Frames processed at once (default: one per core).")
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if lease < 0.5 { throw ValidationError("--lease must be at least 0.5 seconds") }
        if fromOriginals && fromRendition != nil { throw ValidationError("--from-originals and --from-rendition exclude each other") }
    }

    func run() async throws {
        do {
            // A dry run only reads the catalog, like `status`: no lock, nothing written.
            let session = dryRun
                ? try LibrarySession(readingLibrary: options.library, settingsFile: options.config,
                catalogURL: options.catalog, connector: CatalogServers.connect)
                : try LibrarySession(library: options.library, settingsFile: options.config, command: "regenerate",
                catalogURL: options.catalog, connector: CatalogServers.connect, sharing: true)
            try VipsRuntime.start()
            var selection = Regenerator.Options()
            selection.galleries = Set(gallery)
            selection.renditions = Set(rendition)
            selection.frames = frames
            selection.force = force
            selection.prune = prune
            selection.dryRun = dryRun
            selection.source = fromOriginals ? .originals : fromRendition.map { .rendition($0) } ?? .automatic
            let regenerator = Regenerator(layout: session.layout, catalog: session.catalog, settings: session.settings,
                                          workers: jobs ?? session.settings.workerCount)
            if !dryRun, let url = session.catalogURL, let rebuilds = session.catalog as? any RebuildClaims,
               let heartbeat = try CatalogServers.connect(url, false) as? any WorkClaims {
                regenerator.shared = try SharedRebuild(rebuilds: rebuilds, heartbeat: heartbeat, lease: lease)
            }
            try regenerator.checkSelection(selection)
            var progress: ProgressBar?
            regenerator.onProgress = { done, total in
                if progress == nil { progress = ProgressBar.make(total: total) }
                progress?.update(done: done)
            }
            let summary = try await regenerator.run(selection)
            progress?.finish()
            let data = try RunReport.encoder.encode(summary)
            // `status` says what ran last, and how it ended: a regenerate as much as an ingest.
            if !dryRun { try RunReport.record(command: "regenerate", exitCode: summary.exitCode, summary: data, in: session.catalog) }
            if options.json {
                Terminal.output(String(decoding: data, as: UTF8.self))
            } else if !summary.isQuiet || Terminal.standardOutputIsInteractive {
                for problem in summary.problems { Terminal.error("\(RunReport.oneLine(problem.file)): \(problem.reason)") }
                for obsolete in summary.obsolete.prefix(20) { Terminal.error("obsolete: \(obsolete)") }
                for rendition in summary.rebuilding.prefix(20) { Terminal.error("to rebuild: \(rendition)") }
                if summary.renditionsStale > 20 { Terminal.error("to rebuild: \(summary.renditionsStale - 20) more") }
                Terminal.error(summary.line)
            }
            if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw ExitStatus.fail(error, json: options.json ? "regenerate" : nil)
        }
    }
}
