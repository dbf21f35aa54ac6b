import Testing
@testable import ParleyPolicy

/// Time as the core sees it: whole milliseconds, ISO-8601 UTC text independent of the
/// machine's locale, spans as people write them, and a clock that only moves when told.
@Suite("Instants, spans and clocks")
struct InstantTests {
    @Test("ISO-8601 text: seconds without a fraction, milliseconds only when not zero")
    func formatting() {
        #expect(t0.iso8601 == "2026-03-02T09:00:00Z")
        #expect((t0 + .milliseconds(5)).iso8601 == "2026-03-02T09:00:00.005Z")
        #expect(Instant(millisecondsSinceEpoch: 0).iso8601 == "1970-01-01T00:00:00Z")
        #expect(Instant(millisecondsSinceEpoch: -1).iso8601 == "1969-12-31T23:59:59.999Z")
        #expect(Instant(iso8601: "2024-02-29T23:59:59.999Z")!.iso8601 == "2024-02-29T23:59:59.999Z")
        #expect(t0.description == t0.iso8601)
    }

    @Test("parsing accepts Z, offsets, a space or t separator, fractions of any length and bare dates")
    func parsing() {
        let noon = Instant(iso8601: "2026-01-01T12:00:00Z")!
        #expect(Instant(iso8601: "2026-01-01T13:30:00+01:30") == noon)
        #expect(Instant(iso8601: "2026-01-01T07:00:00-0500") == noon)
        #expect(Instant(iso8601: "2026-01-01 12:00:00z") == noon)
        #expect(Instant(iso8601: "2026-01-01t12:00Z") == noon)
        #expect(Instant(iso8601: "2026-01-01T12:00:00.5Z") == noon + .milliseconds(500))
        #expect(Instant(iso8601: "2026-01-01T12:00:00.123456789Z") == noon + .milliseconds(123))
        #expect(Instant(iso8601: "2026-01-01") == Instant(iso8601: "2026-01-01T00:00:00Z"))
        #expect(Instant(iso8601: "1970-01-01T00:00:01Z") == Instant(secondsSinceEpoch: 1))
    }

    @Test("invalid timestamps are refused", arguments: [
        "", "2026", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-04-31", "2026-01-01T24:00:00Z",
        "2026-01-01T12:60:00Z", "2026-01-01T12:00:60Z", "2026-01-01T12:00:00", "2026-01-01T12:00:00.Z",
        "2026-01-01T12:00:00Zjunk", "2026/01/01", "yesterday", "2026-01-01T", "2026-1-1",
    ])
    func invalidTimestamps(text: String) {
        #expect(Instant(iso8601: text) == nil)
    }

    @Test("property: every instant's text parses back to the same instant", arguments: [11, 12] as [UInt64])
    func roundTrip(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<5000 {
            let ms = Int64.random(in: -5_000_000_000_000...20_000_000_000_000, using: &rng)
            let i = Instant(millisecondsSinceEpoch: ms)
            #expect(Instant(iso8601: i.iso8601) == i)
        }
    }

    @Test("instants and spans add and subtract")
    func arithmetic() {
        #expect(t0 + .hours(24) - t0 == .days(1))
        #expect(t0 - .minutes(90) < t0)
        #expect(Span.seconds(90) == .minutes(1) + .seconds(30))
        #expect(Span.hours(1) * 3 == .hours(3))
        #expect(Span.hours(3) - .hours(1) == .hours(2))
    }

    @Test("spans parse as scripts write them", arguments: [
        ("23h", Span.hours(23)), ("90m", .minutes(90)), ("30s", .seconds(30)), ("2d", .days(2)),
        ("250ms", .milliseconds(250)), ("1h30m", .minutes(90)), ("45", .seconds(45)), ("1.5h", .minutes(90)),
        ("0.25", .milliseconds(250)), (" 10M ", .minutes(10)), ("0s", .zero),
    ])
    func spanParsing(text: String, span: Span) {
        #expect(Span(parsing: text) == span)
    }

    @Test("anything else is not a span, including negatives and absurd sizes",
          arguments: ["", "h", "-5", "-5m", "5x", "1m30", "5 m", "1.2.3h", "inf", "nan", "1e13",
                      String(repeating: "99999999d", count: 2000)])
    func invalidSpans(text: String) {
        #expect(Span(parsing: text) == nil)
    }

    @Test("spans print as people write them")
    func spanDescription() {
        #expect(Span.hours(24).description == "1d")
        #expect(Span.minutes(90).description == "1h30m")
        #expect(Span.milliseconds(1250).description == "1s250ms")
        #expect(Span.zero.description == "0s")
        #expect(Span.seconds(-6).description == "-6s")
        #expect(Span(parsing: Span.milliseconds(93_784_005).description) == .milliseconds(93_784_005))
    }

    @Test("whole seconds round down, also below zero")
    func wholeSeconds() {
        #expect(Span.milliseconds(1999).seconds == 1)
        #expect(Span.milliseconds(-1500).seconds == -2)
        #expect(Span.milliseconds(-1000).seconds == -1)
    }

    @Test("weekday and minute of day, for opening hours, in UTC or shifted")
    func weekdayAndMinute() {
        #expect(t0.weekdayAndMinute() == (weekday: 0, minute: 540))  // Monday 09:00
        #expect(t0.weekdayAndMinute(offsetMinutes: -600) == (weekday: 6, minute: 1380))  // Sunday 23:00
        #expect(Instant(millisecondsSinceEpoch: 0).weekdayAndMinute().weekday == 3)  // a Thursday
    }
}
