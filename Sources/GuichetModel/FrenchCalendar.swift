// The French administrative calendar that legal receipts need: weekdays, delays in days, months
// and years, public holidays, working days (jours ouvrés) and the local time in Paris.
// Date arithmetic is pure integer arithmetic on `SimpleDate`; only the conversion of an instant to
// Paris local time uses Foundation (the time-zone database).

// MARK: - Day arithmetic

extension SimpleDate {
    /// Days since 1970-01-01 in the proleptic Gregorian calendar (negative before).
    /// Howard Hinnant's `days_from_civil`, exact for every `Int` year that does not overflow.
    var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `dayNumber` days after 1970-01-01 (Hinnant's `civil_from_days`).
    init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)!
    }

    /// ISO weekday: 1 = lundi … 7 = dimanche.
    public var weekday: Int {
        // 1970-01-01 was a Thursday (4).
        SimpleDate.floorMod(dayNumber + 3, 7) + 1
    }

    /// Number of days from this date to `other` (negative when `other` is earlier).
    public func days(until other: SimpleDate) -> Int { other.dayNumber - dayNumber }

    /// The date `days` days later (earlier when negative).
    public func adding(days: Int) -> SimpleDate {
        SimpleDate(dayNumber: dayNumber + days)
    }

    /// The date `months` months later (earlier when negative), on the same day of the month, or on the
    /// last day of the target month when it is shorter: 31 janvier + 1 mois = 28 (ou 29) février.
    public func adding(months: Int) -> SimpleDate {
        let index = year * 12 + (month - 1) + months
        let targetYear = SimpleDate.floorDiv(index, 12)
        let targetMonth = SimpleDate.floorMod(index, 12) + 1
        let targetDay = Swift.min(day, SimpleDate.daysIn(month: targetMonth, year: targetYear))
        return SimpleDate(year: targetYear, month: targetMonth, day: targetDay)!
    }

    /// The date a legal delay later, computed as the administration computes silence dates: days are
    /// calendar days; months and years keep the day of the month, and end on the last day of the
    /// month when that day does not exist (31 janvier + 1 mois = 28 février; 29 février 2028 + 1 an =
    /// 28 février 2029). Whether the delay starts the day of the act or the next is the caller's choice.
    public func adding(_ duration: Duration) -> SimpleDate {
        switch duration.unit {
        case .jours: return adding(days: duration.amount)
        case .mois: return adding(months: duration.amount)
        case .ans: return adding(months: duration.amount * 12)
        }
    }

    static let frenchWeekdays = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]

    /// "lundi", "mardi" … "dimanche".
    public var frenchWeekday: String { SimpleDate.frenchWeekdays[weekday - 1] }

    /// "lundi 23 novembre 2026", "mardi 1er décembre 2026".
    public var frenchWithWeekday: String { "\(frenchWeekday) \(french)" }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func floorMod(_ a: Int, _ b: Int) -> Int {
        let r = a % b
        return r < 0 ? r + b : r
    }
}

// MARK: - Holidays and working days

/// Public holidays and working days of metropolitan France (Code du travail, L3133-1). Alsace-Moselle
/// (Vendredi saint, 26 décembre) and the overseas departments (abolition of slavery) are not covered.
/// The current list is applied to every year, without the history of each holiday.
public enum FrenchCalendar {
    /// Easter Sunday of a Gregorian year, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    public static func easterSunday(year: Int) -> SimpleDate {
        // Floor division and modulo throughout, so that even years before the era give a valid date.
        func div(_ x: Int, _ y: Int) -> Int { SimpleDate.floorDiv(x, y) }
        func mod(_ x: Int, _ y: Int) -> Int { SimpleDate.floorMod(x, y) }
        let a = mod(year, 19)
        let b = div(year, 100)
        let c = mod(year, 100)
        let d = div(b, 4)
        let e = mod(b, 4)
        let f = div(b + 8, 25)
        let g = div(b - f + 1, 3)
        let h = mod(19 * a + b - d - g + 15, 30)
        let i = c / 4
        let k = c % 4
        let l = mod(32 + 2 * e + 2 * i - h - k, 7)
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return SimpleDate(year: year, month: month, day: day)!
    }

    /// The public holidays (jours fériés) of a year, with their usual names: eleven dates, or ten when
    /// Ascension falls on 1 or 8 May (1 May 2008, 8 May 1997…), which then keeps its civil name like `holidayName`.
    public static func publicHolidays(year: Int) -> [SimpleDate: String] {
        var holidays: [SimpleDate: String] = [:]
        for (month, day, name) in fixedHolidays {
            holidays[SimpleDate(year: year, month: month, day: day)!] = name
        }
        let easter = easterSunday(year: year)
        for (offset, name) in easterHolidays {
            let date = easter.adding(days: offset)
            if holidays[date] == nil { holidays[date] = name }
        }
        return holidays
    }

    /// The name of the public holiday on that date ("Noël"), nil on any other day.
    public static func holidayName(_ date: SimpleDate) -> String? {
        if let fixed = fixedHolidays.first(where: { $0.month == date.month && $0.day == date.day }) {
            return fixed.name
        }
        // Easter-based holidays fall between 23 March (Easter Monday) and 14 June (Pentecost Monday).
        guard (3...6).contains(date.month) else { return nil }
        let offset = date.dayNumber - easterSunday(year: date.year).dayNumber
        return easterHolidays.first(where: { $0.offset == offset })?.name
    }

    /// A jour ouvré: Monday to Friday, and not a public holiday.
    public static func isWorkingDay(_ date: SimpleDate) -> Bool {
        date.weekday <= 5 && holidayName(date) == nil
    }

    /// The `n`-th working day after `date`, the date itself not counted: 1 gives the next working day.
    /// 0 gives `date` itself, working day or not; a negative `n` counts back the same way.
    public static func addingWorkingDays(_ n: Int, to date: SimpleDate) -> SimpleDate {
        let step = n < 0 ? -1 : 1
        var remaining = abs(n)
        var current = date
        while remaining > 0 {
            current = current.adding(days: step)
            if isWorkingDay(current) { remaining -= 1 }
        }
        return current
    }

    /// The first working day strictly after `date`.
    public static func nextWorkingDay(after date: SimpleDate) -> SimpleDate {
        addingWorkingDays(1, to: date)
    }

    private static let fixedHolidays: [(month: Int, day: Int, name: String)] = [
        (1, 1, "Jour de l’an"),
        (5, 1, "Fête du Travail"),
        (5, 8, "Victoire 1945"),
        (7, 14, "Fête nationale"),
        (8, 15, "Assomption"),
        (11, 1, "Toussaint"),
        (11, 11, "Armistice 1918"),
        (12, 25, "Noël"),
    ]

    /// Days after Easter Sunday.
    private static let easterHolidays: [(offset: Int, name: String)] = [
        (1, "Lundi de Pâques"),
        (39, "Ascension"),
        (50, "Lundi de Pentecôte"),
    ]
}

