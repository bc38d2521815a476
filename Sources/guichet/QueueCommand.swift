import ArgumentParser
import Foundation
import Gateway
import GuichetModel
import Queue
import Rendering

/// `guichet queue pull|ack|event|export|stats|purge`: the back-office side of the queue, for
/// services without an HTTP client, and for operators. Local: whoever runs it has the
/// database file; the audit log records its actions as "cli-…" without a token.
struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Back-office side of the queue: pull, acknowledge, add events, export, statistics, purge.",
        discussion: """
        Exit codes: 0 ok, 1 failure (unknown reference, refused event…), 2 usage or configuration error.
        Exemples :
          guichet queue pull --service etat-civil --format csv --out /srv/etat-civil/entrant
          guichet queue event 7KM-4QX-29W --kind accuse-de-reception
          guichet queue event 7KM-4QX-29W --kind incomplet --message "Copie du livret de famille" --date-limite 2026-12-15
          guichet queue stats --format html --out /srv/pilotage/guichet.html
          guichet queue purge --dry-run
        """,
        subcommands: [Pull.self, Ack.self, Event.self, Export.self, Stats.self, Purge.self, Deliver.self])

    // MARK: - pull

    struct Pull: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pull",
            abstract: "Write new requests of a service into a folder (payload and attachments, fsync'd), then acknowledge them.",
            discussion: """
            Each request goes to OUT/<reference>/: demande.json (metadata, answers, attachments' list,
            events), demande.csv with --format csv (one line per answer), and its attachments named
            piece-<n>-<field>.<ext> (never after the citizen's file name). Files and folders are
            synced to disk before the request is acknowledged: a crash never loses one (it is
            delivered again). The list of what was written goes to standard output in --format.
              guichet queue pull --service etat-civil --format jsonl --out /srv/etat-civil/entrant --limit 100
            """)
        enum Format: String, ExpressibleByArgument, CaseIterable { case json, jsonl, csv }

        @OptionGroup var site: SiteOptions
        @OptionGroup var queue: QueueOptions

        @Option(name: .long, help: "Service id to pull (repeat for several).")
        var service: [String] = []

        @Option(name: .long, help: "Format of the list written to standard output: json, jsonl or csv.")
        var format: Format = .json

        @Option(name: .long, help: "Folder receiving one sub-folder per request (created if missing).")
        var out: String

        @Option(name: .long, help: "Most requests to pull (default: all waiting).")
        var limit: Int?

        @Option(name: .long, help: "Seconds a pulled request stays reserved before it is offered again if not acknowledged (10 to 86400).")
        var lease: Int = 900

        func run() throws {
            guard !service.isEmpty else {
                printError("Indiquez le service à relever avec --service (par exemple --service etat-civil).")
                throw ExitCode(2)
            }
            if let limit, limit < 1 {
                printError("--limit doit être un nombre positif.")
                throw ExitCode(2)
            }
            let database = try openQueue(path: queue.path(root: site.rootURL))
            let folder = URL(fileURLWithPath: out).standardizedFileURL
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                printError("Impossible de créer le dossier \(folder.path) : \(error.localizedDescription)")
                throw ExitCode(2)
            }
            let token = TokenInfo.local(services: service)
            var written: [[String: Any]] = []
            var failure: String?
            pulling: while limit.map({ written.count < $0 }) ?? true {
                let batch: [SubmissionRecord]
                do {
                    batch = try database.pull(token: token, limit: min(50, (limit ?? .max) - written.count), lease: TimeInterval(lease))
                } catch {
                    failure = "\(error)"
                    break
                }
                if batch.isEmpty { break }
                for record in batch {
                    do {
                        let entry = try PulledFolder.write(record, into: folder, csv: format == .csv) { id in
                            try database.attachment(reference: record.reference, id: id, token: token)?.bytes
                        }
                        _ = try database.ack(reference: record.reference, token: token)
                        written.append(entry)
                    } catch {
                        failure = "demande \(record.reference) : \(error)"
                        break pulling
                    }
                }
            }
            switch format {
            case .json: print(jsonText(written))
            case .jsonl: for entry in written { print(jsonText(entry, pretty: false)) }
            case .csv:
                let columns = ["reference", "formulaire", "service", "canal", "recue_le", "statut", "dossier", "pieces"]
                print(CSV.line(columns), terminator: "")
                for entry in written { print(CSV.line(columns.map { "\(entry[$0] ?? "")" }), terminator: "") }
            }
            let count = written.count
            printError("\(count) demande\(count > 1 ? "s" : "") écrite\(count > 1 ? "s" : "") dans \(folder.path) et acquittée\(count > 1 ? "s" : "").")
            if let failure {
                printError("Relève interrompue : \(failure). Les demandes non acquittées seront proposées de nouveau au prochain relevé.")
                throw ExitCode(1)
            }
        }
    }

    // MARK: - ack

    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack",
            abstract: "Acknowledge a request (idempotent): it will not be pulled again.",
            discussion: "  guichet queue ack 7KM-4QX-29W")
        @OptionGroup var site: SiteOptions
        @OptionGroup var queue: QueueOptions

        @Argument(help: "Reference of the request.")
        var reference: String

        func run() throws {
            let database = try openQueue(path: queue.path(root: site.rootURL))
            let outcome: AckOutcome
            do {
                outcome = try database.ack(reference: reference, token: .local())
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
            let shown = ReferenceCode.normalize(reference) ?? String(reference.prefix(40))
            switch outcome {
            case .acknowledged: print("Demande \(shown) acquittée.")
            case .alreadyAcknowledged: print("Demande \(shown) déjà acquittée : rien n’a changé.")
            case .notFound:
                printError("Demande « \(shown) » introuvable : vérifiez la référence.")
                throw ExitCode(1)
            }
        }
    }

    // MARK: - event

    struct Event: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "event",
            abstract: "Add a status change or a message, shown dated on the citizen's tracking page.",
            discussion: """
            Kinds: accuse-de-reception, incomplet, en-cours, acceptee, refusee, sans-suite, message.
              guichet queue event 7KM-4QX-29W --kind en-cours
              guichet queue event 7KM-4QX-29W --kind incomplet --message "Il manque la copie du livret de famille." --date-limite 2026-12-15
              guichet queue event 7KM-4QX-29W --kind message --message "Votre acte est prêt."
            """)
        @OptionGroup var site: SiteOptions
        @OptionGroup var queue: QueueOptions

        @Argument(help: "Reference of the request.")
        var reference: String

        @Option(name: .long, help: "Kind of event.")
        var kind: String

        @Option(name: .long, help: "Message to the citizen (at most 5000 characters).")
        var message: String?

        @Option(name: .customLong("date-limite"), help: "Deadline to complete the file (incomplet), YYYY-MM-DD.")
        var dateLimite: String?

        @Option(name: .long, help: "Extra data, a JSON object.")
        var data: String?

        func run() throws {
            let eventKind: EventKind
            do {
                eventKind = try EventKind.parse(kind)
            } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
            var payload = data
            if let dateLimite {
                var object: [String: Any] = [:]
                if let data {
                    guard let parsed = (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] else {
                        printError(BackOfficeError.invalidData(limit: BackOfficeLimits.dataBytes).description)
                        throw ExitCode(2)
                    }
                    object = parsed
                }
                object["date_limite"] = dateLimite
                payload = jsonText(object, pretty: false)
            }
            let database = try openQueue(path: queue.path(root: site.rootURL))
            let shown = ReferenceCode.normalize(reference) ?? String(reference.prefix(40))
            do {
                guard let event = try database.addEvent(reference: reference, token: .local(), kind: eventKind,
                                                        message: message, data: payload) else {
                    printError("Demande « \(shown) » introuvable : vérifiez la référence.")
                    throw ExitCode(1)
                }
                print("Événement « \(event.kind) » ajouté à la demande \(shown) le \(frenchDateTime(event.at)).")
            } catch let error as BackOfficeError {
                printError(error.description)
                throw ExitCode(1)
            } catch let error as ExitCode {
                throw error
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
        }
    }

    // MARK: - export

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Export the requests received between two days (Paris time, both included).",
            discussion: """
              guichet queue export --from 2026-11-01 --to 2026-11-30 --format csv > novembre.csv
              guichet queue export --from 2026-11-01 --to 2026-11-30 --service etat-civil --format jsonl
            """)
        enum Format: String, ExpressibleByArgument, CaseIterable { case csv, jsonl }

        @OptionGroup var site: SiteOptions
        @OptionGroup var queue: QueueOptions

        @Option(name: .long, help: "First day, YYYY-MM-DD.")
        var from: String

        @Option(name: .long, help: "Last day, YYYY-MM-DD (included).")
        var to: String

        @Option(name: .long, help: "Only this service (repeat for several).")
        var service: [String] = []

        @Option(name: .long, help: "csv or jsonl.")
        var format: Format = .csv

        func run() throws {
            let (start, end) = try dayRange(from: from, to: to)
            let database = try openQueue(path: queue.path(root: site.rootURL))
            let token = TokenInfo.local(services: service.isEmpty ? nil : service)
            let columns = ["reference", "formulaire", "service", "canal", "recue_le", "statut", "acquittee_le", "purgee_le", "donnees"]
            if format == .csv { print(CSV.line(columns), terminator: "") }
            var cursor: String?
            var count = 0
            do {
                while true {
                    let page = try database.list(token: token, after: cursor, limit: 200, receivedFrom: start, receivedTo: end)
                    for record in page.items {
                        let row: [String: Any] = [
                            "reference": record.reference, "formulaire": record.formID, "service": record.serviceID,
                            "canal": record.channel.rawValue, "recue_le": iso8601(record.receivedAt), "statut": record.status,
                            "acquittee_le": record.acknowledgedAt.map(iso8601) ?? "", "purgee_le": record.purgedAt.map(iso8601) ?? "",
                        ]
                        if format == .csv {
                            print(CSV.line(columns.dropLast().map { "\(row[$0] ?? "")" } + [record.payloadJSON]), terminator: "")
                        } else {
                            var object = row
                            object["donnees"] = parsedJSON(record.payloadJSON)
                            print(jsonText(object, pretty: false))
                        }
                        count += 1
                    }
                    cursor = page.cursor
                    if !page.hasMore { break }
                }
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
            printError("\(count) demande\(count > 1 ? "s" : "") exportée\(count > 1 ? "s" : "") (reçues du \(from) au \(to) inclus).")
        }
    }

    // MARK: - stats

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stats",
            abstract: "Volumes and delays per month (pilotage); html: the agents' dashboard, never published in site/.",
            discussion: """
              guichet queue stats
              guichet queue stats --format json --from 2026-01-01 --to 2026-12-31
              guichet queue stats --format html --out /srv/pilotage/guichet.html
            """)
        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, html }

        @OptionGroup var site: SiteOptions
        @OptionGroup var queue: QueueOptions

        @Option(name: .long, help: "text, json or html.")
        var format: Format = .text

        @Option(name: .long, help: "First day, YYYY-MM-DD.")
        var from: String?

        @Option(name: .long, help: "Last day, YYYY-MM-DD (included).")
        var to: String?

        @Option(name: .long, help: "Write to this file instead of standard output (never inside ROOT/site).")
        var out: String?

        func run() throws {
            let root = site.rootURL
            if let out {
                let target = URL(fileURLWithPath: out).standardizedFileURL.resolvingSymlinksInPath().path
                let published = root.appendingPathComponent("site").resolvingSymlinksInPath().path
                if target == published || target.hasPrefix(published + "/") {
                    printError("Le tableau de bord contient des chiffres internes : il ne doit pas être écrit dans le site publié (\(published)). Choisissez un autre fichier avec --out.")
                    throw ExitCode(2)
                }
            }
            let (start, end) = try dayRange(from: from, to: to)
            let database = try openQueue(path: queue.path(root: root))
            let stats: QueueStats
            do {
                stats = try database.stats(from: start, to: end)
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
            let loaded: GatewaySite?? = try? loadSiteIfPresent(root: root, quiet: true)
            let labels = (loaded ?? nil).map(StatsReport.Labels.init) ?? StatsReport.Labels()
            let text: String
            switch format {
            case .text: text = StatsReport.text(stats, labels: labels)
            case .json: text = StatsReport.json(stats)
            case .html: text = StatsReport.html(stats, labels: labels, from: from, to: to)
            }
            if let out {
                do {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
                } catch {
                    printError("Impossible d’écrire \(out) : \(error.localizedDescription)")
                    throw ExitCode(1)
                }
                printError("Statistiques écrites dans \(out).")
            } else {
                print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            }
        }
    }

    // MARK: - purge

    struct Purge: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "purge",
            abstract: "Erase the content of requests past their retention period once done with (RGPD).",
            discussion: """
            A demande is purged once decided (acceptee, refusee, sans-suite); a signalement,
            réclamation or information request once acknowledged. Reference, form, service,
            channel, dates, status and event kinds stay, for the statistics. Form kinds come from
            ROOT/Forms; without them every form is treated as a demande.
              guichet queue purge --dry-run
              guichet queue purge --root /srv/mairie --db /var/lib/guichet/guichet.sqlite
            """)
        @OptionGroup var site: SiteOptions
        @OptionGroup var queue: QueueOptions

        @Flag(name: .customLong("dry-run"), help: "Show what would be erased, erase nothing.")
        var dryRun = false

        func run() throws {
            let root = site.rootURL
            var nonDemande: Set<String> = []
            if let loaded = try loadSiteIfPresent(root: root) {
                nonDemande = Set(loaded.forms.values.filter { $0.procedure.kind != .demande }.map(\.id))
            } else {
                printError("Remarque : pas de guichet.yaml dans \(root.path) ; tous les formulaires sont traités comme des demandes (purgées seulement après décision).")
            }
            let database = try openQueue(path: queue.path(root: root))
            let report: PurgeReport
            do {
                report = try database.purge(nonDemandeForms: nonDemande, dryRun: dryRun)
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
            let count = report.submissions
            let size = frenchSize(report.attachmentBytes)
            if dryRun {
                print("Simulation : \(count) demande\(count > 1 ? "s" : "") serai\(count > 1 ? "en" : "")t purgée\(count > 1 ? "s" : "") (\(report.attachments) pièce\(report.attachments > 1 ? "s" : "") jointe\(report.attachments > 1 ? "s" : ""), \(size)). Rien n’a été effacé.")
            } else {
                print("\(count) demande\(count > 1 ? "s" : "") purgée\(count > 1 ? "s" : "") (\(report.attachments) pièce\(report.attachments > 1 ? "s" : "") jointe\(report.attachments > 1 ? "s" : "") effacée\(report.attachments > 1 ? "s" : ""), \(size)). Les statistiques les comptent toujours.")
                if count > 0 && !report.walTruncated {
                    printError("Remarque : le journal WAL n’a pas pu être vidé tout de suite (lecture en cours) ; il le sera au prochain point de contrôle.")
                }
            }
            for reference in report.references { print("  \(reference)") }
        }
    }
}

