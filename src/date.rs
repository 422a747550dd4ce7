//! Calendar dates of Unix timestamps. The timestamp itself is the caller's: the command line
//! reads `SOURCE_DATE_EPOCH` or the clock, the library reads neither.

/// (year, month, day) of a Unix timestamp in UTC (H. Hinnant's civil-from-days).
pub fn civil(timestamp: i64) -> (i64, u32, u32) {
    let days = timestamp.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `2026-11-23`.
pub fn iso_date(timestamp: i64) -> String {
    let (y, m, d) = civil(timestamp);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Checks a date written `YYYY-MM-DD` (a real calendar day) and returns it trimmed; `None`
/// for anything else.
pub fn parse_iso(date: &str) -> Option<String> {
    let parts: Vec<&str> = date.trim().split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    let number = |text: &str, len: usize| {
        (text.len() == len && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse::<u32>().ok())
            .flatten()
    };
    let (year, month, day) = (number(year, 4)?, number(month, 2)?, number(day, 2)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days)
        .contains(&day)
        .then(|| format!("{year:04}-{month:02}-{day:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(951_782_400), "2000-02-29");
        assert_eq!(iso_date(1_795_392_000), "2026-11-23");
    }

    #[test]
    fn iso_dates_are_real_days() {
        assert_eq!(parse_iso(" 2024-02-29 ").as_deref(), Some("2024-02-29"));
        assert_eq!(parse_iso("2025-02-29"), None);
        assert_eq!(parse_iso("2025-13-01"), None);
        assert_eq!(parse_iso("2025-1-01"), None);
    }
}
