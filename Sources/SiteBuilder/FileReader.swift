import Foundation

/// Reads a whole file with plain system calls: `FileManager.contents(atPath:)` looks up
/// attributes and copies through `Data`, a visible cost over 10,000 pages.
enum FileReader {
    enum Failure: Error { case unreadable, tooLarge(Int) }

    static func read(_ path: String, limit: Int) -> Result<[UInt8], Failure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.unreadable) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(.unreadable) }
        let size = Int(info.st_size)
        guard size <= limit else { return .failure(.tooLarge(size)) }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let n = bytes.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress! + filled, size - filled) }
            if n < 0 { if errno == EINTR { continue }; return .failure(.unreadable) }
            if n == 0 { break }  // the file shrank while we read it
            filled += n
        }
        if filled < size { bytes.removeLast(size - filled) }
        return .success(bytes)
    }
}