// MARK: - Shared helpers of the queue and token commands

/// Opens the queue; a missing file is a configuration error unless `create`.
func openQueue(path: String, create: Bool = false) throws(ExitCode) -> SubmissionQueue {
    if !create && !FileManager.default.fileExists(atPath: path) {
        printError("La base de dépôt \(path) n’existe pas. Indiquez-la avec --db (ou le dossier du site avec --root).")
        throw ExitCode(2)
    }
    do {
        if create {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
        }
        return try SubmissionQueue(path: path)
    } catch {
        printError("\(error)")
        throw ExitCode(2)
    }
}

/// The site of ROOT if it has a guichet.yaml (nil otherwise); a broken site exits 2.
func loadSiteIfPresent(root: URL, quiet: Bool = false) throws(ExitCode) -> GatewaySite? {
    guard FileManager.default.fileExists(atPath: root.appendingPathComponent("guichet.yaml").path) else { return nil }
    do {
        return try GatewaySite.load(root: root)
    } catch {
        if !quiet {
            printError(error.description)
            printError("Le dossier du site \(root.path) contient des erreurs : corrigez-les ou indiquez un autre --root.")
        }
        throw ExitCode(2)
    }
}

/// [from, to + 1 day) in Paris time, from YYYY-MM-DD days (either may be missing).
func dayRange(from: String?, to: String?) throws(ExitCode) -> (Date?, Date?) {
    func day(_ text: String?, option: String) throws(ExitCode) -> SimpleDate? {
        guard let text else { return nil }
        guard text.utf8.count == 10, let date = SimpleDate(iso: text) else {
            printError("\(option) attend une date au format AAAA-MM-JJ (reçu « \(text.prefix(40)) »).")
            throw ExitCode(2)
        }
        return date
    }
    let first = try day(from, option: "--from")
    let last = try day(to, option: "--to")
    if let first, let last, last < first {
        printError("La date de fin (--to) précède la date de début (--from).")
        throw ExitCode(2)
    }
    return (first.map(parisMidnight), last.map { parisMidnight($0.adding(days: 1)) })
}

