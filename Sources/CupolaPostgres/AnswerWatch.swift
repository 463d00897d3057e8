import CupolaCore
import Foundation
import NIOCore

/// Waits for a statement's answer, and notices one that will never come.
///
/// postgres-nio (1.33) can leave a statement's future pending for ever: a statement sent on a
/// connection that has just closed is dropped without failing it. It happens to a worker stopped
/// (SIGSTOP) inside a transaction for longer than `idle_in_transaction_session_timeout`: the server
/// ends the session, and on waking the worker's next statement goes out on the dead connection
/// (about one stop in three in `ManyWorkerTests`). So the wait also ends when the connection
/// closes, looked at every `slice`; and one that goes on for `patience` asks the server, on a
/// connection of its own, what this session is doing. Running a statement or waiting for a lock,
/// it is waited for again; anything else means the answer is lost, and so is the connection.
struct AnswerWatch: Sendable {
    static let patience = 10.0
    static let slice = 1.0
    /// The server process of the watched session (`pg_backend_pid()`).
    let backend: Int
    /// Asks the server, on a connection of its own, for the text of the first row.
    let ask: @Sendable (_ sql: String) throws -> String?

    struct Lost: Error, CustomStringConvertible {
        let reason: String
        var description: String { "a statement's answer never arrived (\(reason)); the connection was given up" }
    }

    func wait<T: Sendable>(_ future: EventLoopFuture<T>, isClosed: () -> Bool) throws -> T {
        let signal = Signal()
        future.whenComplete { _ in signal.answer() }
        var waited = 0.0
        // In slices: a closed connection is noticed within one.
        while !signal.wait(seconds: Self.slice) {
            waited += Self.slice
            let session: String
            if isClosed() {
                session = "the connection closed"
            } else if waited < Self.patience {
                continue
            } else {
                waited = 0
                do {
                    let state = try ask("SELECT state FROM pg_stat_activity WHERE pid = \(backend)")
                    session = "the server's session is \(state ?? "gone")"
                } catch {
                    continue  // The question itself failed: the server may be busy; wait on.
                }
                if session.hasSuffix(" active") { continue }
            }
            // A closing connection fails what it still holds, and an answer may come meanwhile.
            if signal.wait(seconds: 1) { break }
            throw Lost(reason: session)
        }
        return try future.wait()
    }

    /// Whether the answer came.
    private final class Signal: @unchecked Sendable {
        private let condition = NSCondition()
        private var answered = false

        func answer() {
            condition.lock()
            answered = true
            condition.broadcast()
            condition.unlock()
        }

        func wait(seconds: Double) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            let deadline = Date(timeIntervalSinceNow: seconds)
            while !answered && condition.wait(until: deadline) {}
            return answered
        }
    }
}
