/// Which renditions of one frame do not match the settings.
public struct RenditionPlan: Sendable {
    public let frame: CatalogFrame
    /// Renditions to build: missing, made with other settings, or forced.
    public let stale: [RenditionSpec]
    /// Renditions whose name is no longer in the settings.
    public let obsolete: [RenditionRecord]
    /// Renditions made with the current settings whose file is there (whether or not selected for
    /// rebuilding).
    let current: [RenditionRecord]
    /// Recorded renditions whose file is gone.
    let missing: Set<String>
    let forced: Bool

    /// `missing` names recorded renditions whose file is gone: they are rebuilt like stale ones.
    public init(frame: CatalogFrame, settings: [RenditionSpec], only names: Set<String> = [], force: Bool = false,
                missing: Set<String> = []) {
        self.frame = frame
        self.missing = missing
        forced = force
        let recorded = Dictionary(uniqueKeysWithValues: frame.renditions.map { ($0.name, $0) })
        stale = settings.filter { spec in
            guard names.isEmpty || names.contains(spec.name) else { return false }
            return force || missing.contains(spec.name) || recorded[spec.name]?.fingerprint != spec.fingerprint
        }
        let named = Set(settings.map(\.name))
        obsolete = frame.renditions.filter { !named.contains($0.name) && (names.isEmpty || names.contains($0.name)) }
        current = frame.renditions.filter { record in
            !missing.contains(record.name) && settings.contains { $0.name == record.name && $0.fingerprint == record.fingerprint }
        }
    }

    /// Why a stale rendition is rebuilt, for `regenerate --dry-run`.
    public func reason(_ spec: RenditionSpec) -> String {
        guard let record = frame.renditions.first(where: { $0.name == spec.name }) else { return "new" }
        if missing.contains(spec.name) { return "missing" }
        return record.fingerprint != spec.fingerprint ? "settings changed" : forced ? "forced" : "up to date"
    }

    public var isEmpty: Bool { stale.isEmpty && obsolete.isEmpty }

    /// How much larger than a stale rendition its source rendition must be. At 2x and more each
    /// new pixel averages four or more old ones and the source's JPEG error averages out: measured
    /// on the 48 full-size bench frames, thumbs derived from the large rendition differ from thumbs
    /// decoded from the originals by 0.80 of 255 on average, while two equally valid resampling
    /// routes from the original (ingest's and regenerate's) already differ by 1.76.
    static let derivationRatio = 2

    /// The smallest up-to-date rendition, not itself being rebuilt, that is at least
    /// `derivationRatio` times as large as every stale rendition needs (never enlarged: a stale
    /// rendition needs at most the original's size). nil when there is none: decode the original.
    func derivationBase() -> RenditionRecord? {
        let candidates = current.filter { record in !stale.contains { $0.name == record.name } && covers(record, ratio: Self.derivationRatio) }
        return candidates.min { max($0.width, $0.height) < max($1.width, $1.height) }
    }

    /// The rendition `name`, when it is up to date, not itself stale, and holds every pixel the
    /// stale renditions need (at least their size, or the whole original): `--from-rendition`.
    func base(named name: String) -> RenditionRecord? {
        guard let record = current.first(where: { $0.name == name }),
              !stale.contains(where: { $0.name == name }), covers(record, ratio: 1) else { return nil }
        return record
    }

    /// For `verify --repair` when the original cannot be used: the base `derivationBase` would
    /// take, else the largest up-to-date rendition that holds every pixel needed. `intact` says
    /// which renditions passed verification.
    func repairBase(intact: Set<String>) -> RenditionRecord? {
        let usable = current.filter { record in intact.contains(record.name) && !stale.contains { $0.name == record.name } }
        let byEdge: (RenditionRecord, RenditionRecord) -> Bool = { max($0.width, $0.height) < max($1.width, $1.height) }
        if let base = usable.filter({ covers($0, ratio: Self.derivationRatio) }).min(by: byEdge) { return base }
        return usable.filter { covers($0, ratio: 1) }.max(by: byEdge)
    }

    private func covers(_ record: RenditionRecord, ratio: Int) -> Bool {
        let edge = max(record.width, record.height)
        let originalEdge = max(frame.width, frame.height)
        return stale.allSatisfy { edge >= ratio * min($0.size, originalEdge) }
    }
}
