import CupolaCore
import Crypto
import CupolaFixtures
import Foundation
import Testing

/// `cupola watch` against real writers: the binary runs, files are written the way transfer
/// tools write them, and the manifests are read as a web site would.
@Suite("Watching an inbox", .serialized)
struct WatchTests {
    final class Watcher {
        let process = Process()
        let log: URL
        let library: String

        init(inbox: URL, library: String, extra: [String] = []) throws {
            self.library = library
            log = inbox.deletingLastPathComponent().appendingPathComponent("watch-\(UUID().uuidString.prefix(6)).log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            process.executableURL = CLI.binary
            process.arguments = ["watch", inbox.path, "--library", library, "--settle", "0.3"] + extra
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            try Self.wait(seconds: 20) { (try? String(contentsOf: self.log, encoding: .utf8))?.contains("watching") == true }
        }

        var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        func stop() -> Int32 {
            if process.isRunning { kill(process.processIdentifier, SIGTERM) }
            process.waitUntilExit()
            return process.terminationStatus
        }

        deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        func frames(_ gallery: String) -> [[String: Any]] {
            // A page can be replaced between reading the manifest and reading it: that is a miss.
            (try? TestIngest.frames(library, gallery: gallery)) ?? []
        }

        static func wait(seconds: Double, until condition: () throws -> Bool) throws {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if try condition() { return }
                usleep(50_000)
            }
            Issue.record("condition not met within \(seconds) s")
        }
    }

    static func append(_ data: Data, to file: URL) throws {
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
        try handle.close()
    }

    @Test("a writer that closes halfway and resumes never produces a frame from the first half")
    func closeThenAppend() throws {
        let folder = TemporaryFolder()
        let inbox = folder.folder("inbox")
        let watcher = try Watcher(inbox: inbox, library: folder.url.appendingPathComponent("library").path)
        let jpeg = try SyntheticImage.jpeg(width: 900, height: 600, quality: 95)
        let file = inbox.appendingPathComponent("ISS069-E-500.JPG")
        try jpeg.prefix(jpeg.count / 2).write(to: file)
        var seen: Set<String> = []
        let pause = Date().addingTimeInterval(1.0)
        while Date() < pause {
            for frame in watcher.frames("iss069") { seen.insert(frame["sha256"] as? String ?? "") }
            usleep(50_000)
        }
        try Self.append(jpeg.dropFirst(jpeg.count / 2), to: file)
        let whole = SHA256Hex.of(jpeg)
        try Watcher.wait(seconds: 15) {
            let frames = watcher.frames("iss069")
            for frame in frames { seen.insert(frame["sha256"] as? String ?? "") }
            return frames.first?["sha256"] as? String == whole
        }
        #expect(seen.subtracting([whole]).isEmpty, "a frame was published from a partial file: \(seen)")
        #expect(watcher.frames("iss069").first?["width"] as? Int == 900)
        #expect(watcher.stop() == 0)
    }

    @Test("a slow writer in chunks, and a rename into place, each give one whole frame")
    func slowWriterAndRename() throws {
        let folder = TemporaryFolder()
        let inbox = folder.folder("inbox")
        let watcher = try Watcher(inbox: inbox, library: folder.url.appendingPathComponent("library").path)
        let jpeg = try SyntheticImage.jpeg(width: 800, height: 500, quality: 95)
        let slow = inbox.appendingPathComponent("ISS069-E-600.JPG")
        let handle = try FileHandle(forWritingTo: { FileManager.default.createFile(atPath: slow.path, contents: nil); return slow }())
        for chunk in stride(from: 0, to: jpeg.count, by: jpeg.count / 4 + 1) {
            try handle.write(contentsOf: jpeg[chunk..<min(jpeg.count, chunk + jpeg.count / 4 + 1)])
            usleep(400_000)
        }
        try handle.close()
        let partial = inbox.appendingPathComponent("ISS069-E-601.JPG.part")
        try jpeg.write(to: partial)
        try FileManager.default.moveItem(at: partial, to: inbox.appendingPathComponent("ISS069-E-601.JPG"))
        try Watcher.wait(seconds: 15) { watcher.frames("iss069").count == 2 }
        let frames = watcher.frames("iss069")
        #expect(Set(frames.map { $0["id"] as? String }) == ["ISS069-E-600", "ISS069-E-601"])
        #expect(frames.allSatisfy { $0["sha256"] as? String == SHA256Hex.of(jpeg) })
        #expect(!watcher.output.contains(".part"))
        #expect(watcher.stop() == 0)
    }

