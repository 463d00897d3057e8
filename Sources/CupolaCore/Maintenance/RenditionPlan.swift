/// Which renditions of one frame do not match the settings.
public struct RenditionPlan: Sendable {
    public let frame: CatalogFrame
    /// Renditions to build: missing, made with other settings, or forced.
    public let stale: [RenditionSpec]
    /// Renditions whose name is no longer in the settings.
    public let obsolete: [RenditionRecord]

    public init(frame: CatalogFrame, settings: [RenditionSpec], only names: Set<String> = [], force: Bool = false) {
        self.frame = frame
        let recorded = Dictionary(uniqueKeysWithValues: frame.renditions.map { ($0.name, $0) })
        stale = settings.filter { spec in
            guard names.isEmpty || names.contains(spec.name) else { return false }
            return force || recorded[spec.name]?.fingerprint != spec.fingerprint
        }
        let current = Set(settings.map(\.name))
        obsolete = frame.renditions.filter { !current.contains($0.name) && (names.isEmpty || names.contains($0.name)) }
    }

    public var isEmpty: Bool { stale.isEmpty && obsolete.isEmpty }

    /// The rendition `name`, when it is up to date, not itself stale, and holds every pixel the
    /// stale renditions need (at least their size, or the whole original).
    func base(named name: String) -> RenditionRecord? {
        guard let record = frame.renditions.first(where: { $0.name == name }),
              !stale.contains(where: { $0.name == name }) else { return nil }
        let edge = max(record.width, record.height)
        let originalEdge = max(frame.width, frame.height)
        return stale.allSatisfy { edge >= min($0.size, originalEdge) } ? record : nil
    }
}
