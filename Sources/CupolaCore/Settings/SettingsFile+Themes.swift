import TOMLKit

/// `[[theme]]` tables: `id`, `title`, and the keys that choose frames (`ThemeRule`).
extension SettingsFile {
    static let themeKeys: Set = ["id", "title", "keywords", "folders", "frames", "captured"]
    /// Galleries that are no mission but whose ids are taken.
    static let reservedGalleryIds: Set = [GalleryIdentity.unassigned.id]
}

extension SettingsFile.Reader {
    func theme(_ table: TOMLTable) throws(SettingsError) -> ThemeRule {
        try rejectUnknown(table, allowed: SettingsFile.themeKeys, section: "[theme]")
        guard let idValue = table["id"] else { throw error("a [[theme]] needs an id", key: "theme") }
        let id = try string(idValue, key: "id")
        try checkThemeId(id)
        let title = try table["title"].map { (value) throws(SettingsError) in try string(value, key: "title") } ?? id
        guard !title.trimmingCharacters(in: .whitespaces).isEmpty else { throw error("theme \"\(id)\" has an empty title", key: "title") }
        let keywords = try strings(table["keywords"], key: "keywords", theme: id)
        let folders = try strings(table["folders"], key: "folders", theme: id).map(FolderGlob.init)
        var frames: [FrameRange] = []
        for text in try strings(table["frames"], key: "frames", theme: id) {
            do throws(FrameRange.Malformed) {
                frames.append(try FrameRange(parsing: text))
            } catch {
                throw self.error("theme \"\(id)\": frames: \(error.reason)", key: "frames")
            }
        }
        var captured: [CaptureSpan] = []
        for text in try strings(table["captured"], key: "captured", theme: id) {
            do throws(CaptureSpan.Malformed) {
                captured.append(try CaptureSpan(parsing: text))
            } catch {
                throw self.error("theme \"\(id)\": captured: \(error.reason)", key: "captured")
            }
        }
        guard !(keywords.isEmpty && folders.isEmpty && frames.isEmpty && captured.isEmpty) else {
            throw error("theme \"\(id)\" chooses no frames: give keywords, folders, frames or captured", key: "id")
        }
        return ThemeRule(id: id, title: title, keywords: keywords, folders: folders, frames: frames, captured: captured)
    }

    /// A theme's id is a folder under `galleries/` and a gallery id in the index: the same
    /// characters as a rendition name, and never the id of a mission or of `unassigned`.
    private func checkThemeId(_ id: String) throws(SettingsError) {
        let shown = id.count > 40 ? id.prefix(40) + "…" : Substring(id)
        guard id.count <= 64 else { throw error("theme id \"\(shown)\" is \(id.count) characters long; the limit is 64", key: "id") }
        guard id.range(of: "^[a-z0-9][a-z0-9_-]*$", options: .regularExpression) != nil else {
            throw error("theme id \"\(shown)\" must start with a lower-case letter or digit and hold only "
                        + "lower-case letters, digits, - and _", key: "id")
        }
        if let mission = MissionCatalog.mission(code: Array(id.uppercased().utf8)), mission.code.lowercased() == id {
            throw error("theme id \"\(id)\" is the gallery id of \(mission.title); choose another", key: "id")
        }
        guard !SettingsFile.reservedGalleryIds.contains(id) else {
            throw error("theme id \"\(id)\" is taken by the gallery of frames without a mission", key: "id")
        }
    }

    /// A list of strings (one string is taken as a list of one); empty strings are refused.
    private func strings(_ value: TOMLValueConvertible?, key: String, theme: String) throws(SettingsError) -> [String] {
        guard let value else { return [] }
        if let one = value.string { return try nonEmpty([one], key: key, theme: theme) }
        guard let array = value.array else { throw error("theme \"\(theme)\": \(key) must be a list of strings", key: key) }
        var texts: [String] = []
        for item in array {
            guard let text = item.string else { throw error("theme \"\(theme)\": \(key) must be a list of strings", key: key) }
            texts.append(text)
        }
        return try nonEmpty(texts, key: key, theme: theme)
    }

    private func nonEmpty(_ texts: [String], key: String, theme: String) throws(SettingsError) -> [String] {
        guard texts.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw error("theme \"\(theme)\": \(key) holds an empty value", key: key)
        }
        return texts
    }
}
