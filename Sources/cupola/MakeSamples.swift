import ArgumentParser
import CupolaFixtures
import Foundation

struct MakeSamples: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-samples",
        abstract: "Write the synthetic sample downlink folder (used to build Samples/).",
        discussion: """
            Frames are drawn by libvips and carry EXIF blocks built with libexif: three expeditions, \
            a shuttle mission and a film roll, every EXIF orientation, one frame with GPS, one without \
            EXIF, one whose name is not a NASA frame id, a camera raw (DNG) beside its JPEG and one \
            frame that is only raw.

            Example:
              cupola make-samples Samples/downlink
            """,
        shouldDisplay: false)

    @Argument(help: ArgumentHelp("Folder to write the frames into.", valueName: "DIR"))
    var folder: String

    @Option(name: .long, help: "Instead of the sample set, write this many small frames with EXIF (for benchmarks).")
    var count: Int?

    @Option(name: .long, help: "Long edge of the frames written with --count.")
    var size = 160

    @Option(name: .long, help: "Put every frame written with --count in this expedition's gallery (for archive-scale benchmarks).")
    var expedition: Int?

    @Option(name: .long, help: "Write the frames as DNG camera raw files: with a full-size embedded JPEG preview (preview) or without (bare).")
    var raw: RawKind?

    @Option(name: .long, help: "With --raw: make one DNG of each picture in this folder (same names, .dng), instead of synthetic frames.")
    var from: String?

    enum RawKind: String, ExpressibleByArgument { case preview, bare }

    func run() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if let raw, let from {
            try rawCopies(of: from, kind: raw)
            return
        }
        let frames = count.map { SampleDownlink.bulk(count: $0, longEdge: size, expedition: expedition) }
            ?? SampleDownlink.frames + SampleDownlink.rawFrames
        for sample in frames {
            let data = try raw.map { try sample.dng(preview: $0 == .preview) } ?? sample.data()
            let name = raw == nil ? sample.fileName : (sample.fileName as NSString).deletingPathExtension + ".dng"
            try data.write(to: URL(fileURLWithPath: folder).appendingPathComponent(name))
        }
        print("wrote \(frames.count) frames to \(folder)")
    }

    private func rawCopies(of source: String, kind: RawKind) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: source).sorted()
        for name in names {
            let picture = try Data(contentsOf: URL(fileURLWithPath: source).appendingPathComponent(name))
            let dng = try SampleFrame.dng(of: picture, preview: kind == .preview)
            try dng.write(to: URL(fileURLWithPath: folder).appendingPathComponent((name as NSString).deletingPathExtension + ".dng"))
        }
        print("wrote \(names.count) raw frames to \(folder)")
    }
}