/// The instant a day starts in Paris.
func parisMidnight(_ date: SimpleDate) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? TimeZone(secondsFromGMT: 3600)!
    return calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day)) ?? Date()
}

func iso8601(_ date: Date) -> String { ParisDateTime(date).iso8601 }

/// "0 octet", "512 octets", "12 ko", "3,4 Mo", "1,2 Go" (powers of 1000, as the forms' limits).
func frenchSize(_ bytes: Int) -> String {
    if bytes < 1000 { return "\(bytes) octet\(bytes > 1 ? "s" : "")" }
    let units = ["ko", "Mo", "Go", "To"]
    var value = Double(bytes) / 1000
    var unit = 0
    while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
    let text = value >= 100 ? String(Int(value.rounded())) : String(format: "%.1f", value).replacingOccurrences(of: ".0", with: "")
    return text.replacingOccurrences(of: ".", with: ",") + " " + units[unit]
}

func frenchDateTime(_ date: Date) -> String { ParisDateTime(date).french }

/// JSON text with sorted keys (stable output); `pretty` for humans.
func jsonText(_ value: Any, pretty: Bool = true) -> String {
    var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
    if pretty { options.insert(.prettyPrinted) }
    guard let data = try? JSONSerialization.data(withJSONObject: value, options: options) else { return "null" }
    return String(decoding: data, as: UTF8.self)
}

