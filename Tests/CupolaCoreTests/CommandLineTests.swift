import CupolaCore
import CupolaFixtures
import Foundation
import Testing

/// The `cupola` binary as cron and scripts meet it: output, exit codes, locking.
@Suite("Command line")
struct CommandLineTests {
    @Test("a first run reports one line on stderr; a re-run with nothing to do prints nothing and exits 0")
    func quietReRun() throws {
        let fixture = try SampleLibrary()
        let first = try fixture.ingestCommand()
        #expect(first.status == 0)
        #expect(first.stdout.isEmpty)
        #expect(first.stderr.contains("\(SampleDownlink.frames.count) frames in 10 galleries, 0 failed"))
        let again = try fixture.ingestCommand()
        #expect(again.status == 0)
        #expect(again.stdout.isEmpty)
        #expect(again.stderr.isEmpty)
    }

    @Test("--json prints one summary object, even when there is nothing to do")
    func jsonSummary() throws {
        let fixture = try SampleLibrary()
        _ = fixture.folder.write(BadFiles.notAnImage, to: "downlink/ISS070-E-1002.JPG")
        let first = try fixture.ingestCommand(["--json"])
        #expect(first.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        #expect(object["ingested"] as? Int == SampleDownlink.frames.count)
        #expect(object["rejected"] as? Int == 1)
        #expect(object["exitCode"] as? Int == 1)
        let problems = try #require(object["problems"] as? [[String: Any]])
        #expect(problems.first?["file"] as? String == "downlink/ISS070-E-1002.JPG")
        #expect((problems.first?["reason"] as? String)?.hasPrefix("unsupported format") == true)
        #expect((object["galleries"] as? [String])?.count == 10)
        let again = try fixture.ingestCommand(["--json"])
        #expect(again.status == 0)
        let quiet = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect(quiet["unchanged"] as? Int == SampleDownlink.frames.count + 1)
        #expect(quiet["ingested"] as? Int == 0)
    }

    @Test("a second run while the library is locked exits 75 at once, naming the holder, and changes nothing")
    func lockHeld() throws {
        let fixture = try SampleLibrary()
        try AtomicFile.makeFolder(FilePathBytes(fixture.library))
        var lock: LibraryLock? = try LibraryLock(FilePathBytes("\(fixture.library)/.cupola.lock"), command: "ingest")
        let started = Date()
        let blocked = try fixture.ingestCommand()
        let elapsed = Date().timeIntervalSince(started)
        #expect(blocked.status == 75)
        #expect(blocked.stderr.contains("process \(getpid())"))
        #expect(!FileManager.default.fileExists(atPath: "\(fixture.library)/catalog.sqlite"))
        // Process start-up is included; the lock check itself does not wait.
        #expect(elapsed < 2, "took \(elapsed) s")
        #expect(lock != nil)
        lock = nil
        let waited = try fixture.ingestCommand(["--wait", "0.2"])
        #expect(waited.status == 0)
    }

    @Test("an unknown settings key exits 78 naming the key and its line")
    func unknownSettingsKey() throws {
        let fixture = try SampleLibrary()
        let settings = fixture.folder.write(Data("jobs = 2\n[limits]\nmax_pixels = 5\n".utf8), to: "bad.toml")
        let result = try fixture.ingestCommand(["--config", settings.path])
        #expect(result.status == 78)
        #expect(result.stderr.contains("bad.toml:3"))
        #expect(result.stderr.contains("max_pixels"))
    }

