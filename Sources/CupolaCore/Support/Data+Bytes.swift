import Foundation

extension Data {
    /// `withUnsafeBytes` for typed throws: the body's error type comes out as it went in.
    func withBytes<T, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> T) throws(E) -> T {
        let result: Result<T, E> = withUnsafeBytes { buffer in Result { () throws(E) in try body(buffer) } }
        return try result.get()
    }
}
