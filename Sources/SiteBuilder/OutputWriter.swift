import CAtomicSwap
import Foundation

/// Where a build puts its files. One implementation writes to disk, one keeps files in memory
/// for tests; every stage writes through this, never to the file system directly.
public protocol OutputWriter: Sendable {
    /// Writes `bytes` at `path` (relative, `/`-separated). Safe to call from several threads.
    func write(_ bytes: some Collection<UInt8> & Sendable, to path: String) throws
    /// Copies a file from the source tree.
    func copy(from source: URL, to path: String) throws
    /// Makes the output visible. Before this, nothing of the previous output has changed.
    func commit() throws
    /// Drops everything written so far (the build failed).
    func discard()
}

/// Keeps the site in memory: for tests and for checking without writing.
public final class MemoryOutput: OutputWriter, @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [String: [UInt8]] = [:]
    private var committed: [String: [UInt8]] = [:]

    public init() {}

    public func write(_ bytes: some Collection<UInt8> & Sendable, to path: String) throws {
        let array = Array(bytes)
        lock.withLock { pending[path] = array }
    }

    public func copy(from source: URL, to path: String) throws {
        let data = try Data(contentsOf: source)
        lock.withLock { pending[path] = Array(data) }
    }

    public func commit() throws { lock.withLock { committed = pending; pending = [:] } }
    public func discard() { lock.withLock { pending = [:] } }

    /// The published files, after `commit()`.
    public var files: [String: [UInt8]] { lock.withLock { committed } }
    public func text(_ path: String) -> String? { files[path].map { String(decoding: $0, as: UTF8.self) } }
}

/// Writes into a fresh temporary folder beside the output, then swaps it in, so that a web
/// server reading the output never sees a half-written site, and a failed build leaves the
/// previous site untouched.
public final class DiskOutput: OutputWriter, @unchecked Sendable {
    public let destination: URL
    let staging: URL
    private let stagingPath: String
    private let lock = NSLock()
    private var createdDirectories: Set<String> = [""]
    /// Files of the previous output that are not build products and must survive a build
    /// (the README of `site/` kept in the repository).
    static let preserved = ["README.md"]

    public init(destination: URL) throws {
        self.destination = destination.standardizedFileURL
        let parent = self.destination.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        staging = parent.appendingPathComponent(".\(self.destination.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
        stagingPath = staging.path
    }

    /// Creates the folder holding `path` and any missing parent, one `mkdir` each: every page
    /// has its own folder (pretty URLs), and Foundation's recursive creation looks each level
    /// up again for each of them.
    private func ensureDirectory(of path: String) throws {
        guard let slash = path.lastIndex(of: "/") else { return }
        try ensureDirectory(String(path[..<slash]))
    }

    private func ensureDirectory(_ directory: String) throws {
        if lock.withLock({ createdDirectories.contains(directory) }) { return }
        if let slash = directory.lastIndex(of: "/") { try ensureDirectory(String(directory[..<slash])) }
        // Two threads may create the same folder: EEXIST is success.
        guard mkdir(stagingPath + "/" + directory, 0o755) == 0 || errno == EEXIST else {
            throw OutputError.cannotWrite(directory, String(cString: strerror(errno)))
        }
        lock.withLock { _ = createdDirectories.insert(directory) }
    }

    public func write(_ bytes: some Collection<UInt8> & Sendable, to path: String) throws {
        try ensureDirectory(of: path)
        let target = stagingPath + "/" + path
        let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError.cannotWrite(path, String(cString: strerror(errno))) }
        defer { close(fd) }
        let written: Int = bytes.withContiguousStorageIfAvailable { buffer in
            writeAll(fd, UnsafeRawBufferPointer(buffer))
        } ?? Array(bytes).withUnsafeBytes { writeAll(fd, $0) }
        guard written == bytes.count else { throw OutputError.cannotWrite(path, String(cString: strerror(errno))) }
    }

    private func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        while offset < buffer.count {
            let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 { if errno == EINTR { continue }; return offset }
            offset += n
        }
        return offset
    }

    public func copy(from source: URL, to path: String) throws {
        try ensureDirectory(of: path)
        let target = staging.appendingPathComponent(path)
        do {
            try FileManager.default.copyItem(at: source, to: target)
        } catch {
            throw OutputError.cannotWrite(path, error.localizedDescription)
        }
    }

    public func commit() throws {
        let fm = FileManager.default
        for name in Self.preserved {
            let old = destination.appendingPathComponent(name)
            if fm.fileExists(atPath: old.path), !fm.fileExists(atPath: staging.appendingPathComponent(name).path) {
                try? fm.copyItem(at: old, to: staging.appendingPathComponent(name))
            }
        }
        if !fm.fileExists(atPath: destination.path) {
            guard rename(staging.path, destination.path) == 0 else {
                throw OutputError.cannotSwap(String(cString: strerror(errno)))
            }
            return
        }
        // Linux swaps two folders atomically; the old site then sits at the staging path.
        if guichet_exchange_paths(staging.path, destination.path) != 0 {
            // Elsewhere: two renames, with a gap of microseconds between them.
            let old = staging.path + ".old"
            guard rename(destination.path, old) == 0, rename(staging.path, destination.path) == 0 else {
                throw OutputError.cannotSwap(String(cString: strerror(errno)))
            }
            try? fm.removeItem(atPath: old)
            return
        }
        try? fm.removeItem(at: staging)
    }

    public func discard() { try? FileManager.default.removeItem(at: staging) }
}

public enum OutputError: Error, CustomStringConvertible {
    case cannotWrite(String, String)
    case cannotSwap(String)
    public var description: String {
        switch self {
        case let .cannotWrite(path, reason): return "Impossible d’écrire \(path) : \(reason)."
        case let .cannotSwap(reason): return "Impossible de remplacer le site précédent par le nouveau : \(reason)."
        }
    }
}
