import Foundation

/// What drives the pipeline: files offered by a source, and the passing of time.
public enum PipelineEvent: Sendable {
    case arrival(Arrival)
    /// Lets the pipeline commit and publish what is due while no file arrives (the watcher).
    case tick
    /// A full scan of a SOURCE: catalog entries it did not see moved (same bytes at a new path)
    /// or are gone. Sent before the scan's arrivals, so a moved file is not read again.
    case scanned(SourceFolder, BatchScanner.Result)
    /// The watcher saw a file or folder renamed inside the SOURCE: frames under `from` follow it.
    case moved(SourceFolder, from: FilePathBytes, to: FilePathBytes)
    /// The watcher saw a file or folder deleted, or moved out of the SOURCE.
    case removed(SourceFolder, FilePathBytes)
    /// Stop taking files: what is queued is dropped (a later scan finds it again), what is in
    /// flight is finished.
    case stop
}

extension Pipeline {
    /// How long a committed change may wait for its manifest while frames keep coming: a burst
    /// rewrites each manifest a few times a second, and a lone frame is published at once.
    static let publishDelay = 0.25
    /// Results committed per catalog transaction.
    static let commitBatch = 64
    /// Arrivals a shared worker offers at once (`WorkClaims.offer`).
    static let offerBatch = 512

