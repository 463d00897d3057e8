import CVips
import Synchronization

/// libvips' warnings (GLib log domain "VIPS": loaders' complaints such as libtiff's "unknown
/// field") go to whoever asks for them instead of stderr, where they would reach cron mail with
/// no file named. What matters about a file already reaches its reason or warning in the summary.
public enum VipsWarnings {
    private static let sink = Mutex<(@Sendable (String) -> Void)?>(nil)

    /// Where warnings go from now on; nil drops them (the default).
    public static func route(to handler: (@Sendable (String) -> Void)?) {
        sink.withLock { $0 = handler }
    }

    /// Replaces GLib's default handler (which prints to stderr) for the "VIPS" domain. After
    /// `vips_init`, which installs its own handler only when `VIPS_WARNING` is set.
    static func install() {
        let levels = GLogLevelFlags(rawValue: G_LOG_LEVEL_WARNING.rawValue | G_LOG_LEVEL_MESSAGE.rawValue
                                    | G_LOG_LEVEL_INFO.rawValue | G_LOG_LEVEL_DEBUG.rawValue)
        g_log_set_handler("VIPS", levels, { _, _, message, _ in
            guard let message else { return }
            let text = String(cString: message)
            VipsWarnings.sink.withLock { $0 }?(text)
        }, nil)
    }
}
