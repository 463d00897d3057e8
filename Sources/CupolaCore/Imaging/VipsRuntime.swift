import CCupolaShim
import CVips

/// libvips' process-wide set-up, done once before any concurrent use: concurrent first use was
/// seen to fail with "class thumbnail not found".
public enum VipsRuntime {
    /// libvips' own thread pool per call. One per pipeline worker, so N workers use N cores.
    public static let threadsPerWorker: Int32 = 1

    private static let started: Bool = {
        guard cupola_vips_start("cupola", threadsPerWorker) == 0 else { return false }
        VipsWarnings.install()
        return true
    }()

    public static func start() throws(ImagingError) {
        guard started else { throw .startFailed(takeErrorText()) }
    }

    /// libvips' version, part of every rendition's settings fingerprint.
    public static var version: String {
        "\(vips_version(0)).\(vips_version(1)).\(vips_version(2))"
    }

    /// Reads and clears libvips' error buffer. It is process-wide, so under concurrency a message
    /// may belong to another worker: it is kept as diagnostic text, never used for decisions alone.
    /// Copied and cleared in one step under libvips' lock: reading the buffer in place raced with
    /// another worker writing its error into it.
    static func takeErrorText() -> String {
        guard let copy = vips_error_buffer_copy() else { return "" }
        defer { g_free(copy) }
        let text = String(cString: copy)
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        var unique: [String] = []
        for line in text where !unique.contains(line) { unique.append(line) }
        return unique.joined(separator: "; ")
    }
}
