//! The benchmark report (benches/run → `benches/results/REPORT.md`): tables with medians,
//! spreads and same-run ratios, one SVG chart per section, and the goals checked
//! against the figures.

pub mod data;
pub mod plot;

use std::fmt::Write as _;

use data::{Summary, Table};
use plot::format_value;

/// What a section shows.
#[derive(Clone, Copy, Debug)]
pub struct Section {
    /// Its number in the report (and in the raw files).
    pub id: &'static str,
    /// Its heading.
    pub title: &'static str,
    /// The figures' unit.
    pub unit: &'static str,
    /// Whether a larger figure is better (for the reader; ratios are always `num/den`).
    pub higher_is_better: bool,
    /// The ratios `(num, den)` shown per row, from the same runs.
    pub ratios: &'static [(&'static str, &'static str)],
    /// What was measured and how (markdown).
    pub how: &'static str,
}

/// The report's sections in order (section 7, DNS, is copied verbatim from dnsperf.sh).
pub const SECTIONS: [Section; 6] = [
    Section {
        id: "1",
        title: "TCP bulk throughput in memory: unet vs smoltcp 0.14",
        unit: "Gbit/s",
        higher_is_better: true,
        ratios: &[("unet", "smoltcp")],
        how: "Two stacks of the same kind in one process joined by an in-memory Ethernet link \
              (`tcp_bulk` bin, `benches/src/{unet,smoltcp}_bulk.rs`): one connection moves the \
              bytes, the applications copy them in and out through a buffer of the socket \
              buffer's size and hash them; both stacks compute and verify every checksum \
              in software. Rows: socket (and application) buffer size. Runs of unet and \
              smoltcp alternate; the ratio is taken run by run.",
    },
    Section {
        id: "2",
        title: "TCP bulk throughput with the Linux kernel as the peer",
        unit: "Gbit/s",
        higher_is_better: true,
        ratios: &[("unet", "smoltcp"), ("unet", "kernel veth, offloads off")],
        how: "`benches/scripts/tcp_tap.sh`: unet (`unet_tap_bulk`) and smoltcp \
              (`smoltcp_tap_bulk`) under the same host event loop and TAP driver in a \
              namespace, the kernel's TCP (`kernel_peer`) on the other end of the TAP; \
              receiver's goodput. Kernel to kernel: `kernel_peer` at both ends of a veth \
              pair (one namespace each), offloads on (default) and off (`ethtool -K tso gso \
              gro tx rx sg off`); the kernel figures are the same measurements in both rows.",
    },
    Section {
        id: "3",
        title: "TCP transactions and connection setups per second",
        unit: "per second",
        higher_is_better: true,
        ratios: &[("unet", "kernel")],
        how: "`benches/scripts/host_rates.sh`: the client (`tcp_rr`, the kernel's TCP with \
              TCP_NODELAY) in a namespace against `unet host --tcp-echo 7` over TAP, and \
              against `tcp_rr server` (the kernel) across a veth pair. Transactions: one \
              connection, a request of N bytes, the whole echo read back, again. Setups: \
              connect, one 1-byte request/response, close, again.",
    },
    Section {
        id: "4",
        title: "UDP echo packets per second",
        unit: "requests/s",
        higher_is_better: true,
        ratios: &[("unet", "kernel")],
        how: "`benches/scripts/host_rates.sh`: the `udp_echo` client (64-byte datagrams, 1 or \
              16 outstanding) against `unet host --udp-echo 7` over TAP and against \
              `udp_echo server` (the kernel) across a veth pair; answered requests per second.",
    },
    Section {
        id: "5",
        title: "Per-packet costs (criterion)",
        unit: "ns",
        higher_is_better: false,
        ratios: &[("unet", "bytewise")],
        how: "criterion's median time per iteration with its 95% confidence interval \
              (`benches/benches/{stack_path,frame,checksum}.rs`, short measurement times). \
              Whole-stack paths drive one `unet_stack::Stack` with `handle_frame` / \
              `poll_transmit` as a driver would: a TCP segment in (frame → data read from the \
              socket, the ACK emitted), a TCP segment out (data written → frame out), an ARP \
              request answered, an ICMP echo request answered. `bytewise`: the textbook \
              byte-at-a-time checksum, for scale.",
    },
    Section {
        id: "6",
        title: "Footprint",
        unit: "bytes",
        higher_is_better: false,
        ratios: &[("unet", "smoltcp")],
        how: "`benches/firmware/`: two `#![no_std] #![no_main]` images for \
              thumbv7em-none-eabihf built alike (opt-level \"s\", LTO, one codegen unit, \
              panic=abort), each opening a TCP listener and a UDP socket (and a DHCP client \
              where noted) over a dummy device whose frames come from and go to \
              `black_box`ed static buffers; sizes from `llvm-size`. RAM per connection: \
              `size_of` of the per-connection state without buffers, on thumbv7em (kept in \
              each image's `.footprint` section) and on the host (`footprint` bin).",
    },
];