/// A payload as a JSON value, or its text if it does not parse.
func parsedJSON(_ text: String) -> Any {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) ?? text
}

/// RFC 4180 lines. Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR at
/// the start) get a leading apostrophe: citizens' answers never become formulas.
enum CSV {
    static func line(_ cells: [String]) -> String {
        cells.map(cell).joined(separator: ",") + "\r\n"
    }

    static func cell(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Writing one pulled request to disk, durably.
enum PulledFolder {
    struct WriteError: Error, CustomStringConvertible {
        var description: String
    }

    /// Writes OUT/<reference>/ through a temporary folder renamed into place, every file and
    /// both folders fsync'd; returns the entry of the standard output's list.
    static func write(_ record: SubmissionRecord, into folder: URL, csv: Bool,
                      bytes: (Int64) throws -> [UInt8]?) throws -> [String: Any] {
        let reference = record.reference // canonical: 3 × 3 symbols of [2-9A-Z] and dashes
        let final = folder.appendingPathComponent(reference, isDirectory: true)
        let pid = ProcessInfo.processInfo.processIdentifier
        let temporary = folder.appendingPathComponent(".\(reference).partiel-\(pid)", isDirectory: true)
        let manager = FileManager.default
        try? manager.removeItem(at: temporary)
        try manager.createDirectory(at: temporary, withIntermediateDirectories: false)

        var pieces: [[String: Any]] = []
        for (index, attachment) in record.attachments.enumerated() {
            guard let content = try bytes(attachment.id), content.count == attachment.size else {
                throw WriteError(description: "pièce jointe \(index + 1) illisible")
            }
            let name = "piece-\(index + 1)-\(safeName(attachment.fieldID)).\(fileExtension(attachment.contentType))"
            try durableWrite(content, to: temporary.appendingPathComponent(name))
            pieces.append(["fichier": name, "champ": attachment.fieldID, "nom_d_origine": attachment.filename,
                           "type": attachment.contentType, "taille": attachment.size, "sha256": attachment.sha256])
        }
        let document: [String: Any] = [
            "reference": reference, "formulaire": record.formID, "version_formulaire": record.formDigest,
            "service": record.serviceID, "canal": record.channel.rawValue, "recue_le": iso8601(record.receivedAt),
            "statut": record.status, "donnees": parsedJSON(record.payloadJSON), "pieces": pieces,
            "evenements": record.events.map { event -> [String: Any] in
                ["type": event.kind, "date": iso8601(event.at), "message": event.message ?? NSNull()]
            },
        ]
        try durableWrite(Array((jsonText(document) + "\n").utf8), to: temporary.appendingPathComponent("demande.json"))
        if csv {
            var text = CSV.line(["champ", "valeur"])
            for (key, value) in flatten(parsedJSON(record.payloadJSON)) { text += CSV.line([key, value]) }
            try durableWrite(Array(text.utf8), to: temporary.appendingPathComponent("demande.csv"))
        }
        try syncDirectory(temporary)
        // Delivered before but not acknowledged (crash): the new copy replaces the old one.
        if manager.fileExists(atPath: final.path) {
            let old = folder.appendingPathComponent(".\(reference).ancien-\(pid)", isDirectory: true)
            try? manager.removeItem(at: old)
            try manager.moveItem(at: final, to: old)
            try manager.moveItem(at: temporary, to: final)
            try? manager.removeItem(at: old)
        } else {
            try manager.moveItem(at: temporary, to: final)
        }
        try syncDirectory(folder)
        return ["reference": reference, "formulaire": record.formID, "service": record.serviceID,
                "canal": record.channel.rawValue, "recue_le": iso8601(record.receivedAt), "statut": record.status,
                "dossier": final.path, "pieces": pieces.count]
    }

    /// Lowercase letters, digits and dashes of a field id, at most 40; "piece" if none.
    static func safeName(_ text: String) -> String {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_FR"))
        var name = ""
        for scalar in folded.unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                name.unicodeScalars.append(scalar)
            } else if !name.isEmpty && !name.hasSuffix("-") {
                name += "-"
            }
            if name.count >= 40 { break }
        }
        while name.hasSuffix("-") { name.removeLast() }
        return name.isEmpty ? "piece" : name
    }

