import ArgumentParser
import CupolaCore
import Foundation

struct Site: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild a library's static gallery site from its manifests.",
        discussion: """
            Every run that publishes manifests keeps DIR/site/ up to date by itself (unless the \
            settings say `[site] enabled = false`). This command derives every site file again from \
            the manifests and rewrites those that differ: after an upgrade of Cupola changed the \
            pages, or to make the site of a library written before Cupola had one. It prints the \
            path of the site's index.html, which opens straight from disk or from any web server.

            Example:
              cupola site --library /srv/galleries
            """)

    @OptionGroup var options: LibraryOptions

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Wait up to this long for a run holding the library to finish.", valueName: "SECONDS"))
    var wait: Double = 0

    struct Report: Encodable {
        let site: String
        let filesWritten: Int
        let filesRemoved: Int
        let bytesWritten: Int
    }

    func validate() throws {
        if wait < 0 { throw ValidationError("--wait cannot be negative") }
    }

    func run() async throws {
        do {
            let session = try LibrarySession(library: options.library, settingsFile: options.config, command: "site", waitForLock: wait,
                                             catalogURL: options.catalog, connector: CatalogServers.connect)
            // Galleries a killed run left unpublished are published first: the site reads the manifests.
            let dirty = try session.catalog.dirtyGalleries().union(try session.catalog.galleriesAwaitingUpgrade())
            if !dirty.isEmpty {
                try GalleryPublisher(layout: session.layout, catalog: session.catalog).publish(galleries: dirty)
                try session.catalog.markClean(dirty)
            }
            let report = try SitePublisher(layout: session.layout, baseURL: session.settings.site.baseURL).publish(galleries: nil)
            let index = session.layout.root.appending("site").appending("index.html").description
            if options.json {
                let data = try RunReport.encoder.encode(Report(site: index, filesWritten: report.written.count,
                                                               filesRemoved: report.removed.count, bytesWritten: report.bytesWritten))
                Terminal.output(String(decoding: data, as: UTF8.self))
            } else {
                Terminal.output(index)
                Terminal.error("\(Wording.count(report.written.count, "file")) written, \(report.removed.count) removed")
                if session.settings.site.baseURL == nil { Terminal.error("cupola: note: \(SitePublisher.iiifSkipped)") }
                if !session.settings.site.enabled {
                    Terminal.error("cupola: note: [site] enabled = false in the settings: runs will not keep this site up to date")
                }
            }
        } catch {
            throw ExitStatus.fail(error, json: options.json ? "site" : nil)
        }
    }
}