// MARK: - Paris local time

#if canImport(Foundation)
import Foundation

/// An instant as read on a clock in Paris (Europe/Paris, daylight saving time included), for the
/// time stamps of legal receipts.
public struct ParisDateTime: Sendable, Hashable {
    public var date: SimpleDate
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// Offset from UTC in seconds: 3600 in winter (+01:00), 7200 in summer (+02:00).
    public var utcOffsetSeconds: Int

    /// Paris local time of `instant`; fractions of a second are dropped.
    public init(_ instant: Date) {
        let unixSeconds = Int(instant.timeIntervalSince1970.rounded(.down))
        let offset = ParisDateTime.parisZone.map { $0.secondsFromGMT(for: instant) }
            ?? ParisDateTime.europeanRuleOffset(unixSeconds: unixSeconds)
        let local = unixSeconds + offset
        let secondOfDay = SimpleDate.floorMod(local, 86_400)
        self.date = SimpleDate(dayNumber: SimpleDate.floorDiv(local, 86_400))
        self.hour = secondOfDay / 3600
        self.minute = secondOfDay / 60 % 60
        self.second = secondOfDay % 60
        self.utcOffsetSeconds = offset
    }

    /// The current time in Paris.
    public static func now() -> ParisDateTime { ParisDateTime(Date()) }

    /// The instant this local time stands for.
    public var instant: Date {
        let local = date.dayNumber * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(local - utcOffsetSeconds))
    }

    /// "22 novembre 2026 à 23 h 34", "1er décembre 2026 à 9 h 05": the French way, to the minute.
    public var french: String {
        "\(date.french) à \(hour) h \(ParisDateTime.twoDigits(minute))"
    }

    /// "2026-11-22T23:34:05+01:00": local time with its offset (RFC 3339).
    public var iso8601: String {
        let sign = utcOffsetSeconds < 0 ? "-" : "+"
        let offset = abs(utcOffsetSeconds)
        let time = [hour, minute, second].map(ParisDateTime.twoDigits).joined(separator: ":")
        return "\(date.iso)T\(time)\(sign)\(ParisDateTime.twoDigits(offset / 3600)):\(ParisDateTime.twoDigits(offset / 60 % 60))"
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    private static let parisZone = TimeZone(identifier: "Europe/Paris")

    /// The offset under the European Union rule in force since 1996 (summer time from the last Sunday
    /// of March to the last Sunday of October, changing at 01:00 UTC), for systems without the
    /// time-zone database.
    static func europeanRuleOffset(unixSeconds: Int) -> Int {
        let year = SimpleDate(dayNumber: SimpleDate.floorDiv(unixSeconds, 86_400)).year
        func lastSundayAt1UTC(month: Int) -> Int {
            let last = SimpleDate(year: year, month: month, day: 31)!
            let sunday = last.adding(days: -SimpleDate.floorMod(last.weekday, 7))
            return sunday.dayNumber * 86_400 + 3600
        }
        let summer = lastSundayAt1UTC(month: 3)..<lastSundayAt1UTC(month: 10)
        return summer.contains(unixSeconds) ? 7200 : 3600
    }
}
#endif