    @Test("--dry-run says what would happen and writes nothing, not even in the working folder")
    func dryRun() throws {
        let fixture = try SampleLibrary()
        let workingFolder = fixture.folder.folder("cwd")
        let result = try CLI.run(["ingest", fixture.downlink.path, "--library", fixture.library, "--dry-run", "--json"],
                                 workingFolder: workingFolder)
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["pending"] as? Int == SampleDownlink.frames.count)
        #expect(object["ingested"] as? Int == 0)
        #expect(!FileManager.default.fileExists(atPath: fixture.library))
        // A catalog held in memory once left a SQLite file named ":memory:" here.
        #expect(try FileManager.default.contentsOfDirectory(atPath: workingFolder.path) == [])
    }

    @Test("a missing SOURCE is a usage error (64) and a damaged catalog an I/O error (74)")
    func usageAndDamage() throws {
        let fixture = try SampleLibrary()
        let missing = try CLI.run(["ingest", fixture.folder.url.appendingPathComponent("nowhere").path, "--library", fixture.library])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("nowhere"))
        try AtomicFile.makeFolder(FilePathBytes(fixture.library))
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: "\(fixture.library)/catalog.sqlite"))
        let damaged = try fixture.ingestCommand()
        #expect(damaged.status == 74)
        #expect(damaged.stderr.contains("catalog.sqlite"))
        #expect(damaged.stderr.contains("damaged"))
    }

    @Test("regenerate and verify --repair on a path with no library exit 64 and create nothing; only ingest and watch make libraries",
          arguments: [["regenerate"], ["regenerate", "--dry-run"], ["verify", "--repair"]])
    func maintenanceNeedsALibrary(command: [String]) throws {
        let folder = TemporaryFolder()
        let missing = folder.url.appendingPathComponent("no-library").path
        let result = try CLI.run(command + ["--library", missing])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("no library here"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: missing))
        // An existing folder without a catalog is no library either, and gets none.
        let empty = folder.folder("empty").path
        #expect(try CLI.run(command + ["--library", empty]).status == 64)
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty) == [])
    }

    @Test("a catalog without its tables (an older cupola's) makes status say so, and ingest brings it up to date")
    func catalogWithoutSchema() throws {
        let fixture = try SampleLibrary()
        try AtomicFile.makeFolder(FilePathBytes(fixture.library))
        // An empty file is a valid, empty SQLite database.
        try Data().write(to: URL(fileURLWithPath: "\(fixture.library)/catalog.sqlite"))
        let before = try CLI.run(["status", "--library", fixture.library])
        #expect(before.status != 0)
        #expect(before.stderr.contains("run `cupola ingest` once"), "\(before.stderr)")
        #expect(!before.stderr.contains("no such table"))
        #expect(try fixture.ingestCommand().status == 0)
        #expect(try CLI.run(["status", "--library", fixture.library]).status == 0)
    }

    @Test("a library inside its SOURCE folder is passed over, not ingested as frames")
    func libraryInsideSource() throws {
        let fixture = try SampleLibrary()
        let inside = fixture.downlink.appendingPathComponent("galleries").path
        let first = try CLI.run(["ingest", fixture.downlink.path, "--library", inside, "--json"])
        #expect(first.status == 0, "\(first.stdout)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        #expect(summary["ingested"] as? Int == SampleDownlink.frames.count)
        #expect((summary["skipped"] as? [String: Int])?["the library itself"] == 1, "\(summary["skipped"] ?? "")")
        let again = try CLI.run(["ingest", fixture.downlink.path, "--library", inside])
        #expect(again.status == 0)
        #expect(again.stdout.isEmpty && again.stderr.isEmpty, "\(again.stderr)")
    }

    @Test("a SOURCE or inbox that is the library, or lies inside it, is refused with one line and exit 64, in ingest and watch alike")
    func sourceInsideLibrary() throws {
        let fixture = try SampleLibrary()
        #expect(try fixture.ingestCommand().status == 0)
        let renditions = try FileManager.default.subpathsOfDirectory(atPath: "\(fixture.library)/galleries").count
        let spelledThroughALink = fixture.folder.url.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: spelledThroughALink, withDestinationPath: fixture.library)
        let cases: [(command: String, source: String, says: String)] = [
            ("ingest", fixture.library, "it is the library"),
            ("ingest", "\(fixture.library)/galleries", "it lies inside the library"),
            ("ingest", "\(spelledThroughALink)/galleries/iss069", "it lies inside the library"),
            ("watch", fixture.library, "it is the library"),
            ("watch", "\(fixture.library)/galleries", "it lies inside the library"),
        ]
        for item in cases {
            let result = try CLI.run([item.command, item.source, "--library", fixture.library], timeout: 20)
            #expect(result.status == 64, "\(item.command) \(item.source): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains(item.says), "\(item.command) \(item.source): \(result.stderr)")
        }
        #expect(try FileManager.default.subpathsOfDirectory(atPath: "\(fixture.library)/galleries").count == renditions)
        #expect(try fixture.json(["status"])["frameCount"] as? Int == SampleDownlink.frames.count)
    }

    @Test("a library deep inside the SOURCE is passed over at any depth")
    func libraryDeepInsideSource() throws {
        let fixture = try SampleLibrary()
        let deep = fixture.downlink.appendingPathComponent("a/b/library").path
        let first = try CLI.run(["ingest", fixture.downlink.path, "--library", deep, "--json"])
        #expect(first.status == 0, "\(first.stdout)")
        let again = try CLI.run(["ingest", fixture.downlink.path, "--library", deep, "--json"])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect(summary["ingested"] as? Int == 0)
        #expect(summary["unchanged"] as? Int == SampleDownlink.frames.count)
        #expect((summary["skipped"] as? [String: Int])?["the library itself"] == 1)
    }

    @Test("status lists galleries, problem files and the last run")
    func status() throws {
        let fixture = try SampleLibrary()
        _ = fixture.folder.write(BadFiles.notAnImage, to: "downlink/ISS070-E-1002.JPG")
        _ = try fixture.ingestCommand()
        let result = try CLI.run(["status", "--library", fixture.library, "--json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["frameCount"] as? Int == SampleDownlink.frames.count)
        #expect((object["galleries"] as? [[String: Any]])?.count == 10)
        #expect((object["problems"] as? [[String: Any]])?.first?["file"] as? String == "downlink/ISS070-E-1002.JPG")
        #expect((object["lastRun"] as? [String: Any])?["exitCode"] as? Int == 1)
    }
}
