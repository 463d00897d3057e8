@testable import CupolaCore
import CupolaPostgres
import Foundation
import Synchronization
import Testing

/// Many workers on one PostgreSQL catalog: each a connection of its own, as separate processes have.
@Suite("Work claims", .enabled(if: TestPostgres.isAvailable, TestPostgres.absentMessage))
struct WorkClaimTests {
    private func sources(_ count: Int) -> [SourceRecord] {
        (0..<count).map { SyntheticCatalog.frame($0, second: $0).source }
    }

    private func workers(_ count: Int, url: String) throws -> [PostgresCatalog] {
        try (0..<count).map { _ in try PostgresCatalog(url: url) }
    }

    @Test("an offer larger than one statement's rows lands whole, a path given twice in it once")
    func largeOffer() throws {
        let catalog = try PostgresCatalog(url: try TestPostgres.newDatabase())
        try catalog.offer(sources(12_000) + sources(10))
        let status = try catalog.claimStatus()
        #expect(status.waiting == 12_000 && status.claimed.isEmpty && status.finished == 0)
    }

    @Test("4 workers claiming at once each get different items, and together all of them; offering twice adds nothing")
    func claimsAreDisjoint() throws {
        let url = try TestPostgres.newDatabase()
        let catalogs = try workers(4, url: url)
        try catalogs[0].offer(sources(400))
        try catalogs[1].offer(sources(400) + sources(30))
        // Threads of their own, as processes would be: tasks on the shared pool, blocked in their
        // catalog calls, may run one after the other when other tests hold the pool's threads.
        let taken = Mutex<[[FilePathBytes]]>([])
        let done = DispatchGroup()
        for (index, catalog) in catalogs.enumerated() {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                var mine: [FilePathBytes] = []
                while let batch = try? catalog.claim(worker: "w\(index)", limit: 7, lease: 30), !batch.claims.isEmpty {
                    for claim in batch.claims {
                        mine.append(claim.source.path)
                        #expect((try? catalog.finish(claim.source.path, worker: "w\(index)", changes: [])) != nil)
                    }
                }
                taken.withLock { $0.append(mine) }
            }
        }
        done.wait()
        let all = taken.withLock { $0 }.flatMap { $0 }
        #expect(all.count == 400)
        #expect(Set(all).count == 400)
        #expect(taken.withLock { $0 }.filter { !$0.isEmpty }.count >= 2, "one worker took everything")
        let status = try catalogs[0].claimStatus()
        #expect(status.finished == 400 && status.waiting == 0 && status.claimed.isEmpty && status.expiredLeases == 0)
    }

    @Test("a lease that runs out is taken over as a suspect, alone; the late worker's result is dropped, the new one's kept")
    func expiredLeaseIsTakenOver() throws {
        let url = try TestPostgres.newDatabase()
        let pair = try workers(2, url: url)
        let paused = pair[0], other = pair[1]
        try paused.offer(sources(3))
        let first = try paused.claim(worker: "paused", limit: 3, lease: 0.3)
        #expect(first.claims.count == 3)
        #expect(try other.claim(worker: "other", limit: 3, lease: 30).claims.isEmpty, "claimed items handed out twice")
        #expect(try other.claimStatus().claimed == ["paused": 3])
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try other.claimStatus().overdue == 3)

        let takeover = try other.claim(worker: "other", limit: 3, lease: 30)
        #expect(takeover.claims.count == 1 && takeover.claims[0].suspect)
        let path = takeover.claims[0].source.path
        let late = SyntheticCatalog.frame(0, second: 999)
        #expect(try paused.finish(path, worker: "paused", changes: [.commit(late)]) == nil)
        #expect(try other.frame(at: path) == nil, "the late worker's result was applied")
        let done = SyntheticCatalog.frame(0, second: 0)
        #expect(try other.finish(path, worker: "other", changes: [.commit(done)]) != nil)
        #expect(try other.frame(at: path) == done)
        #expect(try other.claimStatus().expiredLeases == 1)
    }

    @Test("renewing keeps a lease: nobody takes over a claim whose worker is alive")
    func renewedLeaseHolds() throws {
        let url = try TestPostgres.newDatabase()
        let catalogs = try workers(2, url: url)
        try catalogs[0].offer(sources(1))
        #expect(try catalogs[0].claim(worker: "alive", limit: 1, lease: 0.4).claims.count == 1)
        for _ in 0..<4 {
            Thread.sleep(forTimeInterval: 0.2)
            #expect(try catalogs[0].renew(worker: "alive", lease: 0.4) == 1)
        }
        #expect(try catalogs[1].claim(worker: "other", limit: 1, lease: 30).claims.isEmpty)
    }

    @Test("a frame whose lease runs out twice, the second time alone, is rejected as crashed the decoder")
    func poisonFrameIsRejected() throws {
        let url = try TestPostgres.newDatabase()
        let catalogs = try workers(3, url: url)
        try catalogs[0].offer(sources(1))
        #expect(try catalogs[0].claim(worker: "first", limit: 1, lease: 0.2).claims.count == 1)
        Thread.sleep(forTimeInterval: 0.3)
        let second = try catalogs[1].claim(worker: "second", limit: 1, lease: 0.2)
        #expect(second.claims.first?.suspect == true)
        Thread.sleep(forTimeInterval: 0.3)
        let third = try catalogs[2].claim(worker: "third", limit: 1, lease: 30)
        #expect(third.claims.isEmpty)
        let poisoned = try #require(third.poisoned.first)
        let recorded = try catalogs[2].source(at: poisoned.path)
        #expect(recorded?.state == .rejected && recorded?.reason == "crashed the decoder")
        #expect(try catalogs[2].claimStatus().expiredLeases == 2)
    }

    @Test("a finished file is offered anew only when it changed, or when the catalog no longer holds it as done")
    func reofferOnlyChanged() throws {
        let url = try TestPostgres.newDatabase()
        let catalog = try PostgresCatalog(url: url)
        let frames = (0..<3).map { SyntheticCatalog.frame($0, second: $0) }
        var files = frames.map(\.source)
        try catalog.offer(files)
        for (claim, frame) in zip(try catalog.claim(worker: "w", limit: 3, lease: 30).claims, frames) {
            #expect(try catalog.finish(claim.source.path, worker: "w", changes: [.commit(frame)]) != nil)
        }
        files[1].stat.size += 1
        try catalog.offer(files)
        #expect(try catalog.claim(worker: "w", limit: 3, lease: 30).claims.map(\.source.path) == [files[1].path])
        var changed = frames[1]
        changed.source = files[1]
        #expect(try catalog.finish(files[1].path, worker: "w", changes: [.commit(changed)]) != nil)

        // A raw forgotten with its JPEG's frame (or a failure) is to be done again: its record is gone.
        try catalog.apply([.remove(files[2].path)])
        try catalog.offer(files)
        #expect(try catalog.claim(worker: "w", limit: 3, lease: 30).claims.map(\.source.path) == [files[2].path])
    }

    @Test("the raw and the JPEG of one frame finished by two workers at the same moment still become one frame")
    func pairsFinishedAtOnce() async throws {
        let url = try TestPostgres.newDatabase()
        let catalogs = try workers(2, url: url)
        let ids = 0..<40
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { for number in ids { try catalogs[0].apply([.commit(SyntheticCatalog.frame(number, second: number))]) } }
            group.addTask { for number in ids { try catalogs[1].apply([.commit(CatalogContractTests.raw(number))]) } }
            try await group.waitForAll()
        }
        let frames = try catalogs[0].frames(inGallery: "iss070")
        #expect(frames.count == ids.count, "\(frames.filter { $0.format != "jpeg" }.map(\.id))")
        #expect(frames.allSatisfy { $0.format == "jpeg" && $0.companions.count == 1 })
    }

    @Test("a raw is claimed after every JPEG, and not while its JPEG waits or is claimed")
    func companionsWaitForTheirFrame() throws {
        let url = try TestPostgres.newDatabase()
        let catalogs = try workers(2, url: url)
        // Two frames, each a DNG and a JPEG: the DNG's path sorts first.
        func offer(_ number: Int, _ suffix: String, companion: Bool) -> WorkOffer {
            var source = SyntheticCatalog.frame(number, second: number).source
            source.path = FilePathBytes("/downlink/ISS070-E-\(number)\(suffix)")
            return WorkOffer(source: source, frame: "iss070/ISS070-E-\(number)", companion: companion)
        }
        let offers = [offer(1, ".DNG", companion: true), offer(1, ".JPG", companion: false),
                      offer(2, ".DNG", companion: true), offer(2, ".JPG", companion: false)]
        // A raw with no JPEG, whose path sorts before every other: it still goes after them.
        let lone = offer(0, ".DNG", companion: true)
        try catalogs[0].offer([lone] + offers)
        func claimed(_ worker: Int, limit: Int) throws -> [String] {
            try catalogs[worker].claim(worker: "w\(worker)", limit: limit, lease: 30).claims.map(\.source.path.description)
        }
        func finish(_ worker: Int, _ offer: WorkOffer) throws {
            #expect(try catalogs[worker].finish(offer.source.path, worker: "w\(worker)", changes: []) != nil)
        }
        let paths = offers.map(\.source.path.description)
        #expect(try claimed(0, limit: 1) == [paths[1]], "a JPEG, not the lone raw whose path sorts first")
        // A batch comes in path order.
        #expect(try claimed(0, limit: 5) == [lone.source.path.description, paths[3]],
                "the other JPEG and the lone raw; not the raws whose JPEGs are claimed")
        #expect(try claimed(1, limit: 5) == [], "both raws wait: their JPEGs are claimed")
        try finish(0, offers[1])
        #expect(try claimed(1, limit: 5) == [paths[0]], "the first frame's raw, once its JPEG is done")
        try finish(0, offers[3])
        #expect(try claimed(0, limit: 5) == [paths[2]])
    }
}
