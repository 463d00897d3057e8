@testable import CupolaCore
import Foundation
import Testing

/// The gallery site in a real browser: headless Chromium driven through selenium by
/// `Scripts/site-check.py`, pages opened straight from disk (`file://`). Screenshots of the index,
/// a gallery and the viewer are kept in `$TMPDIR/cupola-site-screenshots/<test>/`.
@Suite("Gallery site in Chromium", .serialized, .enabled(if: SiteBrowser.isAvailable, "chromium, chromedriver or python selenium is missing (Scripts/install-deps.sh installs them): browser tests skipped"))
struct SiteBrowserTests {
    static func screenshots(_ test: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cupola-site-screenshots/\(test)").path
    }

    @Test("the sample library: the index shows every gallery with its cover, the viewer opens by click, steps with the arrows, shows the metadata, closes with Escape; no console errors")
    func sampleLibrary() async throws {
        let folder = TemporaryFolder()
        let downlink = try SampleFolder.make(in: folder)
        let library = folder.url.appendingPathComponent("library").path
        try await TestIngest.run([downlink.path], library: library)
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(library)/galleries/index.json"))) as! [String: Any]
        let galleries = index["galleries"] as! [[String: Any]]
        let big = galleries.max { ($0["frameCount"] as! Int) < ($1["frameCount"] as! Int) }!
        let bigId = big["id"] as! String
        let frames = try TestIngest.frames(library, gallery: bigId)
        let shots = Self.screenshots("sample")

        let seen = try SiteBrowser.check(site: "\(library)/site", checks: ["index", "viewer", "permalink"], gallery: bigId,
                                         frame: frames.last!["id"] as? String, screenshots: shots)

        let shown = seen["index"] as! [String: Any]
        #expect(shown["titles"] as! [String] == galleries.map { $0["title"] as! String })
        #expect(shown["links"] as! [String] == galleries.map { "\($0["id"] as! String)/index.html" })
        #expect(shown["covers"] as! Int == galleries.count, "every card's cover thumbnail loads")
        let filtered = shown["shownAfterFilter"] as! Int
        #expect(filtered >= 1 && filtered < galleries.count, "typing the first gallery's id in the filter box")

        let viewer = seen["viewer"] as! [String: Any]
        let opened = viewer["opened"] as! [String: Any]
        #expect(opened["title"] as? String == frames[0]["id"] as? String)
        #expect(opened["hash"] as? String == frames[0]["id"] as? String, "the address is the frame's permalink")
        #expect(opened["imageLoaded"] as? Bool == true)
        #expect((opened["image"] as? String)?.hasSuffix("large/\(frames[0]["id"] as! String).jpg") == true)
        let metadata = opened["metadata"] as! [String: String]
        let camera = frames[0]["camera"] as! [String: Any]
        #expect(metadata["Camera"] == SiteFrame.cameraName(make: camera["make"] as? String, model: camera["model"] as? String))
        #expect(metadata["Captured (UTC)"] == HTMLText.time(frames[0]["captured"] as? String))
        #expect(metadata["Source file"] == frames[0]["source"] as? String)
        #expect(metadata["ISO"] == (frames[0]["iso"] as? Int).map(String.init))
        #expect(metadata["Files"]?.contains("large (") == true && metadata["Files"]?.contains("thumb (") == true)
        let ids = frames.map { $0["id"] as! String }
        #expect(viewer["steps"] as! [String] == [ids[1], ids[2], ids[1]], "ArrowRight, ArrowRight, ArrowLeft")
        #expect(viewer["focusTrapped"] as? Bool == true)
        #expect(viewer["closed"] as? Bool == true, "Escape closes the viewer")
        #expect(viewer["hashAfterClose"] as? String == "")
        #expect(viewer["focusAfterClose"] as? String == "0", "the focus goes back to the thumbnail that opened the viewer")

        let permalink = seen["permalink"] as! [String: Any]
        #expect(permalink["open"] as? Bool == true && permalink["title"] as? String == ids.last)
        for check in ["index", "viewer", "permalink"] {
            #expect((seen[check] as! [String: Any])["consoleErrors"] as! [String] == [], "\(check)")
        }
        for shot in ["index.png", "gallery.png", "viewer.png"] where shot != "gallery.png" {
            #expect(FileManager.default.fileExists(atPath: "\(shots)/\(shot)"))
        }
    }

