import Foundation
@testable import GuichetModel
import Testing

@Suite struct FrenchCalendarTests {
    private func day(_ iso: String) -> SimpleDate { SimpleDate(iso: iso)! }

    // MARK: Weekdays and day arithmetic

    @Test(arguments: [
        ("1900-01-01", 1), ("1970-01-01", 4), ("2000-01-01", 6), ("2000-02-29", 2),
        ("2024-02-29", 4), ("2026-11-23", 1), ("2026-12-18", 5), ("2027-01-03", 7),
    ])
    func weekdaysOfKnownDates(iso: String, weekday: Int) {
        #expect(day(iso).weekday == weekday)
    }

    @Test func frenchWithWeekday() {
        #expect(day("2026-11-23").frenchWithWeekday == "lundi 23 novembre 2026")
        #expect(day("2026-12-01").frenchWithWeekday == "mardi 1er décembre 2026")
        #expect(day("2027-01-03").frenchWithWeekday == "dimanche 3 janvier 2027")
    }

    /// Walks day by day from 1600 to 2400 with a naive successor built on `daysIn`, and checks that
    /// `adding(days:)` and `weekday` agree with it everywhere (leap rules for 1700, 1900, 2000, 2100…).
    @Test func dayArithmeticMatchesANaiveWalk() {
        var date = day("1600-01-01")
        let start = date
        var offset = 0
        var mismatches: [String] = []
        while date.year < 2400 {
            if start.adding(days: offset) != date || date.adding(days: -offset) != start
                || date.weekday != (5 + offset) % 7 + 1 { // 1600-01-01 was a Saturday.
                mismatches.append(date.iso)
            }
            date = date.day < SimpleDate.daysIn(month: date.month, year: date.year)
                ? SimpleDate(year: date.year, month: date.month, day: date.day + 1)!
                : date.month < 12 ? SimpleDate(year: date.year, month: date.month + 1, day: 1)!
                : SimpleDate(year: date.year + 1, month: 1, day: 1)!
            offset += 1
        }
        #expect(offset == 292_194) // 800 years are 2 × 146 097 days.
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        #expect(day("2026-12-18").adding(days: 14) == day("2027-01-01"))
        #expect(day("2024-03-01").adding(days: -1) == day("2024-02-29"))
    }

    @Test(arguments: [
        ("2027-01-31", "1 mois", "2027-02-28"),
        ("2028-01-31", "1 mois", "2028-02-29"),
        ("2026-10-31", "1 mois", "2026-11-30"),
        ("2026-12-31", "2 mois", "2027-02-28"),
        ("2026-11-20", "2 mois", "2027-01-20"),
        ("2026-11-30", "3 mois", "2027-02-28"),
        ("2026-08-31", "18 mois", "2028-02-29"),
        ("2028-02-29", "1 an", "2029-02-28"),
        ("2024-02-29", "4 ans", "2028-02-29"),
        ("2026-11-20", "1 an", "2027-11-20"),
        ("2026-12-20", "15 jours", "2027-01-04"),
        ("2028-02-28", "1 jour", "2028-02-29"),
    ])
    func legalDelays(from: String, delay: String, expected: String) {
        let duration = GuichetModel.Duration(french: delay)!
        #expect(day(from).adding(duration) == day(expected))
    }

    @Test func negativeMonthsClampToo() {
        #expect(day("2027-03-31").adding(months: -1) == day("2027-02-28"))
        #expect(day("2027-01-15").adding(months: -13) == day("2025-12-15"))
    }

    // MARK: Easter and holidays

    @Test(arguments: [
        (2024, "2024-03-31"), (2025, "2025-04-20"), (2026, "2026-04-05"), (2027, "2027-03-28"),
        (2038, "2038-04-25"), (1818, "1818-03-22"), (2285, "2285-03-22"), (1943, "1943-04-25"),
    ])
    func easterSundays(year: Int, iso: String) {
        #expect(FrenchCalendar.easterSunday(year: year) == day(iso))
        #expect(FrenchCalendar.easterSunday(year: year).weekday == 7)
    }

