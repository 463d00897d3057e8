@testable import CupolaCore
import CupolaPostgres
import Foundation
import Testing

/// What every catalog promises the pipeline, held against both: the embedded SQLite file and the
/// shared PostgreSQL server (when its test server runs; see `TestPostgres`).
@Suite("Catalog contract")
struct CatalogContractTests {
    private func path(_ number: Int) -> FilePathBytes { FilePathBytes("/downlink/ISS070-E-\(number).JPG") }

    @Test("a committed frame reads back whole: by path, by folder, by gallery, in order, with its renditions", arguments: CatalogKind.available)
    func framesReadBack(kind: CatalogKind) throws {
        let library = try SyntheticCatalog(kind: kind)
        let frames = [5, 1, 3].map { SyntheticCatalog.frame($0, second: $0 * 10) }
        try library.catalog.apply(frames.map { .commit($0) })
        #expect(try library.catalog.frame(at: path(3)) == frames[2])
        #expect(try library.catalog.source(at: path(1))?.state == .ingested)
        #expect(try library.catalog.knownFiles(under: FilePathBytes("/downlink")).count == 3)
        #expect(try library.catalog.frames(inGallery: "iss070").map(\.id) == ["ISS070-E-1", "ISS070-E-3", "ISS070-E-5"])
        let batch = try library.catalog.frames(inGallery: "iss070", from: frames[1].orderKey, after: true, limit: 1)
        #expect(batch.map(\.id) == ["ISS070-E-3"])
        #expect(try library.catalog.galleryIdentity("iss070") == frames[0].gallery)
        let summary = try #require(try library.catalog.galleries().first)
        #expect(summary.frameCount == 3 && summary.firstCapture == frames[1].metadata.captured)
        #expect(try library.catalog.stemOwner(StemKey(gallery: "iss070", stem: "ISS070-E-5")) == path(5))
        #expect(try library.catalog.integrityProblem() == nil)
    }

    @Test("paths are bytes: a name that is not UTF-8 is stored and found again", arguments: CatalogKind.available)
    func bytePaths(kind: CatalogKind) throws {
        let library = try SyntheticCatalog(kind: kind)
        var frame = SyntheticCatalog.frame(7, second: 7)
        frame.source.path = FilePathBytes(bytes: Array("/downlink/ISS070-E-7-".utf8) + [0xff, 0xfe] + Array(".JPG".utf8))
        try library.catalog.apply([.commit(frame)])
        #expect(try library.catalog.frame(at: frame.source.path)?.source.path == frame.source.path)
    }

    @Test("changes mark their galleries dirty until marked clean; outcomes and removals return the frames that left", arguments: CatalogKind.available)
    func changesAndOutcomes(kind: CatalogKind) throws {
        let library = try SyntheticCatalog(kind: kind)
        try library.catalog.apply((1...3).map { .commit(SyntheticCatalog.frame($0, second: $0)) })
        #expect(try library.catalog.dirtyGalleries() == ["iss070"])
        try library.catalog.markClean(["iss070"])
        #expect(try library.catalog.dirtyGalleries().isEmpty)

        var rejected = SyntheticCatalog.frame(1, second: 1).source
        rejected.state = .rejected
        rejected.reason = "not an image"
        let left = try library.catalog.apply([.outcome(rejected), .remove(path(2))])
        #expect(left.map(\.id).sorted() == ["ISS070-E-1", "ISS070-E-2"])
        #expect(try library.catalog.dirtyGalleries() == ["iss070"])
        #expect(try library.catalog.problems().map(\.reason) == ["not an image"])
        #expect(try library.catalog.source(at: path(2)) == nil)
        #expect(try library.catalog.frames(inGallery: "iss070").map(\.id) == ["ISS070-E-3"])
    }

    @Test("a moved file keeps its frame under the new path; what the new path held gives way", arguments: CatalogKind.available)
    func moves(kind: CatalogKind) throws {
        let library = try SyntheticCatalog(kind: kind)
        try library.catalog.apply([.commit(SyntheticCatalog.frame(1, second: 1))])
        var moved = SyntheticCatalog.frame(1, second: 1)
        moved.source.path = FilePathBytes("/downlink/moved/ISS070-E-1.JPG")
        let left = try library.catalog.apply([.move(from: path(1), to: moved)])
        #expect(left.map(\.source.path) == [path(1)])
        #expect(try library.catalog.frame(at: path(1)) == nil)
        #expect(try library.catalog.frame(at: moved.source.path)?.renditions == moved.renditions)
        let twin = try library.catalog.frame(withContent: String(repeating: "ab", count: 32), other: path(9))
        #expect(twin?.source.path == moved.source.path)
    }

