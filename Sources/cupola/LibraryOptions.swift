import ArgumentParser

/// Options every command that works on a library shares.
struct LibraryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The library folder: catalog, galleries and settings.", valueName: "DIR"))
    var library: String

    @Option(name: .long, help: ArgumentHelp("Settings file to use instead of DIR/cupola.toml.", valueName: "FILE"))
    var config: String?

    @Flag(name: .long, help: "Print the summary as one JSON object on stdout.")
    var json = false
}
