@testable import CupolaCore
import CupolaFixtures
import Foundation

/// Libraries for the gallery-site tests: a synthetic catalog of any size whose renditions are real
/// JPEG files (one small picture, hard-linked), so a browser can show every thumbnail.
enum SiteLibrary {
    /// A lens model and a camera model that are markup, and a file name of an unassigned frame that
    /// is markup: the site must show them as text.
    static let hostileLens = "<script>alert(1)</script>"
    static let hostileModel = "<img src=x onerror=alert(2)>"
    static let hostileId = "\"><img src=x onerror=alert(3)>"

    /// `count` frames in `iss070` (frame 5 with the hostile lens and model) and one hostile-named
    /// frame in `unassigned`, published as manifests and as a site.
    static func synthetic(_ count: Int, baseURL: String? = nil, name: String = #function) throws -> SyntheticCatalog {
        let library = try SyntheticCatalog(name)
        var frames = (0..<count).map { SyntheticCatalog.frame($0 + 1, second: $0 * 7) }
        frames[min(4, count - 1)].metadata.lens = hostileLens
        frames[min(4, count - 1)].metadata.model = hostileModel
        frames[min(4, count - 1)].metadata.make = "NIKON CORPORATION"
        frames.append(hostileFrame())
        for start in stride(from: 0, to: frames.count, by: 5000) {
            try library.catalog.apply(frames[start..<min(frames.count, start + 5000)].map { .commit($0) })
        }
        try library.publish()
        try linkRenditions(frames, in: library.layout)
        try SitePublisher(layout: library.layout, baseURL: baseURL).publish(galleries: nil)
        return library
    }

    static func hostileFrame() -> CatalogFrame {
        var frame = SyntheticCatalog.frame(999_999, second: 1)
        frame.source = SourceRecord(path: FilePathBytes("/downlink/\(hostileId).jpg"), root: FilePathBytes("/downlink"),
                                    label: "downlink/\(hostileId).jpg", stat: frame.source.stat,
                                    sha256: frame.source.sha256, state: .ingested)
        frame.gallery = .unassigned
        frame.name = nil
        frame.id = hostileId
        frame.stem = hostileId
        frame.renditions = frame.renditions.map {
            RenditionRecord(name: $0.name, fingerprint: $0.fingerprint, path: "\($0.name)/\(hostileId).jpg",
                            bytes: $0.bytes, width: $0.width, height: $0.height)
        }
        return frame
    }

    /// Gives every rendition the catalog names a real file: one 256×171 JPEG, hard-linked.
    static func linkRenditions(_ frames: [CatalogFrame], in layout: LibraryLayout) throws {
        let jpeg = try SyntheticImage.jpeg(width: 256, height: 171)
        var picture = "", links = 0
        for frame in frames {
            for rendition in frame.renditions {
                // A file takes at most 65,000 hard links on ext4: a new copy every 50,000.
                if links % 50_000 == 0 {
                    picture = layout.root.appending("picture-\(links / 50_000).jpg").description
                    try jpeg.write(to: URL(fileURLWithPath: picture))
                }
                links += 1
                let file = layout.renditionFile(gallery: frame.gallery.id, relativePath: rendition.path).description
                try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                if link(picture, file) != 0 && errno != EEXIST { throw CocoaError(.fileWriteUnknown) }
            }
        }
    }

    /// Every file under `site/`, by path relative to it.
    static func files(_ library: SyntheticCatalog) throws -> [String: Data] {
        let root = library.folder.url.appendingPathComponent("site")
        var files: [String: Data] = [:]
        for case let relative as String in FileManager.default.enumerator(atPath: root.path) ?? NSEnumerator() {
            var isFolder: ObjCBool = false
            let url = root.appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
                files[relative] = try Data(contentsOf: url)
            }
        }
        return files
    }
}

/// Runs `Scripts/site-check.py` (headless Chromium through selenium) over a built site.
enum SiteBrowser {
    static let isAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import selenium, shutil, sys; sys.exit(0 if shutil.which('chromium') and shutil.which('chromedriver') else 1)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func check(site: String, checks: [String], gallery: String? = nil, frame: String? = nil,
                      screenshots: String? = nil) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = ["python3", Corpus.repository.appendingPathComponent("Scripts/site-check.py").path, site,
                         "--checks", checks.joined(separator: ",")]
        if let gallery { arguments += ["--gallery", gallery] }
        if let frame { arguments += ["--frame", frame] }
        if let screenshots { arguments += ["--screenshots", screenshots] }
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let object = try? JSONSerialization.jsonObject(with: output) as? [String: Any] else {
            throw Failure(description: "site-check.py exited \(process.terminationStatus): \(String(decoding: errors, as: UTF8.self))")
        }
        return object
    }
}

/// Runs `Scripts/iiif-check.py`: every IIIF document validated with the iiif-prezi3 package.
enum IIIFCheck {
    static let isAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import iiif_prezi3"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    static func run(library: String, baseURL: String) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Corpus.repository.appendingPathComponent("Scripts/iiif-check.py").path, library, baseURL]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let object = try? JSONSerialization.jsonObject(with: output) as? [String: Any] else {
            throw SiteBrowser.Failure(description: "iiif-check.py exited \(process.terminationStatus): \(String(decoding: errors, as: UTF8.self))")
        }
        return object
    }
}
