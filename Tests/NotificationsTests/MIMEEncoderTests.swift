import Foundation
@testable import Notifications
import Testing

/// What the encoder promises, checked by reading its output back with Python's `email`
/// package (`PythonMailReader`) and by looking at the raw bytes.
@Suite struct MIMEEncoderTests {
    // MARK: - Read back by Python

    @Test func frenchNotificationReadsBackExactly() throws {
        let message = MIMESample.notification()
        let bytes = try MIMEEncoder.encode(message)
        let parsed = try PythonMailReader.read(bytes)

        #expect(parsed.defects == [])
        #expect(parsed.subject == message.subject)
        #expect(parsed.from == [.init(name: "Mairie de Brémonval", address: "ne-pas-repondre@bremonval.example")])
        #expect(parsed.to == [.init(name: "Élodie Dupont-Lefèvre", address: "elodie.dupont@example.fr"),
                              .init(name: "", address: "famille@example.org")])
        #expect(parsed.replyTo == [.init(name: "Service de l’état civil", address: "etat-civil@bremonval.example")])
        #expect(parsed.messageID == "<outbox-42.7KM-4QX-29W@bremonval.example>")
        #expect(parsed.header("Date") == "Mon, 23 Nov 2026 02:15:04 +0100")
        #expect(parsed.timestamp == 1_795_396_504)
        #expect(parsed.header("MIME-Version") == "1.0")
        #expect(parsed.header("Auto-Submitted") == "auto-generated")
        #expect(parsed.header("X-Guichet-Formulaire") == "Acte de naissance — copie intégrale")
        #expect(parsed.headerNames == ["Date", "From", "To", "Reply-To", "Subject", "Message-ID", "MIME-Version",
                                      "Auto-Submitted", "X-Guichet-Formulaire", "Content-Type"])

        #expect(parsed.contentType == "multipart/alternative")
        #expect(parsed.parts.map(\.contentType) == ["text/plain", "text/html"])
        #expect(parsed.parts.map(\.charset) == ["utf-8", "utf-8"])
        #expect(parsed.parts.map(\.transferEncoding) == ["quoted-printable", "quoted-printable"])
        #expect(parsed.parts.map(\.defects) == [[], []])
        #expect(parsed.parts.first?.content == MIMESample.withCRLF(message.textBody))
        #expect(parsed.parts.last?.content == MIMESample.withCRLF(message.htmlBody))
    }

    @Test func lfAndCRLFInputGiveTheSameBytes() throws {
        var lf = MIMESample.notification()
        lf.textBody = "Ligne 1\nLigne 2 \n\n.\nFrom here\n"
        lf.htmlBody = "<p>Un</p>\n<p>Deux</p>"
        var crlf = lf
        crlf.textBody = lf.textBody.replacingOccurrences(of: "\n", with: "\r\n")
        crlf.htmlBody = lf.htmlBody.replacingOccurrences(of: "\n", with: "\r\n")
        var lone = lf
        lone.textBody = lf.textBody.replacingOccurrences(of: "\n", with: "\r")

        let bytes = try MIMEEncoder.encode(lf)
        #expect(try MIMEEncoder.encode(crlf) == bytes)
        #expect(try MIMEEncoder.encode(lone) == bytes)
        let parsed = try PythonMailReader.read(bytes)
        #expect(parsed.parts.first?.content == "Ligne 1\r\nLigne 2 \r\n\r\n.\r\nFrom here\r\n")
        #expect(parsed.parts.last?.content == "<p>Un</p>\r\n<p>Deux</p>")
    }

    /// Names both of Python's readers give back exactly: ASCII (atoms or a quoted string,
    /// folded or not) and non-ASCII names that fit in one encoded word.
    static let displayNames = [
        "Jean Dupont", "Dupont, Jean", "Le \"Guichet\" de la mairie", "a;b <c@d> (e) [f]: g",
        "back\\slash", "Mairie de Brémonval", "=?UTF-8?B?SGk=?=", "St. Martin-d’Hères",
        "Dupont,  Jean  double espaces", " espace devant", "espace derrière ", "Élodie Dupont-Lefèvre",
        String(repeating: "Specials, only ASCII; ", count: 5), "👩‍👩‍👧‍👦🇫🇷 Famille",
        "Communauté de communes du Val d’Or",
    ]

    @Test func displayNamesWithSpecialsReadBackExactly() throws {
        let messages = Self.displayNames.enumerated().map { index, name in
            MIMESample.notification(
                from: Mailbox(name: name, address: "a\(index)@example.fr"),
                to: [Mailbox(name: name, address: "b@example.fr"), Mailbox(name: name, address: "c@example.fr")],
                replyTo: Mailbox(name: name, address: "d@example.fr"))
        }
        let encoded = try messages.map { try MIMEEncoder.encode($0) }
        let parsed = try PythonMailReader.read(encoded)
        for (index, (name, result)) in zip(Self.displayNames, parsed).enumerated() {
            #expect(result.defects == [], "\(name)")
            #expect(result.from == [.init(name: name, address: "a\(index)@example.fr")])
            #expect(result.to == [.init(name: name, address: "b@example.fr"), .init(name: name, address: "c@example.fr")])
            #expect(result.replyTo == [.init(name: name, address: "d@example.fr")])
            MIMEShape.expectWellFormed(encoded[index])
        }
    }

    /// Names too long for one encoded word, or with runs of spaces: exact as RFC 2047 §6.2
    /// reads them; Python 3.11's modern parser gets their letters right but not always their
    /// spaces (see `PythonMailReader.Address.rfc2047Name`).
    @Test func longDisplayNamesReadBack() throws {
        let names = [
            // "From: " and 72 characters make 78: atoms; one more and it is encoded.
            String(repeating: "w", count: 72), String(repeating: "w", count: 73),
            "Jean " + String(repeating: "w", count: 77), "Jean " + String(repeating: "w", count: 78),
            String(repeating: "Nom, très long; avec des signes ", count: 4),
            "Communauté d’agglomération du Pays de Saint-Étienne-du-Rouvray et environs",
            String(repeating: "漢字", count: 30), String(repeating: "👩‍👩‍👧‍👦", count: 4),
            "Deux  espaces é", "Objet    Corps injecté",
        ]
        let messages = names.map { name in
            MIMESample.notification(from: Mailbox(name: name, address: "a@example.fr"),
                                    to: [Mailbox(name: name, address: "b@example.fr"), Mailbox(address: "c@example.fr")])
        }
        let encoded = try messages.map { try MIMEEncoder.encode($0) }
        let parsed = try PythonMailReader.read(encoded)
        for (name, (bytes, result)) in zip(names, zip(encoded, parsed)) {
            #expect(result.defects == [], "\(name)")
            MIMEShape.expectName(result.from?.first, name)
            MIMEShape.expectName(result.to?.first, name)
            #expect(result.to?.map(\.address) == ["b@example.fr", "c@example.fr"])
            MIMEShape.expectWellFormed(bytes)
        }
    }

    @Test func longSubjectsFoldAndReadBack() throws {
        let subjects = [
            "",
            "Accusé de réception",
            String(repeating: "Votre demande a bien été reçue par la mairie. ", count: 6),
            String(repeating: "plain ASCII words only ", count: 10) + "end",
            String(repeating: "x", count: 300),
            String(repeating: "é", count: 100),
            String(repeating: "😀", count: 40),
            String(repeating: "👩‍👩‍👧‍👦", count: 5),
            "  leading and trailing spaces  ",
            "two  spaces   three",
            "ASCII with =?UTF-8?Q?lookalike?= encoded word",
            // "Subject: " and 69 characters make 78: plain; one more and it is encoded.
            String(repeating: "z", count: 69), String(repeating: "z", count: 70),
            "court " + String(repeating: "z", count: 77), "court " + String(repeating: "z", count: 78),
        ]
        let messages = subjects.map { MIMESample.notification(subject: $0) }
        let encoded = try messages.map { try MIMEEncoder.encode($0) }
        let parsed = try PythonMailReader.read(encoded)
        for (subject, (bytes, result)) in zip(subjects, zip(encoded, parsed)) {
            #expect(result.subject == subject)
            #expect(result.defects == [], "\(subject)")
            MIMEShape.expectWellFormed(bytes)
        }
    }

    // MARK: - Raw bytes

    @Test func outputIsASCIIWithCRLFAndShortLines() throws {
        let bytes = try MIMEEncoder.encode(MIMESample.notification())
        MIMEShape.expectWellFormed(bytes)
        let lines = MIMERawLines.lines(bytes)
        let bodyStart = try #require(lines.firstIndex { $0.isEmpty })
        // Quoted-printable lines: 76 at most (RFC 2045 §6.7 rule 5).
        #expect(lines[bodyStart...].allSatisfy { $0.count <= 76 })
        #expect(bytes.suffix(2) == [13, 10])
    }

    @Test func lineStartsAndLineEndsAreProtected() throws {
        let bytes = try MIMEEncoder.encode(MIMESample.notification())
        let lines = MIMERawLines.lines(bytes).map { String(decoding: $0, as: UTF8.self) }
        #expect(!lines.contains { $0.hasPrefix(".") })
        #expect(!lines.contains { $0.hasPrefix("From ") })
        #expect(!lines.contains { $0.hasSuffix(" ") || $0.hasSuffix("\t") })
        #expect(lines.contains("=2E"))
        #expect(lines.contains("=2ELigne qui commence par un point"))
        #expect(lines.contains { $0.hasPrefix("=46rom the town hall") })
        #expect(lines.contains("Espaces en fin de ligne  =20"))
    }

    @Test func quotedPrintableExactOutput() {
        func encoded(_ text: String) -> String { String(decoding: QuotedPrintable.encode(text), as: UTF8.self) }
        #expect(encoded("a=b \n.x\nFrom y\nFrom") == "a=3Db=20\r\n=2Ex\r\n=46rom y\r\nFrom")
        #expect(encoded("é\t\r\n") == "=C3=A9=09\r\n")
        #expect(encoded("") == "")
        #expect(encoded("\n") == "\r\n")
        // 76 characters fit when no soft break follows; 77 do not.
        #expect(encoded(String(repeating: "x", count: 76)) == String(repeating: "x", count: 76))
        #expect(encoded(String(repeating: "x", count: 77))
            == String(repeating: "x", count: 75) + "=\r\nxx")
        // An escape is never cut by a soft break.
        #expect(encoded(String(repeating: "x", count: 74) + "é")
            == String(repeating: "x", count: 74) + "=\r\n=C3=A9")
        // Line-start rules apply after a soft break too.
        #expect(encoded(String(repeating: "x", count: 75) + ".y")
            == String(repeating: "x", count: 75) + "=\r\n=2Ey")
        #expect(encoded(String(repeating: "x", count: 75) + "From z")
            == String(repeating: "x", count: 75) + "=\r\n=46rom z")
        // Space before a soft break is allowed (§6.7 rule 3); before a line end it is not.
        #expect(encoded(String(repeating: "x", count: 74) + " yz")
            == String(repeating: "x", count: 74) + " =\r\nyz")
    }

    @Test func encodedWordsAreShortAndWholeCharacters() throws {
        var message = MIMESample.notification(subject: String(repeating: "Réponse à votre demande 👩‍👩‍👧‍👦 ’ ", count: 8))
        message.from.name = String(repeating: "é漢😀", count: 30)
        message.extraHeaders = [("X-Note", String(repeating: "ü", count: 200))]
        let header = MIMERawLines.headerLines(try MIMEEncoder.encode(message)).joined(separator: "\n")
        let words = header.matches(of: /=\?UTF-8\?B\?([A-Za-z0-9+\/=]*)\?=/)
        #expect(words.count > 20)
        for word in words {
            #expect(word.output.0.count <= 75)
            let payload = try #require(Data(base64Encoded: String(word.output.1)))
            // Decodable on its own: no UTF-8 sequence is cut between two words.
            #expect(String(validating: Array(payload), as: UTF8.self) != nil, "\(word.output.0)")
        }
    }

    @Test func theSameMessageGivesTheSameBytes() throws {
        let message = MIMESample.notification()
        let first = try MIMEEncoder.encode(message)
        #expect(try MIMEEncoder.encode(message) == first)

        var other = message
        other.messageID = "outbox-43.7KM-4QX-29W@bremonval.example"
        let boundaries = try [message, other].map { try MIMEShape.boundary(of: MIMEEncoder.encode($0)) }
        #expect(boundaries[0] != boundaries[1])
        // The boundary appears only in the Content-Type header and as the three delimiters.
        let text = String(decoding: first, as: UTF8.self)
        #expect(text.components(separatedBy: boundaries[0]).count - 1 == 4)
        #expect(text.contains("\r\n--\(boundaries[0])\r\n"))
        #expect(text.hasSuffix("\r\n--\(boundaries[0])--\r\n"))
    }

    @Test func dateHeaderIsRFC5322WithTheParisOffset() {
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 1_795_396_504.9)) == "Mon, 23 Nov 2026 02:15:04 +0100")
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 1_784_016_000)) == "Tue, 14 Jul 2026 10:00:00 +0200")
        let utc = TimeZone(secondsFromGMT: 0)
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: -1), in: utc) == "Wed, 31 Dec 1969 23:59:59 +0000")
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 1_709_208_000), in: utc) == "Thu, 29 Feb 2024 12:00:00 +0000")
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 0), in: TimeZone(secondsFromGMT: -(3 * 3600 + 1800)))
            == "Wed, 31 Dec 1969 20:30:00 -0330")
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 0), in: nil) == "Thu, 01 Jan 1970 00:00:00 +0000")
    }

    // MARK: - Header injection and validation

    @Test func controlCharactersNeverStartAHeader() throws {
        let attacks = ["Objet\r\nBcc: pirate@example.com", "Objet\nBcc: pirate@example.com",
                       "Objet\rBcc: pirate@example.com", "Objet\u{85}Bcc: pirate@example.com",
                       "Objet\u{2028}Bcc: pirate@example.com", "Objet\r\n\r\nCorps injecté",
                       "Objet é\r\nBcc: pirate@example.com", "Objet\u{0}\u{7}\u{1B}\u{7F}\tfin"]
        let messages = attacks.map { attack in
            MIMESample.notification(
                subject: attack,
                from: Mailbox(name: attack, address: "mairie@bremonval.example"),
                to: [Mailbox(name: attack, address: "elodie@example.fr")],
                replyTo: Mailbox(name: attack, address: "service@bremonval.example"),
                extraHeaders: [("X-Note", attack)])
        }
        let parsed = try PythonMailReader.read(messages.map { try MIMEEncoder.encode($0) })
        for (attack, result) in zip(attacks, parsed) {
            let expected = MIMESample.sanitized(attack)
            #expect(result.headerNames == ["Date", "From", "To", "Reply-To", "Subject", "Message-ID", "MIME-Version",
                                           "X-Note", "Content-Type"], "\(attack)")
            #expect(result.subject == expected)
            #expect(result.to?.map(\.address) == ["elodie@example.fr"])
            for address in [result.from?.first, result.to?.first, result.replyTo?.first] {
                MIMEShape.expectName(address, expected)
            }
            #expect(result.header("X-Note") == expected)
            #expect(result.defects == [])
            #expect(result.parts.count == 2)
        }
    }

    static let invalidAddresses = [
        "", "mairie", "@bremonval.example", "mairie@", "mairie@@bremonval.example", "a@b@c.fr",
        "jean dupont@example.fr", "<jean@example.fr>", "jean@example.fr>", "jean@example.fr\r\nBcc: x@y.fr",
        "jean@example.fr\n", "élodie@example.fr", "jean@exämple.fr", "jean,paul@example.fr", "a@b.fr, c@d.fr",
        ".jean@example.fr", "jean.@example.fr", "jean..dupont@example.fr", "jean@example..fr", "jean@.example.fr",
        "\"jean\"@example.fr", "jean(x)@example.fr", "jean@[192.0.2.1]", "jean\u{0}@example.fr",
        String(repeating: "a", count: 65) + "@example.fr",
        String(repeating: "a", count: 64) + "@" + String(repeating: "b", count: 187) + ".fr",
    ]

    @Test(arguments: invalidAddresses)
    func invalidAddressesAreRefusedInFrench(address: String) {
        let mailbox = Mailbox(name: "Nom", address: address)
        for message in [MIMESample.notification(from: mailbox),
                        MIMESample.notification(to: [Mailbox(address: "ok@example.fr"), mailbox]),
                        MIMESample.notification(replyTo: mailbox)] {
            #expect(throws: MIMEError.invalidAddress(address)) { try MIMEEncoder.encode(message) }
        }
        let description = MIMEError.invalidAddress(address).description
        #expect(description.hasPrefix("adresse électronique invalide : "))
        #expect(!description.contains("\r") && !description.contains("\n"))
    }

    @Test func unusualButValidAddressesAreAccepted() throws {
        let addresses = ["a@b", "o'brien+avis@example.fr", "x_y-z=1@sous.domaine.example",
                         String(repeating: "a", count: 64) + "@" + String(repeating: "b", count: 185) + ".fr"]
        let message = MIMESample.notification(to: addresses.map { Mailbox(address: $0) })
        let bytes = try MIMEEncoder.encode(message)
        #expect(try PythonMailReader.read(bytes).to?.map(\.address) == addresses)
        // A 254-character address cannot be folded: that line may exceed 78 but not 998.
        #expect(MIMERawLines.lines(bytes).allSatisfy { $0.count <= 998 })
    }

    @Test func noRecipientIsAnError() {
        #expect(throws: MIMEError.noRecipient) { try MIMEEncoder.encode(MIMESample.notification(to: [])) }
        #expect(MIMEError.noRecipient.description.contains("destinataire"))
    }

    @Test(arguments: ["", "X Note", "X:Note", "X-Été", "X-Note\r\nBcc", "X-\u{7F}"])
    func invalidHeaderNamesAreRefused(name: String) {
        let message = MIMESample.notification(extraHeaders: [("Auto-Submitted", "auto-generated"), (name, "valeur")])
        #expect(throws: MIMEError.invalidHeaderName(name)) { try MIMEEncoder.encode(message) }
        #expect(MIMEError.invalidHeaderName(name).description.hasPrefix("nom d'en-tête invalide"))
    }

    @Test(arguments: ["Subject", "bcc", "CC", "Content-Type", "MIME-Version", "message-id", "Date", "From", "To", "Reply-To"])
    func headersTheEncoderWritesCannotBeAdded(name: String) {
        let message = MIMESample.notification(extraHeaders: [(name, "valeur")])
        #expect(throws: MIMEError.reservedHeaderName(name)) { try MIMEEncoder.encode(message) }
    }

    @Test(arguments: ["", "sans-arobase", "a@b@c", "<a@b>", "a b@c", "a@b\r\nBcc: x@y", "é@b", ".a@b",
                      String(repeating: "a", count: 240) + "@example.fr"])
    func invalidMessageIDsAreRefused(id: String) {
        var message = MIMESample.notification()
        message.messageID = id
        #expect(throws: MIMEError.invalidMessageID(id)) { try MIMEEncoder.encode(message) }
    }

    @Test func anUnfoldableExtraHeaderIsAnError() throws {
        let message = MIMESample.notification(extraHeaders: [("X-Long", String(repeating: "a", count: 1000))])
        #expect(throws: MIMEError.headerTooLong("X-Long")) { try MIMEEncoder.encode(message) }
        // A long ASCII word is kept whole (an extra header may be structured, a URL for
        // instance): its line exceeds 78 characters but not 998.
        let url = "<https://bremonval.example/desabonnement/" + String(repeating: "a1b2", count: 50) + ">"
        let long = try MIMEEncoder.encode(MIMESample.notification(extraHeaders: [("List-Unsubscribe", url)]))
        #expect(MIMERawLines.lines(long).contains { $0.count > 78 && $0.count <= 998 })
        #expect(try PythonMailReader.read(long).header("List-Unsubscribe") == url)
        // A long ASCII value with spaces folds.
        let folded = MIMESample.notification(extraHeaders: [("X-Long", String(repeating: "mot ", count: 300) + "fin")])
        let bytes = try MIMEEncoder.encode(folded)
        MIMEShape.expectWellFormed(bytes)
        #expect(try PythonMailReader.read(bytes).header("X-Long") == String(repeating: "mot ", count: 300) + "fin")
    }

    // MARK: - Random round trip

    @Test func twoHundredRandomMessagesReadBack() throws {
        var random = MIMESeededGenerator(seed: 0x6775_6963_6865_74)
        var messages: [MailMessage] = []
        for index in 0..<200 {
            let names = (0...3).map { _ in Bool.random(using: &random) ? MIMERandomText.make(maxUnits: 25, using: &random) : nil }
            // Long ASCII words in extra headers stay whole (see anUnfoldableExtraHeaderIsAnError).
            let extra = MIMERandomText.make(maxUnits: 12, longRuns: false, using: &random)
            messages.append(MIMESample.notification(
                subject: MIMERandomText.make(maxUnits: 60, using: &random),
                text: MIMERandomText.make(maxUnits: 400, lineBreaks: true, using: &random),
                html: "<p>" + MIMERandomText.make(maxUnits: 300, lineBreaks: true, using: &random) + "</p>",
                from: Mailbox(name: names[0], address: "mairie\(index)@bremonval.example"),
                to: [Mailbox(name: names[1], address: "a\(index)@example.fr"), Mailbox(name: names[2], address: "b@example.fr")],
                replyTo: index.isMultiple(of: 3) ? nil : Mailbox(name: names[3], address: "service@bremonval.example"),
                messageID: "outbox-\(index)@bremonval.example",
                extraHeaders: [("X-Essai", extra)]))
        }
        let encoded = try messages.map { try MIMEEncoder.encode($0) }
        let parsed = try PythonMailReader.read(encoded)
        try #require(parsed.count == messages.count)
        for (index, (message, result)) in zip(messages, parsed).enumerated() {
            MIMEShape.expectWellFormed(encoded[index])
            #expect(result.defects == [], "message \(index)")
            #expect(result.subject == MIMESample.sanitized(message.subject), "message \(index)")
            let mailboxes = [message.from] + message.to + (message.replyTo.map { [$0] } ?? [])
            let read = (result.from ?? []) + (result.to ?? []) + (result.replyTo ?? [])
            try #require(read.count == mailboxes.count, "message \(index)")
            for (mailbox, address) in zip(mailboxes, read) {
                let expected = MIMESample.expectedName(mailbox.name)
                #expect(address.address == mailbox.address)
                MIMEShape.expectName(address, expected)
            }
            #expect(result.messageID == "<\(message.messageID)>")
            #expect(result.header("X-Essai") == MIMESample.expectedExtraValue(message.extraHeaders[0].value),
                    "message \(index)")
            #expect(result.parts.map(\.defects) == [[], []], "message \(index)")
            #expect(result.parts.first?.content == MIMESample.withCRLF(message.textBody), "message \(index)")
            #expect(result.parts.last?.content == MIMESample.withCRLF(message.htmlBody), "message \(index)")
        }
    }
}

