import ArgumentParser
import CupolaCore

@main
struct Cupola: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "cupola",
        abstract: "Ingest downlinked astronaut photographs into expedition galleries.",
        discussion: """
            Reads frames named by NASA's Mission-Roll-Frame convention (ISS069-E-12345.JPG), records \
            their capture metadata, renders gallery renditions and writes one manifest per gallery.

            Example:
              cupola ingest downlink/ --library /srv/galleries
            """,
        version: "cupola \(version) (libvips \(VipsRuntime.version))",
        subcommands: [Ingest.self, Watch.self, Regenerate.self, Verify.self, Status.self, Site.self, MakeSamples.self, ClaimBench.self])

    /// Commands whose `--json` promises one object on stdout, whatever happens.
    static let jsonCommands: Set = ["ingest", "regenerate", "verify", "status", "site"]

    /// ArgumentParser's own start-up, plus the `--json` object for a command line that does not
    /// parse (64): the commands print theirs for every later failure.
    static func main() async {
        ProcessMemory.limitArenas()
        let arguments = Array(CommandLine.arguments.dropFirst())
        let command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            let code = exitCode(for: error)
            if code != .success, arguments.contains("--json"), let name = arguments.first, jsonCommands.contains(name) {
                RunReport.printFailure(command: name, error: message(for: error), exitCode: code.rawValue)
            }
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
