import CupolaCore
import Foundation

/// Where a PostgreSQL catalog lives, from a libpq-style URL:
/// `postgresql://[user[:password]@][host][:port]/database[?host=/socket/folder&sslmode=…]`.
/// A `host` that starts with `/` (in the URL's host part or its `host` parameter) is the folder of
/// the server's Unix socket, as libpq has it. The password may come from `PGPASSWORD` instead, so
/// that it stays out of command lines.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        /// The socket file itself: `<folder>/.s.PGSQL.<port>`.
        case socket(path: String)
    }

    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var endpoint: Endpoint
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// The URL as given, without its password: for messages.
    public let description: String

    public static func isServerURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    public init(_ url: String) throws(CatalogError) {
        guard Self.isServerURL(url), let parts = URLComponents(string: url) else {
            throw .unusable(location: url, detail: "not a postgresql:// URL")
        }
        var query: [String: String] = [:]
        for item in parts.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let port = parts.port ?? query["port"].flatMap { Int($0) } ?? 5432
        let host = (parts.host?.removingPercentEncoding).flatMap { $0.isEmpty ? nil : $0 } ?? query["host"] ?? "/run/postgresql"
        endpoint = host.hasPrefix("/") ? .socket(path: "\(host)/.s.PGSQL.\(port)") : .tcp(host: host, port: port)
        user = parts.user?.removingPercentEncoding ?? query["user"] ?? ProcessInfo.processInfo.environment["PGUSER"]
            ?? Self.currentUserName()
        password = parts.password?.removingPercentEncoding ?? query["password"]
            ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
        let path = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        database = path.isEmpty ? (query["dbname"] ?? user) : (path.removingPercentEncoding ?? path)
        guard let mode = TLSMode(rawValue: query["sslmode"] ?? (host.hasPrefix("/") ? "disable" : "prefer")) else {
            throw .unusable(location: url, detail: "sslmode must be disable, prefer or require")
        }
        tls = mode
        var shown = parts
        if shown.password != nil { shown.password = "***" }
        description = shown.string ?? url
    }

    private static func currentUserName() -> String {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return "postgres" }
        return String(cString: name)
    }
}