    @Test("crash recovery: in-flight sources become suspects; a suspect that crashed alone is rejected with its reason", arguments: CatalogKind.available)
    func crashRecovery(kind: CatalogKind) throws {
        let library = try SyntheticCatalog(kind: kind)
        let sources = (1...3).map { SyntheticCatalog.frame($0, second: $0).source }
        try library.catalog.markProcessing(sources, isolated: false)
        let first = try library.catalog.recoverInterrupted(crashed: true)
        #expect(first.suspects == 3 && first.poisoned.isEmpty)
        #expect(try library.catalog.sources(in: .suspect).count == 3)

        try library.catalog.markProcessing([sources[1]], isolated: true)
        let second = try library.catalog.recoverInterrupted(crashed: true)
        #expect(second.poisoned.map(\.path) == [sources[1].path])
        #expect(try library.catalog.source(at: sources[1].path)?.reason == "crashed the decoder")
        #expect(try library.catalog.source(at: sources[1].path)?.state == .rejected)

        try library.catalog.markProcessing([sources[2]], isolated: false)
        _ = try library.catalog.recoverInterrupted(crashed: false)
        #expect(try library.catalog.source(at: sources[2].path)?.reason == "interrupted")
    }

    @Test("published pages, retired pages, changed keys and the published galleries' totals", arguments: CatalogKind.available)
    func pages(kind: CatalogKind) throws {
        let library = try SyntheticCatalog(kind: kind)
        let frames = (1...4).map { SyntheticCatalog.frame($0, second: $0) }
        try library.catalog.apply(frames.map { .commit($0) })
        #expect(try library.catalog.changedKeys(inGallery: "iss070", limit: 10) == frames.map(\.orderKey))
        #expect(try library.catalog.changedKeys(inGallery: "iss070", limit: 2).count == 2)
        func page(_ from: Int, _ to: Int, _ name: String) -> PageRecord {
            PageRecord(firstKey: frames[from].orderKey, lastKey: frames[to].orderKey, path: "pages/\(name).json",
                       sha256: name, bytes: 10, frameCount: to - from + 1, captureFirst: frames[from].metadata.captured,
                       captureLast: frames[to].metadata.captured, firstFrame: frames[from].id, lastFrame: frames[to].id)
        }
        let old = page(0, 3, "a")
        try library.catalog.replacePages(ofGallery: "iss070", identity: frames[0].gallery, removing: [], adding: [old])
        #expect(try library.catalog.changedKeys(inGallery: "iss070", limit: 10).isEmpty)
        let split = [page(0, 1, "b"), page(2, 3, "c")]
        try library.catalog.replacePages(ofGallery: "iss070", identity: frames[0].gallery, removing: [old], adding: split)
        #expect(try library.catalog.pages(ofGallery: "iss070") == split)
        #expect(try library.catalog.retiredPages(ofGallery: "iss070") == ["pages/a.json"])
        try library.catalog.forgetRetiredPages(ofGallery: "iss070")
        #expect(try library.catalog.retiredPages(ofGallery: "iss070").isEmpty)
        let published = try #require(try library.catalog.publishedGalleries().first)
        #expect(published.frameCount == 4 && published.lastCapture == frames[3].metadata.captured)
        #expect(try library.catalog.galleriesAwaitingUpgrade().isEmpty)
        #expect(try library.catalog.renditionPathsInUse(inGallery: "iss070", among: ["thumb/ISS070-E-2.jpg", "thumb/gone.jpg"])
                == ["thumb/ISS070-E-2.jpg"])
    }

    @Test("renditions: replaced and dropped, late hashes set only where none was, stale count from the tallies", arguments: CatalogKind.available)
    func renditions(kind: CatalogKind) throws {
        let library = try SyntheticCatalog(kind: kind)
        try library.catalog.apply([.commit(SyntheticCatalog.frame(1, second: 1))])
        let thumb = RenditionSpec(name: "thumb", size: 256)
        #expect(try library.catalog.staleRenditionCount(current: [thumb]) == 1)
        let rebuilt = RenditionRecord(name: "thumb", fingerprint: thumb.fingerprint, path: "thumb/ISS070-E-1.jpg",
                                      bytes: 10, width: 256, height: 171, sha256: "new")
        try library.catalog.markClean(["iss070"])
        try library.catalog.updateRenditions(of: path(1), gallery: "iss070", with: [rebuilt], removing: ["large"])
        #expect(try library.catalog.dirtyGalleries() == ["iss070"])
        #expect(try library.catalog.staleRenditionCount(current: [thumb]) == 0)
        try library.catalog.recordDigests([RenditionDigest(source: path(1), name: "thumb", sha256: "late")])
        #expect(try library.catalog.frame(at: path(1))?.renditions.map(\.sha256) == ["new"])
    }

    @Test("frames filed under unassigned are found and refiled; stems are checked across files", arguments: CatalogKind.available)
    func refiling(kind: CatalogKind) throws {
        let library = try SyntheticCatalog(kind: kind)
        var stray = SyntheticCatalog.frame(2, second: 2)
        stray.gallery = .unassigned
        try library.catalog.apply([.commit(SyntheticCatalog.frame(1, second: 1)), .commit(stray)])
        #expect(try library.catalog.unassignedPaths() == [path(2)])
        #expect(try library.catalog.stemTaken("ISS070-E-1", inGallery: "iss070", byOtherThan: path(2)))
        #expect(try !library.catalog.stemTaken("ISS070-E-1", inGallery: "iss070", byOtherThan: path(1)))
        try library.catalog.refile(SyntheticCatalog.frame(2, second: 2), leaving: "unassigned")
        #expect(try library.catalog.unassignedPaths().isEmpty)
        #expect(try library.catalog.dirtyGalleries() == ["iss070", "unassigned"])
    }

    @Test("runs are recorded and the last one read back", arguments: CatalogKind.available)
    func runs(kind: CatalogKind) throws {
        let library = try SyntheticCatalog(kind: kind)
        #expect(try library.catalog.lastRun() == nil)
        for code in [0, 1] as [Int32] {
            try library.catalog.recordRun(RunRecord(command: "ingest", finished: "2026-11-26T03:0\(code):00Z", exitCode: code, summary: "{}"))
        }
        #expect(try library.catalog.lastRun()?.exitCode == 1)
    }
}