/// One goal of issue 5.
#[derive(Clone, Copy, Debug)]
pub struct Goal {
    /// What the issue asks.
    pub text: &'static str,
    /// The section and the ratio `(num, den)` checked in every row listed.
    pub section: &'static str,
    /// Rows checked (empty: every row).
    pub rows: &'static [&'static str],
    /// The ratio checked.
    pub ratio: (&'static str, &'static str),
    /// The bound on the median ratio.
    pub bound: f64,
    /// True: the ratio must be at least `bound`; false: at most.
    pub at_least: bool,
}

/// The goals of issue 5.
pub const GOALS: [Goal; 5] = [
    Goal {
        text: "in-memory TCP bulk at least 2× smoltcp",
        section: "1",
        rows: &[],
        ratio: ("unet", "smoltcp"),
        bound: 2.0,
        at_least: true,
    },
    Goal {
        text: "over TAP at least 1.5× smoltcp, both directions",
        section: "2",
        rows: &[],
        ratio: ("unet", "smoltcp"),
        bound: 1.5,
        at_least: true,
    },
    Goal {
        text: "over TAP at least half of kernel-to-kernel veth with offloads off",
        section: "2",
        rows: &[],
        ratio: ("unet", "kernel veth, offloads off"),
        bound: 0.5,
        at_least: true,
    },
    Goal {
        text: "firmware code size (.text) no larger than smoltcp's",
        section: "6",
        rows: &[".text"],
        ratio: ("unet", "smoltcp"),
        bound: 1.0,
        at_least: false,
    },
    Goal {
        text: "RAM per TCP connection (without buffers) no larger than smoltcp's",
        section: "6",
        rows: &["RAM per TCP connection"],
        ratio: ("unet", "smoltcp"),
        bound: 1.0,
        at_least: false,
    },
];

/// "median (lo–hi)" with the count of runs.
pub fn cell(s: &Summary) -> String {
    if s.n == 1 || (s.lo == s.hi && s.lo == s.median) {
        return format_value(s.median);
    }
    format!("{} ({}–{})", format_value(s.median), format_value(s.lo), format_value(s.hi))
}

/// The markdown table of one section: a column per stack/peer, then the ratios.
pub fn markdown_table(table: &Table, section: &Section) -> String {
    let ratios: Vec<&(&str, &str)> = section
        .ratios
        .iter()
        .filter(|(n, d)| {
            table.columns.iter().any(|c| c == n) && table.columns.iter().any(|c| c == d)
        })
        .collect();
    let mut out = String::new();
    let _ = write!(out, "| {} |", section.unit);
    for c in &table.columns {
        let _ = write!(out, " {c} |");
    }
    out.push_str(" runs |");
    for (n, d) in &ratios {
        let _ = write!(out, " {n}/{d} |");
    }
    out.push('\n');
    out.push_str(&"|---".repeat(table.columns.len() + ratios.len() + 2));
    out.push_str("|\n");
    for row in &table.rows {
        let _ = write!(out, "| {row} |");
        let mut runs = 0;
        for c in &table.columns {
            match table.summary(row, c) {
                Some(s) => {
                    runs = runs.max(s.n);
                    let _ = write!(out, " {} |", cell(&s));
                }
                None => out.push_str(" – |"),
            }
        }
        if runs == 0 {
            out.push_str(" CI 95% |");
        } else {
            let _ = write!(out, " {runs} |");
        }
        for (n, d) in &ratios {
            match table.ratio(row, n, d) {
                Some(s) => {
                    let _ = write!(out, " {} |", cell(&s));
                }
                None => out.push_str(" – |"),
            }
        }
        out.push('\n');
    }
    out
}

