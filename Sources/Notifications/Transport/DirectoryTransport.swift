import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes each message as an `.eml` file into a folder instead of sending it: the local
/// preview of `guichet serve`, where the operator opens the files with a mail client.
///
/// The folder is created with mode 0700 when missing, each file gets mode 0600 (the messages
/// hold personal data). A file is written under a temporary name in the same folder, flushed,
/// then renamed, so a reader never sees half a message. Names sort by time:
/// `<UTC yyyyMMdd-HHmmss>-<8 random hex digits>.eml`. The file holds the message's bytes
/// exactly (the envelope is not recorded). Any failure is `temporary`.
public struct DirectoryTransport: MailTransport {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func send(_ message: [UInt8], envelope: MailEnvelope) throws(MailTransportError) {
        _ = try write(message)
    }

    /// Writes `message` and returns the new file's path.
    @discardableResult
    public func write(_ message: [UInt8], now: Date = Date()) throws(MailTransportError) -> String {
        try createDirectory()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<8 {
            let name = Self.fileName(at: now, random: generator.next())
            let path = (directory as NSString).appendingPathComponent(name)
            if access(path, F_OK) == 0 { continue }
            let temporary = (directory as NSString).appendingPathComponent(".\(name).tmp")
            try writeFile(temporary, message)
            guard rename(temporary, path) == 0 else {
                let code = errno
                unlink(temporary)
                throw .temporary("message impossible à enregistrer dans \(directory) : renommage refusé (\(Self.describe(code)))")
            }
            Self.syncDirectory(directory)
            return path
        }
        throw .temporary("message impossible à enregistrer dans \(directory) : pas de nom de fichier libre")
    }

    /// `20261123-142501-9f3a0c1e.eml`, the time in UTC.
    static func fileName(at date: Date, random: UInt32) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let stamp = String(format: "%04d%02d%02d-%02d%02d%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                           Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        return "\(stamp)-\(String(format: "%08x", random)).eml"
    }

    private func createDirectory() throws(MailTransportError) {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw .temporary("message impossible à enregistrer : \(directory) existe mais n’est pas un dossier")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            // The umask may have taken bits away; the mode is meant exactly.
            _ = chmod(directory, 0o700)
        } catch {
            // Another writer may have created it meanwhile.
            if FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue { return }
            throw .temporary("dossier des messages impossible à créer : \(directory) (\(error.localizedDescription))")
        }
    }

    private func writeFile(_ path: String, _ bytes: [UInt8]) throws(MailTransportError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .temporary("message impossible à enregistrer dans \(directory) (\(Self.describe(errno)))")
        }
        var failure: Int32?
        if fchmod(descriptor, 0o600) != 0 { failure = errno }
        if failure == nil {
            failure = bytes.withUnsafeBytes { buffer -> Int32? in
                var written = 0
                while written < buffer.count {
                    let result = posixWrite(descriptor, buffer.baseAddress! + written, buffer.count - written)
                    if result < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    written += result
                }
                return nil
            }
        }
        if failure == nil && fsync(descriptor) != 0 { failure = errno }
        if close(descriptor) != 0 && failure == nil { failure = errno }
        if let failure {
            unlink(path)
            throw .temporary("message impossible à enregistrer dans \(directory) (\(Self.describe(failure)))")
        }
    }

    /// Makes the rename durable; failures are ignored (some file systems refuse it).
    private static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    static func describe(_ code: Int32) -> String {
        "errno \(code) : \(String(cString: strerror(code)))"
    }
}

/// `write(2)`, out of reach of `DirectoryTransport.write` inside the type.
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
