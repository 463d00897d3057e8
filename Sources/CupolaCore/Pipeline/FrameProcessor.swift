import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The work one frame goes through, in order: read → hash → probe → metadata → render → write.
/// Runs inside a pipeline worker; touches no shared state but the stage clock.
public struct FrameProcessor: Sendable {
    let configuration: PipelineConfiguration
    let reader: MetadataReader
    let renderer = RenditionRenderer()
    let clock: StageClock
    let twins: ContentTwins
    let catalog: any Catalog

    init(configuration: PipelineConfiguration, clock: StageClock, catalog: any Catalog) {
        self.configuration = configuration
        self.catalog = catalog
        self.twins = ContentTwins(catalog: catalog)
        self.reader = MetadataReader(clock: CaptureClock(zone: configuration.settings.zone))
        self.clock = clock
    }

    public func process(_ job: FrameJob) -> FrameResult {
        let arrival = job.arrival
        let contents: (data: Data, stat: FileStat)
        do {
            contents = try clock.measure(.read) { try FileContents.read(arrival.path) }
        } catch let error as SystemCallError {
            if error.code == ENOENT { return .vanished(arrival.path) }
            // A symlink or a non-file put in the file's place (O_NOFOLLOW, the fstat check) is
            // what is there; permissions, I/O errors and the like say nothing of the bytes, so the
            // file is `failed`, not `rejected`, and read again by the next run.
            if error.code == ELOOP || error.code == EINVAL {
                return .rejected(SourceRecord(arrival, state: .rejected, reason: error.description))
            }
            let reason = error.code == EACCES || error.code == EPERM ? "permission denied" : error.description
            return .failed(SourceRecord(arrival, state: .failed, reason: reason), stop: nil)
        } catch {
            return .rejected(SourceRecord(arrival, state: .rejected, reason: "\(error)"))
        }
        let digest = clock.measure(.hash) { Hashing.sha256(contents.data) }
        var source = SourceRecord(path: arrival.path, root: arrival.root, label: arrival.label,
                                  stat: contents.stat, sha256: digest, state: .ingested)
        if let known = job.known, known.state == .ingested, known.sha256 == digest {
            return .unchanged(source)
        }
        do {
            // A twin whose files went in the meantime is no reason to fail: decode instead.
            if let twin = twins.twin(of: digest, path: arrival.path, specs: configuration.settings.renditions,
                                     layout: configuration.layout),
               let frame = try? clock.measure(.write, { try share(twin, job: job, data: contents.data, source: source) }) {
                return .linked(frame, replacing: job.known, sameContentAs: twin.source.label)
            }
            let frame = try render(job, data: contents.data, source: source)
            if !frame.renditions.isEmpty { twins.rendered(frame) }
            return .ingested(frame, replacing: job.known)
        } catch let error as ImagingError {
            source.state = .rejected
            source.reason = error.description
            return .rejected(source)
        } catch let error as SystemCallError {
            source.state = .failed
            source.reason = error.description
            return .failed(source, stop: error.isDiskFull ? .diskFull : error.isReadOnly ? .readOnly : nil)
        } catch {
            source.state = .failed
            source.reason = "\(error)"
            return .failed(source, stop: nil)
        }
    }

    /// Probes, reads metadata and renders; a file that joins its pair's frame in the catalog as its
    /// companion is not rendered, and its frame comes back without renditions (`CatalogChange.commit`).
    private func render(_ job: FrameJob, data: Data, source: SourceRecord) throws -> CatalogFrame {
        let settings = configuration.settings
        CrashDrill.crashIfAsked(for: job.arrival.path)
        // Probe, metadata and decode all work on the one copy of the file read above.
        let (unrendered, rendered) = try data.withBytes { (buffer) throws(ImagingError) -> (CatalogFrame, [RenderedRendition]?) in
            let image = try clock.measure(.probe) { () throws(ImagingError) in
                try OpenedImage(buffer, maxMegapixels: settings.maxMegapixels)
            }
            let metadata = clock.measure(.metadata) {
                var metadata = reader.read(exif: image.probe.exif)
                if let raw = image.raw, metadata.readNothing {
                    // No EXIF libexif could reach (an ORF, RW2, RAF or CR3): LibRaw's own reading.
                    var capture = raw.capture.metadata(clock: reader.clock)
                    capture.orientation = raw.orientation
                    if capture.make != nil || capture.captured != nil { metadata = capture }
                }
                if image.probe.format == .jpeg { DescriptiveMetadata(jpeg: UnsafeRawBufferPointer(buffer)).apply(to: &metadata) }
                return metadata
            }
            let size = image.displaySize(exifOrientation: metadata.orientation)
            let frame = CatalogFrame(source: source, gallery: job.gallery, name: job.name, id: job.id, stem: job.stem,
                                     format: image.probe.format.rawValue, width: size.width, height: size.height,
                                     metadata: metadata, renditions: [])
            // Asked only of a file that can be a companion; a catalog that cannot answer costs only
            // the decode the question would have saved.
            let joins = settings.pairPrimary.isCompanion(frame.format)
                && clock.measure(.catalog) { () -> Bool in (try? catalog.joinsPair(frame, pairs: settings.pairPrimary)) ?? false }
            if joins { return (frame, nil) }
            return (frame, try renderer.render(image, orientation: metadata.orientation, specs: settings.renditions,
                                               timeLimit: settings.frameTimeoutSeconds, clock: clock))
        }
        var frame = unrendered
        if let rendered {
            frame.renditions = try clock.measure(.write) {
                try RenditionWriter.write(rendered, gallery: job.gallery.id, stem: job.stem, layout: configuration.layout)
                    .withDigests(of: rendered)
            }
        }
        if configuration.originals != .keep {
            frame.source.original = try clock.measure(.write) { try keepCopy(of: data, job: job, sha256: source.sha256) }
        }
        return frame
    }

    /// A frame from a twin's renditions: linked, not decoded. The original is still copied.
    private func share(_ twin: CatalogFrame, job: FrameJob, data: Data, source: SourceRecord) throws -> CatalogFrame {
        var frame = try ContentTwins.link(twin, for: job, source: source, specs: configuration.settings.renditions,
                                         layout: configuration.layout)
        if configuration.originals != .keep {
            frame.source.original = try keepCopy(of: data, job: job, sha256: source.sha256)
        }
        return frame
    }

    /// Writes the library's copy of an original (flushed to disk) and reads it back to check its
    /// SHA-256 before anything may rely on it.
    private func keepCopy(of data: Data, job: FrameJob, sha256: String?) throws -> FilePathBytes {
        let copy = configuration.layout.originalCopy(gallery: job.gallery.id, stem: job.stem,
                                                     sourceName: job.arrival.path.lastComponent)
        try AtomicFile.makeFolder(copy.parent)
        try AtomicFile.write(data, to: copy, durable: true)
        guard Hashing.sha256(try FileContents.read(copy).data) == sha256 else {
            AtomicFile.remove(copy)
            throw SystemCallError(call: "verify copy", path: copy.description, code: EIO)
        }
        return copy
    }
}
