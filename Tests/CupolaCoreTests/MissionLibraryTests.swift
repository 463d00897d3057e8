@testable import CupolaCore
import CupolaFixtures
import Foundation
import GRDB
import Testing

/// Mission galleries in a library: the index in chronological order, and a library filed by an
/// older cupola (which knew only ISS and numbered shuttle codes) moved to its missions.
@Suite("Mission galleries")
struct MissionLibraryTests {
    func index(_ library: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(library)/galleries/index.json"))
        return (try JSONSerialization.jsonObject(with: data) as! [String: Any])["galleries"] as! [[String: Any]]
    }

    static func inode(_ path: String) throws -> UInt64 {
        (try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as! NSNumber).uint64Value
    }

    @Test("the sample library lists its missions chronologically by program, unassigned last, with NASA's titles")
    func sampleIndexOrder() async throws {
        let fixture = try await SampleLibrary.ingested()
        let galleries = try index(fixture.library)
        #expect(galleries.map { $0["id"] as! String } == [
            "gt4", "as11", "sl4", "sts41b", "sts098", "sts102", "iss069", "iss071", "iss072", "unassigned",
        ])
        #expect(galleries.map { $0["title"] as! String } == [
            "Gemini IV", "Apollo 11", "Skylab 4", "STS-41-B", "STS-98", "STS-102",
            "Expedition 69", "Expedition 71", "Expedition 72", "Unassigned",
        ])
        #expect(galleries.map { $0["program"] as? String } == [
            "Gemini", "Apollo", "Skylab", "Shuttle", "Shuttle", "Shuttle", "ISS", "ISS", "ISS", nil,
        ])
        let manifest = try TestIngest.manifest(fixture.library, gallery: "sts41b")["gallery"] as! [String: Any]
        #expect(manifest["program"] as? String == "Shuttle")
        #expect(manifest["mission"] as? String == "STS41B")
        #expect(manifest["order"] as? Int == galleries[3]["order"] as? Int)
        let schema = try SchemaCheck.problems(galleries: "\(fixture.library)/galleries")
        #expect(schema.status == 0, "\(schema.output)")
    }

    @Test("frames an older cupola left in unassigned move to their missions on the next run, nothing re-rendered")
    func olderLibraryRefiled() async throws {
        let folder = TemporaryFolder()
        for name in ["AS11-40-5903.jpg", "41B-35-1601.jpg", "ISS069-E-1.jpg", "crew-portrait.jpg"] {
            _ = folder.write(try SyntheticImage.jpeg(width: 600, height: 400), to: "in/\(name)")
        }
        let source = folder.url.appendingPathComponent("in").path
        let library = folder.url.appendingPathComponent("library").path
        try await TestIngest.run([source], library: library)

        // Given the library as the older parser filed it: both film frames in `unassigned` under
        // their file stems, their renditions there, and identities without program or order.
        let old = [("as11", "AS11-40-5903", "AS11-40-5903"), ("sts41b", "STS41B-35-1601", "41B-35-1601")]
        let catalog = try DatabaseQueue(path: "\(library)/catalog.sqlite")
        let inodes = try await catalog.write { db -> [String: UInt64] in
            var inodes: [String: UInt64] = [:]
            for (gallery, id, stem) in old {
                let row = try #require(try Row.fetchOne(db, sql: """
                    SELECT frame.source_id, frame.captured, source.label, source.path FROM frame
                    JOIN source ON source.id = frame.source_id WHERE frame.frame_id = ?
                    """, arguments: [id]))
                let key = FrameOrder.key(captured: row["captured"], id: stem, label: row["label"], path: [UInt8](row["path"] as Data))
                try db.execute(sql: """
                    UPDATE frame SET gallery = 'unassigned', gallery_json = '{"expedition":null,"id":"unassigned","mission":null,"title":"Unassigned"}',
                        frame_id = ?, stem = ?, name_json = NULL, sort_key = ? WHERE source_id = ?
                    """, arguments: [stem, stem, Data(key), row["source_id"] as Int64])
                try db.execute(sql: "UPDATE rendition SET path = replace(path, ?, ?) WHERE source_id = ?",
                               arguments: ["/\(id).", "/\(stem).", row["source_id"] as Int64])
                for rendition in ["large", "medium", "thumb"] {
                    let target = "\(library)/galleries/unassigned/\(rendition)/\(stem).jpg"
                    try FileManager.default.moveItem(atPath: "\(library)/galleries/\(gallery)/\(rendition)/\(id).jpg", toPath: target)
                    inodes["\(gallery)/\(rendition)/\(id).jpg"] = try Self.inode(target)
                }
                try db.execute(sql: "INSERT OR IGNORE INTO dirty_gallery (gallery) VALUES ('unassigned'), (?)", arguments: [gallery])
            }
            try db.execute(sql: #"UPDATE frame SET gallery_json = '{"expedition":69,"id":"iss069","mission":"ISS069","title":"Expedition 69"}' WHERE gallery = 'iss069'"#)
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE 'v10:%'")
            return inodes
        }
        try catalog.close()

        // When the next run finds no new file, then the frames are in their missions, under
        // their canonical ids, with the same rendition files.
        let summary = try await TestIngest.run([source], library: library)
        #expect(summary.ingested == 0)
        #expect(summary.unchanged == 4)
        for (path, number) in inodes {
            #expect(try Self.inode("\(library)/galleries/\(path)") == number, "\(path) was not re-rendered")
        }
        for (_, _, stem) in old {
            #expect(!FileManager.default.fileExists(atPath: "\(library)/galleries/unassigned/thumb/\(stem).jpg"))
        }
        let galleries = try index(library)
        #expect(galleries.map { $0["id"] as! String } == ["as11", "sts41b", "iss069", "unassigned"])
        #expect(galleries.map { $0["title"] as! String } == ["Apollo 11", "STS-41-B", "Expedition 69", "Unassigned"])
        #expect(galleries[2]["program"] as? String == "ISS")
        #expect(try TestIngest.frames(library, gallery: "sts41b").map { $0["id"] as? String } == ["STS41B-35-1601"])
        #expect(try TestIngest.frames(library, gallery: "unassigned").map { $0["id"] as? String } == ["crew-portrait"])
        let verify = try CLI.run(["verify", "--library", library, "--json"])
        #expect(verify.status == 0, "\(verify.stdout)")
        let schema = try SchemaCheck.problems(galleries: "\(library)/galleries")
        #expect(schema.status == 0, "\(schema.output)")
    }
}
