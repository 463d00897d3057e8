import CupolaCore
import Foundation
import Logging

/// One line per event on stderr, as text or as JSON objects (for journald or ELK).
enum EventLog {
    enum Format: String, CaseIterable, Codable { case text, json }

    static func bootstrap(_ format: Format) {
        LoggingSystem.bootstrap { label in
            switch format {
            case .text: return StreamLogHandler.standardError(label: label)
            case .json: return JSONLogHandler(label: label)
            }
        }
    }

    /// Logs what became of one file.
    static func log(_ result: FrameResult, to logger: Logger) {
        switch result {
        case .ingested(let frame, _):
            logger.info("ingested", metadata: ["file": "\(frame.source.label)", "frame": "\(frame.id)", "gallery": "\(frame.gallery.id)"])
        case .linked(let frame, _, let twin):
            logger.info("ingested", metadata: ["file": "\(frame.source.label)", "frame": "\(frame.id)", "gallery": "\(frame.gallery.id)",
                                               "sameContentAs": "\(twin)"])
        case .unchanged(let source):
            logger.debug("unchanged", metadata: ["file": "\(source.label)"])
        case .rejected(let source):
            logger.warning("rejected", metadata: ["file": "\(source.label)", "reason": "\(source.reason ?? "")"])
        case .failed(let source, _):
            logger.error("failed", metadata: ["file": "\(source.label)", "reason": "\(source.reason ?? "")"])
        case .vanished(let path):
            logger.info("vanished", metadata: ["file": "\(path)"])
        }
    }
}

/// swift-log handler writing one JSON object per line.
struct JSONLogHandler: LogHandler {
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: String] = [
            "time": ISO8601DateFormatter().string(from: Date()), "level": event.level.rawValue,
            "logger": label, "message": event.message.description,
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { object[key] = "\(value)" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(object) else { return }
        FileHandle.standardError.write(data + Data("\n".utf8))
    }
}
