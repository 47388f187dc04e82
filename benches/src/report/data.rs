//! The raw measurements benches/run collects, one a line, and their summaries.
//!
//! A line of a `.tsv` file is `section<TAB>row<TAB>column<TAB>run<TAB>value`: one
//! measurement of `column` (a stack, e.g. `unet`) in `row` (a case, e.g. a buffer size) of
//! section `section`, taken in repetition `run`. Measurements with the same `run` in one row
//! were taken side by side (interleaved), so their ratio is a ratio "from the same run".
//! Lines starting with `#` and empty lines are skipped.

use std::collections::BTreeMap;

/// One measurement.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// The report section (`"1"` … `"7"`).
    pub section: String,
    /// The case within the section.
    pub row: String,
    /// What was measured (a stack or a peer).
    pub column: String,
    /// The repetition it belongs to.
    pub run: u32,
    /// The figure, in the section's unit.
    pub value: f64,
}

/// Parses the lines described in the [module](self) doc.
pub fn parse_tsv(text: &str) -> Result<Vec<Sample>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let [section, row, column, run, value] = f.as_slice() else {
            return Err(format!("line {}: want 5 tab-separated fields, got {}", i + 1, f.len()));
        };
        let run = run.parse().map_err(|e| format!("line {}: run {run:?}: {e}", i + 1))?;
        let value: f64 =
            value.parse().map_err(|e| format!("line {}: value {value:?}: {e}", i + 1))?;
        if !value.is_finite() {
            return Err(format!("line {}: value {value} is not finite", i + 1));
        }
        out.push(Sample {
            section: section.to_string(),
            row: row.to_string(),
            column: column.to_string(),
            run,
            value,
        });
    }
    Ok(out)
}

/// Median and spread of a set of figures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// The median (the mean of the two middle figures for an even count).
    pub median: f64,
    /// The lower end of the spread (the minimum, or a confidence bound).
    pub lo: f64,
    /// The upper end of the spread.
    pub hi: f64,
    /// How many figures (0 when the spread is a confidence interval of one estimate).
    pub n: usize,
}

/// Median, minimum and maximum; `None` for no figures.
pub fn summarize(values: &[f64]) -> Option<Summary> {
    let mut v: Vec<f64> = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let (first, last) = (*v.first()?, *v.last()?);
    let median = if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 };
    Some(Summary { median, lo: first, hi: last, n })
}

/// The measurements of one section: per (row, column), the figures by run; rows and
/// columns in order of first appearance.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Row names, in order of first appearance.
    pub rows: Vec<String>,
    /// Column names, in order of first appearance.
    pub columns: Vec<String>,
    /// (row, column) -> run -> figure.
    pub cells: BTreeMap<(String, String), BTreeMap<u32, f64>>,
    /// Cells whose summary is given rather than computed (criterion's estimates).
    pub given: BTreeMap<(String, String), Summary>,
}

impl Table {
    /// The samples of `section`.
    pub fn of(samples: &[Sample], section: &str) -> Table {
        let mut t = Table::default();
        for s in samples.iter().filter(|s| s.section == section) {
            t.note(&s.row, &s.column);
            t.cells.entry((s.row.clone(), s.column.clone())).or_default().insert(s.run, s.value);
        }
        t
    }

    /// Records the row and column names.
    pub fn note(&mut self, row: &str, column: &str) {
        if !self.rows.iter().any(|r| r == row) {
            self.rows.push(row.to_string());
        }
        if !self.columns.iter().any(|c| c == column) {
            self.columns.push(column.to_string());
        }
    }

    /// True when the section has no figure at all.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty() && self.given.is_empty()
    }

    /// The summary of one cell.
    pub fn summary(&self, row: &str, column: &str) -> Option<Summary> {
        let key = (row.to_string(), column.to_string());
        if let Some(s) = self.given.get(&key) {
            return Some(*s);
        }
        let runs = self.cells.get(&key)?;
        summarize(&runs.values().copied().collect::<Vec<_>>())
    }

    /// The ratio `num / den` in `row`, run by run (only runs both have), summarized; for
    /// given summaries, the ratio of the medians.
    pub fn ratio(&self, row: &str, num: &str, den: &str) -> Option<Summary> {
        let a = self.cells.get(&(row.to_string(), num.to_string()));
        let b = self.cells.get(&(row.to_string(), den.to_string()));
        if let (Some(a), Some(b)) = (a, b) {
            let ratios: Vec<f64> = a
                .iter()
                .filter_map(|(run, x)| b.get(run).filter(|y| **y != 0.0).map(|y| x / y))
                .collect();
            return summarize(&ratios);
        }
        let (a, b) = (self.summary(row, num)?, self.summary(row, den)?);
        (b.median != 0.0).then(|| Summary {
            median: a.median / b.median,
            lo: a.median / b.median,
            hi: a.median / b.median,
            n: 0,
        })
    }
}

/// Extracts criterion's median estimate (point, 95% bounds) from an `estimates.json` text.
pub fn criterion_median(json: &str) -> Option<Summary> {
    let at = json.find("\"median\"")?;
    let rest = &json[at..];
    let number = |key: &str| -> Option<f64> {
        let k = rest.find(&format!("\"{key}\""))?;
        let tail = rest[k + key.len() + 2..].trim_start().strip_prefix(':')?.trim_start();
        let end = tail.find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))?;
        tail[..end].parse().ok()
    };
    Some(Summary {
        median: number("point_estimate")?,
        lo: number("lower_bound")?,
        hi: number("upper_bound")?,
        n: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# comment\n1\t64K\tsmoltcp\t0\t2.0\n1\t64K\tunet\t0\t5.0\n\
        1\t64K\tsmoltcp\t1\t4.0\n1\t64K\tunet\t1\t6.0\n1\t64K\tunet\t2\t9.0\n2\tx\tunet\t0\t1\n";

    #[test]
    fn parses_and_summarizes_by_run() {
        let samples = parse_tsv(SAMPLE).unwrap();
        assert_eq!(samples.len(), 6);
        let t = Table::of(&samples, "1");
        assert_eq!(t.rows, ["64K"]);
        assert_eq!(t.columns, ["smoltcp", "unet"]);
        let s = t.summary("64K", "unet").unwrap();
        assert_eq!((s.median, s.lo, s.hi, s.n), (6.0, 5.0, 9.0, 3));
        // Runs 0 and 1 only: 5/2 and 6/4.
        let r = t.ratio("64K", "unet", "smoltcp").unwrap();
        assert_eq!((r.median, r.lo, r.hi, r.n), (2.0, 1.5, 2.5, 2));
        assert!(t.ratio("64K", "unet", "kernel").is_none());
    }

    #[test]
    fn rejects_malformed_lines() {
        assert!(parse_tsv("1\tx\tunet\t0\n").is_err());
        assert!(parse_tsv("1\tx\tunet\tz\t1\n").is_err());
        assert!(parse_tsv("1\tx\tunet\t0\tNaN\n").is_err());
    }

    #[test]
    fn even_counts_take_the_middle_mean() {
        let s = summarize(&[4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!(s.median, 2.5);
        assert!(summarize(&[]).is_none());
    }

    #[test]
    fn reads_criterion_estimates() {
        let json = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0},"point_estimate":1.5,"standard_error":0.1},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":10.25,"upper_bound":12.5},"point_estimate":11.0,"standard_error":0.3}}"#;
        let s = criterion_median(json).unwrap();
        assert_eq!((s.median, s.lo, s.hi), (11.0, 10.25, 12.5));
    }
}
