import CupolaCore
import CupolaFixtures
import CupolaPostgres
import Foundation
import Testing

/// Many `cupola ingest` processes on one library and one PostgreSQL catalog, as a cluster runs
/// them: the library they make together must be the one a single process makes with SQLite.
@Suite("Many workers", .enabled(if: TestPostgres.isAvailable, TestPostgres.absentMessage))
struct ManyWorkerTests {
    /// `count` small frames over four expeditions, each of its own size (so of its own content, up
    /// to 2,000), plus `large` full-size ones.
    static func downlink(in folder: TemporaryFolder, count: Int, large: Int = 0) throws -> URL {
        let downlink = folder.folder("downlink")
        for index in 0..<count {
            let data = try SyntheticImage.jpeg(width: 96 + index % 40, height: 64 + index / 40 % 50, quality: 80)
            try data.write(to: downlink.appendingPathComponent("ISS06\(index % 4)-E-\(100000 + index).JPG"))
        }
        for index in 0..<large {
            let data = try SyntheticImage.jpeg(width: 3000 + index * 16, height: 2000, quality: 90)
            try data.write(to: downlink.appendingPathComponent("ISS070-E-\(200000 + index).JPG"))
        }
        return downlink
    }

    static func galleryFiles(_ library: String) -> [String] {
        (FileManager.default.enumerator(atPath: "\(library)/galleries")?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".json") || $0.hasSuffix(".jpg") }.sorted()
    }

    /// The JSON files under `galleries/` equal the reference library's, byte for byte, and the
    /// same rendition files are there.
    static func expectSameGalleries(_ library: String, as reference: String, _ what: String) throws {
        let expected = galleryFiles(reference)
        #expect(expected.count > 10)
        #expect(galleryFiles(library) == expected, "\(what): different files under galleries/")
        for file in expected where file.hasSuffix(".json") {
            let a = try Data(contentsOf: URL(fileURLWithPath: "\(reference)/galleries/\(file)"))
            let b = try Data(contentsOf: URL(fileURLWithPath: "\(library)/galleries/\(file)"))
            if a != b { Issue.record("\(what): \(file) differs from the single SQLite run's") }
        }
    }

    static func worker(_ downlink: URL, library: String, catalog url: String, lease: Double = 5,
                       errors: URL? = nil, environment: [String: String] = [:]) throws -> (Process, Pipe) {
        try launch(["ingest", downlink.path, "--library", library, "--catalog", url, "--jobs", "1", "--lease", String(lease), "--json"],
                   errors: errors, environment: environment)
    }

    /// A `cupola` process started and left running; its standard output is in the pipe.
    static func launch(_ arguments: [String], errors: URL? = nil, environment: [String: String] = [:]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        process.standardOutput = out
        if let errors {
            _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: errors)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, out)
    }

    /// What one SQLite process makes of the downlink: the library the workers' must equal.
    static func reference(_ downlink: URL, in folder: TemporaryFolder,
                          sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let reference = folder.url.appendingPathComponent("reference").path
        #expect(try CLI.run(["ingest", downlink.path, "--library", reference]).status == 0, sourceLocation: sourceLocation)
        return reference
    }

    /// Each worker's JSON summary, once it has exited with 0.
    static func summaries(of workers: [(Process, Pipe)], sourceLocation: SourceLocation = #_sourceLocation) -> [[String: Any]] {
        workers.map { process, out in
            let summary = Self.summary(out)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, sourceLocation: sourceLocation)
            return summary
        }
    }

    static func summary(_ pipe: Pipe) -> [String: Any] {
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    @Test("4 worker processes over 2,000 small frames and 4 full-size ones: every frame ingested once, manifests byte-identical to one SQLite process")
    func fourWorkers() throws {
        let folder = TemporaryFolder()
        let downlink = try Self.downlink(in: folder, count: 2000, large: 4)
        let reference = try Self.reference(downlink, in: folder)

        let url = try TestPostgres.newDatabase()
        let shared = folder.url.appendingPathComponent("shared").path
        let workers = try (0..<4).map { _ in try Self.worker(downlink, library: shared, catalog: url) }
        let ingested = Self.summaries(of: workers).map { $0["ingested"] as? Int ?? -1 }
        #expect(ingested.reduce(0, +) == 2004, "ingested per worker: \(ingested)")
        #expect(ingested.filter { $0 > 0 }.count >= 2, "one worker did everything: \(ingested)")
        try Self.expectSameGalleries(shared, as: reference, "4 workers")
        let status = try PostgresCatalog(url: url).claimStatus()
        #expect(status.finished == 2004 && status.claimed.isEmpty && status.expiredLeases == 0)
        #expect(try SchemaCheck.problems(galleries: "\(shared)/galleries").status == 0)
    }

    @Test("2 workers over DNG + JPEG pairs whose raws sort first: each JPEG decoded once and its raw joined undecoded, the library as one SQLite process makes it")
    func rawPairs() throws {
        let folder = TemporaryFolder()
        let downlink = folder.folder("downlink")
        let pairs = 6
        for index in 0..<pairs {
            let id = "ISS069-E-\(60001 + index)"
            let exif = SampleDownlink.nikon("NIKON D5", serial: "2007934", taken: "2023:04:02 10:11:\(10 + index)")
            try SyntheticRaw(width: 600, height: 400, previewLongEdge: 600, exif: exif).dng()
                .write(to: downlink.appendingPathComponent("\(id).DNG"))
            try SyntheticImage.jpeg(width: 480 + index * 8, height: 320, exif: exif.build())
                .write(to: downlink.appendingPathComponent("\(id).JPG"))
        }
        let reference = try Self.reference(downlink, in: folder)
        let url = try TestPostgres.newDatabase()
        let shared = folder.url.appendingPathComponent("shared").path
        let workers = try (0..<2).map { _ in
            try Self.launch(["ingest", downlink.path, "--library", shared, "--catalog", url, "--jobs", "1", "--json", "--stats"])
        }
        let summaries = Self.summaries(of: workers)
        let decodes = summaries.map { ($0["stageRuns"] as? [String: Any])?["decode"] as? Int ?? 0 }
        #expect(decodes.reduce(0, +) == pairs, "decodes per worker: \(decodes)")
        #expect(summaries.map { $0["pairedOriginals"] as? Int ?? 0 }.reduce(0, +) == pairs)
        try Self.expectSameGalleries(shared, as: reference, "2 workers over raw pairs")
    }

    @Test("a worker stopped (SIGSTOP) past its lease: another takes its frame over, its late result is dropped, the library is identical")
    func stoppedWorker() throws {
        let folder = TemporaryFolder()
        let downlink = try Self.downlink(in: folder, count: 12, large: 6)
        let reference = try Self.reference(downlink, in: folder)

        let url = try TestPostgres.newDatabase()
        let observer = try PostgresCatalog(url: url)
        let shared = folder.url.appendingPathComponent("shared").path
        let pausedErrors = folder.url.appendingPathComponent("paused.err")
        let (paused, pausedOut) = try Self.worker(downlink, library: shared, catalog: url, lease: 1, errors: pausedErrors)
        let name = "/\(paused.processIdentifier)"
        // Stopped while it holds a claim.
        let deadline = Date().addingTimeInterval(60)
        while paused.isRunning, Date() < deadline, try !observer.claimStatus().claimed.keys.contains(where: { $0.hasSuffix(name) }) {
            usleep(2_000)
        }
        #expect(paused.isRunning, "the worker finished before it could be stopped")
        kill(paused.processIdentifier, SIGSTOP)
        let (other, otherOut) = try Self.worker(downlink, library: shared, catalog: url, lease: 1)
        let otherSummary = Self.summary(otherOut)
        other.waitUntilExit()
        #expect(other.terminationStatus == 0)
        #expect((otherSummary["ingested"] as? Int ?? 0) > 0)
        kill(paused.processIdentifier, SIGCONT)
        let pausedSummary = Self.summary(pausedOut)
        paused.waitUntilExit()
        // Stopped inside a transaction for longer than the server lets one sit idle, it wakes to
        // find its session ended: it says so and stops with 75 ("run again", EX_TEMPFAIL), never
        // waiting for an answer that cannot come, and the scheduler's next run of it finishes.
        var rerunIngested = 0
        if paused.terminationStatus == 75 {
            let said = (try? String(contentsOf: pausedErrors, encoding: .utf8)) ?? ""
            #expect(said.contains("lost the catalog server") && said.contains("run again"), "\(said)")
            let rerun = try CLI.run(["ingest", downlink.path, "--library", shared, "--catalog", url, "--lease", "1", "--json"])
            #expect(rerun.status == 0, "\(rerun.stderr)")
            let rerunSummary = (try? JSONSerialization.jsonObject(with: Data(rerun.stdout.utf8))) as? [String: Any] ?? [:]
            rerunIngested = rerunSummary["ingested"] as? Int ?? 0
        } else {
            #expect(paused.terminationStatus == 0)
        }
        let status = try observer.claimStatus()
        #expect(status.expiredLeases >= 1 && status.finished == 18)
        #expect((pausedSummary["lateResults"] as? Int ?? 0) + (pausedSummary["ingested"] as? Int ?? 0)
                + (otherSummary["ingested"] as? Int ?? 0) + rerunIngested >= 18)
        try Self.expectSameGalleries(shared, as: reference, "after SIGSTOP")
    }

    @Test("the server restarted mid-run: the worker says it lost the catalog and exits 75 (run again); the re-run completes, the library identical")
    func serverRestarted() throws {
        let folder = TemporaryFolder()
        let downlink = try Self.downlink(in: folder, count: 40, large: 6)
        let reference = try Self.reference(downlink, in: folder)

        // A server of its own: a restart of the shared one would end other tests' sessions too.
        let server = try PrivatePostgres(in: folder)
        let url = try PostgresAdministration.createDatabase("restarted", server: server.url)
        let shared = folder.url.appendingPathComponent("shared").path
        let errors = folder.url.appendingPathComponent("worker.err")
        let (worker, out) = try Self.worker(downlink, library: shared, catalog: url, lease: 2, errors: errors)
        let observer = try PostgresCatalog(url: url)
        let deadline = Date().addingTimeInterval(60)
        while worker.isRunning, Date() < deadline, try observer.claimStatus().finished == 0 { usleep(20_000) }
        #expect(worker.isRunning, "the worker finished before the server could be restarted")
        try server.restart()
        _ = Self.summary(out)
        worker.waitUntilExit()
        let said = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        #expect(worker.terminationStatus == 75, "exit \(worker.terminationStatus): \(said)")
        #expect(said.contains("lost the catalog server") && said.contains("run again"), "\(said)")

        let rerun = try CLI.run(["ingest", downlink.path, "--library", shared, "--catalog", url, "--lease", "1"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        try Self.expectSameGalleries(shared, as: reference, "after a server restart")
    }

    @Test("kill -9 of a random worker, 4 times, each restarted: nothing lost or duplicated, identical library; frames decoded twice reported")
    func killedWorkers() throws {
        let folder = TemporaryFolder()
        let downlink = try Self.downlink(in: folder, count: 60, large: 8)
        let reference = try Self.reference(downlink, in: folder)

        let url = try TestPostgres.newDatabase()
        let shared = folder.url.appendingPathComponent("shared").path
        var workers = try (0..<3).map { _ in try Self.worker(downlink, library: shared, catalog: url, lease: 1).0 }
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        for _ in 0..<4 {
            usleep(UInt32.random(in: 150_000...400_000, using: &generator))
            let victim = Int.random(in: 0..<workers.count, using: &generator)
            guard workers[victim].isRunning else { continue }
            kill(workers[victim].processIdentifier, SIGKILL)
            workers[victim].waitUntilExit()
            kills += 1
            workers[victim] = try Self.worker(downlink, library: shared, catalog: url, lease: 1).0
        }
        for worker in workers { worker.waitUntilExit() }
        let final = try CLI.run(["ingest", downlink.path, "--library", shared, "--catalog", url, "--lease", "1"])
        #expect(final.status == 0, "\(final.stderr)")
        try Self.expectSameGalleries(shared, as: reference, "after \(kills) kills")
        let status = try PostgresCatalog(url: url).claimStatus()
        #expect(status.finished == 68 && status.claimed.isEmpty && status.waiting == 0)
        print("many workers: \(kills) workers killed, \(status.expiredLeases) frames decoded twice (leases taken over)")
    }

    @Test("a poison frame that crashes two worker processes ends rejected as \"crashed the decoder\"; the rest is ingested")
    func poisonFrame() throws {
        let folder = TemporaryFolder()
        let downlink = try Self.downlink(in: folder, count: 16)
        let url = try TestPostgres.newDatabase()
        let shared = folder.url.appendingPathComponent("shared").path
        // Whichever worker claims the frame dies of it; the other takes it over when the lease runs
        // out, alone, and dies of it too.
        let drill = ["CUPOLA_CRASH_DRILL": "ISS061-E-100005"]
        let workers = try (0..<2).map { _ in try Self.worker(downlink, library: shared, catalog: url, lease: 1, environment: drill).0 }
        for worker in workers { worker.waitUntilExit() }
        #expect(workers.allSatisfy { $0.terminationReason == .uncaughtSignal }, "\(workers.map(\.terminationStatus))")

        let last = try CLI.run(["ingest", downlink.path, "--library", shared, "--catalog", url, "--lease", "1", "--json"])
        let summary = (try? JSONSerialization.jsonObject(with: Data(last.stdout.utf8))) as? [String: Any] ?? [:]
        let problems = summary["problems"] as? [[String: Any]] ?? []
        #expect(problems.count == 1 && (problems.first?["file"] as? String ?? "").hasSuffix("ISS061-E-100005.JPG")
                && problems.first?["reason"] as? String == "crashed the decoder", "\(last.stdout)")
        let catalog = try PostgresCatalog(url: url)
        #expect(try catalog.problems().map(\.reason) == ["crashed the decoder"])
        #expect(try catalog.galleries().reduce(0) { $0 + $1.frameCount } == 15)
        #expect(try catalog.claimStatus().expiredLeases == 2)
        // Not tried again by the next worker either.
        let again = try CLI.run(["ingest", downlink.path, "--library", shared, "--catalog", url, "--lease", "1"],
                                environment: drill)
        #expect(!again.stderr.contains("CrashDrill"), "the poisoned frame was decoded again: \(again.stderr)")
        #expect(try catalog.galleries().reduce(0) { $0 + $1.frameCount } == 15)
    }
}
