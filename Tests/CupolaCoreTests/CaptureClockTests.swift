import CupolaCore
import Foundation
import Testing

@Suite("Capture times in UTC")
struct CaptureClockTests {
    let utc = CaptureClock()

    @Test("sub-second digits are kept as the camera wrote them")
    func subSeconds() {
        #expect(utc.utc(dateTime: "2023:04:02 10:11:12", subSeconds: "30", offset: nil) == "2023-04-02T10:11:12.30Z")
        #expect(utc.utc(dateTime: "2023:04:02 10:11:12", subSeconds: "05 ", offset: nil) == "2023-04-02T10:11:12.05Z")
        #expect(utc.utc(dateTime: "2023:04:02 10:11:12", subSeconds: nil, offset: nil) == "2023-04-02T10:11:12Z")
    }

    @Test("OffsetTimeOriginal wins over the configured zone")
    func offsetApplied() {
        let tokyo = CaptureClock(zone: TimeZone(identifier: "Asia/Tokyo")!)
        #expect(tokyo.utc(dateTime: "2022:08:14 14:12:31", subSeconds: nil, offset: "+03:00") == "2022-08-14T11:12:31Z")
        #expect(utc.utc(dateTime: "2022:12:31 23:30:00", subSeconds: nil, offset: "-05:00") == "2023-01-01T04:30:00Z")
    }

    @Test("the configured zone applies when the camera wrote no offset")
    func configuredZone() {
        let houston = CaptureClock(zone: TimeZone(identifier: "America/Chicago")!)
        #expect(houston.utc(dateTime: "2023:07:01 12:00:00", subSeconds: nil, offset: nil) == "2023-07-01T17:00:00Z")
    }

    @Test("impossible dates give no time", arguments: ["0000:00:00 00:00:00", "2023:13:01 00:00:00", "garbage", "    :  :     :  :  "])
    func invalid(text: String) {
        #expect(utc.utc(dateTime: text, subSeconds: nil, offset: nil) == nil)
    }
}
