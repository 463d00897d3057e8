import CCupolaShim
import Foundation

/// Fault injection for the crash-recovery tests: with `CUPOLA_CRASH_DRILL=<text>` in the
/// environment, the process dies of SIGSEGV while decoding any file whose path contains that
/// text, the way a broken C decoder would take it down. Unset, it costs one comparison per frame.
enum CrashDrill {
    static let trigger: [UInt8]? = ProcessInfo.processInfo.environment["CUPOLA_CRASH_DRILL"].map { Array($0.utf8) }

    static func crashIfAsked(for path: FilePathBytes) {
        guard let trigger, !trigger.isEmpty else { return }
        let bytes = path.bytes
        guard bytes.count >= trigger.count else { return }
        for start in 0...(bytes.count - trigger.count) where bytes[start..<(start + trigger.count)].elementsEqual(trigger) {
            cupola_crash_drill()
        }
    }
}
