import CupolaCore
import CupolaPostgres
import Foundation
import Testing

/// Many `cupola regenerate` processes on one library and one PostgreSQL catalog: the rebuilds are
/// shared out frame by frame, and the library they leave is the one a single SQLite run leaves.
@Suite("Many regenerate workers", .enabled(if: TestPostgres.isAvailable, TestPostgres.absentMessage))
struct SharedRegenerateTests {
    /// The built-in renditions with a smaller thumb: only the thumbs go stale (and the large ones
    /// too with another `largeQuality`).
    static func smallerThumbs(_ size: Int, largeQuality: Int = 85) -> String {
        "[[rendition]]\nname = \"large\"\nsize = 2048\nquality = \(largeQuality)\n[[rendition]]\nname = \"medium\"\nsize = 1024\nquality = 85\n"
            + "[[rendition]]\nname = \"thumb\"\nsize = \(size)\nquality = 80\n"
    }

    static func settings(_ text: String, library: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: library).appendingPathComponent("cupola.toml"))
    }

    /// A library ingested through the catalog server by one worker.
    static func sharedLibrary(_ downlink: URL, in folder: TemporaryFolder, url: String) throws -> String {
        let library = folder.url.appendingPathComponent("shared").path
        let ingest = try CLI.run(["ingest", downlink.path, "--library", library, "--catalog", url])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        return library
    }

    static func regenerate(_ library: String, url: String, lease: Double = 5, environment: [String: String] = [:]) throws -> (Process, Pipe) {
        try ManyWorkerTests.launch(["regenerate", "--library", library, "--catalog", url, "--jobs", "1", "--lease", String(lease), "--json"],
                                   environment: environment)
    }

    static func dryRun(_ library: String, url: String) throws -> Int {
        let run = try CLI.run(["regenerate", "--library", library, "--catalog", url, "--dry-run", "--json"])
        let summary = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any] ?? [:]
        return summary["renditionsStale"] as? Int ?? -1
    }

    @Test("3 regenerate workers after a settings change: every stale rendition rebuilt once among them, the library byte-identical to one SQLite run's")
    func threeWorkers() throws {
        let folder = TemporaryFolder()
        let downlink = try ManyWorkerTests.downlink(in: folder, count: 240, large: 3)
        let reference = try ManyWorkerTests.reference(downlink, in: folder)
        try Self.settings(Self.smallerThumbs(64), library: reference)
        #expect(try CLI.run(["regenerate", "--library", reference]).status == 0)

        let url = try TestPostgres.newDatabase()
        let shared = try Self.sharedLibrary(downlink, in: folder, url: url)
        try Self.settings(Self.smallerThumbs(64), library: shared)
        let workers = try (0..<3).map { _ in try Self.regenerate(shared, url: url) }
        let summaries = ManyWorkerTests.summaries(of: workers)
        let rebuilt = summaries.map { $0["renditionsRebuilt"] as? Int ?? -1 }
        #expect(summaries.allSatisfy { $0["lateResults"] == nil })
        #expect(rebuilt.reduce(0, +) == 243, "thumbs rebuilt per worker: \(rebuilt)")
        #expect(rebuilt.filter { $0 > 0 }.count >= 2, "one worker did everything: \(rebuilt)")
        try ManyWorkerTests.expectSameGalleries(shared, as: reference, "3 regenerate workers")
        let status = try PostgresCatalog(url: url).rebuildStatus()
        #expect(status.waiting == 0 && status.claimed.isEmpty && status.expiredLeases == 0 && status.finished == 243)
        let report = try CLI.run(["status", "--library", shared, "--catalog", url])
        #expect(report.stdout.contains("shared rebuilds: 243 finished, 0 waiting, 0 claimed by 0 workers, 0 overdue, 0 leases expired"),
                "\(report.stdout)")
        #expect(try Self.dryRun(shared, url: url) == 0)
        #expect(try SchemaCheck.problems(galleries: "\(shared)/galleries").status == 0)
    }

    @Test("a frame that crashes two regenerate workers is rejected with its reason, not offered again until the settings change")
    func poisonFrame() throws {
        let folder = TemporaryFolder()
        let downlink = try ManyWorkerTests.downlink(in: folder, count: 12)
        let url = try TestPostgres.newDatabase()
        let shared = try Self.sharedLibrary(downlink, in: folder, url: url)
        try Self.settings(Self.smallerThumbs(64), library: shared)
        let drill = ["CUPOLA_CRASH_DRILL": "ISS061-E-100005"]
        let crashing = try (0..<2).map { _ in try Self.regenerate(shared, url: url, lease: 1, environment: drill).0 }
        for worker in crashing { worker.waitUntilExit() }
        #expect(crashing.allSatisfy { $0.terminationReason == .uncaughtSignal }, "\(crashing.map(\.terminationStatus))")

        let reason = "crashed the decoder (two workers died rebuilding it; offered again when the settings change)"
        for attempt in ["the worker that finds it poisoned", "the next run"] {
            let run = try CLI.run(["regenerate", "--library", shared, "--catalog", url, "--lease", "1", "--json"], environment: drill)
            let summary = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any] ?? [:]
            let problems = summary["problems"] as? [[String: Any]] ?? []
            #expect(run.status == 1, "\(attempt): \(run.stderr)")
            #expect(problems.count == 1 && (problems.first?["file"] as? String ?? "").hasSuffix("ISS061-E-100005.JPG")
                    && problems.first?["reason"] as? String == reason, "\(attempt): \(run.stdout)")
            #expect(try Self.dryRun(shared, url: url) == 1, "\(attempt): only the poisoned frame's thumb is left")
        }
        #expect(try PostgresCatalog(url: url).rebuildStatus().expiredLeases == 2)
        // Other settings: a new goal, offered again (and, without the drill, rebuilt).
        try Self.settings(Self.smallerThumbs(72), library: shared)
        let changed = try CLI.run(["regenerate", "--library", shared, "--catalog", url, "--json"])
        #expect(changed.status == 0, "\(changed.stdout)")
        #expect(try Self.dryRun(shared, url: url) == 0)
    }

    @Test("a regenerate worker stopped (SIGSTOP) past its lease: another takes its frame over, its late result is dropped, the library is identical")
    func stoppedWorker() throws {
        let folder = TemporaryFolder()
        let downlink = try ManyWorkerTests.downlink(in: folder, count: 0, large: 6)
        let reference = try ManyWorkerTests.reference(downlink, in: folder)
        // The large renditions too: each frame then takes a full decode, long enough to be stopped in.
        let settings = Self.smallerThumbs(64, largeQuality: 84)
        try Self.settings(settings, library: reference)
        #expect(try CLI.run(["regenerate", "--library", reference, "--from-originals"]).status == 0)

        let url = try TestPostgres.newDatabase()
        let shared = try Self.sharedLibrary(downlink, in: folder, url: url)
        try Self.settings(settings, library: shared)
        let observer = try PostgresCatalog(url: url)
        let arguments = ["regenerate", "--library", shared, "--catalog", url, "--jobs", "1", "--lease", "1", "--from-originals", "--json"]
        let (paused, pausedOut) = try ManyWorkerTests.launch(arguments)
        let name = "/\(paused.processIdentifier)"
        // Stopped while it rebuilds a frame: just after the claim it only plans.
        let deadline = Date().addingTimeInterval(60)
        while paused.isRunning, Date() < deadline, try !observer.rebuildStatus().claimed.keys.contains(where: { $0.hasSuffix(name) }) {
            usleep(2_000)
        }
        usleep(40_000)
        #expect(paused.isRunning, "the worker finished before it could be stopped")
        kill(paused.processIdentifier, SIGSTOP)
        let (other, otherOut) = try ManyWorkerTests.launch(arguments)
        let otherSummary = ManyWorkerTests.summary(otherOut)
        other.waitUntilExit()
        #expect(other.terminationStatus == 0)
        kill(paused.processIdentifier, SIGCONT)
        let pausedSummary = ManyWorkerTests.summary(pausedOut)
        paused.waitUntilExit()
        // As with ingest: stopped inside a transaction for too long, it finds its session ended and
        // exits 75 (run again); otherwise its late result is counted and dropped.
        if paused.terminationStatus == 75 {
            #expect(try CLI.run(arguments).status == 0)
        } else {
            #expect(paused.terminationStatus == 0)
            #expect(pausedSummary["lateResults"] as? Int ?? 0 >= 1, "\(pausedSummary)")
        }
        print("stopped regenerate worker: exit \(paused.terminationStatus), \(pausedSummary["lateResults"] as? Int ?? 0) late results dropped")
        #expect(try observer.rebuildStatus().expiredLeases >= 1)
        #expect((otherSummary["renditionsRebuilt"] as? Int ?? 0) > 0)
        try ManyWorkerTests.expectSameGalleries(shared, as: reference, "after SIGSTOP")
        #expect(try Self.dryRun(shared, url: url) == 0)
    }
}