    @Test("a burst of 2,000 files: every one ingested once, manifests rewritten a few times, not 2,000")
    func burst() throws {
        let folder = TemporaryFolder()
        let inbox = folder.folder("inbox")
        let library = folder.url.appendingPathComponent("library").path
        let watcher = try Watcher(inbox: inbox, library: library)
        let jpeg = try SyntheticImage.jpeg(width: 96, height: 64)
        for index in 0..<2000 { try jpeg.write(to: inbox.appendingPathComponent("iss070e\(100000 + index).jpg")) }
        try Watcher.wait(seconds: 120) { watcher.frames("iss070").count == 2000 }
        #expect(Set(watcher.frames("iss070").map { $0["id"] as! String }).count == 2000)
        #expect(watcher.stop() == 0)
        let publications = watcher.output.components(separatedBy: "\n").filter { $0.contains("published") }.count
        #expect(publications < 200, "\(publications) publications for 2,000 files")
        let ingested = watcher.output.components(separatedBy: "\n").filter { $0.contains("] ingested") }.count
        #expect(ingested == 2000)
    }

    @Test("paused with SIGSTOP while 3,000 files arrive, then resumed: all ingested, none twice")
    func stoppedAndResumed() throws {
        let folder = TemporaryFolder()
        let inbox = folder.folder("inbox")
        let watcher = try Watcher(inbox: inbox, library: folder.url.appendingPathComponent("library").path)
        kill(watcher.process.processIdentifier, SIGSTOP)
        let jpeg = try SyntheticImage.jpeg(width: 64, height: 48)
        for index in 0..<3000 {
            let sub = inbox.appendingPathComponent("pass\(index / 1000)")
            try? FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            try jpeg.write(to: sub.appendingPathComponent("iss071e\(200000 + index).jpg"))
        }
        kill(watcher.process.processIdentifier, SIGCONT)
        try Watcher.wait(seconds: 180) { watcher.frames("iss071").count == 3000 }
        #expect(watcher.stop() == 0)
        let ingested = watcher.output.components(separatedBy: "\n").filter { $0.contains("] ingested") }.count
        #expect(ingested == 3000)
    }

    @Test("SIGHUP reloads the settings: frames after it get the new renditions, and the watcher goes on")
    func reloadOnHangup() throws {
        let folder = TemporaryFolder()
        let inbox = folder.folder("inbox")
        let library = folder.url.appendingPathComponent("library").path
        let watcher = try Watcher(inbox: inbox, library: library)
        try SyntheticImage.jpeg(width: 600, height: 400).write(to: inbox.appendingPathComponent("ISS069-E-800.JPG"))
        try Watcher.wait(seconds: 15) { watcher.frames("iss069").count == 1 }
        try Data("[[rendition]]\nname = \"thumb\"\nsize = 120\nquality = 80\n".utf8)
            .write(to: URL(fileURLWithPath: "\(library)/cupola.toml"))
        kill(watcher.process.processIdentifier, SIGHUP)
        try Watcher.wait(seconds: 15) { watcher.output.components(separatedBy: "watching").count > 2 }
        try SyntheticImage.jpeg(width: 600, height: 400).write(to: inbox.appendingPathComponent("ISS069-E-801.JPG"))
        try Watcher.wait(seconds: 15) { watcher.frames("iss069").count == 2 }
        let fresh = try #require(watcher.frames("iss069").first { $0["id"] as? String == "ISS069-E-801" })
        let renditions = fresh["renditions"] as! [String: [String: Any]]
        #expect(renditions.keys.sorted() == ["thumb"])
        #expect(renditions["thumb"]?["width"] as? Int == 120)
        #expect(watcher.output.contains("reloading settings"))
        #expect(watcher.stop() == 0)
    }

