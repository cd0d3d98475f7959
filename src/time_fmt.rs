//! Timestamps: stored as UTC RFC 3339 with milliseconds (fixed width, so they sort as text),
//! shown in Swedish local time.

use time::format_description::FormatItem;
use time::macros::format_description;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

const STORED: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
const SHOWN: &[FormatItem<'static>] = format_description!("[year]-[month]-[day] [hour]:[minute]");
const DAY: &[FormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// The stored form of an instant.
pub fn timestamp(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC)
        .format(STORED)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// Parses the stored form.
pub fn parse(stored: &str) -> Option<OffsetDateTime> {
    PrimitiveDateTime::parse(stored, STORED)
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

/// The Swedish calendar date of an instant (printed on the cover sheet).
pub fn date(t: OffsetDateTime) -> String {
    swedish(t).format(DAY).unwrap_or_default()
}

/// A stored timestamp as a caseworker reads it: Swedish local time, to the minute.
pub fn display(stored: &str) -> String {
    parse(stored)
        .and_then(|t| swedish(t).format(SHOWN).ok())
        .unwrap_or_else(|| stored.to_owned())
}

/// Parses a `YYYY-MM-DD` argument as the start of that day in Swedish time.
pub fn parse_day(day: &str) -> Option<OffsetDateTime> {
    let d = Date::parse(day.trim(), DAY).ok()?;
    let naive = PrimitiveDateTime::new(d, Time::MIDNIGHT);
    // The offset at local midnight is the one of the UTC instant an hour or two earlier;
    // Swedish clocks never change at midnight, so either guess gives the same offset.
    let guess = naive.assume_utc();
    Some(naive.assume_offset(sweden_offset(guess)))
}

/// Converts to Sweden's civil time: CET, or CEST from the last Sunday of March 01:00 UTC to
/// the last Sunday of October 01:00 UTC (the EU rule). No time-zone database needed.
pub fn swedish(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(sweden_offset(t))
}

fn sweden_offset(t: OffsetDateTime) -> UtcOffset {
    let utc = t.to_offset(UtcOffset::UTC);
    let year = utc.year();
    let start = last_sunday(year, Month::March);
    let end = last_sunday(year, Month::October);
    let hours = if utc >= start && utc < end { 2 } else { 1 };
    UtcOffset::from_hms(hours, 0, 0).unwrap_or(UtcOffset::UTC)
}

fn last_sunday(year: i32, month: Month) -> OffsetDateTime {
    let days = month.length(year);
    let mut d = Date::from_calendar_date(year, month, days).unwrap_or(Date::MIN);
    while d.weekday() != Weekday::Sunday {
        d = d.previous_day().unwrap_or(d);
    }
    PrimitiveDateTime::new(d, Time::from_hms(1, 0, 0).unwrap_or(Time::MIDNIGHT)).assume_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn stored_form_round_trips_and_sorts() {
        let t = datetime!(2026-11-23 14:05:09.123 UTC);
        let s = timestamp(t);
        assert_eq!(s, "2026-11-23T14:05:09.123Z");
        assert_eq!(parse(&s), Some(t));
        assert!(timestamp(datetime!(2026-02-01 0:00 UTC)) < s);
    }

    #[test]
    fn swedish_time_follows_summer_time() {
        assert_eq!(display("2026-11-23T14:05:09.123Z"), "2026-11-23 15:05");
        assert_eq!(display("2026-07-01T12:00:00.000Z"), "2026-07-01 14:00");
        // 2026: summer time starts 29 March 01:00 UTC, ends 25 October 01:00 UTC.
        assert_eq!(display("2026-03-29T00:59:00.000Z"), "2026-03-29 01:59");
        assert_eq!(display("2026-03-29T01:00:00.000Z"), "2026-03-29 03:00");
        assert_eq!(display("2026-10-25T00:59:00.000Z"), "2026-10-25 02:59");
        assert_eq!(display("2026-10-25T01:00:00.000Z"), "2026-10-25 02:00");
        assert_eq!(date(datetime!(2026-12-31 23:30 UTC)), "2027-01-01");
    }

    #[test]
    fn day_arguments() {
        assert_eq!(
            parse_day("2026-07-01").map(timestamp),
            Some("2026-06-30T22:00:00.000Z".to_owned())
        );
        assert_eq!(parse_day("2026-13-01"), None);
    }
}