    /// Knuth's computus (TAOCP 1.3.2, exercise 14), an independent derivation from the Gregorian
    /// epact, must agree with the anonymous algorithm over its whole range.
    @Test func easterAgreesWithKnuthsComputus() {
        var disagreements: [Int] = []
        for year in 1583...4099 {
            let golden = year % 19 + 1
            let century = year / 100 + 1
            let skippedLeapYears = 3 * century / 4 - 12
            let moonCorrection = (8 * century + 5) / 25 - 5
            let sundayKey = 5 * year / 4 - skippedLeapYears - 10
            var epact = (11 * golden + 20 + moonCorrection - skippedLeapYears) % 30
            if (epact == 25 && golden > 11) || epact == 24 { epact += 1 }
            var fullMoon = 44 - epact
            if fullMoon < 21 { fullMoon += 30 }
            let n = fullMoon + 7 - (sundayKey + fullMoon) % 7
            let knuth = n > 31 ? SimpleDate(year: year, month: 4, day: n - 31)! : SimpleDate(year: year, month: 3, day: n)!
            if FrenchCalendar.easterSunday(year: year) != knuth { disagreements.append(year) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }

    @Test func holidaysOf2026() {
        let holidays = FrenchCalendar.publicHolidays(year: 2026)
        #expect(holidays == [
            day("2026-01-01"): "Jour de l’an",
            day("2026-04-06"): "Lundi de Pâques",
            day("2026-05-01"): "Fête du Travail",
            day("2026-05-08"): "Victoire 1945",
            day("2026-05-14"): "Ascension",
            day("2026-05-25"): "Lundi de Pentecôte",
            day("2026-07-14"): "Fête nationale",
            day("2026-08-15"): "Assomption",
            day("2026-11-01"): "Toussaint",
            day("2026-11-11"): "Armistice 1918",
            day("2026-12-25"): "Noël",
        ])
    }

    /// `holidayName` (used by `isWorkingDay`) and `publicHolidays` tell the same story every day.
    @Test func holidayNameAgreesWithTheYearlyList() {
        for year in [1900, 1997, 2000, 2008, 2024, 2026, 2038, 2100, 2285] {
            let holidays = FrenchCalendar.publicHolidays(year: year)
            #expect(holidays.count == ([1997, 2008].contains(year) ? 10 : 11), "\(year)") // Ascension = 8 May 1997, 1 May 2008
            var date = SimpleDate(year: year, month: 1, day: 1)!
            while date.year == year {
                #expect(FrenchCalendar.holidayName(date) == holidays[date], "\(date.iso)")
                date = date.adding(days: 1)
            }
        }
        #expect(FrenchCalendar.holidayName(day("2008-05-01")) == "Fête du Travail") // also Ascension 2008
        #expect(FrenchCalendar.holidayName(day("1997-05-08")) == "Victoire 1945")     // also Ascension 1997
        #expect(!FrenchCalendar.isWorkingDay(day("2008-05-01")))
    }

    // MARK: Working days

    @Test func workingDays() {
        #expect(FrenchCalendar.isWorkingDay(day("2026-11-23")))      // Monday
        #expect(!FrenchCalendar.isWorkingDay(day("2026-11-21")))     // Saturday
        #expect(!FrenchCalendar.isWorkingDay(day("2026-11-22")))     // Sunday
        #expect(!FrenchCalendar.isWorkingDay(day("2026-05-14")))     // Ascension, a Thursday
        #expect(!FrenchCalendar.isWorkingDay(day("2026-11-11")))     // Armistice, a Wednesday
        #expect(FrenchCalendar.isWorkingDay(day("2026-04-03")))      // Good Friday: not a holiday here
        // 2026: 261 weekdays, 9 holidays on a weekday (15 August is a Saturday, 1 November a Sunday).
        var date = day("2026-01-01")
        var count = 0
        while date.year == 2026 {
            if FrenchCalendar.isWorkingDay(date) { count += 1 }
            date = date.adding(days: 1)
        }
        #expect(count == 252)
    }

    @Test func addingWorkingDaysOverChristmas() {
        // After Friday 18 December 2026: Mon 21 (1), Tue 22 (2), Wed 23 (3), Thu 24 (4), [Fri 25 Noël],
        // Mon 28 (5), Tue 29 (6), Wed 30 (7), Thu 31 (8), [Fri 1 January], Mon 4 (9), Tue 5 (10).
        #expect(FrenchCalendar.addingWorkingDays(10, to: day("2026-12-18")) == day("2027-01-05"))
        #expect(FrenchCalendar.addingWorkingDays(9, to: day("2026-12-18")) == day("2027-01-04"))
        #expect(FrenchCalendar.addingWorkingDays(0, to: day("2026-12-19")) == day("2026-12-19"))
        #expect(FrenchCalendar.addingWorkingDays(-10, to: day("2027-01-05")) == day("2026-12-18"))
        #expect(FrenchCalendar.nextWorkingDay(after: day("2026-12-18")) == day("2026-12-21"))
        #expect(FrenchCalendar.nextWorkingDay(after: day("2026-12-24")) == day("2026-12-28"))
        #expect(FrenchCalendar.nextWorkingDay(after: day("2026-04-03")) == day("2026-04-07")) // Easter Monday
        #expect(FrenchCalendar.nextWorkingDay(after: day("2026-05-13")) == day("2026-05-15")) // Ascension
        #expect(FrenchCalendar.nextWorkingDay(after: day("2026-05-22")) == day("2026-05-26")) // Pentecost
    }