/// Whether a goal is met (None: not measured), with the figures.
pub fn check_goal(goal: &Goal, table: &Table) -> (Option<bool>, String) {
    let rows: Vec<&String> = table
        .rows
        .iter()
        .filter(|r| goal.rows.is_empty() || goal.rows.iter().any(|g| r.starts_with(g)))
        .collect();
    let mut met = None;
    let mut figures = Vec::new();
    for row in rows {
        let Some(r) = table.ratio(row, goal.ratio.0, goal.ratio.1) else { continue };
        let ok = if goal.at_least { r.median >= goal.bound } else { r.median <= goal.bound };
        met = Some(met.unwrap_or(true) && ok);
        figures.push(format!("{row}: {}×", format_value(r.median)));
    }
    if figures.is_empty() {
        figures.push("not measured".to_string());
    }
    (met, figures.join("; "))
}

/// The goals table.
pub fn goals_table(tables: &[(Section, Table)]) -> String {
    let mut out =
        String::from("| goal | met | unet/peer (median of same-run ratios) |\n|---|---|---|\n");
    for goal in &GOALS {
        let table = tables.iter().find(|(s, _)| s.id == goal.section).map(|(_, t)| t);
        let (met, figures) = match table {
            Some(t) => check_goal(goal, t),
            None => (None, "not measured".to_string()),
        };
        let met = match met {
            Some(true) => "met",
            Some(false) => "**not met**",
            None => "not measured",
        };
        let _ = writeln!(out, "| {} | {met} | {figures} |", goal.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::data::parse_tsv;
    use super::*;

    #[test]
    fn table_has_medians_spreads_runs_and_ratios() {
        let t = Table::of(
            &parse_tsv("1\t64K\tsmoltcp\t0\t2\n1\t64K\tunet\t0\t5\n1\t64K\tsmoltcp\t1\t4\n1\t64K\tunet\t1\t6\n")
                .unwrap(),
            "1",
        );
        let md = markdown_table(&t, &SECTIONS[0]);
        assert!(md.contains("| Gbit/s | smoltcp | unet | runs | unet/smoltcp |"), "{md}");
        assert!(
            md.contains("| 64K | 3.00 (2.00–4.00) | 5.50 (5.00–6.00) | 2 | 2.00 (1.50–2.50) |"),
            "{md}"
        );
    }

    #[test]
    fn goals_are_checked_on_the_median_ratio() {
        let t = Table::of(
            &parse_tsv(
                "1\ta\tsmoltcp\t0\t2\n1\ta\tunet\t0\t5\n1\tb\tsmoltcp\t0\t2\n1\tb\tunet\t0\t3\n",
            )
            .unwrap(),
            "1",
        );
        let (met, figures) = check_goal(&GOALS[0], &t);
        assert_eq!(met, Some(false));
        assert_eq!(figures, "a: 2.50×; b: 1.50×");
        let md = goals_table(&[(SECTIONS[0], t)]);
        assert!(md.contains("| in-memory TCP bulk at least 2× smoltcp | **not met** |"), "{md}");
        assert!(md.contains(
            "RAM per TCP connection (without buffers) no larger than smoltcp's | not measured"
        ));
    }
}
