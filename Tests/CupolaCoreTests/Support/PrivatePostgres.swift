import CupolaCore
import Foundation
import Glibc

/// A PostgreSQL server of one test's own, for what would disturb the others on the shared test
/// server (a restart): a new cluster in the test's folder, reached on a Unix socket there, stopped
/// when the test is done. Run as `postgres` when the tests run as root, as `with-postgres.sh` does.
final class PrivatePostgres {
    /// The URL of its `postgres` database.
    let url: String
    private let folder: String
    private let bin: String

    init(in parent: TemporaryFolder) throws {
        guard let bin = ProcessInfo.processInfo.environment["CUPOLA_TEST_POSTGRES_BIN"] else {
            throw CatalogError.unusable(location: "private test server", detail: "CUPOLA_TEST_POSTGRES_BIN unset")
        }
        self.bin = bin
        folder = parent.folder("postgres").path
        url = "postgresql://cupola@/postgres?host=\(folder)"
        if getuid() == 0 { try Self.check(Tool.run("chown", ["postgres", folder])) }
        try Self.check(asServer("\(bin)/initdb", ["-D", "\(folder)/data", "-U", "cupola", "--auth=trust",
                                                      "-E", "UTF8", "--locale=C.UTF-8"]))
        try control("start")
    }

    deinit { _ = try? asServer("\(bin)/pg_ctl", ["-D", "\(folder)/data", "-m", "immediate", "stop"]) }

    /// What an operator's restart does: every session ends, and the server is back a moment later.
    func restart() throws { try control("restart") }

    private func control(_ action: String) throws {
        try Self.check(asServer("\(bin)/pg_ctl", [
            "-D", "\(folder)/data", "-l", "\(folder)/server.log", "-w", "-t", "60", "-m", "fast",
            "-o", "-k \(folder) -c listen_addresses='' -c fsync=off", action,
        ]))
    }

    /// Through `system`, not `Process`: Foundation learns that a child exited when a socket it
    /// hands the child closes, and the server `pg_ctl` leaves running would hold that socket open.
    private func asServer(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let log = "\(folder)/commands.log"
        let words = (getuid() == 0 ? ["runuser", "-u", "postgres", "--"] : []) + [program] + arguments
        let quoted = words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let status = system("cd '\(folder)' && \(quoted) </dev/null >>'\(log)' 2>&1")
        return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    private static func check(_ result: (status: Int32, output: String)) throws {
        guard result.status == 0 else { throw CatalogError.io(detail: "private test server: \(result.output)") }
    }
}
