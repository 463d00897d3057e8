import CupolaCore
import CupolaPostgres
import Foundation
import Testing

/// The private PostgreSQL server that `Scripts/with-postgres.sh` starts for the tests (`make test`
/// runs them through it). Without it, the PostgreSQL tests are skipped with `absentMessage`.
enum TestPostgres {
    static let serverURL = ProcessInfo.processInfo.environment["CUPOLA_TEST_POSTGRES"]
    static var isAvailable: Bool { serverURL != nil }
    static let absentMessage: Comment =
        "no PostgreSQL server for the tests (CUPOLA_TEST_POSTGRES unset; `make test` starts one through Scripts/with-postgres.sh): PostgreSQL tests skipped"

    /// A new, empty database on the test server, named after the test; its URL.
    static func newDatabase(_ name: String = #function) throws -> String {
        guard let serverURL else { throw CatalogError.unusable(location: "test server", detail: "\(absentMessage)") }
        let plain = name.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(30)
        let unique = UUID().uuidString.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(10)
        return try PostgresAdministration.createDatabase("t_\(plain)_\(unique)", server: serverURL)
    }
}

/// The two catalogs, for suites that hold both to one contract.
enum CatalogKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgresql

    /// SQLite always; PostgreSQL when the test server runs.
    static var available: [CatalogKind] { TestPostgres.isAvailable ? [.sqlite, .postgresql] : [.sqlite] }

    var testDescription: String { rawValue }

    /// A new, empty catalog of this kind for the library at `layout`.
    func open(for layout: LibraryLayout, name: String = #function) throws -> any Catalog {
        switch self {
        case .sqlite: return try SQLiteCatalog(path: layout.catalogFile.description)
        case .postgresql: return try PostgresCatalog(url: try TestPostgres.newDatabase(name))
        }
    }
}

/// Statements run on a test database through `psql`, for what no catalog call does (a schema from
/// a future cupola).
enum PostgresTestSQL {
    static func run(_ sql: String, on url: String) throws {
        let bin = ProcessInfo.processInfo.environment["CUPOLA_TEST_POSTGRES_BIN"] ?? "/usr/bin"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(bin)/psql")
        process.arguments = ["--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CatalogError.io(detail: "psql exited \(process.terminationStatus) on: \(sql)")
        }
    }
}
