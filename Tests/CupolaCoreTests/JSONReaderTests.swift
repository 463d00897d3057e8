@testable import CupolaCore
import Foundation
import Testing

/// The site reads pages with its own JSON reader: it must read what JSONDecoder reads, and refuse
/// what is not JSON or not a page without crashing.
@Suite struct JSONReaderTests {
    static func decoded(_ data: Data) throws -> [PublishedFrame] { try JSONDecoder().decode(PublishedPage.self, from: data).frames }

    @Test("every page of a published library reads as JSONDecoder reads it")
    func publishedPages() throws {
        let library = try SiteLibrary.synthetic(1200)
        let pages = try library.files(under: "galleries").filter { $0.key.contains("/pages/") }
        #expect(pages.count > 2)
        for (path, data) in pages {
            let frames = try PublishedPage.frames(in: data)
            #expect(frames == (try Self.decoded(data)), "\(path)")
            #expect(!frames.isEmpty)
        }
    }

    @Test("escapes, surrogate pairs, nulls, numbers in every form, and fields the site does not read")
    func awkwardText() throws {
        let text = #"""
         { "gallery" : "iss070", "extra": [1, {"a": [true, false, null, "x"]}, -2.5e3],
           "frames": [ {"id":"a\"b\\c\/d\n\u00e9\ud83d\ude80","source":"s","format":null,"width":160,"height":1.06e2,
                        "camera":{"make":null,"model":"Z 9","serial":"1"},"lens":"","focalLength":24,"fNumber":2.8,
                        "exposureTime":1e-05,"iso":-0,"gps":{"latitude":-51.5,"longitude":0,"altitude":null},
                        "renditions":{"thumb":{"bytes":1,"height":2,"path":"t/a.jpg","width":3}},"originals":[{"path":"x"}]},
                       {"id":"b","source":"t","width":1,"height":1,"renditions":{}, "gps": null, "camera": null} ],
           "schema":"cupola.page/1" }
        """#
        let data = Data(text.utf8)
        let frames = try PublishedPage.frames(in: data)
        #expect(frames == (try Self.decoded(data)))
        #expect(frames.first?.id == "a\"b\\c/d\né🚀")
        #expect(frames.first?.height == 106)
    }

    @Test("what is not JSON or not a page is refused with the reason and where, never read in part",
          arguments: [
              (#"{"schema":"cupola.page/1","frames":[{"id":"a","source":"s","width":"160","height":1,"renditions":{}}]}"#, "a number expected"),
              (#"{"schema":"cupola.page/1","frames":[{"id":"a","source":"s","width":1.5,"height":1,"renditions":{}}]}"#, "a whole number expected"),
              (#"{"schema":"cupola.page/1","frames":[{"id":"a","source":"s","height":1,"renditions":{}}]}"#, "needs its id, source, width"),
              (#"{"schema":"cupola.page/1","frames":[]} x"#, "text after the end"),
              (#"{"schema":"cupola.page/1","frames":[{"id":"\ud83d","source":"s","width":1,"height":1,"renditions":{}}]}"#, "a lone surrogate"),
              (#"{"schema":"cupola.page/1","frames":[{"id":"\q"}]}"#, "an unknown escape"),
              (#"{"schema":"cupola.page/1","frames":[{"id":"a"# + "\t" + #"b"}]}"#, "a control character"),
              (#"{"schema":"cupola.page/1","frames":[1,]}"#, "expected"),
              (#"{"frames":[]}"#, "needs its schema and frames"),
              (#"{"deep":"# + String(repeating: "[", count: 200), "nested too deeply"),
          ])
    func refused(text: String, reason: String) {
        #expect {
            try PublishedPage.frames(in: Data(text.utf8))
        } throws: { error in
            "\(error)".contains(reason) && "\(error)".contains("at byte")
        }
    }

    @Test("a page cut short anywhere is refused, not read in part")
    func truncated() throws {
        let library = try SiteLibrary.synthetic(40)
        let page = try #require(try library.files(under: "galleries").first { $0.key.contains("/pages/") }?.value)
        for length in stride(from: 0, to: page.count - 2, by: 97) {
            #expect(throws: JSONReader.Failure.self) { try PublishedPage.frames(in: page.prefix(length)) }
        }
    }
}
