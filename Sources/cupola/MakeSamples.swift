import ArgumentParser
import CupolaFixtures
import Foundation

struct MakeSamples: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-samples",
        abstract: "Write the synthetic sample downlink folder (used to build Samples/).",
        discussion: """
            Frames are drawn by libvips and carry EXIF blocks built with libexif: three expeditions,
            a shuttle mission and a film roll, every EXIF orientation, one frame with GPS, one without
            EXIF and one whose name is not a NASA frame id.

            Example:
              cupola make-samples Samples/downlink
            """,
        shouldDisplay: false)

    @Argument(help: ArgumentHelp("Folder to write the frames into.", valueName: "DIR"))
    var folder: String

    func run() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for sample in SampleDownlink.frames {
            try sample.jpeg().write(to: URL(fileURLWithPath: folder).appendingPathComponent(sample.fileName))
        }
        print("wrote \(SampleDownlink.frames.count) frames to \(folder)")
    }
}