/// Shape checks on the raw bytes.
enum MIMEShape {
    /// ASCII only, CRLF only, no line over 78 characters.
    static func expectWellFormed(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(bytes.allSatisfy { $0 < 128 }, "non-ASCII byte", sourceLocation: sourceLocation)
        #expect(MIMERawLines.hasOnlyCRLF(bytes), "bare CR or LF", sourceLocation: sourceLocation)
        let long = MIMERawLines.lines(bytes).filter { $0.count > 78 }.map { String(decoding: $0, as: UTF8.self) }
        #expect(long == [], sourceLocation: sourceLocation)
    }

    /// A display name read back by Python: exactly as RFC 2047 §6.2 reads it, and by the
    /// modern parser exactly too, except where Python 3.11 cannot: several encoded words
    /// (gh-128110) or runs of spaces inside one; there the letters must still be the same.
    static func expectName(_ address: PythonMailReader.Address?, _ expected: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(address?.rfc2047Name == expected, sourceLocation: sourceLocation)
        let words = address?.encodedWords ?? 0
        if words == 0 || (words == 1 && !expected.contains("  ")) {
            #expect(address?.name == expected, sourceLocation: sourceLocation)
        } else {
            let letters = { (text: String?) in text?.unicodeScalars.filter { !$0.properties.isWhitespace }.map(String.init).joined() }
            #expect(letters(address?.name) == letters(expected), sourceLocation: sourceLocation)
        }
    }

