import Foundation

/// A page file's frames as the site reads them (`JSONReader`): the fields `PublishedFrame` holds,
/// everything else skipped. Reads what JSONDecoder reads from the same file (a test compares them).
extension PublishedPage {
    static func frames(in data: Data) throws -> [PublishedFrame] {
        try JSONReader.read(data) { reader in
            var schema: String?
            var frames: [PublishedFrame]?
            try reader.object { reader, key in
                switch key {
                case "schema": schema = try reader.string()
                case "frames":
                    var list: [PublishedFrame] = []
                    try reader.array { list.append(try PublishedFrame(reading: &$0)) }
                    frames = list
                default: try reader.skipValue()
                }
            }
            guard schema != nil, let frames else { throw reader.failure("a page needs its schema and frames") }
            return frames
        }
    }
}

extension PublishedFrame {
    init(reading reader: inout JSONReader) throws {
        var id: String?, source: String?, format: String?, width: Int?, height: Int?, captured: String?
        var camera: Camera?, lens: String?, focalLength: Double?, fNumber: Double?, exposureTime: Double?, iso: Int?
        var gps: GPS?, renditions: [String: Rendition]?
        try reader.object { reader, key in
            switch key {
            case "id": id = try reader.string()
            case "source": source = try reader.string()
            case "format": format = try reader.optional { try $0.string() }
            case "width": width = try reader.int()
            case "height": height = try reader.int()
            case "captured": captured = try reader.optional { try $0.string() }
            case "camera": camera = try reader.optional { try Camera(reading: &$0) }
            case "lens": lens = try reader.optional { try $0.string() }
            case "focalLength": focalLength = try reader.optional { try $0.double() }
            case "fNumber": fNumber = try reader.optional { try $0.double() }
            case "exposureTime": exposureTime = try reader.optional { try $0.double() }
            case "iso": iso = try reader.optional { try $0.int() }
            case "gps": gps = try reader.optional { try GPS(reading: &$0) }
            case "renditions":
                var found: [String: Rendition] = [:]
                try reader.object { reader, name in found[name] = try Rendition(reading: &reader) }
                renditions = found
            default: try reader.skipValue()
            }
        }
        guard let id, let source, let width, let height, let renditions else {
            throw reader.failure("a frame needs its id, source, width, height and renditions")
        }
        self.init(id: id, source: source, format: format, width: width, height: height, captured: captured, camera: camera,
                  lens: lens, focalLength: focalLength, fNumber: fNumber, exposureTime: exposureTime, iso: iso, gps: gps,
                  renditions: renditions)
    }
}

extension PublishedFrame.Camera {
    init(reading reader: inout JSONReader) throws {
        var make: String?, model: String?
        try reader.object { reader, key in
            switch key {
            case "make": make = try reader.optional { try $0.string() }
            case "model": model = try reader.optional { try $0.string() }
            default: try reader.skipValue()
            }
        }
        self.init(make: make, model: model)
    }
}

extension PublishedFrame.GPS {
    init(reading reader: inout JSONReader) throws {
        var latitude: Double?, longitude: Double?, altitude: Double?
        try reader.object { reader, key in
            switch key {
            case "latitude": latitude = try reader.double()
            case "longitude": longitude = try reader.double()
            case "altitude": altitude = try reader.optional { try $0.double() }
            default: try reader.skipValue()
            }
        }
        guard let latitude, let longitude else { throw reader.failure("a position needs its latitude and longitude") }
        self.init(latitude: latitude, longitude: longitude, altitude: altitude)
    }
}

extension PublishedFrame.Rendition {
    init(reading reader: inout JSONReader) throws {
        var path: String?, width: Int?, height: Int?
        try reader.object { reader, key in
            switch key {
            case "path": path = try reader.string()
            case "width": width = try reader.int()
            case "height": height = try reader.int()
            default: try reader.skipValue()
            }
        }
        guard let path, let width, let height else { throw reader.failure("a rendition needs its path, width and height") }
        self.init(path: path, width: width, height: height)
    }
}
