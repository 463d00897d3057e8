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
    static func files(_ library: SyntheticCatalog) throws -> [String: Data] { try library.files(under: "site") }
}

/// Runs `Scripts/site-check.py` (headless Chromium through selenium) over a built site.
enum SiteBrowser {
    static let isAvailable = PythonScript.succeeds(
        "import selenium, shutil, sys; sys.exit(0 if shutil.which('chromium') and shutil.which('chromedriver') else 1)")

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func check(site: String, checks: [String], gallery: String? = nil, frame: String? = nil,
                      screenshots: String? = nil) throws -> [String: Any] {
        var arguments = [site, "--checks", checks.joined(separator: ",")]
        if let gallery { arguments += ["--gallery", gallery] }
        if let frame { arguments += ["--frame", frame] }
        if let screenshots { arguments += ["--screenshots", screenshots] }
        return try PythonScript.json("Scripts/site-check.py", arguments)
    }
}

/// Runs `Scripts/iiif-check.py`: every IIIF document validated with the iiif-prezi3 package.
enum IIIFCheck {
    static let isAvailable = PythonScript.succeeds("import iiif_prezi3")

    static func run(library: String, baseURL: String) throws -> [String: Any] {
        try PythonScript.json("Scripts/iiif-check.py", [library, baseURL])
    }
}

/// The project's Python check scripts, run by `python3`.
enum PythonScript {
    /// Whether `python3 -c code` exits 0 (a module is importable, a tool is on the path).
    static func succeeds(_ code: String) -> Bool {
        (try? run(["-c", code]).status) == 0
    }

    /// The JSON object a script in the repository prints; its stderr in the error when it fails.
    static func json(_ script: String, _ arguments: [String]) throws -> [String: Any] {
        let result = try run([Corpus.repository.appendingPathComponent(script).path] + arguments)
        guard result.status == 0, let object = try? JSONSerialization.jsonObject(with: result.stdout) as? [String: Any] else {
            throw SiteBrowser.Failure(description: "\(script) exited \(result.status): \(String(decoding: result.stderr, as: UTF8.self))")
        }
        return object
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: Data, stderr: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, output, errors)
    }
}