/// What only the server catalog has: a server to reach and a schema of its own.
@Suite("PostgreSQL catalog")
struct PostgresCatalogTests {
    @Test("the private test server is there", .enabled(if: TestPostgres.isAvailable, TestPostgres.absentMessage))
    func serverIsThere() throws {
        let catalog = try PostgresCatalog(url: try TestPostgres.newDatabase())
        #expect(try catalog.galleries().isEmpty)
    }

    @Test("URLs: a Unix-socket folder in the query, a TCP host with port, user, password and database")
    func locations() throws {
        let socket = try PostgresLocation("postgresql:///cupola?host=/run/postgresql")
        #expect(socket.endpoint == .socket(path: "/run/postgresql/.s.PGSQL.5432") && socket.database == "cupola")
        let worker = try PostgresLocation("postgresql://worker@/lib?host=/tmp/pg&port=5433")
        #expect(worker.endpoint == .socket(path: "/tmp/pg/.s.PGSQL.5433") && worker.user == "worker" && worker.database == "lib")
        let tcp = try PostgresLocation("postgres://cupola:secret@db.internal:6543/archive")
        #expect(tcp.endpoint == .tcp(host: "db.internal", port: 6543) && tcp.password == "secret" && tcp.database == "archive")
        #expect(!tcp.description.contains("secret"))
        #expect(throws: CatalogError.self) { try PostgresLocation("mysql://db/archive") }
    }

    @Test("an unreachable server fails at once with the URL and the reason")
    func unreachable() throws {
        let folder = TemporaryFolder()
        do {
            _ = try PostgresCatalog(url: "postgresql:///cupola?host=\(folder.path)")
            Issue.record("connected to a server that is not there")
        } catch {
            // `.unusable`: the command exits 74 (see the command-line test).
            #expect("\(error)".contains("\(folder.path): cannot use the catalog (cannot reach the server"), "\(error)")
        }
    }

    @Test("a session the server ends: the next call fails as lost (run again) instead of waiting, and so do later ones",
          .enabled(if: TestPostgres.isAvailable, TestPostgres.absentMessage))
    func endedSession() throws {
        let url = try TestPostgres.newDatabase()
        let catalog = try PostgresCatalog(url: url)
        #expect(try catalog.claimStatus().finished == 0)
        // What an idle-transaction timeout, an administrator or a server restart does to a worker.
        try PostgresTestSQL.run("""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
            """, on: url)
        for call in ["first", "second"] {
            do {
                _ = try catalog.claimStatus()
                Issue.record("the \(call) call on an ended session succeeded")
            } catch {
                guard case .lost = error else { Issue.record("the \(call) call: \(error)"); continue }
                #expect(error.description.contains("run again"), "\(error)")
            }
        }
    }

    @Test("a schema newer than this cupola is refused, and nothing is changed", .enabled(if: TestPostgres.isAvailable, TestPostgres.absentMessage))
    func newerSchema() throws {
        let url = try TestPostgres.newDatabase()
        _ = try PostgresCatalog(url: url)
        try PostgresTestSQL.run("INSERT INTO cupola_schema (version, name) VALUES (99, 'from the future')", on: url)
        do {
            _ = try PostgresCatalog(url: url)
            Issue.record("opened a catalog with a newer schema")
        } catch {
            #expect("\(error)".contains("cannot use the catalog (its schema is version 99, newer than this cupola's"), "\(error)")
        }
    }
}
