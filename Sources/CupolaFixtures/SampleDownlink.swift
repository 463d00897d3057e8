import Foundation

/// One synthetic frame: a name, a displayed size and the EXIF it carries.
public struct SampleFrame: Sendable {
    public let fileName: String
    public let width: Int
    public let height: Int
    public let orientation: Int
    public let exif: ExifBuilder?
    /// XMP and IPTC keywords, title and caption, when the frame carries them.
    public var tags: DescriptiveTags? = nil
    /// How the file holds the picture.
    public var container = Container.jpeg

    public enum Container: Sendable { case jpeg, dng(preview: Bool) }

    public init(fileName: String, width: Int, height: Int, orientation: Int, exif: ExifBuilder?, tags: DescriptiveTags? = nil,
                container: Container = .jpeg) {
        self.fileName = fileName
        self.width = width
        self.height = height
        self.orientation = orientation
        self.exif = exif
        self.tags = tags
        self.container = container
    }

    /// The file's bytes, in its container.
    public func data() throws -> Data {
        switch container {
        case .jpeg: try jpeg()
        case .dng(let preview): try dng(preview: preview)
        }
    }

    public func jpeg() throws -> Data {
        let jpeg = try SyntheticImage.jpeg(width: width, height: height, exif: exif?.build(), orientation: orientation)
        return tags?.embed(in: jpeg) ?? jpeg
    }

    /// The frame as a DNG with real CFA data, with a full-size embedded JPEG preview or without.
    public func dng(preview: Bool) throws -> Data {
        try SyntheticRaw(width: width, height: height, orientation: orientation,
                         previewLongEdge: preview ? max(width, height) : nil, exif: exif ?? ExifBuilder()).dng()
    }

    /// A DNG of an existing picture (upright), with a full-size preview or without, and a Nikon's EXIF.
    public static func dng(of picture: Data, preview: Bool) throws -> Data {
        var raw = SyntheticRaw(width: 0, height: 0, exif: SampleDownlink.nikon("NIKON D5", serial: "2007934", taken: "2023:04:02 10:11:12"))
        raw.picture = picture
        raw.previewLongEdge = preview ? Int.max : nil
        return try raw.dng()
    }
}

/// The frames of `Samples/downlink`, chosen so that one ingest shows every path through the
/// pipeline: several expeditions, a shuttle mission and a film roll, film of older programs, every orientation, GPS,
/// a frame without EXIF and a name that is not a NASA frame id.
public enum SampleDownlink {
    public static func nikon(_ model: String, serial: String, taken: String, subSeconds: String? = "30",
                             offset: String? = nil, orientation: Int = 1) -> ExifBuilder {
        var exif = ExifBuilder()
        exif.make = "NIKON CORPORATION"
        exif.model = model
        exif.serial = serial
        exif.lens = "14.0-24.0 mm f/2.8"
        exif.orientation = orientation
        exif.dateTimeOriginal = taken
        exif.subSeconds = subSeconds
        exif.offset = offset
        exif.focalLength = (24, 1)
        exif.fNumber = (28, 10)
        exif.exposureTime = (1, 250)
        exif.iso = 800
        return exif
    }