    /// Every day of 1900–2199, with n varying from day to day (forward and backward): the result is a
    /// working day, and counting the working days strictly between gives n back, one by one.
    @Test func addingWorkingDaysOverThreeCenturies() {
        var start = day("1900-01-01")
        var index = 0
        var failures: [String] = []
        while start.year < 2200 {
            let n = (index * 7919) % 61 - 20 // −20 … 40, scrambled
            let result = FrenchCalendar.addingWorkingDays(n, to: start)
            if n == 0 ? result != start : (n > 0) != (result > start) || !FrenchCalendar.isWorkingDay(result) {
                failures.append("\(start.iso) \(n) → \(result.iso)")
            } else {
                var counted = 0
                var cursor = start
                while cursor != result {
                    cursor = cursor.adding(days: n < 0 ? -1 : 1)
                    if FrenchCalendar.isWorkingDay(cursor) { counted += n < 0 ? -1 : 1 }
                }
                if counted != n { failures.append("\(start.iso) \(n) → \(result.iso) counts \(counted)") }
            }
            start = start.adding(days: 1)
            index += 1
        }
        #expect(index == 109_573)
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    // MARK: Paris local time

    private func paris(_ utc: String) -> ParisDateTime {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let instant = formatter.date(from: utc) ?? ISO8601DateFormatter().date(from: utc)!
        return ParisDateTime(instant)
    }

    @Test(arguments: [
        ("2026-11-22T22:34:05Z", "2026-11-22T23:34:05+01:00", "22 novembre 2026 à 23 h 34"),
        ("2026-07-14T08:05:09Z", "2026-07-14T10:05:09+02:00", "14 juillet 2026 à 10 h 05"),
        ("2026-12-31T23:30:00Z", "2027-01-01T00:30:00+01:00", "1er janvier 2027 à 0 h 30"),
        ("2026-11-22T22:34:59.900Z", "2026-11-22T23:34:59+01:00", "22 novembre 2026 à 23 h 34"),
        ("1969-12-31T23:59:59.500Z", "1970-01-01T00:59:59+01:00", "1er janvier 1970 à 0 h 59"),
        // Spring forward, last Sunday of March at 01:00 UTC: 02:00 → 03:00.
        ("2026-03-29T00:59:59Z", "2026-03-29T01:59:59+01:00", "29 mars 2026 à 1 h 59"),
        ("2026-03-29T01:00:00Z", "2026-03-29T03:00:00+02:00", "29 mars 2026 à 3 h 00"),
        ("2026-03-29T01:30:00Z", "2026-03-29T03:30:00+02:00", "29 mars 2026 à 3 h 30"),
        // Fall back, last Sunday of October at 01:00 UTC: 02:30 happens twice, told apart by the offset.
        ("2026-10-25T00:30:00Z", "2026-10-25T02:30:00+02:00", "25 octobre 2026 à 2 h 30"),
        ("2026-10-25T01:30:00Z", "2026-10-25T02:30:00+01:00", "25 octobre 2026 à 2 h 30"),
    ])
    func parisLocalTime(utc: String, iso8601: String, french: String) {
        let time = paris(utc)
        #expect(time.iso8601 == iso8601)
        #expect(time.french == french)
    }

    @Test func parisFieldsAndRoundTrip() {
        let time = paris("2026-03-29T01:30:00Z")
        #expect(time.date == day("2026-03-29"))
        #expect((time.hour, time.minute, time.second, time.utcOffsetSeconds) == (3, 30, 0, 7200))
        let autumn = paris("2026-10-25T01:30:00Z")
        #expect((autumn.hour, autumn.minute, autumn.utcOffsetSeconds) == (2, 30, 3600))
        #expect(autumn.instant == ISO8601DateFormatter().date(from: "2026-10-25T01:30:00Z"))
        let now = Date()
        #expect(abs(ParisDateTime(now).instant.timeIntervalSince(now)) < 1)
    }

    /// The fallback for systems without the time-zone database matches it around every change of
    /// 1996–2037 and in the middle of every month.
    @Test func europeanRuleMatchesTheTimeZoneDatabase() throws {
        let zone = try #require(TimeZone(identifier: "Europe/Paris"))
        var mismatches: [String] = []
        for year in 1996...2037 {
            var instants: [Int] = []
            for month in [3, 10] {
                let last = SimpleDate(year: year, month: month, day: 31)!
                let sunday = last.adding(days: -(last.weekday % 7))
                let change = sunday.dayNumber * 86_400 + 3600
                instants += [change - 3600, change - 1, change, change + 1, change + 3600]
            }
            for month in 1...12 { instants.append(SimpleDate(year: year, month: month, day: 15)!.dayNumber * 86_400) }
            for seconds in instants {
                let tzdata = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
                if ParisDateTime.europeanRuleOffset(unixSeconds: seconds) != tzdata { mismatches.append("\(seconds)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }
}
