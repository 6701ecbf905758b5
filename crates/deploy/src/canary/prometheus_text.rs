//! [`PrometheusText`]: the samples of a Prometheus text-format exposition
//! (<https://prometheus.io/docs/instrumenting/exposition_formats/>).
//!
//! Must not interpret metrics (types, rates, ratios): it reads lines into samples. Comment
//! lines (`# HELP`, `# TYPE`) and blank lines are skipped; a malformed line is an error that
//! names its line number, never a panic.

/// Every sample of one scrape, in the order of the text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PrometheusText {
    pub samples: Vec<Sample>,
}

/// One line `name{label="value",…} value [timestamp]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: Labels,
    pub value: f64,
}

impl Sample {
    /// The value of label `name`, if the sample has it.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

impl PrometheusText {
    /// Parses an exposition; the error names the first malformed line.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut samples = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let sample =
                parse_sample(line).map_err(|reason| format!("line {}: {reason}", index + 1))?;
            samples.push(sample);
        }
        Ok(Self { samples })
    }

    /// The samples of metric `name`.
    pub fn metric<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Sample> + 'a {
        self.samples
            .iter()
            .filter(move |sample| sample.name == name)
    }
}

fn parse_sample(line: &str) -> Result<Sample, String> {
    let name_end = line
        .find(|c: char| c == '{' || c.is_whitespace())
        .unwrap_or(line.len());
    let name = &line[..name_end];
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    {
        return Err(format!("{name:?} is not a metric name"));
    }
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(after_brace) = rest.strip_prefix('{') {
        let (parsed, after) = parse_labels(after_brace)?;
        labels = parsed;
        rest = after;
    }
    let value_text = rest
        .split_whitespace()
        .next()
        .ok_or("the sample has no value")?;
    let value = parse_value(value_text)?;
    Ok(Sample {
        name: name.to_owned(),
        labels,
        value,
    })
}

/// A sample's labels, in their order.
type Labels = Vec<(String, String)>;

/// Parses `a="x",b="y"}` and returns the labels and the text after the closing brace.
fn parse_labels(mut text: &str) -> Result<(Labels, &str), String> {
    let mut labels = Vec::new();
    loop {
        text = text.trim_start();
        if let Some(after) = text.strip_prefix('}') {
            return Ok((labels, after));
        }
        let (key, after_key) = text.split_once('=').ok_or("a label has no '='")?;
        let quoted = after_key
            .trim_start()
            .strip_prefix('"')
            .ok_or("a label value is not quoted")?;
        let (value, after_value) = parse_quoted(quoted)?;
        labels.push((key.trim().to_owned(), value));
        text = after_value.trim_start();
        text = text.strip_prefix(',').unwrap_or(text);
    }
}

/// Reads an escaped label value up to its closing quote.
fn parse_quoted(text: &str) -> Result<(String, &str), String> {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((index, c)) = chars.next() {
        match c {
            '"' => return Ok((value, &text[index + 1..])),
            '\\' => match chars.next() {
                Some((_, 'n')) => value.push('\n'),
                Some((_, escaped)) => value.push(escaped),
                None => break,
            },
            other => value.push(other),
        }
    }
    Err("a label value has no closing quote".into())
}

fn parse_value(text: &str) -> Result<f64, String> {
    match text {
        "+Inf" | "Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        "NaN" => Ok(f64::NAN),
        _ => text
            .parse()
            .map_err(|_| format!("{text:?} is not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_counters_with_labels_comments_and_timestamps() {
        let text = "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\n\
                    http_requests_total{code=\"200\",path=\"/a\"} 1027 1395066363000\n\
                    http_requests_total{code=\"500\"} 3\n\nup 1\n";
        let parsed = PrometheusText::parse(text).unwrap();
        let requests: Vec<_> = parsed.metric("http_requests_total").collect();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].label("path"), Some("/a"));
        assert_eq!(requests[0].value, 1027.0);
        assert_eq!(requests[1].label("code"), Some("500"));
        assert_eq!(parsed.metric("up").count(), 1);
    }

    #[test]
    fn unescapes_label_values_and_reads_special_values() {
        let parsed =
            PrometheusText::parse("m{a=\"x\\\"y\\\\z\\n\", b = \"}\" ,} +Inf\nn NaN\n").unwrap();
        assert_eq!(parsed.samples[0].label("a"), Some("x\"y\\z\n"));
        assert_eq!(parsed.samples[0].label("b"), Some("}"));
        assert!(parsed.samples[0].value.is_infinite());
        assert!(parsed.samples[1].value.is_nan());
    }

    #[test]
    fn names_the_malformed_line() {
        for (text, expected) in [
            ("ok 1\nbad{a=\"1\" 2\n", "line 2"),
            ("m{a=1} 2", "not quoted"),
            ("m{a=\"1\"}", "no value"),
            ("m abc", "not a number"),
            ("{a=\"1\"} 1", "not a metric name"),
        ] {
            let error = PrometheusText::parse(text).unwrap_err();
            assert!(error.contains(expected), "{text:?}: {error}");
        }
    }

    #[test]
    fn never_panics_on_truncated_input() {
        let text = "http_requests_total{code=\"5\\\"00\",x=\"y\"} 12 3\n# c\nm 1";
        for end in 0..=text.len() {
            if text.is_char_boundary(end) {
                let _ = PrometheusText::parse(&text[..end]);
            }
        }
    }
}
