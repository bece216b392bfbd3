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

/// A horizontal bar chart titled `title`; an empty list draws "nothing yet" (`empty`).
pub fn bars(title: &str, bars: &[Bar], empty: &str) -> String {
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let summary: Vec<String> = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.shown))
        .collect();
    let label = if summary.is_empty() {
        format!("{title}: {empty}")
    } else {
        format!("{title}: {}", summary.join(", "))
    };
    let rows = bars.len().max(1);
    let height = rows as f64 * ROW;
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        escape(&label),
        escape(&label)
    );
    if bars.is_empty() {
        svg.push_str(&format!(
            r#"<text x="0" y="{}" class="chart-empty">{}</text>"#,
            ROW * 0.6,
            escape(empty)
        ));
    }
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
