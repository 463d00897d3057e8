import CupolaCore
import CupolaFixtures
import Foundation
import GRDB
import Testing

/// What an unprivileged operator meets when files or folders cannot be read. The binary runs as
/// `nobody` when the tests run as root, so the permissions bite either way.
@Suite("Unreadable files and folders", .enabled(if: Unprivileged.isAvailable, "setpriv is missing: cannot run as nobody"))
struct PermissionTests {
    func summary(_ result: CLI.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
    }

    func problems(_ object: [String: Any]) -> [String: String] {
        let list = object["problems"] as? [[String: Any]] ?? []
        return Dictionary(list.map { ($0["file"] as! String, $0["reason"] as! String) }, uniquingKeysWith: { a, _ in a })
    }

    @Test("a folder that cannot be listed or entered is named with its reason and the run exits 1; the rest is ingested")
    func unreadableFolders() throws {
        let folder = TemporaryFolder()
        let jpeg = try SyntheticImage.jpeg(width: 120, height: 80)
        _ = folder.write(jpeg, to: "src/ok/ISS069-E-1.JPG")
        _ = folder.write(jpeg, to: "src/locked/ISS069-E-2.JPG")
        _ = folder.write(jpeg, to: "src/listable/ISS069-E-3.JPG")
        try Unprivileged.hand(folder.url)
        let locked = folder.url.appendingPathComponent("src/locked").path
        let listable = folder.url.appendingPathComponent("src/listable").path
        chmod(locked, 0)         // mode 000: cannot be listed
        chmod(listable, 0o444)   // read without execute: listed, but nothing in it reachable
        defer { chmod(locked, 0o755); chmod(listable, 0o755) }

        let run = try CLI.run(["ingest", folder.url.appendingPathComponent("src").path, "--library",
                               folder.url.appendingPathComponent("lib").path, "--json"], unprivileged: true)
        #expect(run.status == 1, "\(run.stdout)")
        let object = try summary(run)
        #expect(object["ingested"] as? Int == 1)
        #expect(problems(object) == ["src/locked": "cannot read folder: permission denied",
                                     "src/listable": "cannot read folder: permission denied"])

        // A SOURCE that is itself unreadable: cron must not hear "success, nothing to do".
        let alone = try CLI.run(["ingest", locked, "--library", folder.url.appendingPathComponent("lib2").path, "--json"],
                                unprivileged: true)
        #expect(alone.status == 1, "\(alone.stdout)")
        let aloneObject = try summary(alone)
        #expect(problems(aloneObject) == ["locked": "cannot read folder: permission denied"])
        let text = try CLI.run(["ingest", locked, "--library", folder.url.appendingPathComponent("lib3").path], unprivileged: true)
        #expect(text.status == 1)
        #expect(text.stderr.contains("locked: failed: cannot read folder: permission denied"), "\(text.stderr)")
    }

    @Test("a file refused for \"permission denied\" is retried by the next run, and ingested once readable")
    func permissionDeniedIsRetried() throws {
        let folder = TemporaryFolder()
        let file = folder.write(try SyntheticImage.jpeg(width: 120, height: 80), to: "src/ISS069-E-1.JPG")
        try Unprivileged.hand(folder.url)
        chmod(file.path, 0)
        let arguments = ["ingest", folder.url.appendingPathComponent("src").path, "--library",
                         folder.url.appendingPathComponent("lib").path, "--json"]

        let refused = try CLI.run(arguments, unprivileged: true)
        #expect(refused.status == 1)
        let refusedObject = try summary(refused)
        #expect(problems(refusedObject) == ["src/ISS069-E-1.JPG": "permission denied"])
        #expect((refusedObject["problems"] as? [[String: Any]])?.first?["outcome"] as? String == "failed")

        // Still unreadable: reported again rather than called unchanged.
        #expect(try CLI.run(arguments, unprivileged: true).status == 1)

        chmod(file.path, 0o644)
        let retried = try CLI.run(arguments, unprivileged: true)
        #expect(retried.status == 0, "\(retried.stdout)")
        #expect(try summary(retried)["ingested"] as? Int == 1)
        let status = try CLI.run(["status", "--library", folder.url.appendingPathComponent("lib").path, "--json"])
        let statusObject = try summary(status)
        #expect(statusObject["frameCount"] as? Int == 1)
        #expect((statusObject["problems"] as? [[String: Any]])?.isEmpty ?? true, "\(status.stdout)")
    }

    @Test("a library whose older cupola rejected a file for permissions retries it once readable")
    func olderRejectionIsRetried() throws {
        let folder = TemporaryFolder()
        let file = folder.write(try SyntheticImage.jpeg(width: 120, height: 80), to: "src/ISS069-E-1.JPG")
        try Unprivileged.hand(folder.url)
        chmod(file.path, 0)
        let library = folder.url.appendingPathComponent("lib").path
        let arguments = ["ingest", folder.url.appendingPathComponent("src").path, "--library", library, "--json"]
        #expect(try CLI.run(arguments, unprivileged: true).status == 1)
        // As an older cupola recorded it: rejected, and the catalog not yet migrated.
        let catalog = try DatabaseQueue(path: "\(library)/catalog.sqlite")
        try catalog.write { db in
            try db.execute(sql: "UPDATE source SET state = 'rejected'")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE 'v5:%'")
        }
        try catalog.close()
        chmod(file.path, 0o644)
        let retried = try CLI.run(arguments, unprivileged: true)
        #expect(retried.status == 0, "\(retried.stdout)")
        #expect(try summary(retried)["ingested"] as? Int == 1)
    }

    @Test("the watcher logs an unreadable folder in its inbox with the reason, and goes on with the rest")
    func watcherNamesUnreadableFolder() throws {
        let folder = TemporaryFolder()
        let jpeg = try SyntheticImage.jpeg(width: 120, height: 80)
        _ = folder.write(jpeg, to: "inbox/ok/ISS069-E-1.JPG")
        _ = folder.write(jpeg, to: "inbox/locked/ISS069-E-2.JPG")
        try Unprivileged.hand(folder.url)
        let locked = folder.url.appendingPathComponent("inbox/locked").path
        chmod(locked, 0)
        defer { chmod(locked, 0o755) }
        let log = folder.url.appendingPathComponent("watch.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        let arguments = ["watch", folder.url.appendingPathComponent("inbox").path,
                         "--library", folder.url.appendingPathComponent("lib").path, "--settle", "0.2"]
        if getuid() == 0 {
            process.executableURL = Unprivileged.setpriv
            process.arguments = Unprivileged.arguments + [CLI.binary.path] + arguments
        } else {
            process.executableURL = CLI.binary
            process.arguments = arguments
        }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let deadline = Date().addingTimeInterval(20)
        var output = ""
        while Date() < deadline {
            output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if output.contains("cannot read folder") && output.contains("ingested") { break }
            usleep(50_000)
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(output.contains("file=inbox/locked reason=cannot read folder: permission denied"), "\(output)")
        #expect(output.contains("frame=ISS069-E-1"), "\(output)")
        #expect(process.terminationStatus == 0)
    }
}
