import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// The embedded catalog: one SQLite file in WAL mode, reached through one serial GRDB queue.
public final class SQLiteCatalog: Catalog {
    let queue: DatabaseQueue
    let path: String

    /// SQLite's name for a database that lives in memory only (a dry run on a library that does
    /// not exist yet): no file is created for it.
    public static let inMemory = ":memory:"

    /// Opens (creating when needed) and checks the catalog. A damaged file fails here, before
    /// anything is written.
    public init(path: String, readOnly: Bool = false) throws(CatalogError) {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.readonly = readOnly
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            if !readOnly {
                try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
            }
        }
        do {
            // The in-memory name must not meet create-then-rename: that wrote a file named
            // ":memory:" into the working folder.
            if !readOnly && path != Self.inMemory && !FileManager.default.fileExists(atPath: path) {
                try Self.create(at: path, configuration: configuration)
            }
            queue = try DatabaseQueue(path: path, configuration: configuration)
            // Reading the schema finds a file that is not a catalog at all. A full check reads every
            // page (0.6 s at 100,000 frames) and belongs to `verify`, not to every run; damage met
            // later surfaces as SQLITE_CORRUPT, which `perform` reports the same way.
            _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            if !readOnly {
                try CatalogSchema.migrator.migrate(queue)
            } else if try !queue.read({ db in try CatalogSchema.migrator.hasCompletedMigrations(db) }) {
                throw CatalogError.cannotOpen(path: path, detail: "made by an older cupola; run `cupola ingest` once to bring it up to date")
            }
        } catch let error as CatalogError {
            throw error
        } catch let error as DatabaseError where [.SQLITE_NOTADB, .SQLITE_CORRUPT].contains(error.resultCode) {
            throw .damaged(path: path, detail: error.message ?? "\(error.resultCode)")
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL
                    || (error.resultCode == .SQLITE_IOERR && Self.isFull(directoryOf: path)) {
            throw .diskFull(path: path)
        } catch {
            throw .cannotOpen(path: path, detail: "\(error)")
        }
    }

    /// Sets a new catalog up under a temporary name and renames it into place once its schema is
    /// complete: a run killed in its first moments leaves no half-made catalog that a reader would
    /// trip over, only a temporary file that the next run removes.
    /// It is made with a rollback journal, not WAL: a disk that fills up part-way fails the step
    /// that met it, and no WAL holding part of the schema is left beside a file that the rename
    /// would put in place without it (that made a "malformed" catalog). The first open turns WAL on.
    private static func create(at path: String, configuration: Configuration) throws {
        let file = URL(fileURLWithPath: path)
        let temporary = file.deletingLastPathComponent()
            .appendingPathComponent(AtomicFile.temporaryMarker + file.lastPathComponent + ".\(getpid())").path
        var setup = Configuration()
        setup.foreignKeysEnabled = configuration.foreignKeysEnabled
        do {
            let queue = try DatabaseQueue(path: temporary, configuration: setup)
            try CatalogSchema.migrator.migrate(queue)
            try queue.close()
            try systemCall("rename", path: FilePathBytes(path)) { rename(temporary, path) }
        } catch {
            for suffix in ["", "-journal", "-wal", "-shm"] { unlink(temporary + suffix) }
            throw error
        }
    }

    /// Whether the file system holding `path` has no block left for us: SQLite reports a failed
    /// write as an I/O error, not always as "full".
    private static func isFull(directoryOf path: String) -> Bool {
        var info = statvfs()
        return statvfs(URL(fileURLWithPath: path).deletingLastPathComponent().path, &info) == 0 && info.f_bavail == 0
    }

    /// SQLite's own check of every page and index: nil when whole, else what it found.
    public func integrityProblem() throws(CatalogError) -> String? {
        try perform {
            try queue.read { db in
                let answer = try String.fetchAll(db, sql: "PRAGMA quick_check")
                return answer == ["ok"] ? nil : answer.prefix(5).joined(separator: "; ")
            }
        }
    }

    /// Runs database work, turning GRDB's errors into the catalog's own.
    func perform<T>(_ work: () throws -> T) throws(CatalogError) -> T {
        do {
            return try work()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw .diskFull(path: path)
        } catch let error as DatabaseError where [.SQLITE_NOTADB, .SQLITE_CORRUPT].contains(error.resultCode) {
            throw .damaged(path: path, detail: error.message ?? "\(error.resultCode)")
        } catch {
            throw .io(detail: "\(error)")
        }
    }
}

extension Database {
    /// Runs a statement compiled once per connection and then reused: for the statements that run
    /// for every frame, where compiling (and GRDB's authorizer pass) costs more than running.
    func executeCached(_ sql: String, _ arguments: StatementArguments) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
