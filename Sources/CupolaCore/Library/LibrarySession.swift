import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An open library: its folder exists, the lock is held, leftovers of a killed run are cleaned up
/// and the catalog is open and checked. Every writing command starts here.
///
/// The catalog is the library's own SQLite file, or a catalog server named by `catalogURL` (or the
/// settings' `catalog`), opened through `connector`.
public final class LibrarySession {
    public let layout: LibraryLayout
    public let catalog: any Catalog
    /// The catalog server's URL; nil for the library's own SQLite file.
    public let catalogURL: String?
    public let settings: Settings
    /// Reading sessions that tolerate bad settings (`status`): why the built-in defaults were used.
    public private(set) var settingsProblem: SettingsError?
    /// Present when the library is open for writing.
    public private(set) var crashMarker: CrashMarker?
    private let lock: LibraryLock?
    /// `DIR/.cupola-unfinished`, held by a writing session while it runs (see `sweepIfUnfinished`).
    private var unfinishedMarker: FilePathBytes?

    public enum Failure: Error, CustomStringConvertible, Sendable {
        case cannotCreate(String)
        case missing(String)
        case lock(LibraryLock.Failure)
        case catalog(CatalogError)
        case settings(SettingsError)

        public var description: String {
            switch self {
            case .cannotCreate(let detail): return detail
            case .missing(let path): return "\(path): no library here (run `cupola ingest` first)"
            case .lock(let failure): return failure.description
            case .catalog(let error): return error.description
            case .settings(let error): return error.description
            }
        }
    }

    /// Opens the library for writing. `settingsFile` overrides `DIR/cupola.toml`. Only a command
    /// that brings frames in (`ingest`, `watch`) passes `creating`: the others, given a path where
    /// no library is, say so instead of leaving an empty library there.
    /// `sharing`: many workers may run this command on the library at once; with a catalog server
    /// they coordinate through it (`WorkClaims`), and no lock file is taken (flock does not hold
    /// across machines on NFS), nor are other workers' temporary files swept away.
    public init(library: String, settingsFile: String?, command: String, waitForLock: Double = 0,
                creating: Bool = false, catalogURL: String? = nil, connector: CatalogConnector? = nil,
                sharing: Bool = false) throws(Failure) {
        layout = LibraryLayout(root: FilePathBytes(library))
        settings = try Self.loadSettings(layout: layout, override: settingsFile)
        let server = catalogURL ?? settings.catalog
        self.catalogURL = server
        let coordinated = sharing && server != nil
        guard creating || FileManager.default.fileExists(atPath: (server == nil ? layout.catalogFile : layout.root).description) else {
            throw .missing(library)
        }
        do {
            try AtomicFile.makeFolder(layout.root)
        } catch {
            throw .cannotCreate("\(error)")
        }
        if server == nil {
            do {
                lock = try LibraryLock(layout.lockFile, command: command, wait: waitForLock)
            } catch {
                throw .lock(error)
            }
            unfinishedMarker = Self.sweepIfUnfinished(layout, firstRun: !FileManager.default.fileExists(atPath: layout.catalogFile.description))
        } else {
            lock = nil
        }
        crashMarker = CrashMarker(layout: layout)
        crashMarker?.arm()
        do {
            catalog = try Self.openCatalog(layout: layout, server: server, connector: connector, readOnly: false)
        } catch {
            throw .catalog(error)
        }
        if server != nil {
            // With a catalog server the lock is held there: shared by the workers of a job, and
            // exclusive for any other writer, which then also sweeps what a killed run left.
            try Self.lockInCatalog(catalog, exclusive: !coordinated, wait: waitForLock, command: command, library: library)
            if !coordinated { unfinishedMarker = Self.sweepIfUnfinished(layout, firstRun: false) }
        }
        do {
            try MissionRefiling.run(layout: layout, catalog: catalog)
        } catch {
            throw .catalog(error)
        }
    }

    /// Takes the library's lock in the catalog server (`WorkClaims.lockLibrary`).
    private static func lockInCatalog(_ catalog: any Catalog, exclusive: Bool, wait: Double, command: String, library: String) throws(Failure) {
        guard let claims = catalog as? any WorkClaims else { return }
        let holder = "cupola \(command) \(SharedWork.workerName) since \(ISO8601DateFormatter().string(from: Date()))"
        let holders: [String]?
        do {
            holders = try claims.lockLibrary(exclusive: exclusive, wait: wait, holder: holder)
        } catch {
            throw .catalog(error)
        }
        if let holders {
            throw .lock(.held(path: library, holder: holders.isEmpty ? "another cupola" : holders.joined(separator: ", ")))
        }
    }

