import ArgumentParser
import CupolaCore
import Dispatch
import Foundation
import Logging

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch an inbox and ingest each frame as soon as it is complete.",
        discussion: """
            Ingests frames arriving in INBOX (and its sub-folders) through the same pipeline as \
            `ingest`. A file is taken once a writer closed it or renamed it in, and its size and mtime \
            stayed the same for --settle seconds; half-written files are never turned into frames. \
            A full scan at start-up picks up what arrived while the watcher was down, and one runs \
            every --rescan seconds as a safety net. A file deleted or moved out of INBOX leaves its \
            gallery at once; one moved or renamed inside it keeps its frame; an INBOX deleted and \
            made again is watched again. On a network share, where inotify sees nothing, \
            use --poll. SIGINT or SIGTERM: stop taking files, finish those in flight, write the \
            manifests and exit 0.

            Example:
              cupola watch /srv/downlink/inbox --library /srv/galleries --log-format json
            """)

    @Argument(help: ArgumentHelp("The inbox folder to watch.", valueName: "INBOX"))
    var inbox: String

    @Option(name: .long, help: ArgumentHelp("The library folder: catalog, galleries and settings.", valueName: "DIR"))
    var library: String

    @Option(name: .long, help: ArgumentHelp("Settings file to use instead of DIR/cupola.toml.", valueName: "FILE"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("A shared catalog server instead of DIR's own SQLite file (postgresql://…).", valueName: "URL"))
    var catalog: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Scan every SECONDS instead of using inotify (NFS/SMB inboxes).", valueName: "SECONDS"))
    var poll: Double?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How long a file must stay unchanged before it is read.", valueName: "SECONDS"))
    var settle: Double = 1

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Seconds between full safety-net scans.", valueName: "SECONDS"))
    var rescan: Double = 600

    @Option(name: .long, parsing: .unconditional, help: "Frames processed at once (default: the settings' jobs, else one per core).")
    var jobs: Int?

    @Option(name: .long, help: "keep: reference originals where they are; copy: also keep a verified copy in DIR/originals; move: copy, then remove the inbox file once committed.")
    var originals: OriginalsPolicy = .keep

    @Option(name: .long, help: "Log lines as text or json.")
    var logFormat: EventLog.Format = .text

    func validate() throws {
        if let poll, poll <= 0 { throw ValidationError("--poll must be positive") }
        if settle < 0 { throw ValidationError("--settle cannot be negative") }
        if rescan <= 0 { throw ValidationError("--rescan must be positive") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() async throws {
        EventLog.bootstrap(logFormat)
        let logger = Logger(label: "cupola.watch")
        do {
            var source = try SourceFolder(inbox)
            try source.refuseInside(library: library)
            let session = try LibrarySession(library: library, settingsFile: config, command: "watch", creating: true,
                                             catalogURL: catalog, connector: CatalogServers.connect)
            source.exclude(library)
            try VipsRuntime.start()
            // The watcher's log is the run's log: libvips' warnings go there, not to bare stderr.
            VipsWarnings.route { message in logger.info("libvips warning", metadata: ["message": "\(message)"]) }
            let control = WatchControl()
            let signals = SignalTrap(on: [SIGINT, SIGTERM, SIGHUP]) { signal in
                if signal == SIGHUP {
                    logger.info("reloading settings")
                    control.reload()
                } else {
                    logger.info("stopping", metadata: ["signal": "\(signal)"])
                    control.terminate()
                }
            }
            var settings = session.settings
            var firstRound = true
            // One round per settings generation: SIGHUP ends the round like SIGTERM (frames in flight
            // finish, manifests are written), then the watch starts again with the new settings and
            // a full scan picks up whatever was still waiting.
            repeat {
                let pipeline = try makePipeline(session: session, settings: settings, logger: logger)
                if firstRound {
                    try pipeline.recoverInterruptedRun()
                    try pipeline.retrySuspects()
                    firstRound = false
                }
                // `[raw] pairs` may have changed (SIGHUP): the round's first scan reads such files again.
                try pipeline.promoteCompanions(scanned: [source.path])
                // Theme rules changed since the last round (SIGHUP) take effect now, not with the next frame.
                try pipeline.publish()
                try pipeline.noteStaleRenditions()
                if pipeline.summary.staleRenditions > 0 {
                    logger.warning("renditions out of date, run `cupola regenerate`",
                                   metadata: ["count": "\(pipeline.summary.staleRenditions)"])
                }
                let watch = InboxWatch(source: source, options: watchOptions) { notice in
                    switch notice {
                    case .inboxGone(let path):
                        logger.warning("inbox gone, watching for it to come back", metadata: ["inbox": "\(path)"])
                    case .inboxBack(let path):
                        logger.info("inbox back, watching it again", metadata: ["inbox": "\(path)"])
                    }
                }
                control.watching(watch)
                logger.info("watching", metadata: ["inbox": "\(source.path)", "mode": "\(poll == nil ? "inotify" : "poll")"])
                try await pipeline.run(try watch.events())
                try pipeline.publish()
                if control.takeReload() {
                    do {
                        settings = try LibrarySession.loadSettings(library: library, override: config)
                    } catch {
                        logger.error("settings not reloaded, keeping the previous ones", metadata: ["reason": "\(error)"])
                    }
                }
            } while !control.isTerminated
            withExtendedLifetime(signals) {}
            logger.info("stopped")
        } catch {
            throw ExitStatus.fail(error)
        }
    }
}

extension Watch {
    var watchOptions: InboxWatch.Options {
        var options = InboxWatch.Options()
        options.settle = settle
        options.poll = poll
        options.rescanEvery = rescan
        return options
    }

    func makePipeline(session: LibrarySession, settings: Settings, logger: Logger) throws -> Pipeline {
        var configuration = PipelineConfiguration(layout: session.layout, settings: settings, workers: jobs)
        configuration.originals = originals
        let pipeline = try Pipeline(configuration: configuration, catalog: session.catalog, command: "watch")
        pipeline.crashMarker = session.crashMarker
        pipeline.onResult = { result in
            EventLog.log(result, to: logger)
            pipeline.forgetSummaryDetails()
        }
        pipeline.onProblem = { problem in
            logger.error("\(problem.outcome)", metadata: ["file": "\(problem.file)", "reason": "\(problem.reason)"])
            pipeline.forgetSummaryDetails()
        }
        pipeline.onSharedId = { shared in logger.warning("\(shared.message)") }
        pipeline.onMove = { from, frame in
            logger.info("moved", metadata: ["from": "\(from)", "file": "\(frame.source.label)", "frame": "\(frame.id)", "gallery": "\(frame.gallery.id)"])
        }
        pipeline.onRemove = { frames in
            for frame in frames {
                logger.info("removed", metadata: ["file": "\(frame.source.label)", "frame": "\(frame.id)", "gallery": "\(frame.gallery.id)"])
            }
        }
        pipeline.onPublish = { galleries in
            if !galleries.isEmpty { logger.info("published", metadata: ["galleries": "\(galleries.joined(separator: ","))"]) }
            // Building a manifest allocates in proportion to its gallery; give that back to the
            // system so a watcher's RSS stays flat over weeks.
            ProcessMemory.returnFreed()
        }
        return pipeline
    }
}

/// What the signal handlers ask of the watch loop. @unchecked: every field is reached under `lock`.
final class WatchControl: @unchecked Sendable {
    private let lock = NSLock()
    private var terminated = false
    private var reloadRequested = false
    private var current: InboxWatch?

    func watching(_ watch: InboxWatch) {
        let stopNow = lock.withLock { () -> Bool in
            current = watch
            return terminated || reloadRequested
        }
        if stopNow { watch.stop() }
    }

    func terminate() { lock.withLock { terminated = true; return current }?.stop() }
    func reload() { lock.withLock { reloadRequested = true; return current }?.stop() }
    var isTerminated: Bool { lock.withLock { terminated } }

    func takeReload() -> Bool {
        lock.withLock {
            defer { reloadRequested = false }
            return reloadRequested
        }
    }
}

/// Runs a handler on a signal instead of dying from it.
final class SignalTrap {
    private let sources: [any DispatchSourceSignal]

    init(on signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }
}

extension EventLog.Format: ExpressibleByArgument {}
extension OriginalsPolicy: ExpressibleByArgument {}
