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
            EXIF and one whose name is not a NASA frame id.

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

    func run() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let frames = count.map { SampleDownlink.bulk(count: $0, longEdge: size, expedition: expedition) } ?? SampleDownlink.frames
        for sample in frames {
            try sample.jpeg().write(to: URL(fileURLWithPath: folder).appendingPathComponent(sample.fileName))
        }
        print("wrote \(frames.count) frames to \(folder)")
    }
}
