import Foundation

extension SyntheticRaw {
    /// The same picture laid out as a Nikon NEF is: IFD 0 names the camera and points at SubIFDs,
    /// the embedded JPEG preview first (JPEGInterchangeFormat) and the CFA data, uncompressed, after
    /// it; no DNG tags, so LibRaw takes it through its Nikon path rather than its DNG one. Its
    /// colour comes from LibRaw's own table for the model, not from the file.
    public func nef() throws -> Data {
        let sensor = try sensor()
        var tiff = TIFFWriter()
        var main = TIFFWriter.IFD()
        main.long(254, 1)
        main.ascii(271, exif.make ?? "NIKON CORPORATION")
        main.ascii(272, exif.model ?? "NIKON D5")
        main.shorts(274, [UInt16(orientation)])
        main.pointer(34665, to: .ifd(2))
        var raw = TIFFWriter.IFD()
        raw.long(254, 0)
        raw.long(256, UInt32(sensor.width))
        raw.long(257, UInt32(sensor.height))
        raw.shorts(258, [16])
        raw.shorts(259, [1])
        raw.shorts(262, [32803])
        raw.pointer(273, to: .block(0))
        raw.shorts(277, [1])
        raw.long(278, UInt32(sensor.height))
        raw.long(279, UInt32(sensor.mosaic.count))
        raw.shorts(284, [1])
        raw.shorts(33421, [2, 2])
        raw.bytes(33422, [0, 1, 1, 2])
        tiff.ifds = [main, raw, exifIFD()]
        tiff.blocks = [sensor.mosaic]
        if let gps = exif.gps {
            tiff.ifds[0].pointer(34853, to: .ifd(tiff.ifds.count))
            tiff.ifds.append(Self.gpsIFD(gps))
        }
        if let preview = sensor.preview {
            var jpeg = TIFFWriter.IFD()
            jpeg.long(254, 1)
            jpeg.shorts(259, [6])
            jpeg.pointer(513, to: .block(tiff.blocks.count))
            jpeg.long(514, UInt32(preview.jpeg.count))
            tiff.ifds[0].pointers(330, to: [.ifd(tiff.ifds.count), .ifd(1)])
            tiff.ifds.append(jpeg)
            tiff.blocks.append(preview.jpeg)
        } else {
            tiff.ifds[0].pointer(330, to: .ifd(1))
        }
        return tiff.write()
    }
}
