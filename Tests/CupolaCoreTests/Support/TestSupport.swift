import CupolaCore
import CupolaFixtures
import Foundation
import Synchronization
import Testing

/// A folder under the system's temporary folder, removed when the test is done with it.
final class TemporaryFolder {
    let url: URL
    var path: String { url.path }

    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory.appendingPathComponent("cupola-\(safe)-\(UUID().uuidString.prefix(8))")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func folder(_ relative: String) -> URL {
        let folder = url.appendingPathComponent(relative)
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    func write(_ data: Data, to relative: String) -> URL {
        let file = url.appendingPathComponent(relative)
        try! FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! data.write(to: file)
        return file
    }
}

/// The shared test photographs beside the checkout (`../shared/corpus`); tests that need them are
/// skipped with a message when they are absent.
enum Corpus {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let root: URL = {
        if let override = ProcessInfo.processInfo.environment["CUPOLA_CORPUS"] { return URL(fileURLWithPath: override) }
        return repository.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    }()
    static var isPresent: Bool { FileManager.default.fileExists(atPath: root.appendingPathComponent("expected/exiftool.json").path) }
    static let absentMessage = "../shared/corpus is absent: corpus tests skipped"

    static func folder(_ name: String) -> URL { root.appendingPathComponent(name) }
}

/// Runs the library's ingest the way the command does, without a subprocess.
enum TestIngest {
    /// Every file under `galleries/`, by path relative to it, with its bytes.
    static func galleryFiles(_ library: String) throws -> [String: Data] {
        try files(under: URL(fileURLWithPath: library).appendingPathComponent("galleries"))
    }

    /// Every file under a folder, by path relative to it, with its bytes.
    static func files(under root: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for case let relative as String in FileManager.default.enumerator(atPath: root.path) ?? NSEnumerator() {
            var isFolder: ObjCBool = false
            let url = root.appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
                files[relative] = try Data(contentsOf: url)
            }
        }
        return files
    }

    @discardableResult
    static func run(_ sources: [String], library: String, settings: Settings = Settings(), workers: Int = 2) async throws -> RunSummary {
        let session = try LibrarySession(library: library, settingsFile: nil, command: "ingest", creating: true)
        let configuration = PipelineConfiguration(layout: session.layout, settings: settings, workers: workers)
        let pipeline = try Pipeline(configuration: configuration, catalog: session.catalog, command: "ingest")
        pipeline.crashMarker = session.crashMarker
        try await BatchIngest(sources: try sources.map { try SourceFolder($0) }).run(pipeline)
        return pipeline.summary
    }

    static func manifest(_ library: String, gallery: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(library)/galleries/\(gallery)/manifest.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// Every frame of every gallery, read from the manifests' pages in order.
    static func frames(_ library: String) throws -> [[String: Any]] {
        let galleries = URL(fileURLWithPath: "\(library)/galleries")
        return try FileManager.default.contentsOfDirectory(atPath: galleries.path).sorted().flatMap { gallery in
            try frames(library, gallery: gallery)
        }
    }

    static func frames(_ library: String, gallery: String) throws -> [[String: Any]] {
        let folder = URL(fileURLWithPath: "\(library)/galleries/\(gallery)")
        let file = folder.appendingPathComponent("manifest.json")
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
        return try (manifest["pages"] as! [[String: Any]]).flatMap { entry -> [[String: Any]] in
            let page = folder.appendingPathComponent(entry["path"] as! String)
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: page)) as! [String: Any]
            return object["frames"] as! [[String: Any]]
        }
    }
}

/// Runs the built `cupola` binary.
enum CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static var binary: URL {
        let products = Bundle.main.bundleURL.deletingLastPathComponent()
        for candidate in [Bundle.main.bundleURL, products] {
            let file = candidate.appendingPathComponent("cupola")
            if FileManager.default.isExecutableFile(atPath: file.path) { return file }
        }
        return Corpus.repository.appendingPathComponent(".build/debug/cupola")
    }

    /// `unprivileged`: as the user `nobody` when the tests run as root (see `Unprivileged`), so
    /// that file permissions bite.
    /// `timeout`: killed after this many seconds, for commands that would otherwise run on (a
    /// watcher that should have refused to start).
    /// `executable` runs another program instead (for example `setpriv` wrapping the binary).
    static func run(_ arguments: [String], environment: [String: String] = [:], workingFolder: URL? = nil,
                    unprivileged: Bool = false, timeout: Double? = nil, executable: URL? = nil) throws -> Result {
        let process = Process()
        if let executable {
            process.executableURL = executable
            process.arguments = arguments
        } else if unprivileged && getuid() == 0 {
            process.executableURL = Unprivileged.setpriv
            process.arguments = Unprivileged.arguments + [binary.path] + arguments
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        if let workingFolder { process.currentDirectoryURL = workingFolder }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        if let timeout {
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [process] in
                if process.isRunning { kill(pid, SIGKILL) }
            }
        }
        // Both pipes drained at once: a process that fills one (64 KiB) while the other is read
        // to its end would wait for ever.
        let errors = Mutex(Data())
        let drained = DispatchGroup()
        drained.enter()
        Thread.detachNewThread {
            let data = err.fileHandleForReading.readDataToEndOfFile()
            errors.withLock { $0 = data }
            drained.leave()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        let stderr = errors.withLock { $0 }
        process.waitUntilExit()
        let result = Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                            stderr: String(decoding: stderr, as: UTF8.self))
        if process.terminationReason == .uncaughtSignal, environment["CUPOLA_CRASH_DRILL"] == nil {
            CrashNotice.report(result, arguments: arguments)
        }
        return result
    }
}

/// A `cupola` process that died of a crash signal nobody asked for (the known defect in
/// docs/DESIGN-NOTES.md): said in the test log with the test's id and the backtrace the process
/// printed, so that `Scripts/run-tests.sh` can tell such a failure from a failed expectation.
enum CrashNotice {
    static let prefix = "CUPOLA CRASHED IN TEST"
    static let signals: Set<Int32> = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

    static func report(_ result: CLI.Result, arguments: [String]) {
        guard signals.contains(result.status) else { return }
        let test = Test.current.map { "\($0.id)" } ?? "(no test)"
        print("\(prefix) \(test): signal \(result.status) in cupola \(arguments.joined(separator: " "))\n\(result.stderr)")
    }
}

/// Validates a library's manifests and index against the JSON Schemas in `Schemas/`.
enum SchemaCheck {
    static func problems(galleries: String) throws -> (status: Int32, output: String) {
        try Tool.run("python3", [Corpus.repository.appendingPathComponent("Schemas/validate.py").path, galleries])
    }
}

/// A program found on the PATH, run to its end: its status, and its stdout and stderr together.
enum Tool {
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

/// Writes the sample downlink frames into a folder.
enum SampleFolder {
    static func make(in folder: TemporaryFolder, named name: String = "downlink") throws -> URL {
        let target = folder.folder(name)
        for sample in SampleDownlink.frames {
            try sample.jpeg().write(to: target.appendingPathComponent(sample.fileName))
        }
        return target
    }
}
