//! Writes `REPORT.md` and one SVG chart per section from the raw figures benches/run
//! collected (see `unet_benches::report`).
//!
//! ```text
//! report --raw DIR [--criterion DIR] --out DIR
//! ```
//!
//! `--raw` holds `*.tsv` measurements (`unet_benches::report::data`), `machine.md` (the
//! machine section, markdown), optional `notes-N.md` (appended to section N: parameters,
//! caveats), `section7.md` (the DNS table, copied verbatim) and `failed` (names of sections
//! that failed to measure, one a line). `--criterion` is cargo's `target/criterion`: the
//! per-packet costs of section 5 are read from its `estimates.json` files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use unet_benches::report::data::{criterion_median, parse_tsv, Table};
use unet_benches::report::{goals_table, markdown_table, plot, SECTIONS};

/// Section 5's rows: (row, column, criterion benchmark path).
const CRITERION: [(&str, &str, &str); 12] = [
    ("TCP segment in: 1448 B frame → data read, ACK out", "unet", "stack_path/tcp_receive/1448"),
    ("TCP segment out: 1448 B written → frame out", "unet", "stack_path/tcp_send/1448"),
    ("ARP request → reply", "unet", "stack_path/arp_request"),
    ("ICMP echo request (56 B) → reply", "unet", "stack_path/icmp_echo"),
    ("Eth/IPv4/TCP parse, 1448 B, checksums verified", "unet", "eth_ipv4_tcp/parse/1448"),
    ("Eth/IPv4/TCP emit, 1448 B, checksums computed", "unet", "eth_ipv4_tcp/emit/1448"),
    ("checksum, 64 B", "unet", "checksum/unet/64"),
    ("checksum, 64 B", "bytewise", "checksum/bytewise/64"),
    ("checksum, 1500 B", "unet", "checksum/unet/1500"),
    ("checksum, 1500 B", "bytewise", "checksum/bytewise/1500"),
    ("checksum, 65536 B", "unet", "checksum/unet/65536"),
    ("checksum, 65536 B", "bytewise", "checksum/bytewise/65536"),
];

struct Options {
    raw: PathBuf,
    criterion: Option<PathBuf>,
    out: PathBuf,
}

fn parse_args() -> Result<Options, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mut raw, mut criterion, mut out) = (None, None, None);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = PathBuf::from(it.next().ok_or_else(|| format!("{flag} needs a value"))?);
        match flag.as_str() {
            "--raw" => raw = Some(value),
            "--criterion" => criterion = Some(value),
            "--out" => out = Some(value),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    let usage = "usage: report --raw DIR [--criterion DIR] --out DIR";
    Ok(Options { raw: raw.ok_or(usage)?, criterion, out: out.ok_or(usage)? })
}

fn read_optional(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok().filter(|s| !s.trim().is_empty())
}

fn run(o: &Options) -> Result<(), String> {
    let mut samples = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&o.raw)
        .map_err(|e| format!("{}: {e}", o.raw.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    entries.sort();
    for path in entries {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        samples.extend(parse_tsv(&text).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    let failed = read_optional(&o.raw.join("failed")).unwrap_or_default();
    std::fs::create_dir_all(&o.out).map_err(|e| format!("{}: {e}", o.out.display()))?;

    let mut md = String::from("# unet benchmarks\n\nWritten by `benches/run` (issue 5). Every figure is a median over repeated runs with its spread (min–max, or criterion's 95% confidence interval); every ratio unet/peer is the median of the ratios of runs taken side by side (interleaved) in this run.\n\n");
    md.push_str("## Machine\n\n");
    md.push_str(
        &read_optional(&o.raw.join("machine.md")).unwrap_or_else(|| "(not recorded)\n".into()),
    );
    md.push('\n');

    let mut tables = Vec::new();
    for section in SECTIONS {
        let mut table = Table::of(&samples, section.id);
        if section.id == "5" {
            if let Some(dir) = &o.criterion {
                for (row, column, path) in CRITERION {
                    let file = dir.join(path).join("new/estimates.json");
                    if let Some(s) = read_optional(&file).as_deref().and_then(criterion_median) {
                        table.note(row, column);
                        table.given.insert((row.into(), column.into()), s);
                    }
                }
            }
        }
        let _ = writeln!(md, "## {}. {}\n\n{}\n", section.id, section.title, section.how);
        if let Some(notes) = read_optional(&o.raw.join(format!("notes-{}.md", section.id))) {
            let _ = writeln!(md, "{}\n", notes.trim_end());
        }
        if failed.lines().any(|l| l.trim() == section.id) {
            md.push_str(
                "**This section failed to measure in this run** (see benches/run's log).\n\n",
            );
        }
        if table.is_empty() {
            md.push_str("Not measured in this run.\n\n");
        } else {
            md.push_str(&markdown_table(&table, &section));
            let svg = plot::bar_chart(&table, section.title, section.unit)?;
            let name = format!("section{}.svg", section.id);
            std::fs::write(o.out.join(&name), svg).map_err(|e| format!("{name}: {e}"))?;
            let better = if section.higher_is_better { "higher" } else { "lower" };
            let _ = writeln!(md, "\n![section {}]({name})\n\n({better} is better)\n", section.id);
        }
        tables.push((section, table));
    }
    if let Some(dns) = read_optional(&o.raw.join("section7.md")) {
        let _ = writeln!(md, "## 7. DNS server: unet vs NSD and Knot (issue 7)\n\n`benches/scripts/dnsperf.sh`, copied as it printed it.\n\n{}\n", dns.trim_end());
    }
    md.push_str("## Goals (issue 5)\n\n");
    md.push_str(&goals_table(&tables));
    std::fs::write(o.out.join("REPORT.md"), md).map_err(|e| format!("REPORT.md: {e}"))?;
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().and_then(|o| run(&o)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("report: {e}");
            ExitCode::FAILURE
        }
    }
}