    /// Extension from the media type the gateway detected from the bytes (never the citizen's).
    static func fileExtension(_ contentType: String) -> String {
        switch contentType.lowercased() {
        case "application/pdf": return "pdf"
        case "image/jpeg": return "jpg"
        case "image/png": return "png"
        case "image/gif": return "gif"
        case "image/webp": return "webp"
        case "image/heic": return "heic"
        case "image/tiff": return "tif"
        case "text/plain": return "txt"
        case "application/vnd.oasis.opendocument.text": return "odt"
        case "application/vnd.oasis.opendocument.spreadsheet": return "ods"
        case "application/vnd.openxmlformats-officedocument.wordprocessingml.document": return "docx"
        case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": return "xlsx"
        case "application/msword": return "doc"
        case "application/zip": return "zip"
        default: return "bin"
        }
    }

    /// "champ" → text, nested objects as "adresse.commune", arrays as "pieces[0].nom".
    static func flatten(_ value: Any, prefix: String = "") -> [(String, String)] {
        switch value {
        case let object as [String: Any]:
            return object.keys.sorted().flatMap { flatten(object[$0]!, prefix: prefix.isEmpty ? $0 : prefix + "." + $0) }
        case let array as [Any]:
            if array.allSatisfy({ $0 is String }) { return [(prefix, (array as! [String]).joined(separator: " ; "))] }
            return array.enumerated().flatMap { flatten($0.element, prefix: "\(prefix)[\($0.offset)]") }
        case is NSNull:
            return [(prefix, "")]
        case let number as NSNumber:
            // JSON booleans come as NSNumber of C type "c" (JSON numbers are never that small a type).
            if String(cString: number.objCType) == "c" { return [(prefix, number.boolValue ? "oui" : "non")] }
            return [(prefix, number.stringValue)]
        default:
            return [(prefix, "\(value)")]
        }
    }

