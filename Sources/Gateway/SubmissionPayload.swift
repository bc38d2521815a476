import FormKit
import Foundation
import GuichetModel
import Rendering

/// The normalized values of a submission as stored in the queue (JSON, one key per field id)
/// and as shown back to the citizen on the receipt. Back-offices read the same JSON; its shape
/// is documented in the README ("Ce que contient une demande").
enum SubmissionPayload {
    /// `{"nom":"Martin","adresse":{"voie":…},"justificatif":[{"nom":"a.pdf","taille":1234,"type":"pdf"}]}`
    ///
    /// Written with the API's own JSON writer (`APIJSON`), keys in sorted order: Foundation's
    /// JSONSerialization (boxing, NSString key sorting) was 27 % of the gateway's CPU under load
    /// (Benchmarks/gateway-vs-php.sh --perf).
    ///
    /// Written straight into one buffer: text values, nearly all of them, need no `APIJSON`
    /// value built first; the others go through `jsonValue`, so the bytes are the same as
    /// `APIJSON.object(…).bytes` (`jsonReference`, which the tests compare with).
    static func json(_ values: [String: NormalizedValue]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        out.append(UInt8(ascii: "{"))
        for (index, (key, value)) in values.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            APIJSON.writeString(key, into: &out)
            out.append(UInt8(ascii: ":"))
            if case .text(let text) = value {
                APIJSON.writeString(text, into: &out)
            } else {
                jsonValue(value).write(into: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `json` as it was first written, through an `APIJSON` tree (tests only).
    static func jsonReference(_ values: [String: NormalizedValue]) -> String {
        let object = APIJSON.object(values.keys.sorted().map { ($0, jsonValue(values[$0]!)) })
        return String(decoding: object.bytes, as: UTF8.self)
    }

    static func jsonValue(_ value: NormalizedValue) -> APIJSON {
        switch value {
        case .text(let text): return .string(text)
        case .list(let items): return .array(items.map(APIJSON.string))
        case .number(let number):
            let integral = number == number.rounded() && abs(number) < 9_007_199_254_740_992
            return .number(integral ? String(Int64(number)) : "\(number)")
        case .date(let date): return .string(date.iso)
        case .flag(let flag): return .bool(flag)
        case .address(let street, let complement, let postcode, let commune):
            var members: [(String, APIJSON)] = [("code_postal", .string(postcode)), ("commune", .string(commune))]
            if let complement { members.append(("complement", .string(complement))) }  // keys stay sorted
            members.append(("voie", .string(street)))
            return .object(members)
        case .files(let files):
            return .array(files.map { .object([("nom", .string($0.filename)), ("taille", .int($0.size)),
                                              ("type", .string($0.detectedType ?? ""))]) })
        }
    }

    /// What the citizen answered, labelled with the form's questions, in the form's order.
    /// Files are listed apart (names and sizes only). Fields the form no longer has (it changed
    /// after the submission) are shown under their identifier rather than hidden.
    static func answers(payloadJSON: String, form: FormDefinition?) -> [ReceiptView.AnswerLine] {
        guard let data = payloadJSON.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        var lines: [ReceiptView.AnswerLine] = []
        var seen = Set<String>()
        for field in form?.fields ?? [] {
            guard let value = object[field.id] else { continue }
            seen.insert(field.id)
            if field.kind == .file { continue }
            lines.append(ReceiptView.AnswerLine(label: field.label, lines: display(value, field: field)))
        }
        for key in object.keys.sorted() where !seen.contains(key) {
            if let files = object[key] as? [[String: Any]], files.first?["taille"] != nil { continue }
            lines.append(ReceiptView.AnswerLine(label: key, lines: display(object[key]!, field: nil)))
        }
        return lines
    }

    static func display(_ value: Any, field: Field?) -> [String] {
        func optionLabel(_ raw: String) -> String { field?.options.first { $0.value == raw }?.label ?? raw }
        switch value {
        case let flag as Bool where field?.kind == .checkbox || field == nil:
            return [flag ? "Oui" : "Non"]
        case let text as String:
            if field?.kind == .date, let date = SimpleDate(iso: text) { return [date.french] }
            if field?.kind == .select || field?.kind == .radio { return [optionLabel(text)] }
            return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        case let number as NSNumber:
            let text = FrenchNumber.format(number.doubleValue)
            return [field?.unit.map { "\(text) \($0)" } ?? text]
        case let items as [String]:
            return items.map(optionLabel)
        case let address as [String: Any]:
            return [address["voie"] as? String, address["complement"] as? String,
                    [address["code_postal"] as? String, address["commune"] as? String].compactMap { $0 }.joined(separator: " ")]
                .compactMap { $0 }.filter { !$0.isEmpty }
        default:
            return ["\(value)"]
        }
    }

    /// Files of the payload, with sizes in French ("1,2 Mo").
    static func files(payloadJSON: String, form: FormDefinition?) -> [ReceiptView.FileLine] {
        guard let data = payloadJSON.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        let order = (form?.fields.map(\.id) ?? []) + object.keys.sorted()
        var seen = Set<String>()
        var lines: [ReceiptView.FileLine] = []
        for key in order where !seen.contains(key) {
            seen.insert(key)
            guard let files = object[key] as? [[String: Any]] else { continue }
            for file in files {
                guard let name = file["nom"] as? String, let size = file["taille"] as? Int else { continue }
                lines.append(ReceiptView.FileLine(name: name, size: FrenchNumber.fileSize(size),
                                                  type: (file["type"] as? String).map { $0.uppercased() } ?? "fichier"))
            }
        }
        return lines
    }
}

enum FrenchNumber {
    /// 12.5 → "12,5"; 3.0 → "3".
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value).replacingOccurrences(of: ".", with: ",")
    }

    /// 1_234_567 → "1,2 Mo"; 2_048 → "2 ko"; 12 → "12 octets".
    static func fileSize(_ bytes: Int) -> String {
        if bytes < 1_000 { return bytes <= 1 ? "\(bytes) octet" : "\(bytes) octets" }
        if bytes < 1_000_000 { return "\(Int((Double(bytes) / 1_000).rounded())) ko" }
        let megabytes = (Double(bytes) / 100_000).rounded() / 10
        return format(megabytes) + " Mo"
    }
}