    @Test("a 20,000-frame gallery: thumbnails show, the grid scrolls to the last frame with fewer than 2,000 img elements at any time, a permalink deep in it opens its frame; no console errors")
    func largeGallery() throws {
        let library = try SiteLibrary.synthetic(20_000)
        let site = "\(library.folder.path)/site"
        let seen = try SiteBrowser.check(site: site, checks: ["gallery", "viewer", "permalink"], gallery: "iss070",
                                         frame: "ISS070-E-17321", screenshots: Self.screenshots("large"))
        let gallery = seen["gallery"] as! [String: Any]
        #expect(gallery["frames"] as? Int == 20_000)
        #expect((gallery["imagesAtStart"] as! Int) > 0)
        #expect((gallery["mostImages"] as! Int) < 2000, "most img elements at once: \(gallery["mostImages"]!)")
        #expect((gallery["scrollHeight"] as! Int) < 4_000_000)
        #expect(gallery["lastFrameAlt"] as? String == "ISS070-E-20000, taken \(HTMLText.time(SyntheticCatalog.frame(20_000, second: 19_999 * 7).metadata.captured)!)")
        #expect(gallery["imagesWithoutSize"] as? Int == 0, "every thumbnail has width, height, srcset and loading=lazy")
        let viewer = seen["viewer"] as! [String: Any]
        #expect(viewer["steps"] as! [String] == ["ISS070-E-2", "ISS070-E-3", "ISS070-E-2"])
        #expect(viewer["closed"] as? Bool == true)
        let permalink = seen["permalink"] as! [String: Any]
        #expect(permalink["open"] as? Bool == true && permalink["title"] as? String == "ISS070-E-17321")
        #expect(permalink["imageLoaded"] as? Bool == true)
        for check in ["gallery", "viewer", "permalink"] {
            #expect((seen[check] as! [String: Any])["consoleErrors"] as! [String] == [], "\(check)")
        }
    }

    @Test("markup in a lens, a camera model and a file name shows as text and runs nothing, in the viewer and by permalink")
    func escapingInTheBrowser() throws {
        let library = try SiteLibrary.synthetic(50)
        let site = "\(library.folder.path)/site"
        let lens = try SiteBrowser.check(site: site, checks: ["permalink"], gallery: "iss070", frame: "ISS070-E-5")["permalink"] as! [String: Any]
        #expect(lens["title"] as? String == "ISS070-E-5")
        let metadata = lens["metadata"] as! [String: String]
        #expect(metadata["Lens"] == SiteLibrary.hostileLens)
        #expect(metadata["Camera"] == "NIKON CORPORATION \(SiteLibrary.hostileModel)")
        #expect(lens["elementsInMetadata"] as? Int == 0 && lens["alert"] as? Bool == false)
        #expect(lens["consoleErrors"] as! [String] == [])

        let named = try SiteBrowser.check(site: site, checks: ["permalink"], gallery: "unassigned", frame: SiteLibrary.hostileId)["permalink"] as! [String: Any]
        #expect(named["open"] as? Bool == true && named["title"] as? String == SiteLibrary.hostileId)
        #expect(named["imageLoaded"] as? Bool == true, "the rendition's URL is encoded")
        #expect(named["alert"] as? Bool == false && named["elementsInMetadata"] as? Int == 0)
        #expect(named["consoleErrors"] as! [String] == [])
    }

    @Test("without JavaScript, the gallery's plain pages list every frame of a 20,000-frame gallery, each image sized")
    func withoutJavaScript() throws {
        let library = try SiteLibrary.synthetic(20_000)
        let seen = try SiteBrowser.check(site: "\(library.folder.path)/site", checks: ["nojs"], gallery: "iss070")["nojs"] as! [String: Any]
        let listed = seen["frames"] as! [String]
        #expect(listed.count == 20_000)
        #expect(listed == (1...20_000).map { "ISS070-E-\($0)" }, "every frame, in gallery order")
        #expect(seen["imagesWithoutSize"] as? Int == 0)
        #expect(seen["consoleErrors"] as! [String] == [])
    }
}
