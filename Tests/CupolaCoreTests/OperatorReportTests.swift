import CupolaCore
import CupolaFixtures
import Foundation
import Testing

/// What an operator reads: summaries, `status`, `--json` on failure, wording.
@Suite("What the operator reads")
struct OperatorReportTests {
    static func object(_ text: String) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    @Test("the text summary calls bad input rejected, not failed, and a touch-only run names the refreshed file")
    func rejectedAndRefreshed() throws {
        let fixture = try SampleLibrary()
        _ = fixture.folder.write(BadFiles.notAnImage, to: "downlink/ISS070-E-1002.JPG")
        let first = try fixture.ingestCommand()
        #expect(first.status == 1)
        #expect(first.stderr.contains("\(SampleDownlink.frames.count) frames in 10 galleries, 1 rejected, 0 failed"), "\(first.stderr)")
        #expect(first.stderr.contains("downlink/ISS070-E-1002.JPG: rejected: unsupported format"), "\(first.stderr)")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)],
                                              ofItemAtPath: fixture.file("ISS069-E-12350.JPG"))
        let touched = try fixture.ingestCommand()
        #expect(touched.status == 0)
        #expect(touched.stderr.contains("downlink/ISS069-E-12350.JPG: refreshed"), "\(touched.stderr)")
        #expect(touched.stderr.contains("1 file refreshed (same bytes, new timestamps)"), "\(touched.stderr)")
        #expect(try fixture.ingestCommand().stderr.isEmpty)
    }

    @Test("--stats adds the seconds per stage to the text summary, not only to --json")
    func statsInText() throws {
        let fixture = try SampleLibrary()
        let result = try fixture.ingestCommand(["--stats"])
        #expect(result.status == 0)
        let line = try #require(result.stderr.split(separator: "\n").first { $0.hasPrefix("seconds per stage") }, "\(result.stderr)")
        for stage in ["scan", "decode", "encode", "catalog", "manifest"] { #expect(line.contains("\(stage) "), "\(line)") }
    }

    @Test("status prints newlines and terminal escapes in file names escaped, one line per file")
    func statusEscapesNames() throws {
        let fixture = try SampleLibrary()
        _ = fixture.folder.write(BadFiles.notAnImage, to: "downlink/bad\nname\u{1B}[31m.jpg")
        _ = try fixture.ingestCommand()
        let status = try fixture.cupola(["status"])
        #expect(status.status == 0)
        #expect(!status.stdout.contains("\u{1B}"))
        #expect(status.stdout.contains("downlink/bad\\x0Aname\\x1B[31m.jpg: rejected"), "\(status.stdout)")
    }

    @Test("regenerate refuses an unknown --gallery, --rendition or --from-rendition with 64, listing the known ones",
          arguments: [(["--gallery", "iss999"], "iss069"), (["--rendition", "thumbs"], "large, medium, thumb"),
                      (["--from-rendition", "huge"], "large, medium, thumb")])
    func regenerateUnknownSelection(arguments: [String], known: String) async throws {
        let fixture = try await SampleLibrary.ingested()
        for dryRun in [[], ["--dry-run"]] {
            let result = try fixture.cupola(["regenerate"] + arguments + dryRun)
            #expect(result.status == 64, "\(result.stderr)")
            #expect(result.stderr.contains("\(arguments[0]) \"\(arguments[1])\""), "\(result.stderr)")
            #expect(result.stderr.contains(known), "\(result.stderr)")
        }
        #expect(try fixture.cupola(["regenerate", "--gallery", "iss069", "--rendition", "thumb"]).status == 0)
    }

    @Test("--json prints one object with the exit code and the reason when a run fails with 64, 75 or 78")
    func jsonOnFailure() async throws {
        let fixture = try await SampleLibrary.ingested()
        let usage = try fixture.ingestCommand(["--json", "--jobs", "-1"])
        #expect(usage.status == 64)
        let usageObject = try #require(Self.object(usage.stdout), "\(usage.stdout)")
        #expect(usageObject["exitCode"] as? Int == 64)
        #expect((usageObject["error"] as? String)?.contains("--jobs must be at least 1") == true)
        #expect(usageObject["ingested"] as? Int == 0)

        let settings = fixture.folder.write(Data("bogus = 1\n".utf8), to: "bad.toml")
        let bad = try fixture.ingestCommand(["--json", "--config", settings.path])
        #expect(bad.status == 78)
        #expect(Self.object(bad.stdout)?["exitCode"] as? Int == 78, "\(bad.stdout)")

        let lock = try LibraryLock(FilePathBytes("\(fixture.library)/.cupola.lock"), command: "ingest")
        for command in [["ingest", fixture.downlink.path], ["verify"], ["regenerate"]] {
            let busy = try fixture.cupola(command + ["--json"])
            #expect(busy.status == 75, "\(command)")
            let object = try #require(Self.object(busy.stdout), "\(command): \(busy.stdout)")
            #expect(object["exitCode"] as? Int == 75)
            #expect(object["command"] as? String == command[0])
            #expect((object["error"] as? String)?.contains("in use") == true)
        }
        withExtendedLifetime(lock) {}
        let missing = try CLI.run(["status", "--library", fixture.folder.url.appendingPathComponent("nowhere").path, "--json"])
        #expect(missing.status == 64)
        #expect(Self.object(missing.stdout)?["exitCode"] as? Int == 64, "\(missing.stdout)")
    }

    @Test("after a rendition settings change, text ingest, status and verify say how many are stale and what to run")
    func staleRenditionsMentioned() async throws {
        let fixture = try await SampleLibrary.ingested()
        try fixture.settings(MaintenanceTests.settings(thumb: 200))
        let advice = "\(SampleDownlink.frames.count) renditions out of date with the settings, run `cupola regenerate`"
        let ingest = try fixture.ingestCommand()
        #expect(ingest.status == 0)
        #expect(ingest.stderr.contains(advice), "\(ingest.stderr)")
        #expect(try fixture.cupola(["status"]).stdout.contains(advice))
        let verify = try fixture.cupola(["verify"])
        #expect(verify.status == 0)
        #expect(verify.stdout.contains(advice), "\(verify.stdout)")
        #expect(try fixture.json(["status"])["staleRenditions"] as? Int == SampleDownlink.frames.count)
    }

    @Test("status reads the catalog with a bad cupola.toml, warning about it, and lists frames left in flight")
    func statusAfterTroubles() async throws {
        let fixture = try SampleLibrary()
        let crashed = try CLI.run(["ingest", fixture.downlink.path, "--library", fixture.library, "--jobs", "1"],
                                  environment: ["CUPOLA_CRASH_DRILL": "ISS069-E-12350"])
        #expect(crashed.status != 0)
        try fixture.settings("[limits]\nmax_pixels = 5\n")
        let status = try fixture.cupola(["status"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stderr.contains("warning") && status.stderr.contains("max_pixels"), "\(status.stderr)")
        #expect(status.stdout.contains("left in flight by a run that stopped or crashed"), "\(status.stdout)")
        #expect(status.stdout.contains("downlink/ISS069-E-12350.JPG: processing"), "\(status.stdout)")
        let object = try fixture.json(["status"])
        let interrupted = try #require(object["interrupted"] as? [[String: Any]])
        #expect(interrupted.contains { $0["file"] as? String == "downlink/ISS069-E-12350.JPG" })
    }

    @Test("wording: plurals, --jobs -1, limit 0.01, a 300-character rendition name")
    func wording() throws {
        let folder = TemporaryFolder()
        _ = folder.write(try SyntheticImage.jpeg(width: 300, height: 200), to: "in/ISS069-E-1.JPG")
        let library = folder.url.appendingPathComponent("library").path
        let first = try CLI.run(["ingest", folder.url.appendingPathComponent("in").path, "--library", library])
        #expect(first.stderr.contains("1 frame in 1 gallery, 0 failed"), "\(first.stderr)")
        #expect(try CLI.run(["status", "--library", library]).stdout.hasPrefix("1 frame in 1 gallery;"))

        let jobs = try CLI.run(["ingest", folder.path, "--library", library, "--jobs", "-1"])
        #expect(jobs.status == 64)
        #expect(jobs.stderr.contains("--jobs must be at least 1"), "\(jobs.stderr)")
        #expect(!jobs.stderr.contains("Missing value"))

        _ = folder.write(Data("[limits]\nmax_megapixels = 0.01\n".utf8), to: "small.toml")
        _ = folder.write(try SyntheticImage.jpeg(width: 400, height: 300), to: "in/ISS069-E-2.JPG")
        let limited = try CLI.run(["ingest", folder.url.appendingPathComponent("in").path, "--library", library,
                                   "--config", folder.url.appendingPathComponent("small.toml").path])
        #expect(limited.stderr.contains("0.12 megapixels, limit 0.01)"), "\(limited.stderr)")

        let name = String(repeating: "a", count: 300)
        #expect(throws: SettingsError.self) { try SettingsFile.parse("[[rendition]]\nname = \"\(name)\"\nsize = 100\n", file: "long.toml") }
        do {
            _ = try SettingsFile.parse("[[rendition]]\nname = \"\(name)\"\nsize = 100\n", file: "long.toml")
        } catch {
            #expect(error.description.contains("is 300 characters long; the limit is 32"), "\(error)")
            #expect(error.description.count < 160, "the message does not repeat the whole name")
        }
    }

    @Test("libvips' warnings (libtiff's unknown tag) do not reach stderr; the frame is ingested")
    func vipsWarningsKeptOffStderr() throws {
        let folder = TemporaryFolder()
        var tiff = try SyntheticImage.encoded(width: 64, height: 48, suffix: ".tif")
        // Little-endian TIFF: give the last entry of the first IFD an unknown private tag (65000),
        // which libtiff reports as a warning for every directory read.
        #expect(tiff.prefix(2) == Data("II".utf8))
        let ifd = Int(tiff[4]) | Int(tiff[5]) << 8 | Int(tiff[6]) << 16 | Int(tiff[7]) << 24
        let entries = Int(tiff[ifd]) | Int(tiff[ifd + 1]) << 8
        let last = ifd + 2 + 12 * (entries - 1)
        tiff[last] = 0xE8
        tiff[last + 1] = 0xFD
        _ = folder.write(tiff, to: "in/ISS069-E-6.tif")
        let result = try CLI.run(["ingest", folder.url.appendingPathComponent("in").path,
                                  "--library", folder.url.appendingPathComponent("library").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("WARNING"), "\(result.stderr)")
        #expect(result.stderr.contains("1 frame in 1 gallery"), "\(result.stderr)")
    }

    @Test("status --json nests the last run's summary as an object")
    func lastRunAsObject() throws {
        let fixture = try SampleLibrary()
        _ = try fixture.ingestCommand()
        let lastRun = try #require(try fixture.json(["status"])["lastRun"] as? [String: Any])
        let summary = try #require(lastRun["summary"] as? [String: Any], "\(lastRun)")
        #expect(summary["ingested"] as? Int == SampleDownlink.frames.count)
    }

    @Test("status names a regenerate as the last run, with its summary; a dry run is not a run")
    func regenerateIsALastRun() async throws {
        let fixture = try await SampleLibrary.ingested()
        try fixture.settings("[[rendition]]\nname = \"thumb\"\nsize = 200\nquality = 80\n")
        #expect(try fixture.cupola(["regenerate"]).status == 0)
        #expect(try fixture.cupola(["regenerate", "--dry-run"]).status == 0)
        let lastRun = try #require(try fixture.json(["status"])["lastRun"] as? [String: Any])
        #expect(lastRun["command"] as? String == "regenerate" && lastRun["exitCode"] as? Int == 0, "\(lastRun)")
        let summary = try #require(lastRun["summary"] as? [String: Any], "\(lastRun)")
        #expect(summary["framesRebuilt"] as? Int == SampleDownlink.frames.count, "\(summary)")
    }

    @Test("regenerate --prune removes the folders it leaves empty")
    func pruneRemovesEmptyFolders() async throws {
        let fixture = try await SampleLibrary.ingested()
        try fixture.settings("[[rendition]]\nname = \"large\"\nsize = 2048\nquality = 85\n[[rendition]]\nname = \"thumb\"\nsize = 256\nquality = 80\n")
        // An obsolete rendition is still a known --rendition: it can be pruned by name.
        let pruned = try fixture.cupola(["regenerate", "--prune", "--rendition", "medium"])
        #expect(pruned.status == 0, "\(pruned.stderr)")
        let galleries = try FileManager.default.contentsOfDirectory(atPath: "\(fixture.library)/galleries").filter { !$0.hasSuffix(".json") }
        #expect(galleries.count == 10)
        for gallery in galleries {
            #expect(!FileManager.default.fileExists(atPath: "\(fixture.library)/galleries/\(gallery)/medium"), "\(gallery)/medium left behind")
            #expect(FileManager.default.fileExists(atPath: "\(fixture.library)/galleries/\(gallery)/thumb"))
        }
    }

    @Test("--version names the release; the completion script the README documents is generated")
    func versionAndCompletion() throws {
        let version = try CLI.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("cupola "), "\(version.stdout)")
        let completion = try CLI.run(["--generate-completion-script", "bash"])
        #expect(completion.status == 0)
        #expect(completion.stdout.contains("regenerate"))
        let readme = try String(contentsOf: Corpus.repository.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("--generate-completion-script"))
    }
}
