@testable import CupolaCore
import Testing

/// The site's escaping, including the shortcut taken for text with nothing to escape.
@Suite("Escaping for the site")
struct HTMLTextTests {
    @Test("markup, quotes and script-closing characters are escaped; plain text comes back as it was")
    func escaping() {
        #expect(HTMLText.escape("<script>alert('1')</script> & \"x\"")
                == "&lt;script&gt;alert(&#39;1&#39;)&lt;/script&gt; &amp; &quot;x&quot;")
        #expect(HTMLText.escape("NIKON D5 · 24-70 mm f/2.8 — Ω") == "NIKON D5 · 24-70 mm f/2.8 — Ω")
        #expect(HTMLText.scriptSafe("{\"a\":\"</script>\u{2028}\u{2029}&\"}") == "{\"a\":\"\\u003c/script\\u003e\\u2028\\u2029\\u0026\"}")
        // U+2026 shares its first byte (0xE2) with U+2028 and stays as it is.
        #expect(HTMLText.scriptSafe("{\"a\":\"…\"}") == "{\"a\":\"…\"}")
    }

    @Test("a path is percent-encoded by segment unless it is plain letters, digits and -._/")
    func urlPaths() {
        #expect(HTMLText.urlPath("large/ISS069-E-12345_v2.jpg") == "large/ISS069-E-12345_v2.jpg")
        #expect(HTMLText.urlPath("large/a b#c?.jpg") == "large/a%20b%23c%3F.jpg")
        #expect(HTMLText.urlPath("thumb/é&'.jpg") == "thumb/%C3%A9%26%27.jpg")
    }

    @Test("capture times read as people write them; camera names drop a repeated make and stray spaces")
    func timesAndCameras() {
        #expect(HTMLText.time("2023-04-02T10:11:12.30Z") == "2023-04-02 10:11:12.30 UTC")
        #expect(HTMLText.time("2023-04-02T10:11:12+02:00") == "2023-04-02 10:11:12+02:00")
        #expect(HTMLText.time(nil) == nil)
        #expect(SiteFrame.cameraName(make: "NIKON CORPORATION", model: "NIKON D5") == "NIKON D5")
        #expect(SiteFrame.cameraName(make: " Canon ", model: "EOS R5\t") == "Canon EOS R5")
        #expect(SiteFrame.cameraName(make: nil, model: " Pixel 7 ") == "Pixel 7")
        #expect(SiteFrame.cameraName(make: "Apple", model: nil) == "Apple")
    }
}
