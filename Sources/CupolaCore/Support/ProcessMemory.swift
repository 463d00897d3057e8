import CCupolaShim

public enum ProcessMemory {
    /// Returns freed heap memory to the system, so a long-running process's RSS reflects what it
    /// uses now rather than its high-water mark.
    public static func returnFreed() { cupola_release_free_memory() }
}
