import Foundation
import GRDB
@testable import Queue
import Testing

/// `Statement.executeDirect` binds with SQLite's C API instead of GRDB's arguments: every kind
/// of value must come back as it went in, and errors must be GRDB's, as before.
@Suite struct DirectBindingTests {
    private func database() throws -> (TemporaryFolder, DatabaseQueue) {
        let folder = try TemporaryFolder()
        let queue = try DatabaseQueue(path: folder.path())
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE t (
                    id INTEGER PRIMARY KEY, label TEXT NOT NULL, number INTEGER, bytes BLOB,
                    positive INTEGER CHECK (positive IS NULL OR positive > 0), plain TEXT
                ) STRICT
                """)
        }
        return (folder, queue)
    }

    @Test func everyKindOfValueComesBackAsItWentIn() throws {
        let (folder, queue) = try database()
        _ = folder
        let texts = ["", "a\u{0}b", "\u{0}", "👩🏽‍⚕️ e\u{301} \u{202E}مرحبا", String(repeating: "x", count: 1_000_000), "fin"]
        let blobs: [Data?] = [Data(), Data([0, 0, 255]), nil, Data(repeating: 7, count: 100_000), Data([1])]
        let numbers: [Int64?] = [0, -1, .max, .min, nil]
        var expected: [(String, Int64?, Data?)] = []
        try queue.write { db in
            // `plain` gets the same text with no CAST: a STRICT TEXT column refuses a blob.
            let insert = try db.cachedStatement(sql: "INSERT INTO t (label, number, bytes, plain) VALUES (CAST(? AS TEXT), ?, ?, ?)")
            for (index, text) in texts.enumerated() {
                let blob = blobs[index % blobs.count], number = numbers[index % numbers.count]
                // Blobs alternate between the two ways of binding them.
                let bound: BoundValue = blob.map { index % 2 == 0 ? .blob($0) : .bytes(Array($0)) } ?? .null
                try insert.executeDirect(db, .text(text), number.map { .integer($0) } ?? .null, bound, .text(text))
                expected.append((text, number, blob))
            }
        }
        let rows = try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT CAST(label AS BLOB) AS label, typeof(label) AS kind, number, bytes, typeof(bytes) AS bytesKind,
                       CAST(plain AS BLOB) AS plain, typeof(plain) AS plainKind
                FROM t ORDER BY id
                """)
        }
        #expect(rows.count == texts.count)
        for (row, (text, number, blob)) in zip(rows, expected) {
            let label: Data = row["label"] ?? Data()
            #expect(String(decoding: label, as: UTF8.self) == text)
            #expect(row["kind"] as String == "text")
            #expect(row["plainKind"] as String == "text")
            #expect(String(decoding: row["plain"] as Data? ?? Data(), as: UTF8.self) == text)
            #expect(row["number"] as Int64? == number)
            if let blob {
                // An empty blob stays a blob, not NULL (GRDB binds an empty Data as NULL).
                #expect(row["bytesKind"] as String == "blob")
                #expect((row["bytes"] as Data? ?? Data()) == blob)
            } else {
                #expect(row["bytesKind"] as String == "null")
            }
        }
    }

    @Test func aFailedStatementThrowsGRDBsErrorAndCanRunAgain() throws {
        let (folder, queue) = try database()
        _ = folder
        try queue.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (label, positive) VALUES (?, ?)")
            let error = #expect(throws: DatabaseError.self) {
                try insert.executeDirect(db, .text("non"), .integer(0))
            }
            #expect(error?.extendedResultCode == .SQLITE_CONSTRAINT_CHECK)
            #expect(error?.sql?.contains("INSERT INTO t") == true)
            let missing = #expect(throws: DatabaseError.self) {
                try insert.executeDirect(db, .null, .integer(1))
            }
            #expect(missing?.extendedResultCode == .SQLITE_CONSTRAINT_NOTNULL)
            // The statement was reset and its bindings cleared: it runs again.
            try insert.executeDirect(db, .text("oui"), .integer(3))
        }
        let labels = try queue.read { db in try String.fetchAll(db, sql: "SELECT label FROM t") }
        #expect(labels == ["oui"])
    }

    @Test func aWrongNumberOfValuesIsAnErrorNotANull() throws {
        let (folder, queue) = try database()
        _ = folder
        try queue.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (label, number) VALUES (?, ?)")
            let error = #expect(throws: DatabaseError.self) {
                try insert.executeDirect(db, .text("a")) // `number` would silently be NULL
            }
            #expect(error?.resultCode == .SQLITE_RANGE)
        }
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") } == 0)
    }

    /// GRDB resets a statement at its next use: one it ran last must still take our values.
    @Test func aStatementLastRunByGRDBRunsAgain() throws {
        let (folder, queue) = try database()
        _ = folder
        try queue.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (label) VALUES (?)")
            try insert.execute(arguments: ["par GRDB"])
            try insert.executeDirect(db, .text("directement"))
            try insert.execute(arguments: ["par GRDB encore"])
            try insert.executeDirect(db, .text("encore directement"))
        }
        let labels = try queue.read { db in try String.fetchAll(db, sql: "SELECT label FROM t ORDER BY id") }
        #expect(labels == ["par GRDB", "directement", "par GRDB encore", "encore directement"])
    }

    @Test func aStatementThatReturnsRowsIsRefused() throws {
        let (folder, queue) = try database()
        _ = folder
        try queue.write { db in
            let select = try db.cachedStatement(sql: "SELECT ?")
            let error = #expect(throws: DatabaseError.self) { try select.executeDirect(db, .integer(1)) }
            #expect(error?.resultCode == .SQLITE_MISUSE)
        }
    }

    @Test func tooManyValuesIsAnErrorNotACrash() throws {
        let (folder, queue) = try database()
        _ = folder
        try queue.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (label) VALUES (?)")
            let error = #expect(throws: DatabaseError.self) {
                try insert.executeDirect(db, .text("a"), .text("b"))
            }
            #expect(error?.resultCode == .SQLITE_RANGE)
        }
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") } == 0)
    }
}
