//! Charts drawn on the server as SVG: no script, readable on a phone (bars run across, one row
//! each, and the drawing scales to its box), and named for screen readers by their figures.

use serde::Serialize;

/// One bar: what it counts and how much.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// The value as the reader writes it (`12`, `EUR 1,200.00`).
    pub shown: String,
}

const WIDTH: f64 = 320.0;
const ROW: f64 = 30.0;
const LABEL: f64 = 110.0;
const FIGURE: f64 = 96.0;
/// The characters of a label that fit beside its bar (the whole label is in the chart's title).
const LABEL_CHARS: usize = 16;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn clipped(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_owned();
    }
    let kept: String = label.chars().take(LABEL_CHARS - 1).collect();
    format!("{}…", kept.trim_end())
}

/// How a chart draws its figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    Bar,
    Line,
    Doughnut,
}

/// `figures` drawn in `style`.
pub fn draw(style: Style, title: &str, figures: &[Bar], empty: &str) -> String {
    match style {
        Style::Bar => bars(title, figures, empty),
        Style::Line => line(title, figures, empty),
        Style::Doughnut => doughnut(title, figures, empty),
    }
}

/// The opening of a chart `height` high, named by its title and every figure (what a screen
/// reader says of it), with "nothing yet" (`empty`) written when there are no figures.
fn open(title: &str, figures: &[Bar], empty: &str, height: f64) -> String {
    let summary: Vec<String> = figures
        .iter()
        .map(|b| format!("{}: {}", b.label, b.shown))
        .collect();
    let label = if summary.is_empty() {
        format!("{title}: {empty}")
    } else {
        format!("{title}: {}", summary.join(", "))
    };
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        escape(&label),
        escape(&label)
    );
    if figures.is_empty() {
        svg.push_str(&format!(
            r#"<text x="0" y="{}" class="chart-empty">{}</text>"#,
            ROW * 0.6,
            escape(empty)
        ));
    }
    svg
}

/// A horizontal bar chart titled `title`; an empty list draws "nothing yet" (`empty`).
pub fn bars(title: &str, bars: &[Bar], empty: &str) -> String {
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let height = bars.len().max(1) as f64 * ROW;
    let mut svg = open(title, bars, empty, height);
    let span = WIDTH - LABEL - FIGURE;
    for (i, bar) in bars.iter().enumerate() {
        let y = i as f64 * ROW;
        let length = if max > 0.0 {
            (bar.value / max * span).max(if bar.value > 0.0 { 2.0 } else { 0.0 })
        } else {
            0.0
        };
        svg.push_str(&format!(
            r#"<text x="0" y="{:.1}" class="chart-label">{}</text><rect x="{LABEL}" y="{:.1}" width="{:.1}" height="{:.1}" rx="3" class="chart-bar"/><text x="{:.1}" y="{:.1}" class="chart-figure">{}</text>"#,
            y + ROW * 0.62,
            escape(&clipped(&bar.label)),
            y + ROW * 0.2,
            length,
            ROW * 0.6,
            LABEL + length + 6.0,
            y + ROW * 0.62,
            escape(&bar.shown)
        ));
    }
    svg.push_str("</svg>");
    svg
}

const PLOT: f64 = 120.0;
const AXIS: f64 = 36.0;

