//! The time of a run: the clock, and `SOURCE_DATE_EPOCH` (reproducible builds), which stands in
//! for it. Read here, at the edge, and handed to the library, which reads no environment.

use std::time::{SystemTime, UNIX_EPOCH};

use super::args::warn;

/// Seconds since the Unix epoch.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// The system clock.
    pub now: i64,
    /// `SOURCE_DATE_EPOCH`, when set to a whole number of seconds.
    pub source_date_epoch: Option<i64>,
}

impl Clock {
    /// Reads both; a `SOURCE_DATE_EPOCH` that is not a whole number of seconds is ignored with
    /// a warning.
    pub fn read() -> Clock {
        let source_date_epoch = std::env::var_os("SOURCE_DATE_EPOCH").and_then(|value| {
            let parsed = parse_epoch(&value.to_string_lossy());
            if parsed.is_none() {
                warn(&format!(
                    "SOURCE_DATE_EPOCH={value:?} is not a whole number of seconds since 1970; \
                     it is ignored (dates come from the clock, and PDFs carry none)"
                ));
            }
            parsed
        });
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        Clock {
            now,
            source_date_epoch,
        }
    }
}

/// A whole number of seconds, as the reproducible-builds specification defines it: ASCII
/// digits only (no sign, exponent or fraction), at most year 9999.
fn parse_epoch(value: &str) -> Option<i64> {
    const LAST_SECOND_OF_9999: i64 = 253_402_300_799;
    let value = value.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value
        .parse::<i64>()
        .ok()
        .filter(|seconds| *seconds <= LAST_SECOND_OF_9999)
}

#[cfg(test)]
mod tests {
    use super::parse_epoch;

    #[test]
    fn only_whole_seconds_are_an_epoch() {
        assert_eq!(parse_epoch("1795392000"), Some(1_795_392_000));
        assert_eq!(parse_epoch(" 0\n"), Some(0));
        for bad in [
            "abc",
            "1e9",
            "-5",
            "+5",
            "1.5",
            "",
            "99999999999999999999",
            "253402300800",
        ] {
            assert_eq!(parse_epoch(bad), None, "{bad}");
        }
    }
}
