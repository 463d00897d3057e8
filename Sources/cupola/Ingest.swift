import ArgumentParser
import CupolaCore
import Foundation

struct Ingest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ingest folders of frames into the library's galleries.",
        discussion: """
            Walks each SOURCE folder, reads every new or changed image (JPEG, PNG, TIFF, WebP, HEIF, \
            recognised by content), renders its renditions, records it in the catalog and rewrites the \
            manifests of the galleries that changed. Unchanged files are not read again, so a cron job \
            can re-run the same command cheaply; with nothing to do it prints nothing.

            With a catalog server (--catalog postgresql://…), any number of ingest processes, on any \
            number of machines that see the same folders, may run at once on one library: each \
            frame is claimed by one of them under a lease (--lease), the fastest take the most, and \
            a worker that dies loses its claims to the others when the lease runs out.

            Exit codes: 0 all ingested or nothing to do, 1 some files rejected or failed (listed), \
            64 usage, 73/74 cannot write, 75 library busy or disk full, 78 bad settings.

            Example:
              cupola ingest downlink/2023-04-02 --library /srv/galleries --json
            """)

    @Argument(help: ArgumentHelp("Folders to ingest, searched recursively.", valueName: "SOURCE"))
    var sources: [String]

    @OptionGroup var options: LibraryOptions

    // .unconditional: "--jobs -1" reaches validate() and its message, not "Missing value".
    @Option(name: .long, parsing: .unconditional, help: "Frames processed at once (default: the settings' jobs, else one per core).")
    var jobs: Int?

    @Flag(name: .long, help: "Report what would happen; write nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Add seconds spent per stage (scan, decode, encode, catalog…) to the summary, as text or JSON.")
    var stats = false

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Wait up to this long for another run to release the library.", valueName: "SECONDS"))
    var wait: Double = 0

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("With a catalog server: how long a claimed frame stays this worker's without a heartbeat (renewed every third of it).", valueName: "SECONDS"))
    var lease: Double = 60

    @Option(name: .long, help: "keep: reference originals where they are; copy: also keep a verified copy in DIR/originals; move: copy, then remove the source once committed.")
    var originals: OriginalsPolicy = .keep

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if wait < 0 { throw ValidationError("--wait cannot be negative") }
        if lease < 0.5 { throw ValidationError("--lease must be at least 0.5 seconds") }
    }

    func run() async throws {
        let started = Date()
        do {
            var folders = try sources.map { (path) throws(IntakeError) in try SourceFolder(path) }
            for folder in folders { try folder.refuseInside(library: options.library) }
            // The lock first: a second run must say so at once, before libvips loads (~50 ms).
            let (catalog, layout, settings, session) = try open()
            for index in folders.indices { folders[index].exclude(options.library) }
            try VipsRuntime.start()
            var configuration = PipelineConfiguration(layout: layout, settings: settings, workers: jobs)
            configuration.dryRun = dryRun
            configuration.originals = originals
            let pipeline = try Pipeline(configuration: configuration, catalog: catalog, command: "ingest")
            pipeline.crashMarker = session?.crashMarker
            if let session, !dryRun, let url = session.catalogURL, let claims = catalog as? any WorkClaims,
               let heartbeat = try CatalogServers.connect(url, false) as? any WorkClaims {
                pipeline.shared = SharedWork(claims: claims, heartbeat: heartbeat, lease: lease)
            }
            var progress: ProgressBar?
            try await BatchIngest(sources: folders).run(pipeline) { total in
                progress = ProgressBar.make(total: total)
                pipeline.onProgress = { done, _ in progress?.update(done: done) }
            }
            progress?.finish()
            pipeline.finish(elapsed: Date().timeIntervalSince(started), withStages: stats)
            let summary = pipeline.summary
            if session != nil && !dryRun { try RunReport.record(summary, in: catalog) }
            RunReport.print(summary, json: options.json)
            if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw ExitStatus.fail(error, json: options.json ? "ingest" : nil)
        }
    }

    /// A real run locks and opens the library; a dry run only reads what is there, if anything.
    private func open() throws -> (any Catalog, LibraryLayout, Settings, LibrarySession?) {
        if dryRun {
            let layout = LibraryLayout(root: FilePathBytes(options.library))
            if FileManager.default.fileExists(atPath: layout.catalogFile.description) {
                let session = try LibrarySession(readingLibrary: options.library, settingsFile: options.config,
                                                 catalogURL: options.catalog, connector: CatalogServers.connect)
                return (session.catalog, session.layout, session.settings, session)
            }
            let settings = try LibrarySession.loadSettings(library: options.library, override: options.config)
            return (try SQLiteCatalog(path: SQLiteCatalog.inMemory), layout, settings, nil)
        }
        let session = try LibrarySession(library: options.library, settingsFile: options.config,
                                         command: "ingest", waitForLock: wait, creating: true,
                                         catalogURL: options.catalog, connector: CatalogServers.connect, sharing: true)
        return (session.catalog, session.layout, session.settings, session)
    }
}
