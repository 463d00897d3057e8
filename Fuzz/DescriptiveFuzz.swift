import Foundation

/// libFuzzer entry point for keywords, titles and captions: the first byte chooses what the rest
/// is fed to — 0 an XMP packet (`XMPPacket`, FoundationXML), 1 an IPTC-IIM block (`IPTCRecord`),
/// anything else a whole JPEG whose segments are walked and read (`DescriptiveMetadata`). It must
/// never crash, hang, read out of bounds or grow without bound.
@_cdecl("LLVMFuzzerTestOneInput")
public func cupolaFuzzDescriptive(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let rest = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch data[0] {
    case 0:
        _ = (try? XMPPacket(rest))?.keywords.count
    case 1:
        _ = IPTCRecord(rest).keywords.count
    default:
        let found = rest.withUnsafeBytes { DescriptiveMetadata(jpeg: $0) }
        _ = found.keywords.count + found.warnings.count
    }
    return 0
}
