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

    public init(configuration: PipelineConfiguration, clock: StageClock) {
        self.configuration = configuration
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
            let reason = error.code == EACCES || error.code == EPERM ? "permission denied" : error.description
            return .rejected(SourceRecord(arrival, state: .rejected, reason: reason))
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
            let frame = try render(job, data: contents.data, source: source)
            return .ingested(frame, replacing: job.known)
        } catch let error as ImagingError {
            source.state = .rejected
            source.reason = error.description
            return .rejected(source)
        } catch let error as SystemCallError {
            source.state = .failed
            source.reason = error.description
            return .failed(source, stopsRun: error.isDiskFull || error.isReadOnly)
        } catch {
            source.state = .failed
            source.reason = "\(error)"
            return .failed(source, stopsRun: false)
        }
    }

    private func render(_ job: FrameJob, data: Data, source: SourceRecord) throws -> CatalogFrame {
        let settings = configuration.settings
        CrashDrill.crashIfAsked(for: job.arrival.path)
        let probe = try clock.measure(.probe) { () throws(ImagingError) in
            try ImageProbe(data, maxMegapixels: settings.maxMegapixels)
        }
        let metadata = clock.measure(.metadata) { reader.read(exif: probe.exif) }
        let rendered = try renderer.render(data, specs: settings.renditions, clock: clock)
        let renditions = try clock.measure(.write) { try write(rendered, job: job) }
        let size = probe.displaySize(orientation: metadata.orientation)
        return CatalogFrame(source: source, gallery: job.gallery, name: job.name, id: job.id, stem: job.stem,
                            format: probe.format.rawValue, width: size.width, height: size.height,
                            metadata: metadata, renditions: renditions)
    }

    /// Writes every rendition under a temporary name and renames it into place, so a rendition
    /// file is always whole; the catalog learns of them only after all are written.
    private func write(_ rendered: [RenderedRendition], job: FrameJob) throws -> [RenditionRecord] {
        let layout = configuration.layout
        return try rendered.map { rendition in
            let relative = LibraryLayout.renditionPath(rendition.spec, stem: job.stem)
            let file = layout.renditionFile(gallery: job.gallery.id, relativePath: relative)
            try AtomicFile.makeFolder(file.parent)
            try AtomicFile.write(rendition.data, to: file, durable: false)
            return RenditionRecord(name: rendition.spec.name, fingerprint: rendition.spec.fingerprint, path: relative,
                                   bytes: rendition.data.count, width: rendition.width, height: rendition.height)
        }
    }
}