    static func boundary(of bytes: [UInt8]) throws -> String {
        let header = MIMERawLines.headerLines(bytes).joined(separator: "\n")
        let match = try #require(header.firstMatch(of: /boundary="([^"]+)"/))
        return String(match.output.1)
    }
}

enum MIMESample {
    /// Mon, 23 Nov 2026 02:15:04 +0100.
    static let date = Date(timeIntervalSince1970: 1_795_396_504)

    static let text = """
        Bonjour Élodie,

        Votre demande d’acte de naissance n° 7KM-4QX-29W a bien été reçue 🎉 (« copie intégrale »).
        .
        .Ligne qui commence par un point
        From the town hall: ceci n’est pas un séparateur mbox
        Espaces en fin de ligne\u{20}\u{20}\u{20}
        Tabulation en fin\t
        \(String(repeating: "x", count: 300))
        \(String(repeating: "é", count: 150))
        a=b == =?UTF-8?B?eA==?=
        Famille : 👩‍👩‍👧‍👦 🇫🇷 👍🏽 e\u{301}

        Cordialement,
        La mairie de Brémonval
        """

    static let html = "<!DOCTYPE html>\r\n<html lang=\"fr\"><body>\r\n<p>Bonjour Élodie,</p>\r\n"
        + "<p>Votre demande d’acte de naissance a bien été reçue&nbsp;🎉.</p>\r\n.\r\nFrom here\r\n"
        + "<p style=\"color: #333\">\(String(repeating: "long", count: 75))</p>   \r\n</body></html>\r\n"

