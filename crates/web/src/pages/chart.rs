//! The calls per interval as an SVG chart: answered and abandoned calls as stacked bars, the
//! service level as a line on its own 0–100 % scale. Screen readers get the same figures as a
//! table below it.

use super::Ctx;
use domain::calls::CallInterval;
use maud::{Markup, html};

const W: f64 = 720.0;
const H: f64 = 240.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 44.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;
/// At most this many intervals: the most recent ones (a day and a half of half hours).
const MAX_BARS: usize = 72;

fn clock(t: time::OffsetDateTime) -> String {
    let l = domain::time::to_copenhagen(t);
    format!("{:02}.{:02}", l.hour(), l.minute())
}

fn percent(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{:.0} %", v * 100.0))
}

pub fn calls_chart(ctx: &Ctx, all: &[CallInterval]) -> Markup {
    let shown = &all[all.len().saturating_sub(MAX_BARS)..];
    if shown.is_empty() {
        return html! { p { (ctx.t("staffing.no_calls")) } };
    }
    let top = shown.iter().map(|c| c.offered).max().unwrap_or(1).max(1) as f64;
    let (plot_w, plot_h) = (W - LEFT - RIGHT, H - TOP - BOTTOM);
    let step = plot_w / shown.len() as f64;
    let y = |calls: f64| TOP + plot_h * (1.0 - calls / top);
    let sl_y = |share: f64| TOP + plot_h * (1.0 - share);
    let line: Vec<String> = shown
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.service_level().map(|s| format!("{:.1},{:.1}", LEFT + step * (i as f64 + 0.5), sl_y(s))))
        .collect();
    let label_every = shown.len().div_ceil(8);
    html! {
        figure.chart {
            svg viewBox={ "0 0 " (W) " " (H) } role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMidYMid meet" {
                title #chart-title { (ctx.t("staffing.chart_title")) }
                desc #chart-desc { (ctx.t("staffing.chart_desc")) }
                line.axis x1=(LEFT) y1=(TOP + plot_h) x2=(W - RIGHT) y2=(TOP + plot_h) {}
                text.tick x=(LEFT - 6.0) y=(TOP + 4.0) text-anchor="end" { (top as i64) }
                text.tick x=(LEFT - 6.0) y=(TOP + plot_h) text-anchor="end" { "0" }
                text.tick x=(W - RIGHT + 6.0) y=(TOP + 4.0) { "100 %" }
                text.tick x=(W - RIGHT + 6.0) y=(TOP + plot_h) { "0 %" }
                @for (i, c) in shown.iter().enumerate() {
                    @let x = LEFT + step * i as f64 + step * 0.1;
                    @let answered_top = y(c.answered as f64);
                    rect.answered x=(format!("{x:.1}")) y=(format!("{answered_top:.1}")) width=(format!("{:.1}", step * 0.8)) height=(format!("{:.1}", TOP + plot_h - answered_top)) {}
                    rect.abandoned x=(format!("{x:.1}")) y=(format!("{:.1}", y((c.answered + c.abandoned) as f64))) width=(format!("{:.1}", step * 0.8)) height=(format!("{:.1}", answered_top - y((c.answered + c.abandoned) as f64))) {}
                    @if i % label_every == 0 { text.tick x=(format!("{:.1}", x + step * 0.4)) y=(H - 8.0) text-anchor="middle" { (clock(c.start)) } }
                }
                @if line.len() > 1 { polyline.service-level points=(line.join(" ")) {} }
            }
            figcaption {
                span.key.answered aria-hidden="true" {} (ctx.t("staffing.answered")) " "
                span.key.abandoned aria-hidden="true" {} (ctx.t("staffing.abandoned")) " "
                span.key.service-level aria-hidden="true" {} (ctx.t("staffing.service_level"))
            }
        }
        details {
            summary { (ctx.t("staffing.as_table")) }
            div.scroll tabindex="0" role="region" aria-label=(ctx.t("staffing.as_table")) { table {
                thead { tr {
                    th scope="col" { (ctx.t("staffing.interval")) } th.num scope="col" { (ctx.t("staffing.offered")) }
                    th.num scope="col" { (ctx.t("staffing.answered")) } th.num scope="col" { (ctx.t("staffing.abandoned")) }
                    th.num scope="col" { (ctx.t("staffing.service_level")) }
                } }
                tbody { @for c in shown {
                    tr {
                        th scope="row" { (domain::time::format_danish(c.start)) }
                        td.num { (c.offered) } td.num { (c.answered) }
                        td.num { (c.abandoned) " (" (percent(c.abandon_rate())) ")" } td.num { (percent(c.service_level())) }
                    }
                } }
            } }
        }
    }
}
