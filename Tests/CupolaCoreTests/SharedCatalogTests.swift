import CupolaCore
import Foundation
import Testing

/// The `cupola` command on a shared PostgreSQL catalog: chosen with `--catalog` or the settings'
/// `catalog`, publishing exactly what a run on the library's own SQLite file publishes.
@Suite("Shared catalog")
struct SharedCatalogTests {
    @Test("ingest with --catalog postgresql://… writes manifests and pages byte-identical to a SQLite run; status and verify read it",
          .enabled(if: TestPostgres.isAvailable, TestPostgres.absentMessage))
    func ingestMatchesSQLite() throws {
        let folder = TemporaryFolder()
        let downlink = try SampleFolder.make(in: folder)
        let url = try TestPostgres.newDatabase()
        let sqlite = folder.url.appendingPathComponent("sqlite").path
        let shared = folder.url.appendingPathComponent("shared").path

        let local = try CLI.run(["ingest", downlink.path, "--library", sqlite])
        let server = try CLI.run(["ingest", downlink.path, "--library", shared, "--catalog", url, "--json"])
        #expect(local.status == server.status, "\(server.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(shared)/catalog.sqlite"), "the shared run wrote a SQLite catalog")
        let expected = try TestIngest.galleryFiles(sqlite)
        let actual = try TestIngest.galleryFiles(shared)
        #expect(expected.count > 5)
        #expect(actual.keys.sorted() == expected.keys.sorted())
        for (file, data) in expected where actual[file] != data {
            Issue.record("\(file) differs from the SQLite run's")
        }
        #expect(try SchemaCheck.problems(galleries: "\(shared)/galleries").status == 0)

        // Nothing to do the second time; the settings' `catalog` names the same server.
        try Data("catalog = \"\(url)\"\n".utf8).write(to: URL(fileURLWithPath: "\(shared)/cupola.toml"))
        let again = try CLI.run(["ingest", downlink.path, "--library", shared])
        #expect(again.status == 0 && again.stdout.isEmpty, "\(again.stdout)\(again.stderr)")
        let status = try CLI.run(["status", "--library", shared, "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("\"iss069\""))
        let verify = try CLI.run(["verify", "--library", shared])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test("a raw and a JPEG through --catalog are one frame as on SQLite; once the JPEG is gone, the next run makes the raw a frame",
          .enabled(if: TestPostgres.isAvailable, TestPostgres.absentMessage))
    func rawAndJPEGMatchSQLite() throws {
        let pair = try OriginalPairTests.Pair()
        pair.writeRaw()
        let jpeg = pair.writeJPEG()
        let url = try TestPostgres.newDatabase()
        let sqlite = pair.folder.url.appendingPathComponent("sqlite").path
        let shared = pair.folder.url.appendingPathComponent("shared").path
        func ingestBoth(_ note: Comment) throws {
            let local = try CLI.run(["ingest", pair.input.path, "--library", sqlite])
            let server = try CLI.run(["ingest", pair.input.path, "--library", shared, "--catalog", url])
            #expect(local.status == 0 && server.status == 0, "\(note): \(local.stderr)\(server.stderr)")
            let expected = try TestIngest.galleryFiles(sqlite), actual = try TestIngest.galleryFiles(shared)
            #expect(actual.keys.sorted() == expected.keys.sorted(), note)
            for (file, data) in expected where actual[file] != data {
                Issue.record("\(note): \(file) differs from the SQLite run's")
            }
        }
        try ingestBoth("the pair")
        let paired = try TestIngest.frames(shared, gallery: "iss069")
        #expect(paired.map { ($0["originals"] as? [Any])?.count } == [2])

        // Both files moved into a folder: the frame follows with both originals, nothing decoded.
        let moved = pair.input.appendingPathComponent("moved")
        try FileManager.default.createDirectory(at: moved, withIntermediateDirectories: true)
        for file in [jpeg, pair.input.appendingPathComponent("\(OriginalPairTests.id).NEF")] {
            try FileManager.default.moveItem(at: file, to: moved.appendingPathComponent(file.lastPathComponent))
        }
        try ingestBoth("the pair moved")
        let originals = try TestIngest.frames(shared, gallery: "iss069").first?["originals"] as? [[String: Any]] ?? []
        #expect(originals.count == 2 && originals.allSatisfy { ($0["path"] as? String)?.contains("moved/") == true }, "\(originals)")

        try FileManager.default.removeItem(at: moved.appendingPathComponent(jpeg.lastPathComponent))
        try ingestBoth("the raw alone")
        #expect(try TestIngest.frames(shared, gallery: "iss069").map { $0["format"] as? String } == ["dng"])
    }

    @Test("with a catalog server the library's lock is held there, not in a file: a watcher holds it alone, a worker or a check started beside it is told who has the library, and `site` reads the server too",
          .enabled(if: TestPostgres.isAvailable, TestPostgres.absentMessage))
    func lockHeldInServer() throws {
        let folder = TemporaryFolder()
        let downlink = try SampleFolder.make(in: folder)
        let inbox = folder.folder("inbox")
        let library = folder.url.appendingPathComponent("library").path
        let url = try TestPostgres.newDatabase()
        let watcher = try WatchTests.Watcher(inbox: inbox, library: library, extra: ["--catalog", url])
        let frame = try #require(try FileManager.default.contentsOfDirectory(atPath: downlink.path).sorted().first)
        try FileManager.default.copyItem(atPath: "\(downlink.path)/\(frame)", toPath: "\(inbox.path)/\(frame)")
        try WatchTests.Watcher.wait(seconds: 30) { FileManager.default.fileExists(atPath: "\(library)/galleries/index.json") }

        for command in [["ingest", downlink.path], ["verify"], ["site"]] {
            let busy = try CLI.run(command + ["--library", library, "--catalog", url])
            #expect(busy.status == 75, "\(command[0]): \(busy.stderr)")
            #expect(busy.stderr.contains("library is in use by cupola watch "), "\(command[0]): \(busy.stderr)")
        }
        #expect(watcher.stop() == 0, "\(watcher.output)")

        let ingest = try CLI.run(["ingest", downlink.path, "--library", library, "--catalog", url])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let site = try CLI.run(["site", "--library", library, "--catalog", url, "--json"])
        #expect(site.status == 0 && site.stdout.contains("\"filesWritten\""), "\(site.stderr)")
        let verify = try CLI.run(["verify", "--library", library, "--catalog", url])
        #expect(verify.status == 0 && verify.stdout.contains("library is whole"), "\(verify.stdout)\(verify.stderr)")
        for leftover in [".cupola.lock", "catalog.sqlite"] {
            #expect(!FileManager.default.fileExists(atPath: "\(library)/\(leftover)"), "\(leftover) made beside a catalog server")
        }
    }

    @Test("an unreachable catalog server: exit 74 and a message naming the URL, before any file is read")
    func unreachableServer() throws {
        let folder = TemporaryFolder()
        let downlink = try SampleFolder.make(in: folder)
        let library = folder.url.appendingPathComponent("library").path
        let url = "postgresql:///cupola?host=\(folder.path)/nowhere"
        let result = try CLI.run(["ingest", downlink.path, "--library", library, "--catalog", url])
        #expect(result.status == 74)
        #expect(result.stderr.contains(url) && result.stderr.contains("cannot reach the server"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(library)/galleries"))
    }
}
