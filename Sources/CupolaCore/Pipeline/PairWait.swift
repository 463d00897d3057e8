/// Files with one frame id in one gallery go to the workers one at a time, each after the one
/// before is committed. A raw beside its JPEG (the JPEG's name sorts first for Nikon's NEF) then
/// finds the JPEG's frame in the catalog and joins it without being rendered, where two workers
/// side by side would each have decoded their file. Holds only jobs that share a key with one in
/// flight, so its size is bounded by the workers and those jobs.
struct PairWait {
    /// The job in flight for each key, by path.
    private var keys: [FilePathBytes: String] = [:]
    private var busy: Set<String> = []
    private var waiting: [String: [FrameJob]] = [:]
    private var waitingPaths: Set<FilePathBytes> = []

    var isEmpty: Bool { waiting.isEmpty }
    /// Jobs waiting for another of their frame.
    var count: Int { waitingPaths.count }
    func contains(_ path: FilePathBytes) -> Bool { waitingPaths.contains(path) }


    /// Whether the job may start now; if not, it waits for the one in flight with its key.
    mutating func admit(_ job: FrameJob) -> Bool {
        let key = job.frameKey
        guard busy.contains(key) else {
            busy.insert(key)
            keys[job.arrival.path] = key
            return true
        }
        waiting[key, default: []].append(job)
        waitingPaths.insert(job.arrival.path)
        return false
    }

    /// The result for `path` is in: the job that was waiting for it, to start once it is
    /// committed (it holds the key from now on).
    mutating func finished(_ path: FilePathBytes) -> FrameJob? {
        guard let key = keys.removeValue(forKey: path) else { return nil }
        guard var queue = waiting[key], !queue.isEmpty else {
            busy.remove(key)
            return nil
        }
        let next = queue.removeFirst()
        waiting[key] = queue.isEmpty ? nil : queue
        waitingPaths.remove(next.arrival.path)
        keys[next.arrival.path] = key
        return next
    }

    /// The run stops taking files: what waits is dropped, as the queue is (a later scan finds it).
    mutating func dropWaiting() {
        waiting = [:]
        waitingPaths = []
    }
}
