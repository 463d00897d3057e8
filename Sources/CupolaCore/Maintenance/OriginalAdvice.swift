/// What to tell the operator when an original cannot be used, by where it is kept: `cupola ingest`
/// takes in a changed source file, but it cannot restore the library's own copy
/// (`--originals copy|move`): the source is unchanged, or gone after a move.
enum OriginalAdvice {
    static func changed(_ source: SourceRecord) -> String {
        source.original == nil
            ? "original changed since it was ingested; run `cupola ingest` to take in the new version"
            : "the library's copy of the original is damaged (SHA-256 differs from the ingested file); "
                + "`cupola ingest` cannot restore it: put the file back from a backup"
    }

    static func gone(_ source: SourceRecord) -> String {
        source.original == nil
            ? "original is gone"
            : "the library's copy of the original is gone; put it back from a backup"
    }
}
