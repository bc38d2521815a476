import Foundation
import GRDB

/// Why the queue could not store or read a request. `description` is French: an operator reads
/// it in the gateway's log or the CLI, and the gateway may show the first sentence to a person.
/// No message ever contains a request's content (SQLite's own message names columns and
/// constraints, never values).
public enum QueueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be opened, read or written (missing folder, permissions, I/O error).
    case unavailable(path: String, detail: String)
    /// The file exists but is not a Guichet queue (another program's database, or not SQLite).
    case notAQueue(path: String)
    /// The database was migrated by a newer Guichet; nothing was changed.
    case newerSchema(path: String, unknownMigrations: [String])
    /// The write lock was held by another process for longer than the busy timeout.
    case busy(path: String)
    /// The disk holding the database is full.
    case diskFull(path: String)
    /// SQLite found the file damaged.
    case corrupt(path: String, detail: String)
    /// The request breaks a constraint of the database (it was not stored).
    case rejected(detail: String)
    /// Any other SQLite failure.
    case storage(detail: String)

    public var description: String {
        switch self {
        case let .unavailable(path, detail):
            return "La base de dépôt est inaccessible (\(path)) : \(detail). Vérifiez que le dossier existe et que le compte du serveur peut y écrire."
        case let .notAQueue(path):
            return "Le fichier \(path) n'est pas une base de dépôt Guichet. Indiquez un autre fichier avec --db (il sera créé s'il n'existe pas)."
        case let .newerSchema(path, unknown):
            let list = unknown.sorted().map { "« \($0) »" }.joined(separator: ", ")
            return "La base de dépôt \(path) a été mise à jour par une version plus récente de Guichet (étapes inconnues : \(list)). Installez cette version plus récente ; la base n'a pas été modifiée."
        case let .busy(path):
            return "La base de dépôt est occupée depuis plus de \(Int(SubmissionQueue.busyTimeout)) secondes (\(path)). La demande n'a pas été enregistrée : réessayez dans quelques instants."
        case let .diskFull(path):
            return "Le disque de la base de dépôt est plein (\(path)). La demande n'a pas été enregistrée : libérez de la place sur le serveur."
        case let .corrupt(path, detail):
            return "La base de dépôt est endommagée (\(path)) : \(detail). Arrêtez la passerelle et restaurez la dernière sauvegarde."
        case let .rejected(detail):
            return "La demande n'a pas été enregistrée : elle ne respecte pas les règles de la base de dépôt (\(detail))."
        case let .storage(detail):
            return "La base de dépôt a signalé une erreur (\(detail)). La demande n'a pas été enregistrée."
        }
    }

    /// Failures of the whole database rather than of one request: retrying the items of a
    /// batch one by one would fail the same way (and, for `busy`, wait again for each one).
    var isEnvironmental: Bool {
        switch self {
        case .rejected, .storage: return false
        default: return true
        }
    }

    /// Maps any error thrown by GRDB or SQLite; a `QueueError` passes through.
    init(_ error: any Error, path: String) {
        if let error = error as? QueueError { self = error; return }
        guard let error = error as? DatabaseError else {
            self = .storage(detail: String(describing: type(of: error)))
            return
        }
        // `message` only: `description` may quote the SQL statement.
        let detail = error.message ?? "code SQLite \(error.extendedResultCode.rawValue)"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: self = .busy(path: path)
        case .SQLITE_FULL: self = .diskFull(path: path)
        case .SQLITE_NOTADB: self = .notAQueue(path: path)
        case .SQLITE_CORRUPT: self = .corrupt(path: path, detail: detail)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_IOERR, .SQLITE_AUTH, .SQLITE_NOLFS:
            self = .unavailable(path: path, detail: detail)
        case .SQLITE_CONSTRAINT, .SQLITE_TOOBIG, .SQLITE_MISMATCH, .SQLITE_RANGE:
            self = .rejected(detail: detail)
        default: self = .storage(detail: detail)
        }
    }
}
