import Foundation
import Synchronization

/// The steps of a run, for `--stats`.
public enum Stage: String, CaseIterable, Sendable, Codable {
    case scan, read, hash, probe, metadata, decode, resize, encode, write, catalog, manifest
}

/// Adds up the seconds spent in each stage across all workers, and how many times each ran.
public final class StageClock: Sendable {
    private let totals = Mutex<[Stage: Double]>([:])
    private let runs = Mutex<[Stage: Int]>([:])

    public init() {}

    public func measure<T, E: Error>(_ stage: Stage, _ body: () throws(E) -> T) throws(E) -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { add(stage, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
        runs.withLock { $0[stage, default: 0] += 1 }
        return try body()
    }

    public func add(_ stage: Stage, seconds: Double) {
        totals.withLock { $0[stage, default: 0] += seconds }
    }

    public var snapshot: [Stage: Double] { totals.withLock { $0 } }

    /// Times each stage ran: a test counts decodes with it.
    public func count(_ stage: Stage) -> Int { runs.withLock { $0[stage] ?? 0 } }
}
