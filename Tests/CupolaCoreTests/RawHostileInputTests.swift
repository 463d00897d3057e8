@testable import CupolaCore
import CupolaFixtures
import Foundation
import Testing

/// Raw decoders have a long history of crashes on crafted files: LibRaw works under the same
/// pixel and time limits as every other decoder, and damaged files are rejected with a reason.
@Suite("Hostile raw input")
struct RawHostileInputTests {
    @Test("a raw larger than the pixel limit is rejected from its header, before LibRaw decodes anything")
    func pixelLimit() async throws {
        let folder = TemporaryFolder()
        _ = folder.write(try SyntheticRaw(width: 600, height: 400, previewLongEdge: 600).dng(), to: "in/ISS069-E-61001.dng")
        _ = folder.write(try SyntheticRaw(width: 300, height: 200).dng(), to: "in/ISS069-E-61002.dng")
        var settings = Settings()
        settings.maxMegapixels = 0.1
        let library = folder.url.appendingPathComponent("lib").path
        let summary = try await TestIngest.run([folder.url.appendingPathComponent("in").path], library: library, settings: settings)
        #expect(summary.ingested == 1 && summary.rejected == 1, "\(summary.problems)")
        let problem = summary.problems.first { $0.file.hasSuffix("ISS069-E-61001.dng") }
        #expect(problem?.reason == "too large (600×400, 0.24 megapixels, limit 0.1)", "\(summary.problems)")
    }

    @Test("the time limit stops a LibRaw decode long before it would have finished, with a timed-out reason")
    func timeLimit() throws {
        // Large enough that the whole decode dwarfs the stop's granularity (a stage, or the cancel
        // flag's check inside unpacking) even on a loaded machine: at 2400×1600 the margin was
        // 0.54 s against 0.14 s, and a busy run crossed it.
        let dng = try SyntheticRaw(width: 4800, height: 3200).dng()
        try dng.withBytes { buffer in
            let raw = try #require(RawOriginal.identify(buffer))
            let start = Date()
            let full = try raw.decode(buffer, half: false, deadline: .distantFuture, timeLimit: .infinity)
            let whole = Date().timeIntervalSince(start)
            #expect(full.width == 4800 && full.height == 3200)

            // Met inside LibRaw's unpacking (its cancel flag) or at the next stage boundary.
            let limited = Date()
            #expect(throws: ImagingError.timedOut(seconds: 0.05)) {
                _ = try raw.decode(buffer, half: false, deadline: Date().addingTimeInterval(0.05), timeLimit: 0.05)
            }
            let stopped = Date().timeIntervalSince(limited)
            #expect(stopped < whole / 4, "stopped after \(stopped) s; the whole decode takes \(whole) s")
        }
    }

    @Test("damaged raw files are rejected with LibRaw's reason, and the run goes on")
    func damaged() async throws {
        let folder = TemporaryFolder()
        let dng = try SyntheticRaw(width: 600, height: 400).dng()
        // Cut inside the pixel data; cut inside the header; the IFD's entry count made huge.
        _ = folder.write(dng.prefix(dng.count - 1000), to: "in/ISS069-E-62001.dng")
        _ = folder.write(dng.prefix(40), to: "in/ISS069-E-62002.dng")
        var wild = dng
        let ifd = Int(wild[4]) | Int(wild[5]) << 8 | Int(wild[6]) << 16 | Int(wild[7]) << 24
        wild[ifd] = 0xFF
        wild[ifd + 1] = 0xFF
        _ = folder.write(wild, to: "in/ISS069-E-62003.dng")
        _ = folder.write(try SyntheticRaw(width: 300, height: 200).dng(), to: "in/ISS069-E-62004.dng")
        let library = folder.url.appendingPathComponent("lib").path
        let summary = try await TestIngest.run([folder.url.appendingPathComponent("in").path], library: library)
        #expect(summary.ingested == 1 && summary.rejected == 3, "\(summary.problems)")
        func reason(_ name: String) -> String { summary.problems.first { $0.file.hasSuffix(name) }?.reason ?? "" }
        #expect(reason("ISS069-E-62001.dng") == "truncated image (LibRaw: unexpected end of file)", "\(summary.problems)")
        #expect(!reason("ISS069-E-62002.dng").isEmpty && !reason("ISS069-E-62003.dng").isEmpty, "\(summary.problems)")
        #expect(try TestIngest.frames(library).count == 1)
    }
}