    /// Runs until the event stream ends and every frame in flight is recorded: the planner
    /// decides what to read, at most `workers` frames are processed at once, results come back
    /// here to be committed in batches. The same loop serves a batch scan and the watcher.
    public func run(_ events: AsyncStream<PipelineEvent>) async throws {
        /// `poll`: shared work, nothing to do here but other workers still hold claims. A result
        /// (750 bytes inline) is boxed: the forwarder below moves a whole scan's arrivals into
        /// this stream ahead of the loop, and 100,000 items of a result's size were 75 MB.
        enum Item: Sendable { case event(PipelineEvent), sourceEnded, poll
                              indirect case result(FrameResult) }
        let (items, sink) = AsyncStream<Item>.makeStream()
        let forwarder = Task {
            for await event in events { sink.yield(.event(event)) }
            sink.yield(.sourceEnded)
        }
        defer { forwarder.cancel() }
        let processor = self.processor
        var queue = JobQueue()
        var inFlight: Set<FilePathBytes> = []
        var pairWait = PairWait()
        /// Files offered again while queued or in flight: looked at again once they are done.
        var offeredAgain: [FilePathBytes: Arrival] = [:]
        var sourceEnded = false
        // Shared work: jobs planned here until claimed, a suspect waiting to run alone, the one
        // running, whether a poll is due, and whether every worker's work is done.
        var planned: [FilePathBytes: FrameJob] = [:]
        var heldSuspect: FrameJob?
        var suspectInFlight: FilePathBytes?
        var pollPending = false
        var idlePolls = 0
        var sharedDone = shared == nil

        try await withThrowingDiscardingTaskGroup { group in
            func start(_ job: FrameJob) {
                inFlight.insert(job.arrival.path)
                group.addTask { sink.yield(.result(processor.process(job))) }
            }
            for await item in items {
                switch item {
                case .event(.arrival(let arrival)):
                    offered += 1
                    if inFlight.contains(arrival.path) || queue.contains(arrival.path) || pairWait.contains(arrival.path) {
                        offeredAgain[arrival.path] = arrival
                        advance()
                    } else {
                        try plan(arrival, into: &queue)
                    }
                    // Shared work offers a scan's arrivals in batches, one transaction each: they
                    // come one after another, and an offer each was a transaction a file. The rest
                    // go when the scan ends.
                    if shared != nil, queue.count < Self.offerBatch { continue }
                case .event(.tick):
                    // Nothing waiting for a worker: what is committed goes out now. A backlog (a
                    // burst) is published every `publishDelay` instead.
                    try publishIfDue(idle: queue.isEmpty)
                case .event(.scanned(let source, let result)):
                    noteSkipped(result.skipped)
                    noteUnreadable(result.unreadableFolders)
                    // Usually every known file was seen again.
                    let unseen = try planner.unseenKnownFiles(under: source.path, in: result.arrivals)
                    if !unseen.isEmpty {
                        try applyMoves(under: source, result, unseen: unseen)
                        try removeVanished(under: source, result, unseen: unseen)
                    }
                case .event(.moved(let source, let from, let to)):
                    try followMove(in: source, from: from, to: to)
                case .event(.removed(let source, let path)):
                    try removeGone(in: source, path)
                case .event(.stop):
                    queue.removeAll()
                    pairWait.dropWaiting()
                case .sourceEnded:
                    sourceEnded = true
                case .poll:
                    pollPending = false
                case .result(let result):
                    inFlight.remove(result.path)
                    if let shared {
                        if suspectInFlight == result.path { suspectInFlight = nil }
                        try finishClaim(result, shared)
                        if let next = pairWait.finished(result.path), summary.stoppedEarly == nil { start(next) }
                    } else {
                        record(result)
                        let next = pairWait.finished(result.path)
                        if pendingCount >= Self.commitBatch || inFlight.isEmpty || next != nil { try commitPending() }
                        if let next, summary.stoppedEarly == nil { start(next) }
                    }
                    if let again = offeredAgain.removeValue(forKey: result.path) {
                        offered += 1
                        try plan(again.restatted(), into: &queue)
                    }
                }
                while let released = releasedCompanions.popLast() {
                    offered += 1
                    if inFlight.contains(released.path) || queue.contains(released.path) || pairWait.contains(released.path) {
                        offeredAgain[released.path] = released
                        advance()
                    } else {
                        try plan(released, into: &queue)
                    }
                }
                if summary.stoppedEarly != nil {
                    queue.removeAll()
                    pairWait.dropWaiting()
                }
                let room = configuration.workers - inFlight.count
                if let shared, summary.stoppedEarly == nil {
                    if !queue.isEmpty { try offer(queue.take(Int(Int32.max)), through: shared, planned: &planned) }
                    // A suspect runs with nothing else in flight, and nothing is claimed beside it.
                    if inFlight.isEmpty, let job = heldSuspect {
                        heldSuspect = nil
                        suspectInFlight = job.arrival.path
                        start(job)
                    }
                    // Claimed files of one frame (two JPEGs of one id, or items offered before v11
                    // without a frame) still run one after the other: those waiting hold a place.
                    while heldSuspect == nil, suspectInFlight == nil, configuration.workers > inFlight.count + pairWait.count {
                        let jobs = try claimJobs(shared, limit: configuration.workers - inFlight.count - pairWait.count, planned: &planned)
                        if jobs.isEmpty { break }
                        idlePolls = 0
                        for (job, suspect) in jobs {
                            if !suspect {
                                if pairWait.admit(job) { start(job) }
                            } else if inFlight.isEmpty {
                                suspectInFlight = job.arrival.path
                                start(job)
                            } else {
                                heldSuspect = job
                            }
                        }
                    }
                    if sourceEnded && inFlight.isEmpty && heldSuspect == nil && !pollPending {
                        if try shared.othersStillWorking() {
                            // A worker that dies leaves its claims until their leases run out.
                            pollPending = true
                            let wait = UInt64(shared.pollDelay(afterIdlePolls: idlePolls) * 1e9)
                            idlePolls += 1
                            group.addTask {
                                try? await Task.sleep(nanoseconds: wait)
                                sink.yield(.poll)
                            }
                        } else {
                            sharedDone = true
                        }
                    }
                } else if room > 0, !queue.isEmpty {
                    let jobs = queue.take(room)
                    // Marked in runs of `commitBatch`, one transaction each, ahead of the workers.
                    let unmarked = jobs.filter { !queue.isMarked($0.arrival.path) }
                    if !unmarked.isEmpty {
                        let ahead = unmarked + queue.peek(Self.commitBatch)
                        try clock.measure(.catalog) { () throws(CatalogError) in
                            try catalog.markProcessing(ahead.map { SourceRecord($0.arrival, state: .processing) }, isolated: false)
                        }
                        queue.mark(ahead.map(\.arrival.path))
                    }
                    queue.unmark(jobs.map(\.arrival.path))
                    for job in jobs where pairWait.admit(job) { start(job) }
                }
                if sourceEnded && inFlight.isEmpty && queue.isEmpty && pairWait.isEmpty && (sharedDone || summary.stoppedEarly != nil) { break }
            }
            try commitPending()
        }
        // A raw and a JPEG of one id became one frame: no names were set apart for the reader.
        let paired = try catalog.pairedFrameIds(among: planner.sharedIds.filter { $0.value.count == 2 }.map(\.key))
        summary.sharedIds = planner.sharedIds.keys.sorted().filter { !paired.contains($0) }.map {
            RunSummary.SharedId(id: $0, files: planner.sharedIds[$0]!.sorted())
        }
    }