    /// Opens an existing library to read only: nothing written. With `sharedLockWait`, the lock
    /// is taken shared (waiting up to that long for a writing run), for readers that compare the
    /// files with the catalog (named `reader` to whoever finds the library busy). With `tolerateBadSettings`, unusable settings become the built-in
    /// defaults and `settingsProblem` says why: for commands that only read the catalog.
    public init(readingLibrary library: String, settingsFile: String? = nil, sharedLockWait: Double? = nil, reader: String = "verify",
                tolerateBadSettings: Bool = false, catalogURL: String? = nil, connector: CatalogConnector? = nil) throws(Failure) {
        layout = LibraryLayout(root: FilePathBytes(library))
        do {
            settings = try Self.loadSettings(layout: layout, override: settingsFile)
        } catch .settings(let error) where tolerateBadSettings {
            settings = Settings()
            settingsProblem = error
        }
        let server = catalogURL ?? settings.catalog
        self.catalogURL = server
        guard FileManager.default.fileExists(atPath: (server == nil ? layout.catalogFile : layout.root).description) else {
            throw .missing(library)
        }
        if let sharedLockWait, server == nil {
            do {
                lock = try LibraryLock.shared(layout.lockFile, wait: sharedLockWait)
            } catch {
                throw .lock(error)
            }
        } else {
            lock = nil
        }
        do {
            catalog = try Self.openCatalog(layout: layout, server: server, connector: connector, readOnly: true)
        } catch {
            throw .catalog(error)
        }
        // Workers share the catalog's lock among themselves, so a reader that must see the
        // library still takes it alone: while a job runs, its files and catalog differ by design.
        if let sharedLockWait, server != nil {
            try Self.lockInCatalog(catalog, exclusive: true, wait: sharedLockWait, command: reader, library: library)
        }
    }

    private static func openCatalog(layout: LibraryLayout, server: String?, connector: CatalogConnector?,
                                    readOnly: Bool) throws(CatalogError) -> any Catalog {
        guard let server else { return try SQLiteCatalog(path: layout.catalogFile.description, readOnly: readOnly) }
        guard let connector else {
            throw .unusable(location: server, detail: "this program has no catalog server support")
        }
        return try connector(server, readOnly)
    }

    /// The settings a library would run with, without opening it.
    public static func loadSettings(library: String, override: String?) throws(Failure) -> Settings {
        try loadSettings(layout: LibraryLayout(root: FilePathBytes(library)), override: override)
    }

    static func loadSettings(layout: LibraryLayout, override: String?) throws(Failure) -> Settings {
        let path = override ?? layout.settingsFile.description
        guard override != nil || FileManager.default.fileExists(atPath: path) else { return Settings() }
        do {
            return try SettingsFile.load(path)
        } catch {
            throw .settings(error)
        }
    }

    deinit {
        if let unfinishedMarker { AtomicFile.remove(unfinishedMarker) }
    }

    /// A writing session marks the library unfinished until it closes; a run killed part-way
    /// leaves the mark, and only then is the library walked for the temporary files it may have
    /// left (every rendition folder: a second or more at 10^5 frames, too much for every run).
    /// A library without its catalog file yet is swept too (a first run killed early).
    private static func sweepIfUnfinished(_ layout: LibraryLayout, firstRun: Bool) -> FilePathBytes? {
        let marker = layout.root.appending(".cupola-unfinished")
        if FileManager.default.fileExists(atPath: marker.description) || firstRun {
            removeLeftovers(in: layout.root)
        }
        let fd = marker.withCString { open($0, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { return nil }
        close(fd)
        return marker
    }

    /// Removes temporary files a killed run left behind. Only called with the lock held, so no
    /// other run can be writing them.
    static func removeLeftovers(in folder: FilePathBytes) {
        let marker = Array(AtomicFile.temporaryMarker.utf8)
        for entry in FolderListing.entries(of: folder) ?? [] {
            let path = folder.appending(entry.name)
            if entry.name.starts(with: marker) {
                AtomicFile.remove(path)
            } else if entry.isFolder {
                removeLeftovers(in: path)
            }
        }
    }
}
