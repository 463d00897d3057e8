/// Renditions rebuilt by many `cupola regenerate` workers through one shared catalog: a frame with
/// something to rebuild is offered by whichever worker finds it, held by one worker at a time under
/// a lease (renewed with its `WorkClaims` leases, by the same heartbeat), and taken over by another
/// when the lease runs out. A frame taken over is a suspect, rebuilt with nothing else in flight;
/// one whose lease runs out again then has killed two workers and is poisoned, and is not offered
/// again for the same goal (a Job that restarts its crashed pods must not crash forever).
public protocol RebuildClaims: WorkClaims {
    /// Offers frames (by source path) with what is to be done to each (`RebuildOffer.goal`); a frame
    /// offered again stays one item, and a finished one is opened again: whoever claims it looks at
    /// the catalog first, and finds nothing left to do when another worker did it. A forced rebuild
    /// always finds something, so `forcedSince` (this worker's start, on the catalog's clock)
    /// opens again only frames finished before it. Returns the offers left out because they
    /// poisoned two workers with this same goal.
    func offerRebuilds(_ offers: [RebuildOffer], forcedSince: Double?) throws(CatalogError) -> [FilePathBytes]
    /// The catalog's clock now, in seconds since 1970 (for `forcedSince`).
    func catalogClock() throws(CatalogError) -> Double
    /// Takes up to `limit` offered frames that no worker holds. With `takingOver`, a frame whose
    /// lease ran out comes first, alone, as a suspect; one that ran out while alone is poisoned
    /// on the way and returned as such.
    func claimRebuilds(worker: String, limit: Int, lease: Double, takingOver: Bool) throws(CatalogError) -> RebuildBatch
    /// Records the frame's rebuilt renditions (and forgets `removing`) and closes its claim in one
    /// transaction, if `worker` still holds it; false, with nothing recorded, when another worker
    /// took it over.
    func finishRebuild(_ path: FilePathBytes, worker: String, gallery: String, records: [RenditionRecord],
                       removing: [String]) throws(CatalogError) -> Bool
    /// Who holds which rebuilds, for `cupola status` and for a worker deciding whether to wait.
    func rebuildStatus() throws(CatalogError) -> ClaimStatus
    /// `WorkClaims.hasOpenWork` for rebuilds.
    func hasOpenRebuilds() throws(CatalogError) -> Bool
}

public struct RebuildOffer: Sendable, Hashable {
    public var path: FilePathBytes
    /// The renditions to make and the settings they are made with: a poisoned frame is offered
    /// again only for another goal (the settings changed).
    public var goal: String

    public init(path: FilePathBytes, goal: String) {
        self.path = path
        self.goal = goal
    }
}

/// What one call to `RebuildClaims.claimRebuilds` handed out.
public struct RebuildBatch: Sendable {
    /// Source paths, each with whether it was taken over from a worker whose lease ran out.
    public var claims: [(path: FilePathBytes, suspect: Bool)]
    /// Frames whose lease ran out twice, the second time while rebuilt alone.
    public var poisoned: [FilePathBytes]

    public init(claims: [(path: FilePathBytes, suspect: Bool)], poisoned: [FilePathBytes]) {
        self.claims = claims
        self.poisoned = poisoned
    }
}
