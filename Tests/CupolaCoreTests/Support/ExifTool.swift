import Foundation
import Testing

/// ExifTool, the metadata tests' oracle: what it reads of a file, when it is installed.
enum ExifTool {
    static let path = ["/usr/bin/exiftool", "/usr/local/bin/exiftool"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var isInstalled: Bool { path != nil }
    static let absentMessage: Comment = "exiftool is not installed (apt-get install libimage-exiftool-perl): comparison skipped"

    /// ExifTool's JSON reading of `file` with `options` (the tags to read and how), its one object.
    static func read(_ file: URL, _ options: [String]) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(path))
        process.arguments = ["-json"] + options + [file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try #require((try JSONSerialization.jsonObject(with: data) as? [[String: Any]])?.first)
    }
}
