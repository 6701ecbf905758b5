//! [`Ttl`]: how long a preview environment lives, written as `90s`, `30m`, `2h`, `1d` or a
//! sum of those (`1h30m`).
//!
//! Must not read a clock: callers pass "now" to [`Ttl::expiry`].

use std::fmt;
use std::time::Duration;

use crate::DeployError;

/// A positive duration with a human spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ttl(Duration);

impl Ttl {
    pub fn from_duration(duration: Duration) -> Self {
        Self(duration)
    }

    /// Parses `<number><unit>` pairs, units `s`, `m`, `h`, `d`.
    pub fn parse(text: &str) -> Result<Self, DeployError> {
        let invalid = || DeployError::Invalid(format!("TTL {text:?} is not a duration like 90s, 30m, 2h, 1d or 1h30m"));
        let mut seconds: u64 = 0;
        let mut number = String::new();
        for c in text.trim().chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let unit = match c {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86_400,
                _ => return Err(invalid()),
            };
            let value: u64 = number.parse().map_err(|_| invalid())?;
            seconds = value.checked_mul(unit).and_then(|s| seconds.checked_add(s)).ok_or_else(invalid)?;
            number.clear();
        }
        if !number.is_empty() || seconds == 0 {
            return Err(invalid());
        }
        Ok(Self(Duration::from_secs(seconds)))
    }

    pub fn duration(&self) -> Duration {
        self.0
    }

    /// When something started at `now` with this TTL expires.
    pub fn expiry(&self, now: time::OffsetDateTime) -> time::OffsetDateTime {
        now.saturating_add(time::Duration::seconds(i64::try_from(self.0.as_secs()).unwrap_or(i64::MAX)))
    }
}

impl fmt::Display for Ttl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0.as_secs();
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
            if rest >= size {
                write!(f, "{}{unit}", rest / size)?;
                rest %= size;
            }
        }
        Ok(())
    }
}

impl std::str::FromStr for Ttl {
    type Err = DeployError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_sums() {
        let secs = |text| Ttl::parse(text).unwrap().duration().as_secs();
        assert_eq!(secs("90s"), 90);
        assert_eq!(secs("30m"), 1800);
        assert_eq!(secs("2h"), 7200);
        assert_eq!(secs("1d"), 86_400);
        assert_eq!(secs("1h30m"), 5400);
    }

    #[test]
    fn rejects_what_is_not_a_positive_duration() {
        for text in ["", "0s", "10", "h", "1w", "-1h", "1.5h", "99999999999999999999d"] {
            assert!(Ttl::parse(text).is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn displays_in_its_own_syntax() {
        assert_eq!(Ttl::parse("1h30m").unwrap().to_string(), "1h30m");
        assert_eq!(Ttl::parse("86400s").unwrap().to_string(), "1d");
    }
}