    static func notification(
        subject: String = "Votre demande n° 7KM-4QX-29W : accusé de réception ✅ — l’état civil",
        text: String = text, html: String = html,
        from: Mailbox = Mailbox(name: "Mairie de Brémonval", address: "ne-pas-repondre@bremonval.example"),
        to: [Mailbox] = [Mailbox(name: "Élodie Dupont-Lefèvre", address: "elodie.dupont@example.fr"),
                         Mailbox(address: "famille@example.org")],
        replyTo: Mailbox? = Mailbox(name: "Service de l’état civil", address: "etat-civil@bremonval.example"),
        messageID: String = "outbox-42.7KM-4QX-29W@bremonval.example",
        extraHeaders: [(name: String, value: String)] = [("Auto-Submitted", "auto-generated"),
                                                         ("X-Guichet-Formulaire", "Acte de naissance — copie intégrale")]
    ) -> MailMessage {
        MailMessage(from: from, to: to, replyTo: replyTo, subject: subject, textBody: text, htmlBody: html,
                    messageID: messageID, date: date, extraHeaders: extraHeaders)
    }

    /// The promise for header text: each control character (C0, DEL, C1) and each Unicode
    /// line or paragraph separator becomes one space; nothing else changes.
    static func sanitized(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let isControl = scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029
            scalars.append(isControl ? " " : scalar)
        }
        return String(scalars)
    }

    /// A name that is empty or only spaces once sanitized is not written.
    static func expectedName(_ name: String?) -> String {
        let clean = sanitized(name ?? "")
        return clean.allSatisfy { $0 == " " } ? "" : clean
    }

    /// Extra header values lose their leading and trailing spaces.
    static func expectedExtraValue(_ value: String) -> String {
        var clean = Substring(sanitized(value))
        while clean.first == " " { clean.removeFirst() }
        while clean.last == " " { clean.removeLast() }
        return String(clean)
    }

    /// Every line end (CRLF, LF, lone CR) as CRLF: what the reader gets back.
    static func withCRLF(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r":
                result += ["\r", "\n"]
                previousWasCR = true
                continue
            case "\n" where previousWasCR:
                break
            case "\n":
                result += ["\r", "\n"]
            default:
                result.append(scalar)
            }
            previousWasCR = false
        }
        return String(result)
    }
}

