import Foundation

extension Array where Element == RenditionRecord {
    /// These records, as `RenditionWriter` returns them (one per rendition, in order), with the
    /// SHA-256 of the bytes written: `verify --deep` checks each file against it, since a rendition
    /// damaged in place keeps its size and often still decodes.
    func withDigests(of rendered: [RenderedRendition]) -> [RenditionRecord] {
        var previous: (data: Data, digest: String)?
        return zip(self, rendered).map { record, rendition in
            var record = record
            // Small originals give several renditions with the same bytes: hash them once.
            if let previous, previous.data == rendition.data {
                record.sha256 = previous.digest
            } else {
                record.sha256 = Hashing.sha256(rendition.data)
                previous = (rendition.data, record.sha256!)
            }
            return record
        }
    }
}