/// A line through the figures in order (months, most often), each point with its figure, the
/// labels below (every other one when they would crowd).
pub fn line(title: &str, points: &[Bar], empty: &str) -> String {
    if points.is_empty() {
        let mut svg = open(title, points, empty, ROW);
        svg.push_str("</svg>");
        return svg;
    }
    let max = points.iter().map(|b| b.value).fold(0.0, f64::max);
    let mut svg = open(title, points, empty, PLOT + AXIS);
    let step = WIDTH / points.len() as f64;
    let x = |i: usize| step * (i as f64 + 0.5);
    let y = |value: f64| {
        let top = 16.0;
        if max > 0.0 {
            top + (PLOT - top) * (1.0 - value / max)
        } else {
            PLOT
        }
    };
    svg.push_str(&format!(
        r#"<line x1="0" y1="{PLOT}" x2="{WIDTH}" y2="{PLOT}" class="chart-axis"/>"#
    ));
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.value)))
        .collect();
    svg.push_str(&format!(
        r#"<polyline points="{}" class="chart-line"/>"#,
        path.join(" ")
    ));
    let every = if points.len() > 6 { 2 } else { 1 };
    for (i, point) in points.iter().enumerate() {
        svg.push_str(&format!(
            r#"<circle cx="{:.1}" cy="{:.1}" r="3" class="chart-point"/><text x="{:.1}" y="{:.1}" class="chart-figure" text-anchor="middle">{}</text>"#,
            x(i),
            y(point.value),
            x(i),
            y(point.value) - 6.0,
            escape(&point.shown)
        ));
        if i % every == 0 {
            svg.push_str(&format!(
                r#"<text x="{:.1}" y="{:.1}" class="chart-label" text-anchor="middle">{}</text>"#,
                x(i),
                PLOT + 18.0,
                escape(&clipped(&point.label))
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

/// How many colours a doughnut's slices take turns with.
const SLICE_COLOURS: usize = 6;
const RADIUS: f64 = 60.0;
const HOLE: f64 = 34.0;

/// A ring whose slices are the figures' shares, with a legend of labels and figures beside it.
pub fn doughnut(title: &str, slices: &[Bar], empty: &str) -> String {
    let total: f64 = slices.iter().map(|b| b.value.max(0.0)).sum();
    let height = (2.0 * RADIUS + 8.0).max(slices.len() as f64 * 20.0 + 8.0);
    let mut svg = open(
        title,
        slices,
        empty,
        if slices.is_empty() { ROW } else { height },
    );
    if slices.is_empty() {
        svg.push_str("</svg>");
        return svg;
    }
    let (cx, cy) = (RADIUS + 4.0, RADIUS + 4.0);
    let at = |turn: f64, r: f64| {
        let angle = turn * std::f64::consts::TAU - std::f64::consts::FRAC_PI_2;
        (cx + r * angle.cos(), cy + r * angle.sin())
    };
    let mut start = 0.0;
    for (i, slice) in slices.iter().enumerate() {
        let class = format!("chart-slice chart-slice-{}", i % SLICE_COLOURS);
        let share = if total > 0.0 {
            slice.value.max(0.0) / total
        } else {
            0.0
        };
        if share >= 0.9999 {
            // One arc cannot close on itself: a whole ring is two circles.
            svg.push_str(&format!(
                r#"<circle cx="{cx}" cy="{cy}" r="{:.1}" class="{class}-ring" stroke-width="{:.1}" fill="none"/>"#,
                (RADIUS + HOLE) / 2.0,
                RADIUS - HOLE
            ));
        } else if share > 0.0 {
            let end = start + share;
            let large = i32::from(share > 0.5);
            let (x0, y0) = at(start, RADIUS);
            let (x1, y1) = at(end, RADIUS);
            let (x2, y2) = at(end, HOLE);
            let (x3, y3) = at(start, HOLE);
            svg.push_str(&format!(
                r#"<path d="M{x0:.1},{y0:.1} A{RADIUS},{RADIUS} 0 {large} 1 {x1:.1},{y1:.1} L{x2:.1},{y2:.1} A{HOLE},{HOLE} 0 {large} 0 {x3:.1},{y3:.1} Z" class="{class}"/>"#
            ));
        }
        start += share;
        let legend_y = 12.0 + i as f64 * 20.0;
        let legend_x = 2.0 * RADIUS + 20.0;
        svg.push_str(&format!(
            r#"<rect x="{legend_x}" y="{:.1}" width="10" height="10" rx="2" class="{class}"/><text x="{:.1}" y="{:.1}" class="chart-label">{} · {}</text>"#,
            legend_y - 9.0,
            legend_x + 16.0,
            legend_y,
            escape(&clipped(&slice.label)),
            escape(&slice.shown)
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: f64) -> Bar {
        Bar {
            label: label.into(),
            value,
            shown: value.to_string(),
        }
    }

    #[test]
    fn bars_scale_to_the_largest_and_say_their_figures() {
        let svg = bars(
            "Leads",
            &[bar("New", 4.0), bar("Won", 2.0), bar("Lost", 0.0)],
            "none",
        );
        assert!(
            svg.contains(r#"aria-label="Leads: New: 4, Won: 2, Lost: 0""#),
            "{svg}"
        );
        assert!(svg.contains(r#"width="114.0""#), "{svg}");
        assert!(svg.contains(r#"width="57.0""#), "{svg}");
        assert!(svg.contains(r#"width="0.0""#), "{svg}");
    }

    #[test]
    fn long_labels_are_clipped_beside_the_bar_and_whole_in_the_title() {
        let svg = bars(
            "Won",
            &[bar("Northwind Resellers International", 1.0)],
            "none",
        );
        assert!(svg.contains(">Northwind Resel…</text>"), "{svg}");
        assert!(
            svg.contains("<title>Won: Northwind Resellers International: 1</title>"),
            "{svg}"
        );
    }

    #[test]
    fn a_line_rises_to_the_largest_figure_and_labels_each_point() {
        let svg = line(
            "Cases",
            &[
                bar("2026-10", 2.0),
                bar("2026-11", 4.0),
                bar("2026-12", 0.0),
            ],
            "none",
        );
        // Three points across 320: x at 53.3, 160 and 266.7; the largest at the top (16).
        assert!(
            svg.contains(r#"points="53.3,68.0 160.0,16.0 266.7,120.0""#),
            "{svg}"
        );
        assert_eq!(svg.matches("<circle").count(), 3, "{svg}");
        assert!(svg.contains(">2026-11</text>"), "{svg}");
    }

    #[test]
    fn a_doughnut_shares_its_ring_by_the_figures() {
        let svg = doughnut("Stages", &[bar("Won", 3.0), bar("Lost", 1.0)], "none");
        // Won takes three quarters (a large arc) from the top, clockwise, to the left side.
        assert!(svg.contains("M64.0,4.0 A60,60 0 1 1 4.0,64.0"), "{svg}");
        assert!(svg.contains("M4.0,64.0 A60,60 0 0 1 64.0,4.0"), "{svg}");
        assert!(
            svg.contains(">Won · 3</text>") && svg.contains("chart-slice-1"),
            "{svg}"
        );
        let whole = doughnut("Stages", &[bar("Won", 3.0)], "none");
        assert!(
            whole.contains("<circle") && !whole.contains("<path"),
            "{whole}"
        );
    }

    #[test]
    fn every_style_escapes_its_labels_and_says_when_empty() {
        for style in [Style::Bar, Style::Line, Style::Doughnut] {
            let svg = draw(style, "<b>", &[bar("a<script>", 1.0)], "none");
            assert!(!svg.contains("<script>") && !svg.contains("<b>"), "{svg}");
            let empty = draw(style, "Leads", &[], "Nothing yet");
            assert!(empty.contains(">Nothing yet</text>"), "{empty}");
        }
    }

    #[test]
    fn labels_are_escaped_and_an_empty_chart_says_so() {
        let svg = bars("<b>", &[bar("a<script>", 1.0)], "none");
        assert!(!svg.contains("<script>") && !svg.contains("<b>"), "{svg}");
        let empty = bars("Leads", &[], "Nothing yet");
        assert!(
            empty.contains("Nothing yet") && !empty.contains("<rect"),
            "{empty}"
        );
    }
}
