//! `--timeout [STAGE=]DURATION`: how long every stage (or one stage) may run, e.g. `20m`,
//! `90s`, `1h30m`, `45` (seconds).
//!
//! It must not enforce anything: the scheduler does.

use std::time::Duration;

/// One `--timeout` flag: for one stage, or for every stage when `stage` is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageTimeout {
    pub stage: Option<String>,
    pub limit: Duration,
}

/// Parses `[STAGE=]DURATION` (clap value parser).
pub fn parse_stage_timeout(text: &str) -> Result<StageTimeout, String> {
    let (stage, duration) = match text.rsplit_once('=') {
        Some((stage, duration)) if !stage.is_empty() => (Some(stage.to_owned()), duration),
        _ => (None, text),
    };
    let limit = parse_duration(duration)?;
    Ok(StageTimeout { stage, limit })
}

/// `1h30m`, `20m`, `90s`, `45`: numbers each followed by `h`, `m` or `s` (a last bare number
/// is seconds).
fn parse_duration(text: &str) -> Result<Duration, String> {
    let invalid = || format!("expected a duration such as 20m, 90s or 1h30m, got {text:?}");
    let mut seconds: u64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        match c {
            '0'..='9' => number.push(c),
            'h' | 'm' | 's' if !number.is_empty() => {
                let unit = match c {
                    'h' => 3600,
                    'm' => 60,
                    _ => 1,
                };
                let value: u64 = number.parse().map_err(|_| invalid())?;
                seconds = seconds.saturating_add(value.saturating_mul(unit));
                number.clear();
            }
            _ => return Err(invalid()),
        }
    }
    if !number.is_empty() {
        seconds = seconds.saturating_add(number.parse::<u64>().map_err(|_| invalid())?);
    }
    match seconds {
        0 => Err(invalid()),
        seconds => Ok(Duration::from_secs(seconds)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_stage_names() {
        let parsed = |t: &str| parse_stage_timeout(t).map(|t| (t.stage, t.limit.as_secs()));
        assert_eq!(parsed("20m"), Ok((None, 1200)));
        assert_eq!(parsed("test=1h30m"), Ok((Some("test".into()), 5400)));
        assert_eq!(parsed("45"), Ok((None, 45)));
        assert!(parsed("soon").is_err());
        assert!(parsed("0s").is_err());
        assert!(parsed("m").is_err());
    }
}
