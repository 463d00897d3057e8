import CupolaCore
import Testing

@Suite("Settings file")
struct SettingsFileTests {
    @Test("an absent key keeps its built-in default")
    func defaults() throws {
        let settings = try SettingsFile.parse("", file: "cupola.toml")
        #expect(settings == Settings())
        #expect(settings.renditions.map(\.name) == ["large", "medium", "thumb"])
        #expect(settings.renditions.map(\.size) == [2048, 1024, 256])
    }

    @Test("renditions replace the default set, with every key read")
    func renditions() throws {
        let settings = try SettingsFile.parse("""
            timezone = "America/Chicago"
            jobs = 3
            [limits]
            max_megapixels = 50
            frame_timeout_seconds = 5
            [[rendition]]
            name = "web"
            size = 1600
            format = "webp"
            quality = 70
            """, file: "cupola.toml")
        #expect(settings.timezone == "America/Chicago")
        #expect(settings.jobs == 3)
        #expect(settings.maxMegapixels == 50)
        #expect(settings.frameTimeoutSeconds == 5)
        #expect(settings.renditions == [RenditionSpec(name: "web", size: 1600, format: .webp, quality: 70)])
    }

    @Test("an unknown key is named with its line")
    func unknownKey() {
        let error = #expect(throws: SettingsError.self) {
            try SettingsFile.parse("timezone = \"UTC\"\n\n[limits]\nmax_megapixel = 10\n", file: "lib/cupola.toml")
        }
        #expect(error?.line == 4)
        #expect(error?.description.contains("max_megapixel") == true)
        #expect(error?.description.hasPrefix("lib/cupola.toml:4:") == true)
    }

    @Test("bad values are refused with the key's name",
          arguments: ["jobs = -1", "timezone = \"Mars/Olympus\"", "[[rendition]]\nname = \"x\"\nsize = 9\n",
                      "[[rendition]]\nname = \"../up\"\nsize = 100\n", "[[rendition]]\nname = \"a\"\nsize = 100\nformat = \"gif\"\n",
                      "[[rendition]]\nname = \"a\"\nsize = 100\n[[rendition]]\nname = \"a\"\nsize = 50\n", "jobs = ",
                      "[[rendition]]\nname = \"pages\"\nsize = 100\n"])
    func badValues(text: String) {
        #expect(throws: SettingsError.self) { try SettingsFile.parse(text, file: "cupola.toml") }
    }
}
