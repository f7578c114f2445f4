//! Small SVG charts drawn by the app itself: no chart library, so nothing extra to download.

use leptos::prelude::*;

/// One bar: its label under the axis, its value, and an optional second value drawn over it
/// (e.g. flagged records within all records).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub highlight: f64,
}

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 160.0;
const AXIS: f64 = 18.0;

/// Bars scaled to the largest value; `line` (0–1 per bar) is drawn across them when given.
#[component]
pub fn BarChart(
    bars: Vec<Bar>,
    #[prop(optional)] line: Option<Vec<f64>>,
    title: String,
) -> impl IntoView {
    let count = bars.len().max(1) as f64;
    let max = bars.iter().map(|b| b.value).fold(1.0, f64::max);
    let slot = WIDTH / count;
    let plot = HEIGHT - AXIS;
    let scale = |v: f64| plot * v / max;
    // Label every bar when they fit, else about six labels.
    let every = (bars.len() / 6).max(1);
    let shapes = bars
        .iter()
        .enumerate()
        .map(|(i, bar)| {
            let x = i as f64 * slot + slot * 0.15;
            let w = slot * 0.7;
            let label = (i % every == 0).then(|| {
                view! {
                    <text x=x + w / 2.0 y=HEIGHT - 4.0 text-anchor="middle" class="chart__label">
                        {bar.label.clone()}
                    </text>
                }
            });
            view! {
                <rect x=x y=plot - scale(bar.value) width=w height=scale(bar.value) class="chart__bar">
                    <title>{format!("{}: {}", bar.label, bar.value)}</title>
                </rect>
                <rect x=x y=plot - scale(bar.highlight) width=w height=scale(bar.highlight) class="chart__bar chart__bar--highlight"/>
                {label}
            }
        })
        .collect_view();
    let path = line.map(|points| {
        let d = points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let x = i as f64 * slot + slot / 2.0;
                let y = plot - plot * p.clamp(0.0, 1.0);
                format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { " L" })
            })
            .collect::<String>();
        view! { <path d=d class="chart__line"/> }
    });
    view! {
        <svg class="chart" viewBox=format!("-12 0 {} {HEIGHT}", WIDTH + 24.0) role="img" aria-label=title>
            <line x1="0" y1=plot x2=WIDTH y2=plot class="chart__axis"/>
            {shapes}
            {path}
        </svg>
    }
}