    private func plan(_ arrival: Arrival?, into queue: inout JobQueue) throws {
        guard let arrival else { return }
        let planned = try planner.plan(arrival)
        if let id = planner.lastSharedId, let files = planner.sharedIds[id] {
            onSharedId?(RunSummary.SharedId(id: id, files: files.sorted()))
        }
        guard let job = planned else {
            summary.unchanged += 1
            advance()
            return
        }
        if configuration.dryRun {
            summary.pending += 1
            advance()
            return
        }
        queue.append(job)
    }

    /// Publishes changed galleries when nothing else is waiting, or once the oldest change has
    /// waited `publishDelay`.
    func publishIfDue(idle: Bool) throws {
        try commitPending()
        guard hasUnpublishedChanges else {
            changedSince = nil
            return
        }
        let since = changedSince ?? Date()
        changedSince = since
        guard idle || Date().timeIntervalSince(since) >= Self.publishDelay else { return }
        try publish()
        changedSince = nil
    }
}

/// Jobs waiting for a worker, in arrival order, with a quick "is this path waiting?".
struct JobQueue {
    private var jobs: [FrameJob] = []
    private var head = 0
    private var paths: Set<FilePathBytes> = []

    var isEmpty: Bool { head == jobs.count }
    var count: Int { jobs.count - head }
    func contains(_ path: FilePathBytes) -> Bool { paths.contains(path) }

    mutating func append(_ job: FrameJob) {
        jobs.append(job)
        paths.insert(job.arrival.path)
    }

    /// Paths already marked `processing` in the catalog.
    private var marked: Set<FilePathBytes> = []

    func isMarked(_ path: FilePathBytes) -> Bool { marked.contains(path) }
    mutating func mark(_ paths: [FilePathBytes]) { marked.formUnion(paths) }
    mutating func unmark(_ paths: [FilePathBytes]) { marked.subtract(paths) }

    /// The next jobs, without taking them.
    func peek(_ count: Int) -> [FrameJob] { Array(jobs[head..<min(jobs.count, head + count)]) }

    mutating func take(_ count: Int) -> [FrameJob] {
        let end = min(jobs.count, head + count)
        let taken = Array(jobs[head..<end])
        head = end
        for job in taken { paths.remove(job.arrival.path) }
        if head > 1024 && head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return taken
    }

    mutating func removeAll() {
        jobs = []
        head = 0
        paths = []
        marked = []
    }
}

extension Arrival {
    /// The same file as it is now, or nil when it is gone.
    func restatted() -> Arrival? {
        guard let raw = try? lstatBytes(path), case .regular = EntryKind(mode: raw.st_mode) else { return nil }
        return Arrival(path: path, root: root, label: label, stat: FileStat(raw))
    }
}
