import CupolaCore
import Testing

/// Every mission code form of NASA's astronaut photography (docs/MISSIONS.md), in each spelling.
@Suite("Mission codes of every program")
struct MissionNameTests {
    struct Form: CustomTestStringConvertible, Sendable {
        let file: String
        let id: String
        let gallery: String
        let title: String
        let program: String
        var testDescription: String { file }
    }

    static let forms: [Form] = [
        Form(file: "MR3-1-12.jpg", id: "MR3-1-12", gallery: "mr3", title: "Mercury-Redstone 3", program: "Mercury"),
        Form(file: "MA6-1-5.jpg", id: "MA6-1-5", gallery: "ma6", title: "Mercury-Atlas 6", program: "Mercury"),
        Form(file: "MA06-1-0005.jpg", id: "MA6-1-5", gallery: "ma6", title: "Mercury-Atlas 6", program: "Mercury"),
        Form(file: "GEM04-43-3550.jpg", id: "GT4-43-3550", gallery: "gt4", title: "Gemini IV", program: "Gemini"),
        Form(file: "GT4-43-3550.jpg", id: "GT4-43-3550", gallery: "gt4", title: "Gemini IV", program: "Gemini"),
        Form(file: "gt12-51-7554.jpg", id: "GT12-51-7554", gallery: "gt12", title: "Gemini XII", program: "Gemini"),
        Form(file: "AS11-40-5903.jpg", id: "AS11-40-5903", gallery: "as11", title: "Apollo 11", program: "Apollo"),
        Form(file: "AS07-3-1545.JPG", id: "AS7-3-1545", gallery: "as7", title: "Apollo 7", program: "Apollo"),
        Form(file: "as7-3-01545.jpg", id: "AS7-3-1545", gallery: "as7", title: "Apollo 7", program: "Apollo"),
        Form(file: "AS17-148-22727.jpg", id: "AS17-148-22727", gallery: "as17", title: "Apollo 17", program: "Apollo"),
        Form(file: "SL4-143-4706.jpg", id: "SL4-143-4706", gallery: "sl4", title: "Skylab 4", program: "Skylab"),
        Form(file: "SL2-4-187.tif", id: "SL2-4-187", gallery: "sl2", title: "Skylab 2", program: "Skylab"),
        Form(file: "AST-1-46.jpg", id: "AST-1-46", gallery: "ast", title: "Apollo-Soyuz", program: "Apollo-Soyuz"),
        Form(file: "STS001-12-345.jpg", id: "STS001-12-345", gallery: "sts001", title: "STS-1", program: "Shuttle"),
        Form(file: "sts098-312-0020.jpg", id: "STS098-312-20", gallery: "sts098", title: "STS-98", program: "Shuttle"),
        Form(file: "STS135-E-11001.JPG", id: "STS135-E-11001", gallery: "sts135", title: "STS-135", program: "Shuttle"),
        Form(file: "sts135e011001.jpg", id: "STS135-E-11001", gallery: "sts135", title: "STS-135", program: "Shuttle"),
        Form(file: "STS41B-35-1601.jpg", id: "STS41B-35-1601", gallery: "sts41b", title: "STS-41-B", program: "Shuttle"),
        Form(file: "41B-35-1601.jpg", id: "STS41B-35-1601", gallery: "sts41b", title: "STS-41-B", program: "Shuttle"),
        Form(file: "STS51L-10-3.jpg", id: "STS51L-10-3", gallery: "sts51l", title: "STS-51-L", program: "Shuttle"),
        Form(file: "61c-45-12.jpg", id: "STS61C-45-12", gallery: "sts61c", title: "STS-61-C", program: "Shuttle"),
        Form(file: "NM21-702-57.jpg", id: "NM21-702-57", gallery: "nm21", title: "Mir-21", program: "Mir"),
        Form(file: "NM23-E-5021.jpg", id: "NM23-E-5021", gallery: "nm23", title: "Mir-23", program: "Mir"),
        Form(file: "NASA6-702-12.jpg", id: "NASA6-702-12", gallery: "nasa6", title: "NASA-6", program: "Mir"),
        Form(file: "NASA7-E-1234.jpg", id: "NASA7-E-1234", gallery: "nasa7", title: "NASA-7", program: "Mir"),
        Form(file: "ISS001-323-31.jpg", id: "ISS001-323-31", gallery: "iss001", title: "Expedition 1", program: "ISS"),
        Form(file: "ISS040-E-6000.JPG", id: "ISS040-E-6000", gallery: "iss040", title: "Expedition 40", program: "ISS"),
        Form(file: "iss040e006000.jpg", id: "ISS040-E-6000", gallery: "iss040", title: "Expedition 40", program: "ISS"),
        Form(file: "iss073e0899142.jpg", id: "ISS073-E-899142", gallery: "iss073", title: "Expedition 73", program: "ISS"),
        Form(file: "ISS073-E-899142.jpg", id: "ISS073-E-899142", gallery: "iss073", title: "Expedition 73", program: "ISS"),
        Form(file: "ISS030-ESC-1234.jpg", id: "ISS030-ESC-1234", gallery: "iss030", title: "Expedition 30", program: "ISS"),
        Form(file: "ISS030-ESC1-01234.jpg", id: "ISS030-ESC1-1234", gallery: "iss030", title: "Expedition 30", program: "ISS"),
        Form(file: "ART002-E-4001.jpg", id: "ART002-E-4001", gallery: "art002", title: "Artemis II", program: "Artemis"),
        Form(file: "art001-e-12.jpg", id: "ART001-E-12", gallery: "art001", title: "Artemis I", program: "Artemis"),
    ]