    @Test("SIGHUP with a new theme rule publishes the theme at once, without waiting for a frame")
    func themeOnHangup() throws {
        let folder = TemporaryFolder()
        let inbox = folder.folder("inbox")
        let library = folder.url.appendingPathComponent("library").path
        let watcher = try Watcher(inbox: inbox, library: library)
        try SyntheticImage.jpeg(width: 600, height: 400).write(to: inbox.appendingPathComponent("ISS069-E-800.JPG"))
        try SyntheticImage.jpeg(width: 600, height: 400).write(to: inbox.appendingPathComponent("ISS069-E-900.JPG"))
        try Watcher.wait(seconds: 15) { watcher.frames("iss069").count == 2 }
        try Data("[[theme]]\nid = \"early\"\nframes = [\"ISS069-E-1..ISS069-E-850\"]\n".utf8)
            .write(to: URL(fileURLWithPath: "\(library)/cupola.toml"))
        kill(watcher.process.processIdentifier, SIGHUP)
        try Watcher.wait(seconds: 15) { watcher.frames("early").count == 1 }
        #expect(watcher.frames("early").first?["id"] as? String == "ISS069-E-800")
        #expect(watcher.frames("early").first?["gallery"] as? String == "iss069")
        #expect(watcher.stop() == 0)
    }

    @Test("--originals move: a frame arriving in the inbox ends up in the library, and leaves the inbox")
    func moveOriginals() throws {
        let folder = TemporaryFolder()
        let inbox = folder.folder("inbox")
        let library = folder.url.appendingPathComponent("library").path
        let watcher = try Watcher(inbox: inbox, library: library, extra: ["--originals", "move", "--rescan", "1"])
        let jpeg = try SyntheticImage.jpeg(width: 300, height: 200)
        try jpeg.write(to: inbox.appendingPathComponent("ISS069-E-900.JPG"))
        try Watcher.wait(seconds: 15) { watcher.frames("iss069").count == 1 }
        try Watcher.wait(seconds: 5) { !FileManager.default.fileExists(atPath: inbox.appendingPathComponent("ISS069-E-900.JPG").path) }
        #expect(FileManager.default.contents(atPath: "\(library)/originals/iss069/ISS069-E-900.jpg") == jpeg)
        usleep(1_500_000)  // a rescan has run since: the frame must still be there
        #expect(watcher.frames("iss069").count == 1)
        #expect(watcher.stop() == 0)
    }

    @Test("a library inside the inbox: its renditions and catalog are never taken for arriving frames")
    func libraryInsideInbox() throws {
        let folder = TemporaryFolder()
        let inbox = folder.folder("inbox")
        let watcher = try Watcher(inbox: inbox, library: inbox.appendingPathComponent("library").path)
        for index in 0..<3 {
            try SyntheticImage.jpeg(width: 300, height: 200).write(to: inbox.appendingPathComponent("ISS072-E-80\(index).JPG"))
        }
        try Watcher.wait(seconds: 15) { watcher.frames("iss072").count == 3 }
        usleep(1_500_000) // settle window and more: time for any rendition to come back as an arrival
        #expect(watcher.stop() == 0)
        let lines = watcher.output.components(separatedBy: "\n")
        #expect(lines.filter { $0.contains("] ingested") }.count == 3)
        #expect(!lines.contains { $0.contains("rejected") || $0.contains("library/") }, "\(watcher.output)")
    }

