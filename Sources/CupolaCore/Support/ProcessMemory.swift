import Foundation
import CCupolaShim

public enum ProcessMemory {
    /// Returns freed heap memory to the system, so a long-running process's RSS reflects what it
    /// uses now rather than its high-water mark.
    public static func returnFreed() { cupola_release_free_memory() }

    /// One malloc arena per core, not glibc's eight: every thread that allocates (the scan's and
    /// the site's parallel work, libvips' workers) otherwise keeps an arena of its own, holding
    /// freed memory. A first ingest of 100,000 frames peaked 20 MB lower with it.
    public static func limitArenas() {
        cupola_limit_malloc_arenas(Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
    }
}
