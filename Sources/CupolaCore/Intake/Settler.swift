import Foundation

/// Holds back files until they stop changing: a file is offered to the pipeline only once its size
/// and mtime have stayed the same for the settle window. A writer that closes halfway and goes on
/// later changes the file again, so the pause does not turn the first half into a frame.
struct Settler {
    struct Candidate {
        var arrival: Arrival
        var since: Date
    }

    let window: Double
    private(set) var waiting: [FilePathBytes: Candidate] = [:]

    init(window: Double) { self.window = window }

    var isEmpty: Bool { waiting.isEmpty }

    /// The window runs from the file's last modification when that is earlier than now (the
    /// writer closed it a moment before we heard), so a finished file waits no longer than it must.
    mutating func offer(_ arrival: Arrival, now: Date = Date()) {
        if let known = waiting[arrival.path], known.arrival.stat == arrival.stat { return }
        let modified = Date(timeIntervalSince1970: Double(arrival.stat.modifiedNanoseconds) / 1e9)
        waiting[arrival.path] = Candidate(arrival: arrival, since: min(now, modified))
    }

    /// The files that have been still for the whole window; the others wait on.
    mutating func settled(now: Date = Date()) -> [Arrival] {
        var ready: [Arrival] = []
        for (path, candidate) in waiting where now.timeIntervalSince(candidate.since) >= window {
            guard let current = candidate.arrival.restatted() else {
                waiting[path] = nil
                continue
            }
            if current.stat == candidate.arrival.stat {
                ready.append(current)
                waiting[path] = nil
            } else {
                waiting[path] = Candidate(arrival: current, since: now)
            }
        }
        return ready.sorted { $0.path < $1.path }
    }
}
