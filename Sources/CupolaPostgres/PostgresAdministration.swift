import CupolaCore
import Foundation
import Logging
import PostgresNIO

/// Setting up a database for a new shared catalog (the tests make one per test; an operator may use
/// `createdb` instead): the catalog itself then creates its tables on first use.
public enum PostgresAdministration {
    /// Creates database `name` on the server of `serverURL` (connecting to that URL's database) and
    /// returns the URL of the new one. Names are plain: lower-case letters, digits, underscores.
    public static func createDatabase(_ name: String, server serverURL: String) throws(CatalogError) -> String {
        let location = try PostgresLocation(serverURL)
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
            throw .unusable(location: location.description, detail: "\"\(name)\" is not a plain database name")
        }
        var logger = Logger(label: "cupola.catalog")
        logger.logLevel = .critical
        let configuration: PostgresConnection.Configuration = switch location.endpoint {
        case .socket(let path): .init(unixSocketPath: path, username: location.user, password: location.password,
                                      database: location.database)
        case .tcp(let host, let port): .init(host: host, port: port, username: location.user, password: location.password,
                                             database: location.database, tls: .disable)
        }
        do {
            let connection = try PostgresConnection.connect(on: PostgresConnection.defaultEventLoopGroup.next(),
                                                            configuration: configuration, id: 0, logger: logger).wait()
            defer { _ = try? connection.close().wait() }
            _ = try connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger).wait()
        } catch {
            throw .unusable(location: location.description, detail: PostgresCatalog.describe(error))
        }
        guard var parts = URLComponents(string: serverURL) else { return serverURL }
        parts.path = "/\(name)"
        return parts.string ?? serverURL
    }
}
