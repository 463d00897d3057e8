import CupolaCore
import CupolaFixtures
import Foundation
import Testing

/// A full disk and a read-only library, on small tmpfs mounts made for the test (root only).
@Suite("Disk full and read-only library", .serialized, .enabled(if: Tmpfs.canMount, "needs root to mount a small tmpfs"))
struct DiskFailureTests {
    static func shell(_ command: String) -> Int32 { Tmpfs.shell(command) }

    /// A tmpfs of `size` at `folder`, unmounted when the test is done.
    final class Mount {
        let path: String
        init(_ folder: URL, size: String) throws {
            path = folder.path
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            #expect(DiskFailureTests.shell("mount -t tmpfs -o size=\(size) tmpfs '\(path)'") == 0)
        }
        func remount(_ options: String) { #expect(DiskFailureTests.shell("mount -o remount,\(options) '\(path)'") == 0) }
        deinit { DiskFailureTests.shell("umount -l '\(path)'") }
    }

    static func noisyFrames(in folder: URL, count: Int) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for index in 0..<count {
            try SyntheticImage.jpeg(width: 1800 + index, height: 1200, quality: 100)
                .write(to: folder.appendingPathComponent("ISS069-E-\(30000 + index).JPG"))
        }
    }

    @Test("a full disk stops the run with 75, leaves no partial file and no row for the frame that hit it")
    func diskFull() throws {
        let folder = TemporaryFolder()
        let downlink = folder.url.appendingPathComponent("downlink")
        try Self.noisyFrames(in: downlink, count: 30)
        let mount = try Mount(folder.url.appendingPathComponent("library"), size: "600k")
        let result = try CLI.run(["ingest", downlink.path, "--library", mount.path, "--json", "--jobs", "1"])
        #expect(result.status == 75, "\(result.stderr)")
        #expect(result.stderr.lowercased().contains("no space") || result.stderr.contains("disk full") || result.stdout.contains("disk full"))
        let leftovers = FileManager.default.enumerator(atPath: mount.path)?.compactMap { $0 as? String }
            .filter { $0.contains(AtomicFile.temporaryMarker) } ?? []
        #expect(leftovers.isEmpty, "\(leftovers)")
        // Whatever the catalog holds is whole: every rendition it names exists at its recorded size.
        if let catalog = try? SQLiteCatalog(path: "\(mount.path)/catalog.sqlite", readOnly: true) {
            for frame in try catalog.frames(inGallery: "iss069") {
                for rendition in frame.renditions {
                    let file = "\(mount.path)/galleries/iss069/\(rendition.path)"
                    let size = try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int
                    #expect(size == rendition.bytes, "\(file) in the catalog but not whole on disk")
                }
            }
        }
        mount.remount("size=64m")
        let again = try CLI.run(["ingest", downlink.path, "--library", mount.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try TestIngest.manifest(mount.path, gallery: "iss069")["frameCount"] as? Int == 30)
    }

    @Test("a disk too full to hold a new catalog: 75, no catalog and no temporary file left, and the next run with space makes it whole")
    func fullBeforeTheCatalog() throws {
        let folder = TemporaryFolder()
        let downlink = try SampleFolder.make(in: folder)
        let mount = try Mount(folder.url.appendingPathComponent("library"), size: "96k")
        let result = try CLI.run(["ingest", downlink.path, "--library", mount.path])
        #expect(result.status == 75, "\(result.stderr)")
        #expect(result.stderr.contains("disk full"), "\(result.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: mount.path).filter { $0.contains("catalog") }
        #expect(left.isEmpty, "\(left)")
        mount.remount("size=64m")
        let again = try CLI.run(["ingest", downlink.path, "--library", mount.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try TestIngest.manifest(mount.path, gallery: "iss069")["frameCount"] as? Int ?? 0 > 0)
    }

    @Test("a read-only library stops the run with 74 and changes nothing")
    func readOnly() throws {
        let folder = TemporaryFolder()
        let downlink = try SampleFolder.make(in: folder)
        let mount = try Mount(folder.url.appendingPathComponent("library"), size: "16m")
        #expect(try CLI.run(["ingest", downlink.path, "--library", mount.path]).status == 0)
        try SyntheticImage.jpeg(width: 200, height: 100).write(to: downlink.appendingPathComponent("ISS069-E-40000.JPG"))
        let before = try Data(contentsOf: URL(fileURLWithPath: "\(mount.path)/galleries/iss069/manifest.json"))
        mount.remount("ro")
        let result = try CLI.run(["ingest", downlink.path, "--library", mount.path])
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("Read-only"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(mount.path)/galleries/iss069/manifest.json")) == before)
        mount.remount("rw")
    }
}

/// Whether this machine lets the tests mount a small tmpfs (root, and mounts allowed).
enum Tmpfs {
    static let canMount: Bool = {
        guard getuid() == 0 else { return false }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("cupola-mount-probe-\(getpid())")
        try? FileManager.default.createDirectory(at: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: probe) }
        guard shell("mount -t tmpfs -o size=64k tmpfs '\(probe.path)'") == 0 else { return false }
        _ = shell("umount '\(probe.path)'")
        return true
    }()

    @discardableResult
    static func shell(_ command: String) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
