import CupolaCore
import CupolaPostgres

/// The catalog servers this program can use, by URL scheme: PostgreSQL.
enum CatalogServers {
    static let connect: CatalogConnector = { (url, readOnly) throws(CatalogError) -> any Catalog in
        guard PostgresLocation.isServerURL(url) else {
            throw .unusable(location: url, detail: "unknown kind of catalog; expected postgresql://…")
        }
        return try PostgresCatalog(url: url, readOnly: readOnly)
    }
}
