import Foundation
import Synchronization

/// The watcher stage: turns an inbox folder into pipeline events for as long as it runs.
///
/// Files are noticed by inotify (closed after writing, or renamed in) or, with `poll`, by periodic
/// stat-only scans for network shares where inotify sees nothing. Every file waits in the settler
/// until it stops changing. A full scan at start-up catches what arrived while nobody watched, a
/// queue overflow triggers another, and a periodic one is the safety net. Deletions and renames
/// reach the pipeline at once, so a manifest never lists a deleted frame, or a moved one twice,
/// until the next scan.
public final class InboxWatch: Sendable {
    /// What the watcher tells the operator about the inbox itself.
    public enum Notice: Sendable {
        /// The inbox folder was deleted or moved away; it is looked for until it is back.
        case inboxGone(FilePathBytes)
        /// A folder is at the inbox's path again: watched, and scanned in full.
        case inboxBack(FilePathBytes)
    }

    public struct Options: Sendable {
        public var settle = 1.0
        /// Seconds between scans in polling mode; nil uses inotify.
        public var poll: Double?
        public var rescanEvery = 600.0
        public var tick = 0.02

        public init() {}
    }

    let source: SourceFolder
    let options: Options
    private let stopped = Mutex(false)
    private let notices = Mutex<[InotifyWatcher.Event]>([])
    private let notify: @Sendable (Notice) -> Void

    public init(source: SourceFolder, options: Options, notify: @escaping @Sendable (Notice) -> Void = { _ in }) {
        self.source = source
        self.options = options
        self.notify = notify
    }

    /// Stops watching: the event stream ends after telling the pipeline to drop what is queued.
    public func stop() { stopped.withLock { $0 = true } }
    private var isStopped: Bool { stopped.withLock { $0 } }

    public func events() throws -> AsyncStream<PipelineEvent> {
        let watcher = options.poll == nil ? try InotifyWatcher(source) : nil
        let (stream, sink) = AsyncStream<PipelineEvent>.makeStream()
        watcher?.start { [self] event in notices.withLock { $0.append(event) } }
        Task { [self] in
            await loop(sink: sink)
            watcher?.stop()
        }
        return stream
    }

    private func loop(sink: AsyncStream<PipelineEvent>.Continuation) async {
        var settler = Settler(window: options.settle)
        var lastScan: [FilePathBytes: FileStat] = [:]
        var nextFullScan = Date()
        var nextPoll = Date()
        var inboxMissing = false
        while !isStopped {
            let now = Date()
            var scanned: BatchScanner.Result?
            if now >= nextFullScan {
                scanned = fullScan(into: &settler, sink: sink)
                nextFullScan = now.addingTimeInterval(options.rescanEvery)
                nextPoll = now.addingTimeInterval(options.poll ?? .infinity)
            } else if let poll = options.poll, now >= nextPoll {
                // Stat-only: only files new or changed since the last scan go to the settler; the
                // scan itself tells the pipeline which frames moved or went.
                let result = BatchScanner().scan(source)
                for arrival in result.arrivals where lastScan[arrival.path] != arrival.stat { settler.offer(arrival) }
                sink.yield(.scanned(source, result))
                scanned = result
                nextPoll = now.addingTimeInterval(poll)
            }
            if let scanned {
                lastScan = scanned.stats
                // Polling sees the inbox go and come back only by scanning it (inotify says so itself).
                let missing = scanned.unreadableFolders.contains { $0.path == source.path }
                if options.poll != nil, missing != inboxMissing {
                    inboxMissing = missing
                    notify(missing ? .inboxGone(source.path) : .inboxBack(source.path))
                    if !missing { nextFullScan = now }
                }
            }
            for notice in notices.withLock({ notices in defer { notices = [] }; return notices }) {
                switch notice {
                case .fileReady(let path):
                    if let arrival = source.arrival(at: path) { settler.offer(arrival) }
                case .folderAppeared(let folder):
                    for arrival in BatchScanner().scan(source, folder: folder).arrivals { settler.offer(arrival) }
                case .moved(let from, let to):
                    sink.yield(.moved(source, from: from, to: to))
                case .removed(let path):
                    sink.yield(.removed(source, path))
                case .overflow:
                    nextFullScan = now
                case .rootGone:
                    notify(.inboxGone(source.path))
                case .rootBack:
                    notify(.inboxBack(source.path))
                    nextFullScan = now
                }
            }
            for arrival in settler.settled(now: now) { sink.yield(.arrival(arrival)) }
            sink.yield(.tick)
            try? await Task.sleep(for: .seconds(options.tick))
        }
        sink.yield(.stop)
        sink.finish()
    }

    private func fullScan(into settler: inout Settler, sink: AsyncStream<PipelineEvent>.Continuation) -> BatchScanner.Result {
        let result = BatchScanner().scan(source)
        for arrival in result.arrivals { settler.offer(arrival) }
        sink.yield(.scanned(source, result))
        return result
    }
}

extension SourceFolder {
    /// The arrival for a file under this folder, or nil when it is not a regular file any more.
    func arrival(at path: FilePathBytes) -> Arrival? {
        guard path.bytes.starts(with: self.path.bytes + [UInt8(ascii: "/")]),
              let raw = try? lstatBytes(path), case .regular = EntryKind(mode: raw.st_mode) else { return nil }
        let inside = path.bytes.dropFirst(self.path.bytes.count)
        return Arrival(path: path, root: self.path, label: FilePathBytes.display(name + inside), stat: FileStat(raw))
    }
}
