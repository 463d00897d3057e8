import CupolaCore
import CupolaFixtures
import Foundation
import Testing

/// Who may open a library when: `verify` beside a running ingest, dry runs that only read, and a
/// library its user cannot write.
@Suite("Library access")
struct LibraryAccessTests {
    @Test("plain verify does not compare a running ingest's half-done work: 75 naming the holder, or --wait")
    func verifyRespectsTheLock() async throws {
        let fixture = try await SampleLibrary.ingested()
        var lock: LibraryLock? = try LibraryLock(FilePathBytes("\(fixture.library)/.cupola.lock"), command: "ingest")
        let blocked = try fixture.cupola(["verify"])
        #expect(blocked.status == 75, "\(blocked.stdout)")
        #expect(blocked.stderr.contains("process \(getpid())"), "\(blocked.stderr)")
        #expect(!blocked.stdout.contains("differs"))
        #expect(lock != nil)
        lock = nil
        let waited = try fixture.cupola(["verify", "--wait", "0.2"])
        #expect(waited.status == 0, "\(waited.stderr)")
        #expect(waited.stdout.contains("library is whole"))
    }

    @Test("a verify in progress holds the lock shared: another verify runs, an ingest exits 75")
    func sharedLockExcludesWriters() async throws {
        let fixture = try await SampleLibrary.ingested()
        let reader = try #require(try LibraryLock.shared(FilePathBytes("\(fixture.library)/.cupola.lock")))
        #expect(try fixture.cupola(["verify"]).status == 0)
        _ = fixture.folder.write(try SyntheticImage.jpeg(width: 200, height: 100), to: "downlink/ISS069-E-40000.JPG")
        let ingest = try fixture.ingestCommand()
        #expect(ingest.status == 75, "\(ingest.stderr)")
        withExtendedLifetime(reader) {}
    }

    @Test("regenerate --dry-run only reads: it runs while another run holds the library")
    func regenerateDryRunTakesNoWriteLock() async throws {
        let fixture = try await SampleLibrary.ingested()
        try fixture.settings(MaintenanceTests.settings(thumb: 200))
        let lock = try LibraryLock(FilePathBytes("\(fixture.library)/.cupola.lock"), command: "ingest")
        let dry = try fixture.json(["regenerate", "--dry-run"])
        #expect(dry["renditionsStale"] as? Int == SampleDownlink.frames.count)
        #expect(try fixture.cupola(["regenerate"]).status == 75, "a real regenerate still needs the library to itself")
        withExtendedLifetime(lock) {}
    }

    @Test("a library its user cannot write exits 74, as the README says (not 73)")
    func readOnlyLibraryIsAnIOError() async throws {
        let fixture = try await SampleLibrary.ingested()
        _ = fixture.folder.write(try SyntheticImage.jpeg(width: 200, height: 100), to: "downlink/ISS069-E-40000.JPG")
        let result = try AsOtherUser.run(["ingest", fixture.downlink.path, "--library", fixture.library], readOnly: fixture.library)
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains(".cupola.lock"), "\(result.stderr)")
    }
}

/// Runs the binary on a library it cannot write: as root, as `nobody` (root writes anything);
/// otherwise as ourselves, with the library's write permissions taken away for the call.
enum AsOtherUser {
    static func run(_ arguments: [String], readOnly library: String) throws -> CLI.Result {
        if getuid() == 0 {
            return try CLI.run(["--reuid=nobody", "--regid=nogroup", "--clear-groups", CLI.binary.path] + arguments,
                               executable: URL(fileURLWithPath: "/usr/bin/setpriv"))
        }
        Tmpfs.shell("chmod -R a-w '\(library)'")
        defer { Tmpfs.shell("chmod -R u+w '\(library)'") }
        return try CLI.run(arguments)
    }
}
