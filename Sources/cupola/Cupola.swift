import ArgumentParser

@main
struct Cupola: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cupola",
        abstract: "Ingest downlinked astronaut photographs into expedition galleries.",
        discussion: """
            Reads frames named by NASA's Mission-Roll-Frame convention (ISS069-E-12345.JPG), records \
            their capture metadata, renders gallery renditions and writes one manifest per gallery.

            Example:
              cupola ingest downlink/ --library /srv/galleries
            """,
        subcommands: [Ingest.self, Watch.self, Regenerate.self, Verify.self, Status.self, MakeSamples.self])
}
