/// Checks `regenerate`'s filters against the library, so a misspelt gallery or rendition is an
/// error naming the value, not a run that quietly does nothing.
extension Regenerator {
    public struct SelectionError: Error, CustomStringConvertible, Sendable {
        public let option: String
        public let value: String
        public let known: [String]

        public var description: String {
            "\(option) \"\(value)\" is not in this library; known: \(known.isEmpty ? "none" : known.joined(separator: ", "))"
        }
    }

    /// Throws for the first `--gallery`, `--rendition` or `--from-rendition` value that names
    /// nothing. A rendition may be one in the settings or one still recorded (an obsolete one,
    /// for `--prune`); `--from-rendition` must be in the settings, as only current ones are used.
    public func checkSelection(_ options: Options) throws {
        let galleries = try catalog.galleries().map(\.identity.id).sorted()
        if let unknown = options.galleries.sorted().first(where: { !galleries.contains($0) }) {
            throw SelectionError(option: "--gallery", value: unknown, known: galleries)
        }
        let configured = settings.renditions.map(\.name)
        if case .rendition(let name) = options.source, !configured.contains(name) {
            throw SelectionError(option: "--from-rendition", value: name, known: configured)
        }
        // Only read every frame's renditions when a name is not in the settings (rare: a typo,
        // or an obsolete rendition to prune).
        guard options.renditions.contains(where: { !configured.contains($0) }) else { return }
        var known = Set(configured)
        for gallery in galleries {
            for frame in try catalog.frames(inGallery: gallery) { known.formUnion(frame.renditions.map(\.name)) }
        }
        if let unknown = options.renditions.sorted().first(where: { !known.contains($0) }) {
            throw SelectionError(option: "--rendition", value: unknown, known: configured + known.subtracting(configured).sorted())
        }
    }
}