    @Test("each form files its frame under its mission, titled as NASA writes it", arguments: forms)
    func form(_ form: Form) throws {
        let name = try #require(FrameName(fileName: form.file))
        #expect(name.id == form.id)
        #expect(name.gallery.id == form.gallery)
        #expect(name.gallery.title == form.title)
        #expect(name.gallery.program == form.program)
        #expect(name.program.rawValue == form.program)
        #expect(name.gallery.order != nil)
    }

    @Test("codes of missions that never flew, or malformed, do not parse",
          arguments: ["AS6-1-1.jpg", "AS18-1-1.jpg", "AS011-1-1.jpg", "SL1-1-1.jpg", "SL5-1-1.jpg", "GT2-1-1.jpg",
                      "GEM13-1-1.jpg", "MA5-1-1.jpg", "MR5-1-1.jpg", "STS41A-1-1.jpg", "41A-1-1.jpg", "51-1-1.jpg",
                      "NM17-1-1.jpg", "NASA8-1-1.jpg", "ART000-E-1.jpg", "AST1-1-1.jpg", "ISS040-ESCAPE-1.jpg",
                      "as11e005903.jpg", "STS41B-35.jpg", "ISS040-E-12345678.jpg", "XYZ12-1-1.jpg"])
    func rejected(file: String) {
        #expect(FrameName(fileName: file) == nil)
    }

    @Test("missions sort chronologically by program, then within it; other galleries last")
    func chronologicalOrder() throws {
        let files = ["ART002-E-1", "ISS001-E-1", "NASA6-1-1", "NM21-1-1", "STS026-1-1", "STS51L-1-1", "STS41B-1-1",
                     "STS009-1-1", "AST-1-1", "SL4-1-1", "SL2-1-1", "AS17-1-1", "AS7-1-1", "GT7-1-1", "GT6-1-1",
                     "GT3-1-1", "MA9-1-1", "MR3-1-1"]
        let galleries = try files.map { try #require(FrameName(fileName: $0)).gallery } + [GalleryIdentity.unassigned]
        #expect(galleries.shuffled().sorted().map(\.id) == [
            "mr3", "ma9", "gt3", "gt7", "gt6", "as7", "as17", "sl2", "sl4", "ast", "sts009", "sts41b", "sts51l", "sts026",
            "nm21", "nasa6", "iss001", "art002", "unassigned",
        ])
    }
}
