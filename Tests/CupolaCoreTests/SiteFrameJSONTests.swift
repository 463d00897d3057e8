@testable import CupolaCore
import Foundation
import Testing

/// The site's data scripts write each frame's JSON by hand: it must be JSONEncoder's, byte for byte.
@Suite struct SiteFrameJSONTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func frame(text: String, number: Double, every: Bool) -> PublishedFrame {
        PublishedFrame(
            id: "ISS070-E-\(text)", source: "downlink/\(text).jpg", format: every ? "jpeg" : nil, width: 5568, height: 3712,
            captured: every ? "2023-04-02T10:11:12.30Z" : nil,
            camera: every ? .init(make: "NIKON CORPORATION \(text)", model: "NIKON D5") : nil,
            lens: every ? text : nil, focalLength: every ? number : nil, fNumber: every ? number + 1.4 : nil,
            exposureTime: every ? number / 1e6 : nil, iso: every ? 12800 : nil,
            gps: every ? .init(latitude: -number, longitude: number * 3, altitude: number > 1 ? 408_000.5 : nil) : nil,
            renditions: every ? ["thumb": .init(path: "thumb/\(text).jpg", width: 320, height: 213),
                                 "large": .init(path: "large/a b#?.jpg", width: 2048, height: 1365),
                                 "medium-2": .init(path: "m/\(text).webp", width: 1024, height: 683)] : [:])
    }

    @Test("every field, none, awkward strings and numbers: the same text as JSONEncoder's",
          arguments: ["plain", "quote \" and \\ back/slash", "tab\tnew\nline\r\u{8}\u{c}\u{1}\u{1f}\u{7f}", "é 東京 \u{2028} 🚀", ""],
          [28.0, 0.004, 1e-05, 1.0 / 3, 1e21, 123_456_789_012, -0.0, 2.5, 0.1 + 0.2])
    func sameAsEncoder(text: String, number: Double) throws {
        for every in [true, false] {
            for original in [nil, "originals/iss070/\(text).jpg"] {
                let frame = SiteFrame(Self.frame(text: text, number: number, every: every), original: original)
                let expected = String(decoding: try Self.encoder.encode(frame), as: UTF8.self)
                #expect(frame.json == expected)
            }
        }
    }
}
