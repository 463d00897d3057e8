import CVips
import Dispatch
import Foundation

/// Stops a libvips evaluation that runs past its deadline, through the image's kill flag, so one
/// pathological file cannot stall a worker (or a watcher) for long.
final class Watchdog {
    /// @unchecked: `lock` serialises firing against disarming, and the image is reached only
    /// under it; libvips' kill flag is meant to be set from another thread while evaluation runs.
    private final class Target: @unchecked Sendable {
        enum State { case armed(ImageHandle), disarmed, fired }
        let lock = NSLock()
        var state: State
        init(_ image: ImageHandle) { state = .armed(image) }
    }

    private let target: Target

    init(image: ImageHandle, seconds: Double) {
        let target = Target(image)
        self.target = target
        DispatchQueue.global().asyncAfter(deadline: .now() + max(0, seconds)) {
            target.lock.withLock {
                guard case .armed(let image) = target.state else { return }
                target.state = .fired
                vips_image_set_kill(image.pointer, 1)
            }
        }
    }

    /// Disarms the watchdog and lets go of the image; true when it had already fired.
    func disarm() -> Bool {
        target.lock.withLock {
            if case .fired = target.state { return true }
            target.state = .disarmed
            return false
        }
    }
}