    @Test("polling mode finds files without inotify, and a file deleted from the inbox leaves its gallery")
    func polling() throws {
        let folder = TemporaryFolder()
        let inbox = folder.folder("inbox")
        let watcher = try Watcher(inbox: inbox, library: folder.url.appendingPathComponent("library").path,
                                  extra: ["--poll", "0.3", "--rescan", "1"])
        #expect(watcher.output.contains("mode=poll"))
        let file = inbox.appendingPathComponent("ISS072-E-700.JPG")
        try SyntheticImage.jpeg(width: 300, height: 200).write(to: file)
        try Watcher.wait(seconds: 15) { watcher.frames("iss072").count == 1 }
        try FileManager.default.removeItem(at: file)
        try Watcher.wait(seconds: 15) { watcher.frames("iss072").isEmpty }
        #expect(watcher.stop() == 0)
    }

    @Test("a deleted frame leaves the manifest, and a moved one is listed once, without waiting for a rescan")
    func deletionsAndMoves() throws {
        // Given a watcher whose safety-net rescan is far away, with three frames in.
        let folder = TemporaryFolder()
        let inbox = folder.folder("inbox")
        let outside = folder.folder("elsewhere")
        let sub = folder.folder("inbox/sub")
        let watcher = try Watcher(inbox: inbox, library: folder.url.appendingPathComponent("library").path)
        for (index, width) in [300, 310, 320, 330].enumerated() {
            try SyntheticImage.jpeg(width: width, height: 200).write(to: inbox.appendingPathComponent("ISS073-E-\(index).JPG"))
        }
        try Watcher.wait(seconds: 15) { watcher.frames("iss073").count == 4 }
        let sources = { Set(watcher.frames("iss073").compactMap { $0["source"] as? String }) }

        // When one is deleted, one moved into a sub-folder, one moved out of the inbox, and a
        // folder holding the fourth renamed.
        try FileManager.default.removeItem(at: inbox.appendingPathComponent("ISS073-E-0.JPG"))
        try Watcher.wait(seconds: 5) { watcher.frames("iss073").count == 3 }
        try FileManager.default.moveItem(at: inbox.appendingPathComponent("ISS073-E-1.JPG"), to: sub.appendingPathComponent("ISS073-E-1.JPG"))
        try Watcher.wait(seconds: 5) { sources().contains("inbox/sub/ISS073-E-1.JPG") }
        try FileManager.default.moveItem(at: inbox.appendingPathComponent("ISS073-E-2.JPG"), to: outside.appendingPathComponent("ISS073-E-2.JPG"))
        try Watcher.wait(seconds: 5) { watcher.frames("iss073").count == 2 }
        try FileManager.default.moveItem(at: inbox.appendingPathComponent("ISS073-E-3.JPG"), to: sub.appendingPathComponent("ISS073-E-3.JPG"))
        try Watcher.wait(seconds: 5) { sources().contains("inbox/sub/ISS073-E-3.JPG") }
        try FileManager.default.moveItem(at: sub, to: inbox.appendingPathComponent("renamed"))
        try Watcher.wait(seconds: 5) { sources() == ["inbox/renamed/ISS073-E-1.JPG", "inbox/renamed/ISS073-E-3.JPG"] }

        // Then the manifest lists each frame that is still in the inbox once, at its new path,
        // and the moved ones were not read again.
        usleep(800_000)  // the settle window: a moved file must not come back as a second frame
        #expect(sources() == ["inbox/renamed/ISS073-E-1.JPG", "inbox/renamed/ISS073-E-3.JPG"])
        #expect(watcher.stop() == 0)
        let lines = watcher.output.components(separatedBy: "\n")
        #expect(lines.filter { $0.contains("] ingested") }.count == 4, "\(watcher.output)")
        #expect(lines.filter { $0.contains("] removed") }.count == 2, "\(watcher.output)")
    }

