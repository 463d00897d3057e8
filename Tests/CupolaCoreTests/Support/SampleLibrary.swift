import CupolaCore
import Foundation
import Testing

/// The sample downlink written into a temporary folder, with a library path beside it: the
/// starting point of most behaviour tests.
struct SampleLibrary {
    let folder: TemporaryFolder
    let downlink: URL
    let library: String

    init(_ name: String = #function) throws {
        folder = TemporaryFolder(name)
        downlink = try SampleFolder.make(in: folder)
        library = folder.url.appendingPathComponent("library").path
    }

    /// A sample library with the samples already ingested once.
    static func ingested(_ name: String = #function) async throws -> SampleLibrary {
        let sample = try SampleLibrary(name)
        try await sample.ingest()
        return sample
    }

    func file(_ name: String) -> String { downlink.appendingPathComponent(name).path }

    /// Ingests the downlink in this process, as the command does.
    @discardableResult
    func ingest() async throws -> RunSummary { try await TestIngest.run([downlink.path], library: library) }

    /// Runs `cupola ingest` on the downlink with extra arguments.
    func ingestCommand(_ extra: [String] = []) throws -> CLI.Result {
        try CLI.run(["ingest", downlink.path, "--library", library] + extra)
    }

    /// Runs any `cupola` command on the library.
    func cupola(_ arguments: [String]) throws -> CLI.Result {
        try CLI.run(arguments + ["--library", library])
    }

    /// Runs a `cupola` command with `--json` and returns the object it printed.
    func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try cupola(arguments + ["--json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
    }

    func settings(_ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: "\(library)/cupola.toml"))
    }

    func modified(_ relative: String) throws -> Date {
        try FileManager.default.attributesOfItem(atPath: "\(library)/galleries/\(relative)")[.modificationDate] as! Date
    }
}
