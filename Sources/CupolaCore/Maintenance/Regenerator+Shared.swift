import Foundation

/// One `regenerate` worker's part in rebuilds shared through a catalog server: the claims, and
/// the heartbeat (`SharedWork`) that renews them with any ingest claims.
public struct SharedRebuild: Sendable {
    public let rebuilds: any RebuildClaims
    public let work: SharedWork
    /// This worker's start on the catalog's clock: a forced rebuild opens again only frames
    /// finished before it (`RebuildClaims.offerRebuilds`).
    let started: Double

    public init(rebuilds: any RebuildClaims, heartbeat: any WorkClaims, lease: Double) throws(CatalogError) {
        self.rebuilds = rebuilds
        work = SharedWork(claims: rebuilds, heartbeat: heartbeat, lease: lease)
        started = try rebuilds.catalogClock()
    }
}

extension Regenerator {
    /// Each worker walks the selection as a lone run would, and offers the frames it finds with
    /// something to do; after each batch it rebuilds the offered frames it claims (its own or
    /// another worker's), so the fastest worker takes the most. A claimed frame is planned again
    /// from the catalog as it is now: one that another worker has meanwhile rebuilt is closed at
    /// once. At the end a worker stays while others hold frames, to take over those whose worker
    /// dies.
    func rebuildShared(_ plans: [RenditionPlan], options: Options, source: Source, through shared: SharedRebuild,
                       untilAllDone: Bool, summary: inout Summary, progress: inout Progress) async throws {
        let offers = plans.map { RebuildOffer(path: $0.frame.source.path, goal: Self.goal(of: $0, force: options.force)) }
        let poisoned = try clock.measure(.catalog) { () throws(CatalogError) in
            try shared.rebuilds.offerRebuilds(offers, forcedSince: options.force ? shared.started : nil)
        }
        for path in poisoned { try notePoisoned(path, summary: &summary) }
        let rebuild = rebuilder()
        try await withThrowingTaskGroup(of: (RenditionPlan, Result<Rebuilt, RegenerateFailure>).self) { group in
            var inFlight = 0
            var suspectInFlight = false
            var idlePolls = 0
            // Claims the next frame with something to do and starts it; false when none is waiting.
            // With nothing in flight, a frame whose worker's lease ran out is taken over, alone.
            func startNext() throws -> Bool {
                while true {
                    let batch = try clock.measure(.catalog) { () throws(CatalogError) in
                        try shared.rebuilds.claimRebuilds(worker: shared.work.worker, limit: 1, lease: shared.work.lease,
                                                          takingOver: inFlight == 0)
                    }
                    for path in batch.poisoned { try notePoisoned(path, summary: &summary) }
                    guard let claim = batch.claims.first else { return false }
                    idlePolls = 0
                    guard let plan = try currentPlan(claim.path, options: options) else {
                        _ = try shared.rebuilds.finishRebuild(claim.path, worker: shared.work.worker, gallery: "", records: [], removing: [])
                        continue
                    }
                    let route = route(for: plan, from: source)
                    inFlight += 1
                    suspectInFlight = claim.suspect
                    group.addTask { (plan, rebuild(plan, route)) }
                    return true
                }
            }
            while true {
                while !suspectInFlight, inFlight < workers, try startNext() {}
                if inFlight == 0 {
                    guard untilAllDone, try shared.rebuilds.hasOpenRebuilds() else { break }
                    try await Task.sleep(nanoseconds: UInt64(shared.work.pollDelay(afterIdlePolls: idlePolls) * 1e9))
                    idlePolls += 1
                    continue
                }
                guard let (plan, result) = try await group.next() else { break }
                inFlight -= 1
                suspectInFlight = false
                try record(result, of: plan, prune: options.prune, summary: &summary, progress: &progress) { records, removing in
                    try clock.measure(.catalog) { () throws(CatalogError) in
                        try shared.rebuilds.finishRebuild(plan.frame.source.path, worker: shared.work.worker, gallery: plan.frame.gallery.id,
                                                          records: records ?? [], removing: removing.map(\.name))
                    }
                }
            }
        }
    }

    /// What a plan asks for, to tell a poisoned frame's next offer apart: the renditions to make,
    /// with the settings each is made with.
    static func goal(of plan: RenditionPlan, force: Bool) -> String {
        (plan.stale.map { "\($0.name)=\($0.fingerprint)" } + plan.obsolete.map { "-\($0.name)" } + (force ? ["force"] : []))
            .joined(separator: " ")
    }

    /// The plan for a claimed frame as the catalog has it now: nil when it is gone or has nothing
    /// left to do.
    private func currentPlan(_ path: FilePathBytes, options: Options) throws -> RenditionPlan? {
        guard let frame = try catalog.frame(at: path) else { return nil }
        let plan = plan(for: frame, options)
        return plan.isEmpty ? nil : plan
    }

    private func notePoisoned(_ path: FilePathBytes, summary: inout Summary) throws {
        let label = try catalog.frame(at: path)?.source.label ?? path.description
        // Said once: poisoned on the way to a claim, it is also found so when its gallery is walked.
        guard !summary.problems.contains(where: { $0.file == label && $0.outcome == "rejected" }) else { return }
        summary.problems.append(.init(file: label, outcome: "rejected",
                                      reason: "crashed the decoder (two workers died rebuilding it; offered again when the settings change)"))
    }
}
