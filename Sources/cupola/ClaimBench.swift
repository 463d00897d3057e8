import ArgumentParser
import CupolaCore
import CupolaPostgres
import Foundation
import Synchronization

/// How many claims a second the shared work queue sustains (#13's scaling plan): no-op jobs
/// offered, then claimed and finished by claimers side by side, each on a connection of its own,
/// as worker processes would.
struct ClaimBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim-bench",
        abstract: "Measure claim and finish throughput of a PostgreSQL catalog's work queue (for benchmarks).",
        discussion: """
            Use an empty database: the jobs are rows of the work queue, not frames.

            Example:
              cupola claim-bench --catalog postgresql:///bench?host=/tmp/pg --jobs 100000 --claimers 16
            """,
        shouldDisplay: false)

    @Option(name: .long, help: ArgumentHelp("The catalog server.", valueName: "URL"))
    var catalog: String

    @Option(name: .long, help: "No-op jobs to offer, claim and finish.")
    var jobs = 100_000

    @Option(name: .long, help: "Claimers working side by side, each with its own connection.")
    var claimers = 4

    @Option(name: .long, help: "Jobs asked for per claim (a worker asks for its free slots).")
    var batch = 1

    func run() throws {
        let offering = try PostgresCatalog(url: catalog)
        let sources = (0..<jobs).map { index in
            SourceRecord(path: FilePathBytes("/bench/job-\(index)"), root: FilePathBytes("/bench"), label: "job-\(index)",
                         stat: FileStat(size: 1, modifiedNanoseconds: 0, inode: UInt64(index)), state: .processing)
        }
        let offerStarted = Date()
        for start in stride(from: 0, to: sources.count, by: 1000) {
            try offering.offer(Array(sources[start..<min(sources.count, start + 1000)]))
        }
        let offerSeconds = Date().timeIntervalSince(offerStarted)
        let connections = try (0..<claimers).map { _ in try PostgresCatalog(url: catalog) }
        let finished = Mutex(0), failure = Mutex<String?>(nil)
        let done = DispatchGroup()
        let started = Date()
        for (index, claims) in connections.enumerated() {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                do {
                    while true {
                        let batch = try claims.claim(worker: "bench-\(index)", limit: self.batch, lease: 300)
                        if batch.claims.isEmpty { return }
                        for claim in batch.claims {
                            _ = try claims.finish(claim.source.path, worker: "bench-\(index)", changes: [])
                        }
                        finished.withLock { $0 += batch.claims.count }
                    }
                } catch {
                    failure.withLock { $0 = "\(error)" }
                }
            }
        }
        done.wait()
        let seconds = Date().timeIntervalSince(started)
        if let problem = failure.withLock({ $0 }) { throw ValidationError("claimer failed: \(problem)") }
        let count = finished.withLock { $0 }
        print(String(format: "{\"jobs\": %d, \"claimers\": %d, \"batch\": %d, \"seconds\": %.2f, \"claimsPerSecond\": %.0f, \"offersPerSecond\": %.0f}",
                     count, claimers, batch, seconds, Double(count) / seconds, Double(jobs) / offerSeconds))
    }
}
