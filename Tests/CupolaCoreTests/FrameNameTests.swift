import CupolaCore
import Testing

@Suite("Mission-Roll-Frame names")
struct FrameNameTests {
    @Test("dashed and compact spellings give the same canonical id and gallery",
          arguments: ["ISS069-E-12345.JPG", "iss069e012345.jpg", "ISS069-E-012345.jpeg", "iss069e0012345.JPG"])
    func bothSpellings(file: String) throws {
        let name = try #require(FrameName(fileName: file))
        #expect(name.id == "ISS069-E-12345")
        #expect(name.mission == "ISS069")
        #expect(name.roll == "E")
        #expect(name.frame == 12345)
        #expect(name.gallery.id == "iss069")
        #expect(name.gallery.title == "Expedition 69")
        #expect(name.gallery.expedition == 69)
    }

    @Test("shuttle missions and film rolls")
    func shuttleAndFilm() throws {
        let shuttle = try #require(FrameName(fileName: "STS102-E-5223.JPG"))
        #expect(shuttle.id == "STS102-E-5223")
        #expect(shuttle.gallery.id == "sts102")
        #expect(shuttle.gallery.title == "STS-102")
        #expect(shuttle.gallery.expedition == nil)
        let film = try #require(FrameName(fileName: "sts098-312-0020.jpg"))
        #expect(film.roll == "312")
        #expect(film.frame == 20)
        #expect(film.id == "STS098-312-20")
        #expect(film.gallery.id == "sts098")
        #expect(film.gallery.title == "STS-98", "NASA writes shuttle flights without leading zeros")
        #expect(try #require(FrameName(fileName: "STS007-E-1.JPG")).gallery.title == "STS-7")
    }

    @Test("names that are not frame ids do not parse",
          arguments: ["IMG_0001.JPG", "iss069e1234.jpg", "iss069e12345678.jpg", "ISS69-E-1.JPG", "ISS069-E-.JPG",
                      "ISS069-E-12345-2.JPG", "xss069e012345.jpg", "",
                      // Mission 0 is no mission: no "Expedition 0".
                      "ISS000-E-1.jpg", "iss000e012345.jpg", "STS000-E-5.JPG"])
    func rejected(file: String) {
        #expect(FrameName(fileName: file) == nil)
    }
}
