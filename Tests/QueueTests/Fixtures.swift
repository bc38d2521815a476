import Foundation
@testable import Queue

/// A fresh folder under the system's temporary folder, removed when the test is done.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("guichet-queue-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String = "depot.sqlite") -> String {
        url.appendingPathComponent(name).path
    }
}

enum Sample {
    /// A small web submission whose payload carries `number`, so each one can be told apart.
    static func submission(_ number: Int, attachments: [NewAttachment] = []) -> NewSubmission {
        NewSubmission(formID: "acte-naissance", formDigest: "sha256:5f1c0a", serviceID: "etat-civil",
                      channel: .web,
                      payloadJSON: #"{"numero":\#(number),"nom":"Dupont","prenom":"Élodie"}"#,
                      attachments: attachments, retentionDays: 365)
    }

    /// FIPS 180-2 test vectors: bytes and their SHA-256.
    static let abc = (bytes: Array("abc".utf8),
                      sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    static let millionA = (bytes: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000),
                           sha256: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    static let empty = (bytes: [UInt8](),
                        sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
}