    static func durableWrite(_ bytes: [UInt8], to url: URL) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw WriteError(description: "\(url.lastPathComponent) : \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw WriteError(description: "\(url.lastPathComponent) : \(String(cString: strerror(errno)))")
            }
            offset += count
        }
        guard fsync(descriptor) == 0 else { throw WriteError(description: "fsync \(url.lastPathComponent) : \(String(cString: strerror(errno)))") }
    }

    static func syncDirectory(_ url: URL) throws {
        let descriptor = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw WriteError(description: "\(url.path) : \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw WriteError(description: "fsync \(url.path) : \(String(cString: strerror(errno)))") }
    }
}

/// The three forms of `guichet queue stats`.
enum StatsReport {
    /// Names to show instead of ids, from the site when there is one.
    struct Labels {
        var forms: [String: String] = [:]
        var services: [String: String] = [:]

        init() {}

        init(_ site: GatewaySite) {
            forms = site.forms.mapValues(\.title)
            services = Dictionary(site.config.services.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        }

        func form(_ id: String) -> String { forms[id] ?? id }
        func service(_ id: String) -> String { services[id] ?? id }
    }

    static let channelNames: [String: String] = [
        "web": "formulaire en ligne", "guichet": "accueil (guichet)", "telephone": "téléphone",
        "courrier": "courrier postal", "courriel": "courriel",
    ]
    static let statusNames: [String: String] = [
        "nouvelle": "nouvelle", "prise-en-charge": "prise en charge", "accuse-de-reception": "accusé de réception envoyé",
        "incomplet": "incomplète", "en-cours": "en cours", "acceptee": "acceptée", "refusee": "refusée", "sans-suite": "sans suite",
    ]
    static let monthNames = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                             "septembre", "octobre", "novembre", "décembre"]

    /// "2026-01" → "janvier 2026".
    static func monthName(_ key: String) -> String {
        let parts = key.split(separator: "-")
        guard parts.count == 2, let month = Int(parts[1]), (1...12).contains(month) else { return key }
        return "\(monthNames[month - 1]) \(parts[0])"
    }

