import Foundation

/// One worker's part in work shared through the catalog (`WorkClaims`): its name, the lease it
/// asks for, and a heartbeat that renews its leases every third of a lease on a connection of its
/// own, so that renewals go on while the worker's own connection waits (for another worker's
/// publication, say). A worker stopped (SIGSTOP) stops renewing, and its claims run out.
/// `@unchecked Sendable`: the timer runs on its own serial queue; everything else is immutable.
public final class SharedWork: @unchecked Sendable {
    public let claims: any WorkClaims
    public let worker: String
    public let lease: Double
    private let timer: DispatchSourceTimer

    public init(claims: any WorkClaims, heartbeat: any WorkClaims, worker: String = SharedWork.workerName, lease: Double) {
        self.claims = claims
        self.worker = worker
        self.lease = lease
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "cupola.heartbeat"))
        timer.schedule(deadline: .now() + lease / 3, repeating: lease / 3)
        timer.setEventHandler { _ = try? heartbeat.renew(worker: worker, lease: lease) }
        timer.resume()
    }

    deinit { timer.cancel() }

    /// `host/pid`: unique among the workers of one job, and says where to look.
    public static var workerName: String {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        return "\(String(cString: host))/\(getpid())"
    }

    /// How long a worker with nothing to do waits before it looks again for work that others may
    /// still give up: 0.1 s, doubled each time nothing turned up, up to a quarter of a lease (at
    /// most 0.4 s). The other workers' last frames usually end within a frame's time, and this
    /// worker's run ends only when it has seen them end: a longer wait (it was 1 s) made two
    /// workers end well after their last frame. Each look is one index probe (`hasOpenWork`).
    func pollDelay(afterIdlePolls polls: Int) -> Double {
        min(0.1 * Double(1 << min(polls, 10)), lease / 4, 0.4)
    }

    /// Whether another worker may still finish or give up work: some is waiting or claimed.
    func othersStillWorking() throws(CatalogError) -> Bool {
        try claims.hasOpenWork()
    }
}

extension FrameResult {
    /// The catalog change that records this result; nil for a run stopped by it (disk full),
    /// which records nothing.
    var catalogChange: CatalogChange? {
        switch self {
        case .ingested(let frame, _), .linked(let frame, _, _): return .commit(frame)
        case .unchanged(let source): return .refresh(source)
        case .rejected(let source): return .outcome(source)
        case .failed(let source, let stop): return stop == nil ? .outcome(source) : nil
        case .vanished(let path): return .remove(path)
        }
    }
}

extension Pipeline {
    /// Offers this worker's planned jobs to every worker; it keeps them to run those it claims.
    func offer(_ jobs: [FrameJob], through shared: SharedWork, planned: inout [FilePathBytes: FrameJob]) throws {
        for job in jobs { planned[job.arrival.path] = job }
        try clock.measure(.catalog) { () throws(CatalogError) in
            try shared.claims.offer(jobs.map { job in
                WorkOffer(source: SourceRecord(job.arrival, state: .processing), frame: job.frameKey,
                          companion: PairOrder.isCompanion(job.arrival.path, pairs: configuration.settings.pairPrimary))
            })
        }
    }

    /// Claims up to `limit` jobs: planned here, or planned now for files another worker offered.
    /// A claim this worker finds unchanged is closed at once. Poisoned files count as rejected.
    func claimJobs(_ shared: SharedWork, limit: Int,
                   planned: inout [FilePathBytes: FrameJob]) throws -> [(job: FrameJob, suspect: Bool)] {
        let batch = try clock.measure(.catalog) { () throws(CatalogError) in
            try shared.claims.claim(worker: shared.worker, limit: limit, lease: shared.lease)
        }
        for source in batch.poisoned {
            summary.rejected += 1
            summary.problems.append(.init(file: source.label, outcome: "rejected", reason: "crashed the decoder"))
        }
        var jobs: [(job: FrameJob, suspect: Bool)] = []
        for claim in batch.claims {
            let source = claim.source
            let arrival = Arrival(path: source.path, root: source.root, label: source.label, stat: source.stat)
            if let job = try planned.removeValue(forKey: source.path) ?? planner.plan(arrival) {
                jobs.append((job, claim.suspect))
            } else {
                _ = try shared.claims.finish(source.path, worker: shared.worker, changes: [])
            }
        }
        return jobs
    }

    /// Records a result and commits it with its claim, in one transaction, if this worker still
    /// holds the claim; a result that comes too late (the claim was taken over) is dropped.
    func finishClaim(_ result: FrameResult, _ shared: SharedWork) throws {
        guard let change = result.catalogChange else {
            // Nothing recorded: the claim runs out, and another worker (or the next run) retries it.
            let before = pendingChanges.count
            record(result)
            pendingChanges.removeSubrange(before...)
            return
        }
        let retired = try clock.measure(.catalog) { () throws(CatalogError) in
            try shared.claims.finish(result.path, worker: shared.worker, changes: [change], pairs: configuration.settings.pairPrimary)
        }
        guard let retired else {
            summary.lateResults = (summary.lateResults ?? 0) + 1
            return
        }
        let before = pendingChanges.count
        record(result)
        pendingChanges.removeSubrange(before...)
        processor.twins.committed()
        if configuration.originals == .move { removeMovedSources([change], retired: retired) }
        notePairs(committed: [change], retired: retired)
        for frame in retired { retire(frame) }
    }
}
