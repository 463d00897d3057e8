/// The EXIF tags Cupola reads, by number (libexif 0.6.24 lacks names for some of the newer ones).
enum ExifTags {
    static let make: UInt16 = 0x010F
    static let model: UInt16 = 0x0110
    static let orientation: UInt16 = 0x0112
    static let dateTime: UInt16 = 0x0132

    static let exposureTime: UInt16 = 0x829A
    static let fNumber: UInt16 = 0x829D
    static let iso: UInt16 = 0x8827
    static let dateTimeOriginal: UInt16 = 0x9003
    static let dateTimeDigitized: UInt16 = 0x9004
    static let offsetTime: UInt16 = 0x9010
    static let offsetTimeOriginal: UInt16 = 0x9011
    static let offsetTimeDigitized: UInt16 = 0x9012
    static let focalLength: UInt16 = 0x920A
    static let subSecTime: UInt16 = 0x9290
    static let subSecTimeOriginal: UInt16 = 0x9291
    static let subSecTimeDigitized: UInt16 = 0x9292
    static let bodySerialNumber: UInt16 = 0xA431
    static let lensSpecification: UInt16 = 0xA432
    static let lensModel: UInt16 = 0xA434

    static let gpsLatitudeRef: UInt16 = 0x0001
    static let gpsLatitude: UInt16 = 0x0002
    static let gpsLongitudeRef: UInt16 = 0x0003
    static let gpsLongitude: UInt16 = 0x0004
    static let gpsAltitudeRef: UInt16 = 0x0005
    static let gpsAltitude: UInt16 = 0x0006
}