    public static var frames: [SampleFrame] {
        var frames: [SampleFrame] = []
        // Expedition 69: every EXIF orientation, compact lower-case names.
        for orientation in 1...8 {
            let exif = nikon("NIKON D5", serial: "2007934", taken: "2023:04:02 10:11:1\(orientation)",
                             orientation: orientation)
            frames.append(SampleFrame(fileName: "iss069e01234\(orientation).jpg", width: 480, height: 320,
                                      orientation: orientation, exif: exif))
        }
        frames.append(SampleFrame(fileName: "ISS069-E-12350.JPG", width: 320, height: 480, orientation: 1,
                                  exif: nikon("NIKON D5", serial: "2007934", taken: "2023:04:02 10:12:00")))
        // Expedition 71 on a Z 9, which writes its UTC offset.
        frames.append(SampleFrame(fileName: "ISS071-E-234765.JPG", width: 480, height: 320, orientation: 1,
                                  exif: nikon("NIKON Z 9", serial: "3026748", taken: "2024:06:26 08:44:52",
                                              subSeconds: "99", offset: "+00:00")))
        // Expedition 72 with a GPS position, and one frame whose EXIF was stripped.
        var located = nikon("NIKON Z 9", serial: "3026748", taken: "2024:11:05 13:00:00", offset: "+00:00")
        located.gps = (latitude: 29.5593, longitude: -95.0900, altitude: 12.5)
        frames.append(SampleFrame(fileName: "ISS072-E-118384.JPG", width: 480, height: 320, orientation: 1, exif: located))
        frames.append(SampleFrame(fileName: "ISS072-E-118493.JPG", width: 480, height: 320, orientation: 1, exif: nil))
        // A shuttle mission and a film roll.
        frames.append(SampleFrame(fileName: "STS102-E-5223.JPG", width: 480, height: 320, orientation: 1,
                                  exif: nikon("NIKON D1", serial: "5001234", taken: "2001:03:10 06:30:00", subSeconds: nil)))
        // Scans differ in size, so no two sample files hold the same bytes.
        frames.append(SampleFrame(fileName: "sts098-312-0020.jpg", width: 464, height: 320, orientation: 1, exif: nil))
        // Film scans of older programs (no camera EXIF): an Apollo 11 magazine, Skylab 4, Gemini IV in
        // its `GEM04` spelling and a 1984 shuttle flight, STS-41-B. Two carry keywords, a title and a
        // caption as an archive's cataloguers write them (XMP for one, IPTC for the other): the
        // "spacewalks" theme of Samples/cupola.toml selects them.
        frames.append(SampleFrame(fileName: "AS11-40-5903.jpg", width: 480, height: 480, orientation: 1, exif: nil,
                                  tags: DescriptiveTags(xmp: .init(keywords: ["EVA", "Moon", "Apollo 11"],
                                                                   title: "Aldrin on the lunar surface",
                                                                   caption: "Buzz Aldrin at Tranquility Base, photographed by Neil Armstrong."))))
        frames.append(SampleFrame(fileName: "SL4-143-4706.jpg", width: 448, height: 320, orientation: 1, exif: nil,
                                  tags: DescriptiveTags(xmp: .init(keywords: ["Earth observation"], title: "Earth from Skylab"))))
        frames.append(SampleFrame(fileName: "GEM04-43-3550.jpg", width: 432, height: 320, orientation: 1, exif: nil,
                                  tags: DescriptiveTags(iptc: .init(keywords: ["Spacewalk", "Gemini IV"],
                                                                    title: "First American spacewalk",
                                                                    caption: "Ed White outside Gemini IV."))))
        frames.append(SampleFrame(fileName: "STS41B-35-1601.jpg", width: 416, height: 320, orientation: 1, exif: nil))
        // Not a NASA frame id: goes to `unassigned`.
        frames.append(SampleFrame(fileName: "crew-portrait.jpg", width: 320, height: 400, orientation: 1,
                                  exif: nikon("NIKON D6", serial: "7001001", taken: "2023:05:01 12:00:00")))
        return frames
    }

    /// Camera raw files `Samples/downlink` holds beside `frames` (kept apart from them: tests count
    /// on `frames`). The last orientation frame's raw, as the station's Nikons write both: one frame
    /// with two originals, its renditions from the JPEG (a DNG, which the project can write; a NEF
    /// is the same TIFF-based kind of file). And a frame that came down only as raw, with no
    /// embedded preview: demosaiced.
    public static var rawFrames: [SampleFrame] {
        [
            SampleFrame(fileName: "iss069e012348.dng", width: 480, height: 320, orientation: 8,
                        exif: nikon("NIKON D5", serial: "2007934", taken: "2023:04:02 10:11:18", orientation: 8),
                        container: .dng(preview: true)),
            SampleFrame(fileName: "ISS069-E-12360.DNG", width: 480, height: 320, orientation: 1,
                        exif: nikon("NIKON D5", serial: "2007934", taken: "2023:04:02 10:13:00"),
                        container: .dng(preview: false)),
        ]
    }

    /// Many small frames with EXIF, spread over ten expeditions (or all in `expedition`), one a
    /// second, for benchmarks. All share one encoded picture per size, so writing ten thousand
    /// takes seconds.
    public static func bulk(count: Int, longEdge: Int, expedition only: Int? = nil) -> [SampleFrame] {
        (0..<count).map { index in
            let expedition = only ?? 60 + index % 10
            let seconds = index % 60, minutes = (index / 60) % 60, hours = (index / 3600) % 24, day = 2 + index / 86400
            let taken = String(format: "2023:04:%02d %02d:%02d:%02d", day, hours, minutes, seconds)
            return SampleFrame(fileName: String(format: "iss%03de%06d.jpg", expedition, 100000 + index),
                               width: longEdge, height: longEdge * 2 / 3, orientation: 1,
                               exif: nikon("NIKON D5", serial: "2007934", taken: taken))
        }
    }
}
