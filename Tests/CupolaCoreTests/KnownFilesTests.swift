@testable import CupolaCore
import Testing

/// The catalog's files under a SOURCE as a run holds them: merged with a scan, changed by the run.
@Suite struct KnownFilesTests {
    static func file(_ size: Int64, _ state: SourceState = .ingested, keeps: Bool = false) -> KnownFile {
        KnownFile(stat: FileStat(size: size, modifiedNanoseconds: size * 10, inode: UInt64(size)), state: state, keepsOriginal: keeps)
    }

    static func table(_ rows: [(String, KnownFile)]) -> KnownFiles {
        KnownFiles.collect { add in
            for (path, file) in rows { Array(path.utf8).withUnsafeBytes { add($0, file) } }
        }
    }

    static func arrivals(_ paths: [String]) -> [Arrival] {
        paths.map { Arrival(path: FilePathBytes($0), root: FilePathBytes("/s"), label: $0, stat: FileStat(size: 1, modifiedNanoseconds: 10, inode: 1)) }
    }

    // Byte order: `-` (0x2d) and `.` (0x2e) sort before `/` (0x2f), so a folder's files are not
    // next to its name.
    static let rows: [(String, KnownFile)] = [
        ("/s/a-b.jpg", file(1)), ("/s/a.jpg", file(2)), ("/s/a/x.jpg", file(3)), ("/s/a/y/z.jpg", file(4, keeps: true)),
        ("/s/a0.jpg", file(5)), ("/s/b.jpg", file(6, .rejected)),
    ]

    @Test("rows given out of order are put in byte order; lookups find each and nothing else")
    func order() {
        let known = Self.table(Self.rows.reversed())
        #expect(known.paths.map(\.description) == Self.rows.map(\.0))
        #expect(known.count == 6)
        for (path, file) in Self.rows { #expect(known[FilePathBytes(path)] == file, "\(path)") }
        #expect(known[FilePathBytes("/s/a")] == nil)
        #expect(known[FilePathBytes("/s/c.jpg")] == nil)
    }

    @Test("a scan in path order is matched by the merge as by one lookup per arrival, and so is one out of order")
    func merge() {
        let known = Self.table(Self.rows)
        let scan = Self.arrivals(["/s/a.jpg", "/s/a/new.jpg", "/s/a/x.jpg", "/s/b.jpg", "/s/c.jpg"])
        let expected = [Self.file(2), nil, Self.file(3), Self.file(6, .rejected), nil]
        #expect(known.files(for: scan) == expected)
        #expect(known.files(for: scan.reversed()) == expected.reversed())
        let unseen = ["/s/a-b.jpg", "/s/a/y/z.jpg", "/s/a0.jpg"].map(FilePathBytes.init)
        #expect(known.unseen(among: scan) == unseen)
        #expect(known.unseen(among: scan.reversed()) == unseen)
        #expect(known.unseen(among: Self.arrivals(Self.rows.map(\.0))).isEmpty)
    }

    @Test("this run's changes count over what was read: a file forgotten, one added, one changed")
    func changes() {
        var known = Self.table(Self.rows)
        known[FilePathBytes("/s/a.jpg")] = nil
        known[FilePathBytes("/s/a/w.jpg")] = Self.file(7)
        known[FilePathBytes("/s/b.jpg")] = Self.file(8)
        #expect(known.count == 6)
        #expect(known[FilePathBytes("/s/a.jpg")] == nil)
        #expect(known.paths.map(\.description) == ["/s/a-b.jpg", "/s/a/w.jpg", "/s/a/x.jpg", "/s/a/y/z.jpg", "/s/a0.jpg", "/s/b.jpg"])
        let scan = Self.arrivals(["/s/a.jpg", "/s/a/x.jpg", "/s/b.jpg"])
        #expect(known.files(for: scan) == [nil, Self.file(3), Self.file(8)])
        #expect(known.unseen(among: scan).map(\.description) == ["/s/a-b.jpg", "/s/a/w.jpg", "/s/a/y/z.jpg", "/s/a0.jpg"])
    }

    @Test("a folder's entries are itself and what lies below it, not its neighbours that share its name's start")
    func folder() {
        var known = Self.table(Self.rows)
        #expect(known.entries(atOrInside: FilePathBytes("/s/a")).map(\.path.description) == ["/s/a/x.jpg", "/s/a/y/z.jpg"])
        #expect(known.entries(atOrInside: FilePathBytes("/s/a.jpg")).map(\.file) == [Self.file(2)])
        #expect(known.entries(atOrInside: FilePathBytes("/s/a/y")).map(\.file.keepsOriginal) == [true])
        known[FilePathBytes("/s/a/x.jpg")] = nil
        known[FilePathBytes("/s/a/v.jpg")] = Self.file(9)
        known[FilePathBytes("/s/a1/v.jpg")] = Self.file(10)
        #expect(known.entries(atOrInside: FilePathBytes("/s/a")).map(\.path.description) == ["/s/a/v.jpg", "/s/a/y/z.jpg"])
        #expect(known.entries(atOrInside: FilePathBytes("/s/q")).isEmpty)
    }
}
