import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hands messages to a sendmail-compatible program (Postfix, Exim, msmtp, OpenSMTPD…):
/// `sendmail -i -f <sender> -- <recipients…>`, the message on standard input.
///
/// The message is given with local line ends (CRLF turned into LF), as that interface
/// expects; `-i` keeps a line holding a single "." from ending it. It is read from a private
/// temporary file deleted before the program starts (nothing on disk has a name), so a
/// program that exits without reading cannot block or kill the caller (no pipe, no SIGPIPE).
/// The program runs in its own process group, which is killed as a whole on timeout.
///
/// Exit status (sysexits.h): 0 sent; 65 EX_DATAERR, 67 EX_NOUSER, 68 EX_NOHOST: permanent;
/// 75 EX_TEMPFAIL and everything else, a missing program, a signal or a program still
/// running after `timeout` (it is then killed): temporary. The program's output is
/// discarded: it may repeat the addresses.
public struct SendmailTransport: MailTransport {
    public static let defaultProgram = "/usr/sbin/sendmail"

    public let program: String
    /// Seconds the program may run before it is stopped (SIGTERM, then SIGKILL).
    public let timeout: TimeInterval

    public init(program: String = SendmailTransport.defaultProgram, timeout: TimeInterval = 60) {
        self.program = program
        self.timeout = timeout
    }

    /// The arguments given to the program (the envelope is checked first).
    public static func arguments(for envelope: MailEnvelope) throws(MailTransportError) -> [String] {
        try EnvelopeCheck.validate(envelope)
        return ["-i", "-f", envelope.sender.isEmpty ? "<>" : envelope.sender, "--"] + envelope.recipients
    }

    public func send(_ message: [UInt8], envelope: MailEnvelope) throws(MailTransportError) {
        let arguments = try Self.arguments(for: envelope)
        guard FileManager.default.isExecutableFile(atPath: program) else {
            throw .temporary("programme sendmail introuvable ou non exécutable : \(program)")
        }
        let input = try Self.anonymousFile(containing: Self.localLineEnds(message))
        defer { close(input) }
        let pid = try spawn(arguments: arguments, input: input)

        // Polled rather than waited for with Foundation's `Process`: that one only notices the
        // end of a program once all of its descendants have closed an inherited descriptor,
        // and a sendmail may leave a background delivery process behind.
        let deadline = Date().addingTimeInterval(timeout)
        var pause: UInt32 = 1_000
        while true {
            switch Self.reap(pid) {
            case .running:
                break
            case .exited(let status):
                return try interpret(status)
            case .signaled(let signal):
                throw .temporary("\(program) interrompu par le signal \(signal)")
            case .lost:
                throw .temporary("\(program) : fin du programme non observée (statut perdu), message peut-être remis")
            }
            if Date() >= deadline {
                // The whole process group: the program and whatever it started.
                kill(-pid, SIGTERM)
                let grace = Date().addingTimeInterval(5)
                while case .running = Self.reap(pid), Date() < grace { usleep(20_000) }
                kill(-pid, SIGKILL)
                if case .running = Self.reap(pid) { _ = Self.reap(pid, blocking: true) }
                throw .temporary("\(program) ne s’est pas terminé en \(Int(timeout)) s : arrêté (le message a pu partir quand même)")
            }
            usleep(pause)
            pause = min(pause * 2, 50_000)
        }
    }

    private func interpret(_ status: Int32) throws(MailTransportError) {
        switch status {
        case 0:
            return
        case 65, 67, 68:
            throw .permanent("\(program) a refusé le message : code de sortie \(status) (\(Self.sysexitsName(status)))")
        default:
            let name = Self.sysexitsName(status)
            throw .temporary("\(program) a échoué : code de sortie \(status)\(name.isEmpty ? "" : " (\(name))")")
        }
    }

    /// Starts the program in its own process group, `input` as standard input, output to
    /// /dev/null, signals at their defaults.
    private func spawn(arguments: [String], input: Int32) throws(MailTransportError) -> pid_t {
        #if os(Linux)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw .temporary("impossible de lancer \(program) (\(String(cString: strerror(result))))")
        }
        return pid
    }

    enum ChildState { case running, exited(Int32), signaled(Int32), lost }

    static func reap(_ pid: pid_t, blocking: Bool = false) -> ChildState {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result == 0 { return .running }
            if result == pid { break }
            if errno == EINTR { continue }
            return .lost
        }
        // The <sys/wait.h> macros, which Swift does not import.
        if status & 0x7F == 0 { return .exited((status >> 8) & 0xFF) }
        return .signaled(status & 0x7F)
    }

    static func sysexitsName(_ status: Int32) -> String {
        switch status {
        case 64: return "EX_USAGE"
        case 65: return "EX_DATAERR, données invalides"
        case 66: return "EX_NOINPUT"
        case 67: return "EX_NOUSER, destinataire inconnu"
        case 68: return "EX_NOHOST, domaine inconnu"
        case 69: return "EX_UNAVAILABLE"
        case 70: return "EX_SOFTWARE"
        case 71: return "EX_OSERR"
        case 72: return "EX_OSFILE"
        case 73: return "EX_CANTCREAT"
        case 74: return "EX_IOERR"
        case 75: return "EX_TEMPFAIL, échec temporaire"
        case 76: return "EX_PROTOCOL"
        case 77: return "EX_NOPERM"
        case 78: return "EX_CONFIG"
        default: return ""
        }
    }

    /// CRLF pairs become LF; a lone CR or LF is left alone.
    static func localLineEnds(_ message: [UInt8]) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(message.count)
        var index = 0
        while index < message.count {
            let byte = message[index]
            if byte == 0x0D, index + 1 < message.count, message[index + 1] == 0x0A {
                output.append(0x0A)
                index += 2
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }

    /// A file with `bytes`, open for reading at its start (close-on-exec), with no name left on disk.
    static func anonymousFile(containing bytes: [UInt8]) throws(MailTransportError) -> Int32 {
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("guichet-sendmail-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw .temporary("fichier temporaire impossible à créer pour sendmail (errno \(errno))")
        }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        var written = 0
        let failure: Int32? = bytes.withUnsafeBytes { buffer -> Int32? in
            while written < buffer.count {
                let result = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += result
            }
            return nil
        }
        if let failure {
            close(descriptor)
            throw .temporary("fichier temporaire impossible à écrire pour sendmail (errno \(failure))")
        }
        guard lseek(descriptor, 0, SEEK_SET) == 0 else {
            let code = errno
            close(descriptor)
            throw .temporary("fichier temporaire illisible pour sendmail (errno \(code))")
        }
        return descriptor
    }
}
