@testable import CupolaCore
import Foundation
import Testing

/// `[[theme]]` settings: every key read, and every mistake refused with the key and the reason.
@Suite("Theme settings")
struct ThemeSettingsTests {
    func parse(_ text: String) throws -> Settings { try SettingsFile.parse(text, file: "cupola.toml") }

    func refusal(_ text: String) -> SettingsError? {
        do {
            _ = try SettingsFile.parse(text, file: "cupola.toml")
            return nil
        } catch {
            return error
        }
    }

    @Test("a theme reads every key; a missing title is the id; one string stands for a list of one")
    func everyKey() throws {
        let settings = try parse("""
            [[theme]]
            id = "spacewalks"
            title = "Spacewalks"
            keywords = ["EVA", "spacewalk"]
            folders = ["*/eva/*"]
            frames = ["ISS069-E-30000..ISS069-E-31500", "as11-40-5903"]
            captured = ["2023-04-19T13:00Z..2023-04-19T20:00Z", "2023-04-21"]

            [[theme]]
            id = "earth"
            folders = "earth/**"
            """)
        #expect(settings.themes.map(\.id) == ["spacewalks", "earth"])
        let walks = settings.themes[0]
        #expect(walks.title == "Spacewalks")
        #expect(walks.keywords == ["EVA", "spacewalk"])
        #expect(walks.folders.map(\.pattern) == ["*/eva/*"])
        #expect(walks.frames.map { "\($0.gallery) \($0.roll) \($0.first)...\($0.last)" } == ["iss069 E 30000...31500", "as11 40 5903...5903"])
        #expect(walks.captured.count == 2)
        #expect(settings.themes[1].title == "earth")
        #expect(settings.themes[1].folders.map(\.pattern) == ["earth/**"])
    }

    @Test("bad ids, clashes, malformed ranges and empty rules are refused, naming the key and the reason",
          arguments: [
            ("id = \"Space Walks\"\nkeywords = [\"x\"]", "id", "must start with a lower-case letter"),
            ("id = \"iss069\"\nkeywords = [\"x\"]", "id", "gallery id of Expedition 69"),
            ("id = \"as11\"\nkeywords = [\"x\"]", "id", "gallery id of Apollo 11"),
            ("id = \"unassigned\"\nkeywords = [\"x\"]", "id", "taken by the gallery of frames without a mission"),
            ("id = \"t\"\nframes = [\"ISS069-E-1..ISS070-E-5\"]", "frames", "spans two rolls"),
            ("id = \"t\"\nframes = [\"ISS069-E-9..ISS069-E-5\"]", "frames", "ends before it starts"),
            ("id = \"t\"\nframes = [\"lunch\"]", "frames", "\"lunch\" is not a frame id"),
            ("id = \"t\"\ncaptured = [\"2023-04-19T25:00Z..2023-04-20\"]", "captured", "is not a date or UTC time"),
            ("id = \"t\"\ncaptured = [\"2023-04-20..2023-04-19\"]", "captured", "ends before it starts"),
            ("id = \"t\"\nkeywords = [\"\"]", "keywords", "holds an empty value"),
            ("id = \"t\"\nkeywords = [1]", "keywords", "must be a list of strings"),
            ("id = \"t\"\ntitle = \"T\"", "id", "chooses no frames"),
            ("id = \"t\"\nfolder = [\"x\"]", "folder", "unknown key \"folder\""),
            ("title = \"T\"\nkeywords = [\"x\"]", "theme", "needs an id"),
          ])
    func refused(rule: String, key: String, reason: String) throws {
        let text = "timezone = \"UTC\"\n\n[[theme]]\n\(rule)\n"
        let error = try #require(refusal(text), "accepted: \(rule)")
        #expect(error.message.contains(reason), "\(error.message)")
        let keyLine = text.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.hasPrefix("\(key) ") || $0 == "[[\(key)]]" }.map { $0 + 1 }
        #expect(error.line == keyLine, "\(error)")
    }

    @Test("two themes with one id are refused")
    func duplicateId() {
        let error = refusal("[[theme]]\nid = \"a\"\nkeywords = [\"x\"]\n[[theme]]\nid = \"a\"\nkeywords = [\"y\"]\n")
        #expect(error?.message == "theme \"a\" is defined twice")
    }

    @Test("the command exits 78 on a bad theme, naming the file, the line and the reason")
    func commandExit() throws {
        let folder = TemporaryFolder()
        let config = folder.write(Data("[[theme]]\nid = \"sts098\"\nkeywords = [\"x\"]\n".utf8), to: "cupola.toml")
        _ = folder.folder("in")
        let result = try CLI.run(["ingest", folder.url.appendingPathComponent("in").path,
                                  "--library", folder.url.appendingPathComponent("lib").path, "--config", config.path])
        #expect(result.status == 78)
        #expect(result.stderr.contains("cupola.toml:2: theme id \"sts098\" is the gallery id of STS-98"), "\(result.stderr)")
    }

    @Test("folder globs: * stays within a name, ** spans folders, ? is one character")
    func globs() {
        #expect(FolderGlob("*/eva/*").matches("2023-04-19/eva/a.jpg"))
        #expect(!FolderGlob("*/eva/*").matches("x/2023-04-19/eva/a.jpg"))
        #expect(FolderGlob("**/eva/*").matches("x/2023-04-19/eva/a.jpg"))
        #expect(FolderGlob("**/eva/*").matches("eva/a.jpg"))
        #expect(FolderGlob("**/eva/**").matches("a/eva/b/c.jpg"))
        #expect(!FolderGlob("**/eva/**").matches("a/evas/b/c.jpg"))
        #expect(FolderGlob("day-??/*.jpg").matches("day-04/x.jpg"))
        #expect(!FolderGlob("day-??/*.jpg").matches("day-4/x.jpg"))
        #expect(FolderGlob("*eva*/*").matches("pre-eva-prep/x.jpg"))
        #expect(!FolderGlob("*/EVA/*").matches("d/eva/x.jpg"))
        // Many stars against a long name that fails: linear, not exponential.
        #expect(!FolderGlob(String(repeating: "*a", count: 30) + "b").matches(String(repeating: "a", count: 200)))
    }

    @Test("capture spans cover the whole of their last unit, in UTC, offsets applied")
    func captureSpans() throws {
        let day = try CaptureSpan(parsing: "2023-04-19")
        #expect(day.contains(try #require(CaptureSpan.instant("2023-04-19T00:00:00Z"))))
        #expect(day.contains(try #require(CaptureSpan.instant("2023-04-19T23:59:59.99Z"))))
        #expect(!day.contains(try #require(CaptureSpan.instant("2023-04-20T00:00:00Z"))))
        let minutes = try CaptureSpan(parsing: "2023-04-19T13:00Z..2023-04-19T20:00Z")
        #expect(minutes.contains(try #require(CaptureSpan.instant("2023-04-19T20:00:59Z"))))
        #expect(!minutes.contains(try #require(CaptureSpan.instant("2023-04-19T20:01:00Z"))))
        #expect(!minutes.contains(try #require(CaptureSpan.instant("2023-04-19T12:59:59.9Z"))))
        let offset = try CaptureSpan(parsing: "2023-04-19T15:00+02:00..2023-04-19T15:30+02:00")
        #expect(offset.contains(try #require(CaptureSpan.instant("2023-04-19T13:10:00Z"))))
        #expect(CaptureSpan.instant("2023-02-30X") == nil)
    }
}
