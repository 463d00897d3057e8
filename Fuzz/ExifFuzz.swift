import Foundation

/// libFuzzer entry point: any bytes, as an EXIF block, through the same reader the pipeline uses
/// (`MetadataReader` → `ExifBlock` → libexif). It must never crash, hang or read out of bounds.
@_cdecl("LLVMFuzzerTestOneInput")
public func cupolaFuzzExif(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let metadata = MetadataReader().read(exif: Data(bytes: data, count: size))
    _ = metadata.captured?.count
    return 0
}
