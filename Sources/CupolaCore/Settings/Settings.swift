import Crypto
import Foundation

/// One gallery rendition: fit inside a square of `size` on the long edge, never enlarged.
public struct RenditionSpec: Hashable, Sendable, Codable {
    public enum Format: String, Sendable, Codable, CaseIterable {
        case jpeg, webp
        public var fileExtension: String { self == .jpeg ? "jpg" : "webp" }
    }

    public let name: String
    public let size: Int
    public let format: Format
    public let quality: Int
    /// How a raw original is read (`[raw] prefer`); the same for every rendition of a run.
    public let rawPreference: RawPreference
    /// Everything that shapes the rendition's pixels and bytes. A rendition whose stored
    /// fingerprint differs from this one is out of date. Worked out once: every frame asks.
    public let fingerprint: String

    public init(name: String, size: Int, format: Format = .jpeg, quality: Int = 85, rawPreference: RawPreference = .automatic) {
        self.name = name
        self.size = size
        self.format = format
        self.quality = quality
        self.rawPreference = rawPreference
        // The raw route joins the recipe only when chosen, so libraries made before raw support
        // keep their fingerprints; switching `prefer` makes every rendition stale for regenerate.
        let recipe = "size=\(size);fit=inside;enlarge=no;format=\(format.rawValue);quality=\(quality);"
            + "colour=srgb;strip=yes;shrink-on-load=yes;vips=\(VipsRuntime.version)"
            + (rawPreference == .automatic ? "" : ";raw=\(rawPreference.rawValue)")
        fingerprint = Hashing.hex(SHA256.hash(data: Data(recipe.utf8)).prefix(8))
    }

    /// The same rendition with raw originals read another way.
    public func preferring(_ preference: RawPreference) -> RenditionSpec {
        RenditionSpec(name: name, size: size, format: format, quality: quality, rawPreference: preference)
    }

    private enum CodingKeys: String, CodingKey { case name, size, format, quality, rawPreference }

    public init(from decoder: Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try values.decode(String.self, forKey: .name), size: try values.decode(Int.self, forKey: .size),
                  format: try values.decode(Format.self, forKey: .format), quality: try values.decode(Int.self, forKey: .quality),
                  rawPreference: try values.decodeIfPresent(RawPreference.self, forKey: .rawPreference) ?? .automatic)
    }
}

/// Run settings: built-in defaults, overridden by `cupola.toml`.
public struct Settings: Hashable, Sendable {
    public var timezone: String = "UTC"
    /// 0 means one worker per core.
    public var jobs: Int = 0
    /// A catalog server's URL (`postgresql://…`), shared by every worker; nil: the library's own SQLite file.
    public var catalog: String?
    public var maxMegapixels: Double = 200
    public var frameTimeoutSeconds: Double = 60
    public var renditions: [RenditionSpec] = Settings.defaultRenditions
    /// `[raw] prefer`; every rendition spec carries it too (it is part of their fingerprints).
    public var rawPreference: RawPreference = .automatic {
        didSet { renditions = renditions.map { $0.preferring(rawPreference) } }
    }
    /// `[raw] pairs`: which original of a raw + JPEG pair is the frame.
    public var pairPrimary: PairPrimary = .jpeg

    /// `[[theme]]` galleries, in the order the settings give them.
    public var themes: [ThemeRule] = []
    /// `[site]`: the static gallery site and, with a base URL, the IIIF documents.
    public var site = SiteSettings()

    public static let defaultRenditions = [
        RenditionSpec(name: "large", size: 2048, quality: 85),
        RenditionSpec(name: "medium", size: 1024, quality: 85),
        RenditionSpec(name: "thumb", size: 256, quality: 80),
    ]

    public init() {}

    public var zone: TimeZone { TimeZone(identifier: timezone) ?? TimeZone(identifier: "UTC")! }

    public var workerCount: Int {
        jobs > 0 ? jobs : max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}

/// `[site]` in the settings.
public struct SiteSettings: Hashable, Sendable {
    /// Whether runs that publish manifests also write `DIR/site/`.
    public var enabled = true
    /// Where the library is served (`https://example.org/galleries/`); IIIF needs absolute ids.
    public var baseURL: String?

    public init(enabled: Bool = true, baseURL: String? = nil) {
        self.enabled = enabled
        self.baseURL = baseURL
    }
}
