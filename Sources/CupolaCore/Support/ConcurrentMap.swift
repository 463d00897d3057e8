import Foundation
import Synchronization

extension Array where Element: Sendable {
    /// `transform` of every element, run side by side on every core, results in order; the
    /// first error, in order, is thrown once all have run. For the few steps whose CPU work
    /// splits cleanly: a large folder's stats, the site pages of a change.
    func concurrentMap<Result: Sendable, Failure: Error>(
        _ transform: @Sendable (Element) throws(Failure) -> Result
    ) throws(Failure) -> [Result] {
        guard count > 1 else { return try map(transform) }
        let results = Mutex<[Int: Swift.Result<Result, Failure>]>([:])
        let items = self
        withoutActuallyEscaping(transform) { transform in
            DispatchQueue.concurrentPerform(iterations: count) { index in
                let outcome = Swift.Result { () throws(Failure) in try transform(items[index]) }
                results.withLock { $0[index] = outcome }
            }
        }
        return try results.withLock { results throws(Failure) in try indices.map { index throws(Failure) in try results[index]!.get() } }
    }
}
