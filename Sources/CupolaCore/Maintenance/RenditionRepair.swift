/// How `verify --repair` rebuilds broken renditions: from the original when it is the ingested file
/// (as ever), else from an intact larger rendition of the frame, so a thumb survives the loss of
/// its original as long as a larger rendition does.
enum RenditionRepair {
    /// The plan for a frame's broken renditions and where to make them from; `intact` names the
    /// renditions verification found sound.
    static func plan(_ frame: CatalogFrame, broken: [RenditionRecord], intact: Set<String>,
                     settings: Settings) -> (RenditionPlan, Regenerator.Route) {
        let specs = broken.map { record in
            settings.renditions.first { $0.name == record.name } ?? RenditionSpec(name: record.name, size: max(record.width, record.height))
        }
        let plan = RenditionPlan(frame: frame, settings: specs + settings.renditions.filter { spec in !specs.contains { $0.name == spec.name } },
                                 only: Set(specs.map(\.name)), force: true)
        return (plan, Regenerator.Route(base: plan.repairBase(intact: intact), originalFirst: true))
    }

    /// The problems left after a repair, each rendition that could not be rebuilt with the reason.
    static func explain(_ remaining: [LibraryVerifier.Problem], failures: [RunSummary.Problem],
                        filesOfFrame: [String: [String]]) -> [LibraryVerifier.Problem] {
        var reasons: [String: String] = [:]
        for failure in failures {
            for file in filesOfFrame[failure.file] ?? [] { reasons[file] = failure.reason }
        }
        return remaining.map { problem in
            guard [.renditionMissing, .renditionDamaged].contains(problem.kind), let reason = reasons[problem.file] else { return problem }
            var explained = problem
            explained.repairable = false
            explained.detail = (problem.detail.isEmpty ? "" : problem.detail + "; ") + "not repaired: \(reason)"
            return explained
        }
    }
}
