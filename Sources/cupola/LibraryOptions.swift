import ArgumentParser

/// Options every command that works on a library shares.
struct LibraryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The library folder: catalog, galleries and settings.", valueName: "DIR"))
    var library: String

    @Option(name: .long, help: ArgumentHelp("Settings file to use instead of DIR/cupola.toml.", valueName: "FILE"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("A shared catalog server instead of DIR's own SQLite file, e.g. postgresql:///cupola?host=/run/postgresql (default: the settings' catalog).", valueName: "URL"))
    var catalog: String?

    @Flag(name: .long, help: "Print the summary as one JSON object on stdout.")
    var json = false
}
