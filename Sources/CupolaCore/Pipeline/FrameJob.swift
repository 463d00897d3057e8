import Foundation

/// A source file the pipeline will read, with where its frame goes.
public struct FrameJob: Sendable {
    public let arrival: Arrival
    public let known: SourceRecord?
    public let gallery: GalleryIdentity
    public let name: FrameName?
    public let id: String
    public let stem: String

    /// `gallery/id`: the files of one frame share it (`PairWait`, `WorkOffer`).
    var frameKey: String { "\(gallery.id)/\(id)" }
}

/// What became of one job.
public enum FrameResult: Sendable {
    case ingested(CatalogFrame, replacing: SourceRecord?)
    /// Its bytes are those of another frame (`sameContentAs` names that frame's file): ingested
    /// with that frame's renditions, linked under its own names, without a decode.
    case linked(CatalogFrame, replacing: SourceRecord?, sameContentAs: String)
    /// Its bytes are the same as last time: only the stat in the catalog is refreshed.
    case unchanged(SourceRecord)
    /// The input is bad (not an image, truncated, too large…): not retried until it changes.
    case rejected(SourceRecord)
    /// Something on our side failed (disk, permissions of the library): retried next run. A full
    /// disk or a read-only library stops the run: every later frame would fail the same way.
    case failed(SourceRecord, stop: RunSummary.Stop?)
    /// The file disappeared between scan and read.
    case vanished(FilePathBytes)

    public var path: FilePathBytes {
        switch self {
        case .ingested(let frame, _), .linked(let frame, _, _): return frame.source.path
        case .unchanged(let source), .rejected(let source), .failed(let source, _): return source.path
        case .vanished(let path): return path
        }
    }

    public var source: SourceRecord? {
        switch self {
        case .ingested(let frame, _), .linked(let frame, _, _): return frame.source
        case .unchanged(let source), .rejected(let source), .failed(let source, _): return source
        case .vanished: return nil
        }
    }
}
