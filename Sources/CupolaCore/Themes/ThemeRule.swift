/// A theme gallery (`[[theme]]` in the settings): frames chosen by what the catalog knows of them,
/// published beside the mission galleries without copying a rendition.
///
/// Keys combine as a filter: a frame matches a key when it matches any one of the key's values,
/// and it is in the theme when it matches every key the rule gives. A rule gives at least one key.
public struct ThemeRule: Hashable, Sendable, Codable {
    public let id: String
    public let title: String
    /// Compared with the frame's keywords (XMP `dc:subject`, IPTC Keywords) case-insensitively.
    public let keywords: [String]
    /// Globs on the path under the frame's SOURCE folder (`FolderGlob`).
    public let folders: [FolderGlob]
    public let frames: [FrameRange]
    public let captured: [CaptureSpan]

    public init(id: String, title: String, keywords: [String] = [], folders: [FolderGlob] = [],
                frames: [FrameRange] = [], captured: [CaptureSpan] = []) {
        self.id = id
        self.title = title
        self.keywords = keywords
        self.folders = folders
        self.frames = frames
        self.captured = captured
    }

    /// What decides membership; the title only names the gallery.
    public var selection: Selection { Selection(keywords: keywords, folders: folders, frames: frames, captured: captured) }

    public struct Selection: Hashable, Sendable, Codable {
        let keywords: [String]
        let folders: [FolderGlob]
        let frames: [FrameRange]
        let captured: [CaptureSpan]
    }

    /// Keywords folded once, for comparison with each frame's.
    public var foldedKeywords: Set<String> { Set(keywords.map(Self.fold)) }

    static func fold(_ keyword: String) -> String {
        keyword.folding(options: [.caseInsensitive], locale: nil)
    }

    public func matches(_ frame: ThemeFacts, keywords folded: Set<String>) -> Bool {
        if !keywords.isEmpty && !frame.keywords.contains(where: { folded.contains(Self.fold($0)) }) { return false }
        if !folders.isEmpty && !folders.contains(where: { $0.matches(frame.pathUnderSource) }) { return false }
        if !frames.isEmpty && !frames.contains(where: { $0.contains(frame) }) { return false }
        if !captured.isEmpty {
            guard let time = frame.captured.flatMap(CaptureSpan.instant) else { return false }
            if !captured.contains(where: { $0.contains(time) }) { return false }
        }
        return true
    }

    /// The gallery identity a theme is published under.
    public var identity: GalleryIdentity { GalleryIdentity(theme: id, title: title) }
}

/// What a rule looks at, read from the catalog: nothing here needs the file.
public struct ThemeFacts {
    /// The mission gallery id (`iss069`), the roll and frame number; nil for names that do not parse.
    var gallery: String
    var roll: String?
    var frameNumber: Int?
    var pathUnderSource: String
    var captured: String?
    var keywords: [String]
}

extension ThemeFacts {
    /// From a catalog row: `path` and `root` as the source records them (empty when no rule
    /// looks at folders), the path under the SOURCE worked out here.
    public init(gallery: String, roll: String?, frameNumber: Int?, path: [UInt8], root: [UInt8],
                captured: String?, keywords: [String]) {
        let under = path.starts(with: root) ? path.dropFirst(root.count).drop(while: { $0 == UInt8(ascii: "/") }) : path[...]
        self.init(gallery: gallery, roll: roll, frameNumber: frameNumber,
                  pathUnderSource: String(decoding: under, as: UTF8.self), captured: captured, keywords: keywords)
    }
}
