import Foundation

/// A one-line progress bar with rate and ETA, on an interactive stderr only, and only once a run
/// has lasted a second: cron and pipes get plain lines.
final class ProgressBar {
    private let started = Date()
    private var lastDrawn = Date.distantPast
    private var shown = false
    let total: Int

    init(total: Int) { self.total = total }

    static func make(total: Int) -> ProgressBar? {
        Terminal.standardErrorIsInteractive && total > 0 ? ProgressBar(total: total) : nil
    }

    func update(done: Int) {
        let now = Date()
        let elapsed = now.timeIntervalSince(started)
        guard elapsed > 1, now.timeIntervalSince(lastDrawn) > 0.1 || done == total else { return }
        lastDrawn = now
        shown = true
        let fraction = Double(done) / Double(max(total, 1))
        let width = 30
        let filled = Int(fraction * Double(width))
        let rate = Double(done) / elapsed
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        let line = String(format: "\r[%@] %d/%d  %.1f frames/s  ETA %.0f s ", bar, done, total, rate, remaining)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
