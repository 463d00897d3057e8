import CupolaCore
import Foundation
import Logging
import PostgresNIO

/// The shared catalog: the same tables and meaning as `SQLiteCatalog`, on a PostgreSQL server, so
/// that processes on many machines can work on one library. One connection per process, used by
/// one caller at a time (as SQLite's serial queue is); the catalog's calls block until the server
/// answers, since the pipeline calls it from its own threads, never from the event loop.
/// `@unchecked Sendable`: `lock` serialises every use of `connection`.
public final class PostgresCatalog: Catalog, @unchecked Sendable {
    public let location: PostgresLocation
    let connection: PostgresConnection
    let logger: Logger
    /// Every statement on `connection`, each answer waited for under watch.
    let statements: Statements
    private let lock = NSLock()
    /// Why the connection was given up (`AnswerWatch`): every later call fails at once.
    private var lostAnswer: String?

    /// Connects and brings the schema up to date (or, `readOnly`, checks that it is). An unreachable
    /// server or a schema newer than this cupola fails here, before any work starts.
    public init(url: String, readOnly: Bool = false) throws(CatalogError) {
        location = try PostgresLocation(url)
        var logger = Logger(label: "cupola.catalog")
        logger.logLevel = .critical
        self.logger = logger
        connection = try Self.connect(location, logger: logger)
        let backend: Int
        do {
            let rows = try connection.query(PostgresQuery(unsafeSQL: "SELECT pg_backend_pid()"), logger: logger).wait()
            backend = try rows.first.map { try PostgresRandomAccessRow($0)[0].decode(Int.self) } ?? 0
        } catch {
            _ = try? connection.close().wait()
            throw .unusable(location: location.description, detail: Self.describe(error))
        }
        statements = Statements(connection: connection, logger: logger,
                                watch: AnswerWatch(backend: backend, ask: Self.asking(location, logger: logger)))
        // A worker stopped (SIGSTOP) inside a transaction would hold its locks, and every other
        // worker with them, until it wakes: the server ends such a session instead.
        _ = try? statements.execute("SET idle_in_transaction_session_timeout = '30s'")
        do {
            try PostgresSchema.prepare(statements, location: location,
                                       readOnly: readOnly)
        } catch {
            _ = try? connection.close().wait()
            throw error
        }
    }

    deinit {
        if lostAnswer == nil { _ = try? connection.close().wait() }
    }

    /// A question for `AnswerWatch`, asked on a connection opened for it.
    private static func asking(_ location: PostgresLocation, logger: Logger) -> @Sendable (String) throws -> String? {
        { sql in
            let connection = try connect(location, logger: logger)
            defer { _ = try? connection.close().wait() }
            let rows = try connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).wait()
            return try rows.first.map { try PostgresRandomAccessRow($0)[0].decode(String?.self) } ?? nil
        }
    }

    private static func connect(_ location: PostgresLocation, logger: Logger) throws(CatalogError) -> PostgresConnection {
        var configuration: PostgresConnection.Configuration
        do {
            switch location.endpoint {
            case .socket(let path):
                configuration = .init(unixSocketPath: path, username: location.user, password: location.password,
                                      database: location.database)
            case .tcp(let host, let port):
                var tls = PostgresConnection.Configuration.TLS.disable
                switch location.tls {
                case .disable: break
                case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
                case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                }
                configuration = .init(host: host, port: port, username: location.user, password: location.password,
                                      database: location.database, tls: tls)
            }
            configuration.options.connectTimeout = .seconds(10)
            return try PostgresConnection.connect(on: PostgresConnection.defaultEventLoopGroup.next(),
                                                  configuration: configuration, id: 1, logger: logger).wait()
        } catch {
            throw .unusable(location: location.description, detail: "cannot reach the server: \(Self.describe(error))")
        }
    }

    /// Reads without a transaction of its own: each statement sees the latest committed state.
    func read<T>(_ work: (Statements) throws -> T) throws(CatalogError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try perform { try work(statements) }
    }

    /// Taken shared by every write transaction and exclusively by a worker publishing manifests
    /// (`holdingPublication`).
    static let publicationLock: Int64 = 0x6375_706f_6c61_0002
    /// The library's lock (`lockLibrary`): what a lock file is to a library on its own SQLite file.
    static let libraryLock: Int64 = 0x6375_706f_6c61_0003

    /// Runs `work` in one transaction: all of it is committed, or none of it. It waits while
    /// another worker publishes manifests, unless it changes nothing a publication reads
    /// (`waitsForPublication: false`: lease renewals, which must go on meanwhile).
    func write<T>(waitsForPublication: Bool = true, _ work: (Statements) throws -> T) throws(CatalogError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try perform {
            try statements.execute("BEGIN")
            do {
                if waitsForPublication { try statements.execute("SELECT pg_advisory_xact_lock_shared(\(Self.publicationLock))") }
                let result = try work(statements)
                try statements.execute("COMMIT")
                return result
            } catch {
                if !(error is AnswerWatch.Lost) { _ = try? statements.execute("ROLLBACK") }
                throw error
            }
        }
    }

    /// Turns the server's and the driver's errors into the catalog's own.
    private func perform<T>(_ work: () throws -> T) throws(CatalogError) -> T {
        if let lostAnswer { throw .lost(location: location.description, detail: lostAnswer) }
        do {
            return try work()
        } catch let error as CatalogError {
            throw error
        } catch let error as AnswerWatch.Lost {
            throw giveUp(error.description)
        } catch let error as PSQLError where Self.endsSession(error) {
            throw giveUp(Self.describe(error))
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "53100" {
            throw .diskFull(path: location.description)
        } catch let error as PSQLError where error.serverInfo == nil {
            throw .lost(location: location.description, detail: Self.describe(error))
        } catch {
            throw .io(detail: "\(location): \(Self.describe(error))")
        }
    }

    /// The server ended this session (an idle transaction timed out, an administrator or a
    /// shutdown ended it) or the connection failed: nothing more can be sent on it.
    private static func endsSession(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("08") || ["25P03", "57P01", "57P02", "57P03"].contains(state)
    }

    /// Every later call fails at once: a statement on the closed connection would never be answered.
    private func giveUp(_ detail: String) -> CatalogError {
        lostAnswer = detail
        let closing: EventLoopFuture<Void> = connection.close()  // Not waited for: it may never answer.
        _ = closing
        return .lost(location: location.description, detail: detail)
    }

    /// The server's own message (PSQLError's description hides it on purpose), or what the
    /// connection met.
    static func describe(_ error: Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo {
            return [info[.message], info[.detail]].compactMap { $0 }.joined(separator: ": ")
                + (info[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        return error.underlying.map { "\($0)" } ?? "\(error.code)"
    }

    /// The tallies the triggers keep, checked against the rows they count: the server checks its
    /// own pages and constraints, the catalog checks what only it knows.
    public func integrityProblem() throws(CatalogError) -> String? {
        try read { db in
            let frames = try db.int("SELECT count(*) FROM frame")
            let tallied = try db.int("SELECT COALESCE(SUM(count), 0)::bigint FROM frame_tally")
            let renditions = try db.int("SELECT count(*) FROM rendition")
            let renditionTally = try db.int("SELECT COALESCE(SUM(count), 0)::bigint FROM rendition_tally")
            var problems: [String] = []
            if frames != tallied { problems.append("frame tally \(tallied) but \(frames) frames") }
            if renditions != renditionTally { problems.append("rendition tally \(renditionTally) but \(renditions) renditions") }
            return problems.isEmpty ? nil : problems.joined(separator: "; ")
        }
    }
}
