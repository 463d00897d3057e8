import CupolaCore
import CupolaFixtures
import Foundation
import Testing

@Suite("Hostile and broken inputs")
struct HostileInputTests {
    /// Creates a file whose name is given as raw bytes (FileManager cannot spell non-UTF-8 names).
    static func write(_ data: Data, folder: URL, name: [UInt8]) throws {
        let path = FilePathBytes(folder.path).appending(name)
        let fd = path.withCString { open($0, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        #expect(fd >= 0)
        _ = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    @Test("one of each bad input among 20 good frames: each named with its reason, exit 1, then a quiet re-run")
    func everyBadInput() throws {
        let folder = TemporaryFolder()
        let inbox = folder.folder("inbox")
        for index in 0..<20 {
            try SyntheticImage.jpeg(width: 400, height: 300).write(to: inbox.appendingPathComponent("ISS069-E-\(20000 + index).JPG"))
        }
        let bad: [(name: String, data: Data, reason: String)] = [
            ("ISS070-E-1.JPG", try BadFiles.truncatedJPEG(), "truncated"),
            ("ISS070-E-2.JPG", BadFiles.notAnImage, "unsupported format"),
            ("ISS070-E-3.JPG", BadFiles.svg, "unsupported format"),
            ("ISS070-E-4.JPG", BadFiles.ppm, "unsupported format"),
            ("ISS070-E-5.JPG", BadFiles.pdf, "unsupported format"),
            ("ISS070-E-6.JPG", try BadFiles.lyingJPEG(), "too large"),
            ("ISS070-E-7.JPG", Data(), "empty"),
        ]
        for file in bad { try file.data.write(to: inbox.appendingPathComponent(file.name)) }
        #expect(mkfifo(inbox.appendingPathComponent("ISS070-E-8.JPG").path, 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: inbox.appendingPathComponent("ISS070-E-9.JPG").path,
                                                   withDestinationPath: "/etc/passwd")
        let library = folder.url.appendingPathComponent("library").path

        let result = try CLI.run(["ingest", inbox.path, "--library", library, "--json"])

        #expect(result.status == 1)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(summary["ingested"] as? Int == 20)
        let problems = Dictionary(uniqueKeysWithValues: (summary["problems"] as! [[String: Any]]).map {
            ($0["file"] as! String, $0["reason"] as! String)
        })
        for file in bad {
            let reason = try #require(problems["inbox/\(file.name)"], "\(file.name) not reported")
            #expect(reason.hasPrefix(file.reason), "\(file.name): \(reason)")
            for rendition in ["large", "medium", "thumb"] {
                let stem = FrameName(fileName: file.name)!.id
                #expect(!FileManager.default.fileExists(atPath: "\(library)/galleries/iss070/\(rendition)/\(stem).jpg"))
            }
        }
        #expect(problems.count == bad.count)
        let skipped = (summary["skippedFiles"] as! [[String: Any]]).map { ($0["file"] as! String, $0["reason"] as! String) }
        #expect(skipped.contains { $0.0.hasSuffix("ISS070-E-8.JPG") && $0.1 == "not a regular file" })
        #expect(skipped.contains { $0.0.hasSuffix("ISS070-E-9.JPG") && $0.1 == "symlink not followed" })
        #expect(try TestIngest.manifest(library, gallery: "iss069")["frameCount"] as? Int == 20)
        #expect(!FileManager.default.fileExists(atPath: "\(library)/galleries/iss070"))

        let again = try CLI.run(["ingest", inbox.path, "--library", library])
        #expect(again.status == 0)
        #expect(again.stdout.isEmpty && again.stderr.isEmpty, "\(again.stderr)")
    }

    @Test("names as bytes: non-UTF-8, NFC and NFD, newlines, dashes and $(...) are distinct frames kept inside the library")
    func oddNames() async throws {
        let folder = TemporaryFolder()
        let inbox = folder.folder("inbox")
        let jpeg = try SyntheticImage.jpeg(width: 120, height: 80)
        let names: [[UInt8]] = [
            [0x70, 0x68, 0x6F, 0x74, 0x6F, 0xFF, 0xFE] + Array(".jpg".utf8),  // not UTF-8
            Array("caf\u{E9}.jpg".utf8),                                     // NFC é
            Array("cafe\u{301}.jpg".utf8),                                   // NFD é
            Array("line\nbreak.jpg".utf8),
            Array("-rf.jpg".utf8),
            Array("$(touch pwned).jpg".utf8),
            Array("a..jpg".utf8),
        ]
        for name in names { try Self.write(jpeg, folder: inbox, name: name) }
        let library = folder.url.appendingPathComponent("library")
        let summary = try await TestIngest.run([inbox.path], library: library.path)
        #expect(summary.ingested == names.count)
        #expect(summary.rejected == 0)
        let frames = try TestIngest.frames(library.path)
        #expect(frames.count == names.count)
        // Compared as bytes: Swift's String equality would fold the NFC and NFD spellings together.
        #expect(Set(frames.map { Array(($0["source"] as! String).utf8) }).count == names.count)
        let thumbs = Set(frames.map { Array((($0["renditions"] as! [String: [String: Any]])["thumb"]!["path"] as! String).utf8) })
            .map { String(decoding: $0, as: UTF8.self) }
        #expect(thumbs.count == names.count)
        for thumb in thumbs {
            let components = thumb.split(separator: "/", omittingEmptySubsequences: false)
            #expect(components.count == 2 && !components.contains { $0 == ".." || $0 == "." || $0.hasPrefix(".") }, "\(thumb)")
            #expect(!thumb.contains("\n"))
            #expect(FileManager.default.fileExists(atPath: library.appendingPathComponent("galleries/unassigned/\(thumb)").path))
        }
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("pwned").path))
        let outside = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(outside == ["inbox", "library"])
    }

