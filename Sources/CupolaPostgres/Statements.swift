import CupolaCore
import Foundation
import Logging
import PostgresNIO

/// One value bound to a `$n` parameter.
enum SQLValue {
    case text(String?)
    case bytes([UInt8]?)
    case int(Int?)
    /// A `text[]`, for `= ANY($n)` or `unnest($n)`.
    case texts([String])
    /// A `bytea[]`, a `bigint[]` and a `bool[]`, for `unnest($n)`: many rows in one statement.
    case byteArrays([[UInt8]])
    case ints([Int])
    case bools([Bool])
}

/// Statements on the catalog's connection, each waited for: the catalog's calls are synchronous.
struct Statements {
    let connection: PostgresConnection
    let logger: Logger
    let watch: AnswerWatch

    func rows(_ sql: String, _ values: [SQLValue] = []) throws -> [PostgresRandomAccessRow] {
        try run(sql, values).rows.map(PostgresRandomAccessRow.init)
    }

    /// Runs a statement; returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
        try run(sql, values).metadata.rows ?? 0
    }

    func int(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
        try rows(sql, values).first.map { try $0[0].decode(Int?.self) ?? 0 } ?? 0
    }

    private func run(_ sql: String, _ values: [SQLValue]) throws -> PostgresQueryResult {
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .text(let text): binds.append(text)
            case .bytes(let bytes): try binds.append(bytes.map { Data($0) })
            case .int(let int): binds.append(int)
            case .texts(let texts): binds.append(texts)
            case .byteArrays(let arrays): binds.append(arrays.map { ByteBuffer(bytes: $0) })
            case .ints(let ints): binds.append(ints)
            case .bools(let bools): binds.append(bools)
            }
        }
        return try watch.wait(connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger),
                              isClosed: { connection.isClosed })
    }
}

extension PostgresRandomAccessRow {
    func text(_ column: String) throws -> String { try self[column].decode(String.self) }
    func optionalText(_ column: String) throws -> String? { try self[column].decode(String?.self) }
    func int(_ column: String) throws -> Int { try self[column].decode(Int.self) }
    func int64(_ column: String) throws -> Int64 { try self[column].decode(Int64.self) }
    func bytes(_ column: String) throws -> [UInt8] { try self[column].decode(Data?.self).map { [UInt8]($0) } ?? [] }
    func optionalBytes(_ column: String) throws -> [UInt8]? { try self[column].decode(Data?.self).map { [UInt8]($0) } }
}
