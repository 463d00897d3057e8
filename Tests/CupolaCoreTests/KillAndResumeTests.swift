import CupolaCore
import CupolaFixtures
import Foundation
import Testing

/// `kill -9` at random moments, then a normal run: the library must end exactly as if nothing
/// had happened.
@Suite("Kill and resume")
struct KillAndResumeTests {
    static func files(under folder: String) -> [String] {
        FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
    }

    @Test("20 SIGKILLs at random points, then a re-run: manifests and pages equal an uninterrupted run's, byte for byte")
    func twentyInterruptions() throws {
        let folder = TemporaryFolder()
        let downlink = folder.folder("downlink")
        for index in 0..<80 {
            let data = try SyntheticImage.jpeg(width: 1400 + index * 7, height: 900, quality: 92)
            try data.write(to: downlink.appendingPathComponent("iss0\(60 + index % 4)e\(String(100000 + index)).jpg"))
        }
        let reference = folder.url.appendingPathComponent("reference").path
        let interrupted = folder.url.appendingPathComponent("interrupted").path
        let started = Date()
        #expect(try CLI.run(["ingest", downlink.path, "--library", reference]).status == 0)
        let fullRun = Date().timeIntervalSince(started)

        var generator = SystemRandomNumberGenerator()
        var kills = 0
        var attempts = 0
        while kills < 20 && attempts < 80 {
            attempts += 1
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = ["ingest", downlink.path, "--library", interrupted]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(Double.random(in: 0.01...max(0.05, fullRun / 12), using: &generator) * 1_000_000))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
            // Any catalog a killed run leaves must open and pass SQLite's integrity check.
            if FileManager.default.fileExists(atPath: "\(interrupted)/catalog.sqlite") {
                #expect(throws: Never.self) { _ = try SQLiteCatalog(path: "\(interrupted)/catalog.sqlite", readOnly: true) }
            }
        }
        #expect(kills == 20, "only \(kills) of \(attempts) runs were still going when killed")
        let final = try CLI.run(["ingest", downlink.path, "--library", interrupted])
        #expect(final.status == 0, "\(final.stderr)")

        let referenceFiles = Self.files(under: "\(reference)/galleries").filter { $0.hasSuffix(".json") }.sorted()
        #expect(referenceFiles.filter { $0.hasSuffix("manifest.json") }.count == 4)
        #expect(referenceFiles.filter { $0.contains("/pages/") }.count >= 4)
        #expect(Self.files(under: "\(interrupted)/galleries").filter { $0.hasSuffix(".json") }.sorted() == referenceFiles)
        for file in referenceFiles {
            let expected = try Data(contentsOf: URL(fileURLWithPath: "\(reference)/galleries/\(file)"))
            let actual = try Data(contentsOf: URL(fileURLWithPath: "\(interrupted)/galleries/\(file)"))
            #expect(actual == expected, "\(file) differs from the uninterrupted run")
        }
        let leftovers = Self.files(under: interrupted).filter { $0.contains(AtomicFile.temporaryMarker) }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
        // Every rendition a manifest names exists and decodes at the recorded size.
        let frames = try TestIngest.frames(interrupted)
        #expect(frames.count == 80)
        for frame in frames {
            for (_, entry) in frame["renditions"] as! [String: [String: Any]] {
                let gallery = (frame["mission"] as! String).lowercased()
                let file = "\(interrupted)/galleries/\(gallery)/\(entry["path"] as! String)"
                let size = ImageComparison.size(try Data(contentsOf: URL(fileURLWithPath: file)))
                #expect(size?.width == entry["width"] as? Int, "\(file) does not decode at its recorded size")
            }
        }
        let again = try CLI.run(["ingest", downlink.path, "--library", interrupted])
        #expect(again.status == 0)
        #expect(again.stderr.isEmpty)
    }
}
