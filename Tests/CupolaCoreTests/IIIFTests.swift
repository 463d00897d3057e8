@testable import CupolaCore
import Foundation
import Testing

/// IIIF Presentation 3 documents (`DIR/iiif/`), written with the site when `[site] base_url` is
/// set, validated with the iiif-prezi3 package.
@Suite("IIIF documents", .enabled(if: IIIFCheck.isAvailable, "python iiif-prezi3 is missing (Scripts/install-deps.sh installs it): IIIF validation skipped"))
struct IIIFTests {
    static let base = "https://galleries.example.org/library/"

    @Test("the sample library with a base URL: a Collection of every gallery, one Manifest per gallery with a Canvas and a level-0 image service per frame, all valid")
    func sampleLibrary() async throws {
        let folder = TemporaryFolder()
        let downlink = try SampleFolder.make(in: folder)
        let library = folder.url.appendingPathComponent("library").path
        var settings = Settings()
        settings.site.baseURL = Self.base
        let summary = try await TestIngest.run([downlink.path], library: library, settings: settings)
        #expect(summary.iiif == nil)

        let report = try IIIFCheck.run(library: library, baseURL: Self.base)
        #expect(report["problems"] as! [String] == [])
        let frames = try TestIngest.frames(library)
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(library)/galleries/index.json"))) as! [String: Any]
        #expect(report["collections"] as? Int == 1)
        #expect(report["manifests"] as? Int == (index["galleries"] as! [Any]).count)
        #expect(report["canvases"] as? Int == frames.count)
        #expect(report["services"] as? Int == frames.count)

        // The painting body is the large rendition; the canvas is the frame as displayed.
        let gallery = "iss069"
        let first = try TestIngest.frames(library, gallery: gallery)[0]
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(library)/iiif/\(gallery)/manifest.json"))) as! [String: Any]
        let canvas = (manifest["items"] as! [[String: Any]]).first { ($0["label"] as! [String: [String]])["none"] == [first["id"] as! String] }!
        #expect(canvas["width"] as? Int == first["width"] as? Int && canvas["height"] as? Int == first["height"] as? Int)
        #expect(canvas["navDate"] as? String == first["captured"] as? String)
        let body = (((canvas["items"] as! [[String: Any]])[0]["items"] as! [[String: Any]])[0]["body"]) as! [String: Any]
        let large = (first["renditions"] as! [String: [String: Any]])["large"]!
        #expect(body["id"] as? String == "\(Self.base)galleries/\(gallery)/\(large["path"] as! String)")
    }

    @Test("a 4,000-frame gallery is a Collection of per-page Manifests; one new frame rewrites a page's Manifest or two, not the gallery")
    func largeGallery() throws {
        let library = try SiteLibrary.synthetic(4_000, baseURL: Self.base)
        let root = library.folder.path
        #expect(FileManager.default.fileExists(atPath: "\(root)/iiif/iss070/collection.json"))
        #expect(!FileManager.default.fileExists(atPath: "\(root)/iiif/iss070/manifest.json"))
        let report = try IIIFCheck.run(library: root, baseURL: Self.base)
        #expect(report["problems"] as! [String] == [])
        #expect(report["canvases"] as? Int == 4_001)
        #expect((report["manifests"] as! Int) > 2, "page Manifests, the gallery's and the unassigned one")

        try library.catalog.apply([.commit(SyntheticCatalog.frame(20_001, second: 2000 * 7 - 3))])
        let dirty = try library.catalog.dirtyGalleries()
        try library.publish()
        try SiteLibrary.linkRenditions([SyntheticCatalog.frame(20_001, second: 0)], in: library.layout)
        let change = try SitePublisher(layout: library.layout, baseURL: Self.base).publish(galleries: dirty)
        let written = change.written.map(\.description).filter { $0.contains("/iiif/") }
        let pages = written.filter { $0.contains("/iiif/iss070/pages/") }
        let services = written.filter { $0.contains("/images/") }
        #expect((1...2).contains(pages.count), "\(pages)")
        #expect(services.allSatisfy { $0.contains("/images/ISS070-E-20001/") }, "only the new frame's service: \(services)")
        #expect(written.count <= pages.count + services.count + 3, "\(written)")
        let after = try IIIFCheck.run(library: root, baseURL: Self.base)
        #expect(after["problems"] as! [String] == [] && after["canvases"] as? Int == 4_002)
    }

    @Test("without a base URL no IIIF is written, and the run's summary says so once")
    func withoutBaseURL() async throws {
        let folder = TemporaryFolder()
        let downlink = try SampleFolder.make(in: folder)
        let library = folder.url.appendingPathComponent("library").path
        let summary = try await TestIngest.run([downlink.path], library: library)
        #expect(summary.iiif == SitePublisher.iiifSkipped)
        #expect(!FileManager.default.fileExists(atPath: "\(library)/iiif"))
        #expect(FileManager.default.fileExists(atPath: "\(library)/site/index.html"))
    }
}