    @Test("a frame id taken by another file: the watcher logs the warning ingest prints")
    func sharedIdWarning() throws {
        let folder = TemporaryFolder()
        let inbox = folder.folder("inbox")
        let watcher = try Watcher(inbox: inbox, library: folder.url.appendingPathComponent("library").path)
        try SyntheticImage.jpeg(width: 300, height: 200).write(to: inbox.appendingPathComponent("ISS069-E-12345.JPG"))
        try Watcher.wait(seconds: 15) { watcher.frames("iss069").count == 1 }
        try SyntheticImage.jpeg(width: 200, height: 300).write(to: inbox.appendingPathComponent("iss069e012345.jpg"))
        try Watcher.wait(seconds: 15) { watcher.frames("iss069").count == 2 }
        #expect(watcher.stop() == 0)
        let warning = watcher.output.components(separatedBy: "\n").first { $0.contains("same frame id") } ?? ""
        #expect(warning.contains("ISS069-E-12345: same frame id in "), "\(watcher.output)")
        #expect(warning.hasSuffix("ISS069-E-12345: same frame id in inbox/ISS069-E-12345.JPG, inbox/iss069e012345.jpg; renditions named apart"), "\(warning)")
    }

    @Test("an inbox deleted and made again is logged and watched again, without waiting for a rescan")
    func inboxRecreated() throws {
        let folder = TemporaryFolder()
        let inbox = folder.folder("inbox")
        let watcher = try Watcher(inbox: inbox, library: folder.url.appendingPathComponent("library").path)
        try SyntheticImage.jpeg(width: 300, height: 200).write(to: inbox.appendingPathComponent("ISS074-E-1.JPG"))
        try Watcher.wait(seconds: 15) { watcher.frames("iss074").count == 1 }

        try FileManager.default.removeItem(at: inbox)
        try Watcher.wait(seconds: 5) { watcher.output.contains("inbox gone") }
        try Watcher.wait(seconds: 5) { watcher.frames("iss074").isEmpty }

        _ = folder.folder("inbox")
        try Watcher.wait(seconds: 5) { watcher.output.contains("inbox back") }
        try SyntheticImage.jpeg(width: 300, height: 200).write(to: inbox.appendingPathComponent("ISS074-E-2.JPG"))
        try Watcher.wait(seconds: 10) { watcher.frames("iss074").count == 1 }
        #expect(watcher.frames("iss074").first?["id"] as? String == "ISS074-E-2")
        #expect(watcher.stop() == 0)
    }

    @Test("polling mode: a moved file keeps its frame at once, and an inbox deleted and made again is logged and scanned")
    func pollingMovesAndInboxBack() throws {
        let folder = TemporaryFolder()
        let inbox = folder.folder("inbox")
        let watcher = try Watcher(inbox: inbox, library: folder.url.appendingPathComponent("library").path, extra: ["--poll", "0.3"])
        try SyntheticImage.jpeg(width: 300, height: 200).write(to: inbox.appendingPathComponent("ISS075-E-1.JPG"))
        try Watcher.wait(seconds: 15) { watcher.frames("iss075").count == 1 }
        try FileManager.default.moveItem(at: inbox.appendingPathComponent("ISS075-E-1.JPG"),
                                         to: folder.folder("inbox/sub").appendingPathComponent("ISS075-E-1.JPG"))
        try Watcher.wait(seconds: 5) { watcher.frames("iss075").first?["source"] as? String == "inbox/sub/ISS075-E-1.JPG" }
        usleep(800_000)
        #expect(watcher.frames("iss075").count == 1)

        try FileManager.default.removeItem(at: inbox)
        try Watcher.wait(seconds: 5) { watcher.output.contains("inbox gone") }
        _ = folder.folder("inbox")
        try SyntheticImage.jpeg(width: 310, height: 200).write(to: inbox.appendingPathComponent("ISS075-E-2.JPG"))
        try Watcher.wait(seconds: 5) { watcher.output.contains("inbox back") }
        try Watcher.wait(seconds: 10) { watcher.frames("iss075").map { $0["id"] as? String } == ["ISS075-E-2"] }
        #expect(watcher.stop() == 0)
        let lines = watcher.output.components(separatedBy: "\n")
        #expect(lines.filter { $0.contains("] ingested") }.count == 2, "\(watcher.output)")
    }
}

enum SHA256Hex {
    static func of(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
