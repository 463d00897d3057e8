import Foundation
import GRDB

/// The SHA-256 of one rendition file, for a rendition recorded before hashes were kept.
public struct RenditionDigest: Sendable, Hashable {
    public var source: FilePathBytes
    public var name: String
    public var sha256: String
}

extension SQLiteCatalog {
    /// Sets only rows that have no hash yet, so a concurrent rebuild's own hash is never overwritten;
    /// manifests do not carry rendition hashes, so no gallery becomes dirty.
    public func recordDigests(_ digests: [RenditionDigest]) throws(CatalogError) {
        guard !digests.isEmpty else { return }
        try perform {
            try queue.write { db in
                for digest in digests {
                    try db.execute(sql: """
                        UPDATE rendition SET sha256 = ?
                        WHERE name = ? AND sha256 IS NULL AND source_id = (SELECT id FROM source WHERE path = ?)
                        """, arguments: [digest.sha256, digest.name, Data(digest.source.bytes)])
                }
            }
        }
    }
}
