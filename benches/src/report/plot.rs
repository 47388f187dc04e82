//! Grouped horizontal bar charts of a section's medians with their spread, drawn with
//! plotters' SVG backend (text as SVG `<text>`: no font library needed).

use plotters::prelude::*;

use super::data::Table;

/// Bar colours, one per column (colour-blind-safe palette).
const COLOURS: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
];

const WIDTH: u32 = 900;
const LABEL_W: i32 = 280;
const BAR_H: i32 = 18;
const ROW_GAP: i32 = 14;
const TOP: i32 = 40;

/// The SVG text of `table`'s chart: one group of bars per row (a bar per column with a
/// median, its min–max as a whisker, its value written beside it). Rows share one scale
/// unless their medians differ by more than 20×, when each row is scaled to its own
/// largest figure (the values are written out either way).
pub fn bar_chart(table: &Table, title: &str, unit: &str) -> Result<String, String> {
    let mut svg = String::new();
    let cols = &table.columns;
    let per_row = cols.len() as i32 * BAR_H + ROW_GAP;
    let height = (TOP + table.rows.len() as i32 * per_row + 30 + 20 * cols.len() as i32) as u32;
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let e = |e: DrawingAreaErrorKind<_>| e.to_string();
        root.fill(&WHITE).map_err(e)?;
        let font = ("sans-serif", 13).into_font();
        root.draw(&Text::new(format!("{title} ({unit})"), (10, 10), ("sans-serif", 16)))
            .map_err(e)?;
        let highs: Vec<f64> = table
            .rows
            .iter()
            .flat_map(|r| cols.iter().filter_map(move |c| table.summary(r, c)))
            .map(|s| s.hi.max(s.median))
            .filter(|v| *v > 0.0)
            .collect();
        let (min, max) =
            highs.iter().fold((f64::INFINITY, 0.0f64), |(a, b), v| (a.min(*v), b.max(*v)));
        let shared = max > 0.0 && max / min <= 20.0;
        let span = f64::from(WIDTH as i32 - LABEL_W - 110);
        for (i, row) in table.rows.iter().enumerate() {
            let y0 = TOP + i as i32 * per_row;
            root.draw(&Text::new(row.clone(), (10, y0 + 2), font.clone())).map_err(e)?;
            let row_max = cols
                .iter()
                .filter_map(|c| table.summary(row, c))
                .map(|s| s.hi.max(s.median))
                .fold(0.0f64, f64::max);
            let scale = if shared { max } else { row_max };
            let x = |v: f64| LABEL_W + if scale > 0.0 { (v / scale * span) as i32 } else { 0 };
            for (j, col) in cols.iter().enumerate() {
                let Some(s) = table.summary(row, col) else { continue };
                let y = y0 + j as i32 * BAR_H;
                let colour = COLOURS[j % COLOURS.len()];
                root.draw(&Rectangle::new(
                    [(LABEL_W, y + 2), (x(s.median), y + BAR_H - 2)],
                    colour.filled(),
                ))
                .map_err(e)?;
                let mid = y + BAR_H / 2;
                let whisker = BLACK.stroke_width(1);
                root.draw(&PathElement::new(vec![(x(s.lo), mid), (x(s.hi), mid)], whisker))
                    .map_err(e)?;
                for end in [s.lo, s.hi] {
                    root.draw(&PathElement::new(
                        vec![(x(end), mid - 4), (x(end), mid + 4)],
                        whisker,
                    ))
                    .map_err(e)?;
                }
                root.draw(&Text::new(
                    format_value(s.median),
                    (x(s.hi.max(s.median)) + 6, y + 2),
                    font.clone(),
                ))
                .map_err(e)?;
            }
        }
        let legend_y = TOP + table.rows.len() as i32 * per_row + 10;
        for (j, col) in cols.iter().enumerate() {
            let y = legend_y + 20 * j as i32;
            let colour = COLOURS[j % COLOURS.len()];
            root.draw(&Rectangle::new([(LABEL_W, y), (LABEL_W + 14, y + 14)], colour.filled()))
                .map_err(e)?;
            root.draw(&Text::new(col.clone(), (LABEL_W + 20, y), font.clone())).map_err(e)?;
        }
        if !shared {
            root.draw(&Text::new(
                "each row scaled to its own largest figure",
                (10, legend_y),
                font.clone(),
            ))
            .map_err(e)?;
        }
        root.present().map_err(e)?;
    }
    Ok(svg)
}

/// A figure with three significant digits or so (no exponent).
pub fn format_value(v: f64) -> String {
    let a = v.abs();
    if a >= 1000.0 || (a >= 100.0 && v.fract() == 0.0) || v == 0.0 {
        format!("{v:.0}")
    } else if a >= 100.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::data::{parse_tsv, Table};

    #[test]
    fn draws_bars_whiskers_and_labels() {
        let samples = parse_tsv(
            "1\t64K\tsmoltcp\t0\t2\n1\t64K\tunet\t0\t5\n1\t64K\tunet\t1\t7\n1\t256K\tunet\t0\t6\n",
        )
        .unwrap();
        let svg = bar_chart(&Table::of(&samples, "1"), "TCP bulk", "Gbit/s").unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        for text in ["TCP bulk (Gbit/s)", "64K", "256K", "smoltcp", "unet", "6.00", "2.00"] {
            assert!(svg.contains(text), "{text} missing");
        }
        // Three bars and two legend boxes, beside the background.
        assert!(svg.matches("<rect").count() >= 6);
    }

    #[test]
    fn formats_figures() {
        assert_eq!(format_value(1234.56), "1235");
        assert_eq!(format_value(123.45), "123.5");
        assert_eq!(format_value(1.234), "1.23");
        assert_eq!(format_value(0.1234), "0.123");
        assert_eq!(format_value(408.0), "408");
        assert_eq!(format_value(0.0), "0");
    }
}