/// Random Unicode text for the round-trip test: ASCII words, the characters that matter to
/// mail (specials, "=?", ".", "From ", line ends, controls), accents, right-to-left scripts,
/// CJK, emoji sequences and any scalar at all.
enum MIMERandomText {
    static let fragments = [
        " ", "  ", "\t", ".", "From ", "=", "=?", "?=", "=?UTF-8?B?eA==?=", "\"", "\\", ",", ";", "<", ">",
        "(", ")", ":", "@", "_", "é", "È", "à", "ç", "Œ", "ß", "’", "«\u{A0}", "\u{A0}»", "…", "e\u{301}",
        "漢字", "مرحبا", "שלום", "😀", "👩‍👩‍👧‍👦", "🇫🇷", "👍🏽", "\u{0}", "\u{7}", "\u{1B}", "\u{7F}", "\u{85}",
        "\u{2028}", "\u{FEFF}", "\u{200B}", "\r\n", "\n", "\r",
    ]
    static let lineBreaks = ["\n", "\r\n", "\n\n", ".\n", "\nFrom ", "   \n", "\t\n", "\n.", "\r"]

    static func make(maxUnits: Int, lineBreaks withBreaks: Bool = false, longRuns: Bool = true,
                     using random: inout MIMESeededGenerator) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...maxUnits, using: &random) {
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<35:
                let length = Int.random(in: 1...12, using: &random)
                text += String((0..<length).map { _ in "abcdefghijklmnopqrstuvwxyzABCDEFGH".randomElement(using: &random)! })
            case 35..<65:
                text += fragments.randomElement(using: &random)!
            case 65..<80:
                text.unicodeScalars.append(Unicode.Scalar(UInt8.random(in: 32...126, using: &random)))
            case 80..<90:
                text.unicodeScalars.append(anyScalar(using: &random))
            case 90..<97 where withBreaks:
                text += lineBreaks.randomElement(using: &random)!
            default:
                let long = longRuns && Int.random(in: 0..<10, using: &random) == 0
                text += long ? String(repeating: "y", count: 300) : " "
            }
        }
        return text
    }

    static func anyScalar(using random: inout MIMESeededGenerator) -> Unicode.Scalar {
        while true {
            let value = Bool.random(using: &random)
                ? UInt32.random(in: 0xA0...0xFFFD, using: &random)
                : UInt32.random(in: 0x1_0000...0x10_FFFF, using: &random)
            if let scalar = Unicode.Scalar(value) { return scalar }
        }
    }
}
