/// Frames shared out among many worker processes through one shared catalog: each source is held
/// by one worker at a time under a lease, renewed while the worker is on it. A worker that dies
/// loses its claims when their leases run out and another takes them over; one that was only
/// paused and wakes up finds it no longer holds them, and its results are dropped.
///
/// A claim taken over from a dead worker is a suspect, as in a crashed run: it is handed out alone,
/// to be decoded with nothing else in flight, and one whose lease runs out again while alone has
/// killed two workers: it is rejected as "crashed the decoder", not handed out forever.
public protocol WorkClaims: Sendable {
    /// Offers sources to be worked on; a path offered again (another worker's scan) stays one item,
    /// and one already finished is offered anew only when its file changed or the catalog no longer
    /// holds it as done (a failure to retry, a raw forgotten with the JPEG it was paired with).
    func offer(_ offers: [WorkOffer]) throws(CatalogError)
    /// Takes up to `limit` items that no live worker holds, for `lease` seconds. A suspect comes alone.
    /// Companions go after every primary, and no file is handed out while another file of its
    /// frame is claimed (`WorkOffer`).
    func claim(worker: String, limit: Int, lease: Double) throws(CatalogError) -> ClaimBatch
    /// Extends the leases `worker` still holds by `lease` seconds (its rebuilds too, `RebuildClaims`);
    /// returns how many it holds.
    @discardableResult
    func renew(worker: String, lease: Double) throws(CatalogError) -> Int
    /// Applies `changes` (the claim's result, pairing as `pairs` says) and closes the claim in one
    /// transaction, but only if `worker` still holds it. Returns the frames that left the catalog,
    /// or nil, with nothing applied, when another worker took the claim over.
    func finish(_ path: FilePathBytes, worker: String, changes: [CatalogChange], pairs: PairPrimary) throws(CatalogError) -> [CatalogFrame]?
    /// Runs `body` (publishing manifests) while no other worker publishes and no change is
    /// committed: what it reads as changed is exactly what it marks published.
    func holdingPublication(_ body: () throws -> Void) throws
    /// Who holds what, for `cupola status`.
    func claimStatus() throws(CatalogError) -> ClaimStatus
    /// Whether any item waits or is claimed: what a worker with nothing left asks while it stays
    /// to take over a dead worker's claims (an index probe, not `claimStatus`' count of the queue).
    func hasOpenWork() throws(CatalogError) -> Bool
    /// The library's lock, held in the catalog server for this process's connection (a lock file
    /// does not hold across machines on NFS): shared by workers, exclusive for a command that must
    /// be the library's only writer or reader of a still library. Released when the process ends,
    /// however it ends. Waits up to `wait` seconds. nil once taken; otherwise who holds it, each as
    /// they named themselves in `holder` (empty if they left meanwhile).
    func lockLibrary(exclusive: Bool, wait: Double, holder: String) throws(CatalogError) -> [String]?
}

/// A file offered to every worker, with what the claims need to hand out the files of one frame
/// (a NEF or DNG beside its JPEG) one after the other, primary first: the second then finds the
/// frame committed and joins it undecoded, where two workers side by side would each decode one.
public struct WorkOffer: Sendable {
    public var source: SourceRecord
    /// The frame the file is for, `gallery/id`, as the offering worker planned it.
    public var frame: String
    /// Expected to join another file's frame (by its extension, `PairOrder`): claimed after every
    /// primary of the job.
    public var companion: Bool

    public init(source: SourceRecord, frame: String, companion: Bool) {
        self.source = source
        self.frame = frame
        self.companion = companion
    }
}

extension WorkClaims {
    /// Offers sources each its own frame, none a companion.
    public func offer(_ sources: [SourceRecord]) throws(CatalogError) {
        try offer(sources.map { WorkOffer(source: $0, frame: $0.path.description, companion: false) })
    }

    /// `finish` with the built-in pairing, for results that pair nothing.
    public func finish(_ path: FilePathBytes, worker: String, changes: [CatalogChange]) throws(CatalogError) -> [CatalogFrame]? {
        try finish(path, worker: worker, changes: changes, pairs: .jpeg)
    }
}

/// What one call to `WorkClaims.claim` handed out.
public struct ClaimBatch: Sendable {
    public var claims: [WorkClaim]
    /// Sources whose lease ran out twice, the second time while decoded alone: now rejected.
    public var poisoned: [SourceRecord]

    public init(claims: [WorkClaim], poisoned: [SourceRecord]) {
        self.claims = claims
        self.poisoned = poisoned
    }
}

public struct WorkClaim: Sendable, Hashable {
    public var source: SourceRecord
    /// Taken over from a worker whose lease ran out: to be decoded alone.
    public var suspect: Bool

    public init(source: SourceRecord, suspect: Bool) {
        self.source = source
        self.suspect = suspect
    }
}

/// The shared work at one moment.
public struct ClaimStatus: Sendable, Hashable {
    /// Offered, not yet claimed.
    public var waiting: Int
    /// Held now, by worker.
    public var claimed: [String: Int]
    /// Held past their lease (the worker stopped renewing): another worker may take them.
    public var overdue: Int
    /// Leases that ran out and were taken over since the work was offered.
    public var expiredLeases: Int
    public var finished: Int

    public init(waiting: Int, claimed: [String: Int], overdue: Int, expiredLeases: Int, finished: Int) {
        self.waiting = waiting
        self.claimed = claimed
        self.overdue = overdue
        self.expiredLeases = expiredLeases
        self.finished = finished
    }
}