    /// Days with at most two decimals, French decimal comma: "7,6", "3", "0,25".
    static func days(_ value: Double?) -> String {
        guard let value else { return "–" }
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text.replacingOccurrences(of: ".", with: ",")
    }

    static func counts(_ values: [String: Int], _ name: (String) -> String) -> String {
        values.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\(name($0.key)) \($0.value)" }.joined(separator: ", ")
    }

    static func delay(_ stats: DelayStats) -> String {
        stats.count == 0 ? "aucune" : "médiane \(days(stats.median)) j, 90e centile \(days(stats.p90)) j (\(stats.count) demande\(stats.count > 1 ? "s" : ""))"
    }

    // MARK: text

    static func text(_ stats: QueueStats, labels: Labels) -> String {
        var lines = ["Demandes reçues : \(stats.total)"]
        for month in stats.months {
            lines.append("")
            lines.append("\(monthName(month.month)) : \(month.total) demande\(month.total > 1 ? "s" : "")")
            lines.append("  par formulaire : \(counts(month.byForm, labels.form))")
            lines.append("  par service : \(counts(month.byService, labels.service))")
            lines.append("  par canal : \(counts(month.byChannel) { channelNames[$0] ?? $0 })")
            lines.append("  par statut : \(counts(month.byStatus) { statusNames[$0] ?? $0 })")
            lines.append("  délai jusqu’à l’accusé de réception : \(delay(month.acknowledgementDelay))")
            lines.append("  délai jusqu’à la décision : \(delay(month.decisionDelay))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: json

    static func json(_ stats: QueueStats) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(iso8601(date))
        }
        guard let data = try? encoder.encode(stats) else { return "{}" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    // MARK: html

    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    /// A horizontal bar chart. The SVG is one image whose name says what it shows; the figures
    /// themselves are in the table that follows it (RGAA 1.x and 5.x).
    static func barChart(id: String, title: String, bars: [(label: String, value: Double, shown: String)]) -> String {
        let labelWidth = 230.0, barWidth = 380.0, row = 30.0
        let maximum = max(bars.map(\.value).max() ?? 0, 1e-9)
        let height = Double(bars.count) * row + 10
        var svg = """
            <svg role="img" aria-labelledby="\(id)-titre" width="680" height="\(Int(height))" viewBox="0 0 680 \(Int(height))" xmlns="http://www.w3.org/2000/svg">
            <title id="\(id)-titre">\(escape(title)) (graphique ; les valeurs sont dans le tableau qui suit)</title>

            """
        for (index, bar) in bars.enumerated() {
            let y = Double(index) * row + 5
            let width = max(bar.value / maximum * barWidth, bar.value > 0 ? 2 : 0)
            let label = bar.label.count > 32 ? String(bar.label.prefix(31)) + "…" : bar.label
            svg += """
                <text x="\(Int(labelWidth - 8))" y="\(Int(y + 19))" text-anchor="end" font-size="14" fill="#161616">\(escape(label))</text>
                <rect x="\(Int(labelWidth))" y="\(Int(y + 4))" width="\(String(format: "%.1f", width))" height="20" fill="#000091"></rect>
                <text x="\(Int(labelWidth + width + 6))" y="\(Int(y + 19))" font-size="14" fill="#161616">\(escape(bar.shown))</text>

                """
        }
        return svg + "</svg>\n"
    }

    /// A table with a caption, column headers and row headers.
    static func table(caption: String, columns: [String], rows: [(header: String, cells: [String])]) -> String {
        var html = "<table>\n<caption>\(escape(caption))</caption>\n<thead><tr>"
        html += columns.map { "<th scope=\"col\">\(escape($0))</th>" }.joined()
        html += "</tr></thead>\n<tbody>\n"
        for row in rows {
            html += "<tr><th scope=\"row\">\(escape(row.header))</th>" + row.cells.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    /// One section: heading, chart of the totals, table per month.
    static func breakdown(id: String, title: String, rowHeader: String, stats: QueueStats, values: (MonthStats) -> [String: Int],
                          name: (String) -> String) -> String {
        var totals: [String: Int] = [:]
        for month in stats.months { totals.merge(values(month), uniquingKeysWith: +) }
        let keys = totals.keys.sorted { totals[$0]! != totals[$1]! ? totals[$0]! > totals[$1]! : $0 < $1 }
        var html = "<section aria-labelledby=\"\(id)\">\n<h2 id=\"\(id)\">\(escape(title))</h2>\n"
        html += barChart(id: "graphique-\(id)", title: "\(title), total de la période",
                         bars: keys.map { (name($0), Double(totals[$0]!), String(totals[$0]!)) })
        html += table(caption: "\(title), par mois de réception",
                      columns: [rowHeader] + stats.months.map { monthName($0.month) } + ["Total"],
                      rows: keys.map { key in
                          (name(key), stats.months.map { String(values($0)[key] ?? 0) } + [String(totals[key]!)])
                      })
        return html + "</section>\n"
    }

    static func html(_ stats: QueueStats, labels: Labels, from: String?, to: String?) -> String {
        let period: String
        switch (from, to) {
        case let (from?, to?): period = "du \(from) au \(to) inclus"
        case let (from?, nil): period = "depuis le \(from)"
        case let (nil, to?): period = "jusqu’au \(to) inclus"
        case (nil, nil): period = "depuis la première demande"
        }
        var body = """
            <h1>Tableau de bord des demandes</h1>
            <p>Document interne aux services : il ne doit pas être publié sur le site.</p>
            <p>Période : \(escape(period)). Demandes reçues : <strong>\(stats.total)</strong>. Mois en heure de Paris ; délais en jours (24 heures), du dépôt au premier accusé de réception et à la décision (acceptée, refusée ou sans suite).</p>

            """
        if stats.months.isEmpty {
            body += "<p>Aucune demande sur la période.</p>\n"
        } else {
            body += "<section aria-labelledby=\"volumes\">\n<h2 id=\"volumes\">Demandes reçues par mois</h2>\n"
            body += barChart(id: "graphique-volumes", title: "Demandes reçues par mois",
                             bars: stats.months.map { (monthName($0.month), Double($0.total), String($0.total)) })
            body += table(caption: "Demandes reçues par mois", columns: ["Mois", "Demandes"],
                          rows: stats.months.map { (monthName($0.month), [String($0.total)]) })
            body += "</section>\n"
            body += breakdown(id: "formulaires", title: "Demandes par formulaire", rowHeader: "Formulaire", stats: stats, values: \.byForm, name: labels.form)
            body += breakdown(id: "services", title: "Demandes par service", rowHeader: "Service", stats: stats, values: \.byService, name: labels.service)
            body += breakdown(id: "canaux", title: "Demandes par canal", rowHeader: "Canal", stats: stats, values: \.byChannel) { channelNames[$0] ?? $0 }
            body += breakdown(id: "statuts", title: "Demandes par statut actuel", rowHeader: "Statut", stats: stats, values: \.byStatus) { statusNames[$0] ?? $0 }
            body += "<section aria-labelledby=\"delais\">\n<h2 id=\"delais\">Délais de traitement</h2>\n"
            body += barChart(id: "graphique-delai-ar", title: "Délai médian jusqu’à l’accusé de réception, en jours, par mois",
                             bars: stats.months.map { (monthName($0.month), $0.acknowledgementDelay.median ?? 0, days($0.acknowledgementDelay.median) + " j") })
            body += barChart(id: "graphique-delai-decision", title: "Délai médian jusqu’à la décision, en jours, par mois",
                             bars: stats.months.map { (monthName($0.month), $0.decisionDelay.median ?? 0, days($0.decisionDelay.median) + " j") })
            body += table(caption: "Délais en jours, par mois de réception",
                          columns: ["Mois", "Accusés de réception", "Médiane (jours)", "90e centile (jours)",
                                    "Décisions", "Médiane (jours)", "90e centile (jours)"],
                          rows: stats.months.map { month in
                              (monthName(month.month), [String(month.acknowledgementDelay.count), days(month.acknowledgementDelay.median),
                                                        days(month.acknowledgementDelay.p90), String(month.decisionDelay.count),
                                                        days(month.decisionDelay.median), days(month.decisionDelay.p90)])
                          })
            body += "</section>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="fr">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex, nofollow">
            <title>Tableau de bord des demandes – Guichet</title>
            <style>
            body { font-family: system-ui, sans-serif; color: #161616; background: #ffffff; margin: 0 auto; max-width: 60rem; padding: 1rem; line-height: 1.5; }
            section { margin-block: 2rem; }
            svg { display: block; max-width: 100%; height: auto; margin-block: 1rem; }
            table { border-collapse: collapse; margin-block: 1rem; }
            caption { text-align: left; font-weight: bold; padding-block: 0.5rem; }
            th, td { border: 1px solid #666666; padding: 0.25rem 0.5rem; text-align: left; }
            td { text-align: right; }
            </style>
            </head>
            <body>
            <main id="contenu">
            \(body)</main>
            </body>
            </html>

            """
    }
}
