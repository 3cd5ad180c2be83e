//! The cold-start curve as an SVG file: nDCG@10 against the number of watches each method was
//! given, one line per method with its interval as a band.
//!
//! Drawn with `plotters`' SVG backend. History sizes are spaced evenly (50, 100, ..., all) rather
//! than on a numeric axis, because "all" differs per user.

use std::path::Path;

use plotters::prelude::*;

use crate::error::{EvalError, Result};
use crate::report::Curve;

/// Line colours in method order: grey for chance, then the colour-blind-safe Okabe-Ito palette
/// (its yellow left out: unreadable on white), Vrdndi's two in orange and vermillion.
const COLOURS: [RGBColor; 8] = [
    RGBColor(153, 153, 153),
    RGBColor(86, 180, 233),
    RGBColor(0, 158, 115),
    RGBColor(0, 0, 0),
    RGBColor(0, 114, 178),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(213, 94, 0),
];
/// Width of the legend column right of the chart.
const LEGEND_WIDTH: u32 = 170;

/// Writes the curve of `methods` (in this order) to `path`.
pub fn write_curve(path: &Path, curve: &Curve, methods: &[String], title: &str) -> Result<()> {
    let failed = |e: &dyn std::fmt::Display| EvalError::Plot { path: path.to_owned(), detail: e.to_string() };
    let labels: Vec<String> = curve.points.iter().map(|p| p.events.map_or("all".to_owned(), |n| n.to_string())).collect();
    if labels.is_empty() {
        return Err(failed(&"the curve has no point"));
    }
    let top = curve.points.iter().flat_map(|p| p.methods.values().map(|i| i.hi)).fold(0.0f64, f64::max).max(0.05);
    let (width, height) = (960u32, 560u32);
    let root = SVGBackend::new(path, (width, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| failed(&e))?;
    let root = root.titled(title, ("sans-serif", 22)).map_err(|e| failed(&e))?;
    // The legend gets its own column so it never hides a line.
    let (plot_area, legend_area) = root.split_horizontally(width - LEGEND_WIDTH);
    let last = (labels.len() - 1) as f64;
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .right_y_label_area_size(0)
        .build_cartesian_2d(-0.2f64..last + 0.2, 0.0f64..(top * 1.1).min(1.0))
        .map_err(|e| failed(&e))?;
    let label_of = |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 {
            labels.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .x_labels(labels.len())
        .x_label_formatter(&label_of)
        .x_desc("watches given to each method (the most recent before each test day)")
        .y_desc(curve.metric.as_str())
        .light_line_style(WHITE.mix(0.0))
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 15))
        .draw()
        .map_err(|e| failed(&e))?;
    for (m, name) in methods.iter().enumerate() {
        let colour = COLOURS[m % COLOURS.len()];
        let points: Vec<(f64, f64, f64, f64)> =
            curve.points.iter().enumerate().filter_map(|(x, p)| p.methods.get(name).map(|i| (x as f64, i.mean, i.lo, i.hi))).collect();
        if points.is_empty() {
            continue;
        }
        let band: Vec<(f64, f64)> =
            points.iter().map(|&(x, _, _, hi)| (x, hi)).chain(points.iter().rev().map(|&(x, _, lo, _)| (x, lo))).collect();
        chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.12).filled()))).map_err(|e| failed(&e))?;
        chart.draw_series(LineSeries::new(points.iter().map(|&(x, y, _, _)| (x, y)), colour.stroke_width(2))).map_err(|e| failed(&e))?;
        let y = 60 + 26 * m as i32;
        legend_area.draw(&PathElement::new(vec![(8, y), (34, y)], colour.stroke_width(3))).map_err(|e| failed(&e))?;
        legend_area.draw(&Text::new(name.as_str(), (42, y - 8), ("sans-serif", 15).into_font())).map_err(|e| failed(&e))?;
        chart.draw_series(points.iter().map(|&(x, y, _, _)| Circle::new((x, y), 3, colour.filled()))).map_err(|e| failed(&e))?;
    }
    legend_area
        .draw(&Text::new("shaded: 95% interval", (8, 60 + 26 * methods.len() as i32), ("sans-serif", 13).into_font()))
        .map_err(|e| failed(&e))?;
    root.present().map_err(|e| failed(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bootstrap::Interval;
    use crate::report::CurvePoint;

    #[test]
    fn writes_an_svg_with_one_line_per_method() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("curve.svg");
        let point = |events, a: f64, b: f64| CurvePoint {
            events,
            methods: [
                ("channel".to_owned(), Interval { mean: a, lo: a - 0.05, hi: a + 0.05 }),
                ("centroid".to_owned(), Interval { mean: b, lo: b - 0.05, hi: b + 0.05 }),
            ]
            .into_iter()
            .collect(),
        };
        let curve = Curve { metric: "ndcg@10".into(), points: vec![point(Some(50), 0.1, 0.2), point(None, 0.3, 0.25)] };
        write_curve(&path, &curve, &["channel".into(), "centroid".into()], "test").expect("writes");
        let svg = std::fs::read_to_string(&path).expect("reads");
        assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
        for text in ["channel", "centroid", "50", "all", "ndcg@10"] {
            assert!(svg.contains(&format!("\n{text}\n</text>")), "no label {text}");
        }
        // A line per method in its own colour, and its legend mark.
        assert_eq!(svg.matches(r##"stroke="#999999" stroke-width="2""##).count(), 1);
        assert_eq!(svg.matches(r##"stroke="#56B4E9" stroke-width="2""##).count(), 1);
        assert_eq!(svg.matches(r##"stroke="#999999" stroke-width="3""##).count(), 1);
    }
}
