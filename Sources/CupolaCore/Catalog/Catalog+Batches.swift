extension Catalog {
    /// Every frame of a gallery in order, a bounded batch at a time: memory stays the same
    /// whatever the gallery's size.
    public func forEachFrame(inGallery id: String, batchSize: Int = 512,
                             _ body: ([CatalogFrame]) throws -> Void) throws {
        var cursor: [UInt8]? = nil
        while true {
            let batch = try frames(inGallery: id, from: cursor, after: cursor != nil, limit: batchSize)
            if !batch.isEmpty { try body(batch) }
            guard batch.count == batchSize, let last = batch.last else { return }
            cursor = last.orderKey
        }
    }
}
