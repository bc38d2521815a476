import Foundation
import GRDB
import GRDBSQLite

/// A value bound with SQLite's C API by `Statement.executeDirect`.
enum BoundValue {
    case text(String)
    case integer(Int64)
    case blob(Data)
    /// A blob bound from the array's own storage (an attachment: no copy into a `Data` first).
    case bytes([UInt8])
    case null

    static func integer(_ value: Int?) -> BoundValue { value.map { .integer(Int64($0)) } ?? .null }
    static func text(_ value: String?) -> BoundValue { value.map { .text($0) } ?? .null }
}

extension Statement {
    /// Runs this (cached) data-changing statement with `values` bound by SQLite's C API, for the
    /// inserts of every submission, which the group committer's one writer runs while the
    /// others wait.
    ///
    /// GRDB's `execute(arguments:)` wraps each argument in an existential, converts it to a
    /// `DatabaseValue`, then binds: on the writer's serial path that was as much CPU as
    /// SQLite's own work for the row (perf, Benchmarks/gateway-vs-php.sh). Text is bound with
    /// its byte length, so a NUL character is kept (GRDB binds a `String` as a C string, which
    /// is why the reading side casts to BLOB); an empty blob is bound as an empty blob, not
    /// NULL. Errors are GRDB's `DatabaseError`, with the extended result code, as GRDB would
    /// have thrown them, and a wrong number of values is one (SQLITE_RANGE), as with GRDB.
    ///
    /// These statements bypass GRDB's execution hooks: a `TransactionObserver` or a
    /// `ValueObservation` would not see them (the queue registers none), and an interrupt is
    /// not turned into a `CancellationError`.
    func executeDirect(_ db: Database, _ values: BoundValue...) throws {
        let handle = sqliteStatement
        // GRDB resets a statement at its next use, not after it: one last run by GRDB would
        // still be halted here.
        sqlite3_reset(handle)
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            throw DatabaseError(resultCode: .SQLITE_RANGE, message: "\(values.count) valeurs pour \(expected) paramètres", sql: sql)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .text(var string):
                code = string.withUTF8 { bytes in
                    // A zero-length text still needs a non-NULL pointer, or SQLite binds NULL.
                    withUnsafePointer(to: 0 as CChar) { empty in
                        sqlite3_bind_text64(handle, index, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) } ?? empty,
                                            UInt64(bytes.count), Self.transient, UInt8(SQLITE_UTF8))
                    }
                }
            case .integer(let number):
                code = sqlite3_bind_int64(handle, index, number)
            case .blob(let data):
                code = data.isEmpty
                    ? sqlite3_bind_zeroblob(handle, index, 0)
                    : data.withUnsafeBytes { sqlite3_bind_blob64(handle, index, $0.baseAddress, UInt64($0.count), Self.transient) }
            case .bytes(let array):
                code = array.isEmpty
                    ? sqlite3_bind_zeroblob(handle, index, 0)
                    : array.withUnsafeBytes { sqlite3_bind_blob64(handle, index, $0.baseAddress, UInt64($0.count), Self.transient) }
            case .null:
                code = sqlite3_bind_null(handle, index)
            }
            guard code == SQLITE_OK else { throw error(db, code) }
        }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            if code == SQLITE_ROW {
                throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "la requête renvoie des lignes", sql: sql)
            }
            throw error(db, code)
        }
    }

    /// SQLite copies the bytes before the bind call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// The connection's extended code when it belongs to `code` (a misuse detected before the
    /// statement ran may leave an older one there).
    private func error(_ db: Database, _ code: Int32) -> DatabaseError {
        let connection = db.sqliteConnection
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: extended & 0xFF == code ? extended : code), message: message, sql: sql)
    }
}
