@testable import CupolaCore
import Foundation
import Testing

/// The static gallery site (`DIR/site/`) as files: what one change costs, that it is the same
/// whichever way it was reached, that untrusted text stays text, and that it can be turned off.
/// What a browser makes of it is in `SiteBrowserTests`.
@Suite("Gallery site files")
struct GallerySiteTests {
    @Test("one frame added to a 6,000-frame gallery rewrites a page or two of data and plain HTML, the gallery's page list and the two index pages")
    func boundedRewrites() throws {
        let library = try SiteLibrary.synthetic(6000)
        let before = try SiteLibrary.files(library)
        #expect(before.keys.filter { $0.hasPrefix("iss070/data/") }.count >= 6)

        try library.catalog.apply([.commit(SyntheticCatalog.frame(7001, second: 3000 * 7 - 3))])
        let dirty = try library.catalog.dirtyGalleries()
        try library.publish()
        try SiteLibrary.linkRenditions([SyntheticCatalog.frame(7001, second: 0)], in: library.layout)
        let report = try SitePublisher(layout: library.layout).publish(galleries: dirty)

        let written = report.written.map { String($0.description.split(separator: "/site/").last ?? "") }
        let data = written.filter { $0.hasPrefix("iss070/data/") }, plain = written.filter { $0.hasPrefix("iss070/pages/") }
        #expect((1...2).contains(data.count), "data scripts written: \(data)")
        #expect(data.count == plain.count, "one plain page per data script: \(plain)")
        #expect(Set(written).subtracting(data + plain).isSubset(of: ["iss070/pages.json", "iss070/index.html", "index.html"]),
                "other files written: \(written)")
        #expect(report.written.count <= 7 && report.removed.count <= 4, "\(report.written.count) written, \(report.removed.count) removed")
        // The frame is in the new data, and the files of the pages it replaced are gone.
        let after = try SiteLibrary.files(library)
        #expect(data.contains { String(decoding: after[$0]!, as: UTF8.self).contains("\"ISS070-E-7001\"") })
        #expect(after.keys.filter { $0.hasPrefix("iss070/data/") }.count == after.keys.filter { $0.hasPrefix("iss070/pages/") }.count)
        let galleryHTML = String(decoding: after["iss070/index.html"]!, as: UTF8.self)
        for file in after.keys where file.hasPrefix("iss070/data/") {
            let key = String(file.dropFirst("iss070/data/".count).dropLast(3))
            #expect(galleryHTML.contains("\"k\":\"\(key)\""), "\(file) is listed by the gallery page")
        }
    }

    @Test("a site updated change by change is byte for byte the site built from scratch, and a rebuild writes nothing")
    func deterministic() throws {
        let library = try SiteLibrary.synthetic(3000)
        var random = SystemRandomNumberGenerator()
        for round in 0..<8 {
            let number = Int.random(in: 1...3000, using: &random)
            let change: CatalogChange = round % 3 == 2
                ? .remove(FilePathBytes("/downlink/ISS070-E-\(number).JPG"))
                : .commit(SyntheticCatalog.frame(10_000 + round, second: number * 7 + 1))
            try library.catalog.apply([change])
            let dirty = try library.catalog.dirtyGalleries()
            try library.publish()
            try SitePublisher(layout: library.layout).publish(galleries: dirty)
        }
        let incremental = try SiteLibrary.files(library)
        #expect(try SitePublisher(layout: library.layout).publish(galleries: nil).written.isEmpty)
        try FileManager.default.removeItem(at: library.folder.url.appendingPathComponent("site"))
        try SitePublisher(layout: library.layout).publish(galleries: nil)
        let fresh = try SiteLibrary.files(library)
        #expect(incremental.keys.sorted() == fresh.keys.sorted())
        for (file, bytes) in fresh where incremental[file] != bytes { Issue.record("\(file) differs from a fresh build") }
    }

    @Test("lens, camera and file names that are markup are written escaped, and the data gives them back as the same text")
    func escaping() throws {
        let library = try SiteLibrary.synthetic(20)
        let files = try SiteLibrary.files(library)
        // Pages and scripts; `pages.json` is the site's own record, JSON that no page includes.
        for (file, bytes) in files where !file.hasSuffix(".json") {
            let text = String(decoding: bytes, as: UTF8.self)
            for hostile in [SiteLibrary.hostileLens, SiteLibrary.hostileModel, "<img src=x"] {
                #expect(!text.contains(hostile), "\(file) holds \(hostile) unescaped")
            }
        }
        // The data script is JSON inside a call: parsed, the strings are the original text.
        let script = files.first { $0.key.hasPrefix("iss070/data/") }!.value
        let body = String(decoding: script, as: UTF8.self)
        let array = body[body.firstIndex(of: "[")!...body.lastIndex(of: "]")!]
        let frames = try JSONSerialization.jsonObject(with: Data(array.utf8)) as! [[String: Any]]
        let hostile = frames.first { $0["i"] as? String == "ISS070-E-5" }!
        #expect(hostile["l"] as? String == SiteLibrary.hostileLens)
        #expect(hostile["c"] as? String == "NIKON CORPORATION \(SiteLibrary.hostileModel)")
        let plain = String(decoding: files.first { $0.key.hasPrefix("unassigned/pages/") }!.value, as: UTF8.self)
        #expect(plain.contains("&quot;&gt;&lt;img src=x onerror=alert(3)&gt;"))
        #expect(plain.contains("href=\"../../../galleries/unassigned/large/%22%3E%3Cimg%20src=x%20onerror=alert(3)%3E.jpg\""))
    }

    @Test("[site] enabled = false writes no site; `cupola site` then builds it and prints where")
    func switchedOff() async throws {
        let folder = TemporaryFolder()
        let downlink = try SampleFolder.make(in: folder)
        let library = folder.url.appendingPathComponent("library").path
        var settings = Settings()
        settings.site.enabled = false
        try await TestIngest.run([downlink.path], library: library, settings: settings)
        #expect(FileManager.default.fileExists(atPath: "\(library)/galleries/index.json"))
        #expect(!FileManager.default.fileExists(atPath: "\(library)/site"))

        let result = try CLI.run(["site", "--library", library])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(library)/site/index.html")
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(library)/galleries/index.json"))) as! [String: Any]
        for gallery in index["galleries"] as! [[String: Any]] {
            let id = gallery["id"] as! String
            #expect(FileManager.default.fileExists(atPath: "\(library)/site/\(id)/index.html"), "site page of \(id)")
        }
        #expect(try CLI.run(["site", "--library", library, "--json"]).stdout.contains("\"filesWritten\":0"))
    }

    @Test("[site] settings: enabled must be a boolean, base_url an absolute http(s) URL, other keys are refused")
    func settings() throws {
        let parsed = try SettingsFile.parse("[site]\nenabled = false\nbase_url = \"https://example.org/lib\"\n", file: "cupola.toml")
        #expect(parsed.site == SiteSettings(enabled: false, baseURL: "https://example.org/lib/"))
        #expect(try SettingsFile.parse("", file: "cupola.toml").site == SiteSettings(enabled: true, baseURL: nil))
        for (text, message) in [("[site]\nenabled = \"no\"", "enabled must be true or false"),
                                ("[site]\nbase_url = \"/srv/lib\"", "base_url must be an absolute http or https URL"),
                                ("[site]\ntheme = \"dark\"", "unknown key \"theme\" in [site]")] {
            #expect(throws: SettingsError.self) { try SettingsFile.parse(text, file: "cupola.toml") }
            do { _ = try SettingsFile.parse(text, file: "cupola.toml") } catch {
                #expect(error.description.contains(message) && error.line == 2, "\(error)")
            }
        }
    }
}