    @Test("a frame that takes longer than the time limit is rejected as timed out, leaving no output")
    func timeLimit() async throws {
        let folder = TemporaryFolder()
        _ = folder.write(try SyntheticImage.jpeg(width: 6000, height: 4000), to: "in/ISS069-E-1.JPG")
        var settings = Settings()
        settings.frameTimeoutSeconds = 0.005
        let library = folder.url.appendingPathComponent("lib").path
        let summary = try await TestIngest.run([folder.url.appendingPathComponent("in").path], library: library, settings: settings)
        #expect(summary.problems.map(\.reason) == ["timed out after 0.005 s"])
        #expect(summary.ingested == 0)
        #expect(!FileManager.default.fileExists(atPath: "\(library)/galleries/iss069/large/ISS069-E-1.jpg"))
    }

    @Test("the 60000×60000 liar plus a genuine 100-megapixel frame: peak memory under 1 GiB")
    func memoryBound() throws {
        let folder = TemporaryFolder()
        let inbox = folder.folder("inbox")
        try BadFiles.lyingJPEG().write(to: inbox.appendingPathComponent("ISS069-E-1.JPG"))
        try SyntheticImage.jpeg(width: 12500, height: 8000, quality: 90).write(to: inbox.appendingPathComponent("ISS069-E-2.JPG"))
        let result = try CLI.run(["ingest", inbox.path, "--library", folder.url.appendingPathComponent("lib").path, "--json"])
        #expect(result.status == 1)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(summary["ingested"] as? Int == 1)
        #expect((summary["problems"] as? [[String: Any]])?.first?["reason"] as? String == "too large (60000×60000, 3600 megapixels, limit 200)")
        // The largest resident set of any child this test process has waited for: an upper bound
        // for this run's.
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        #expect(usage.ru_maxrss < 1024 * 1024, "peak RSS \(usage.ru_maxrss / 1024) MB")
    }
}
