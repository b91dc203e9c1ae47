"""charts.js and axes.js in the browser: incremental appends, decimation, hover, resize and DPR, local-time ticks."""
from datetime import datetime, timedelta

import fixture_readings as fx
from conftest import wait_for
from pagehelpers import CANVAS_INK, ink, open_page


def test_append_draws_incrementally(server, browser_factory):
    driver = browser_factory()
    open_page(driver, server, "eco2mix")
    stats = "return window.__vigie.state.views.eco2mix.consumption.stats"
    before = driver.execute_script(stats)
    last = server.call("GET", "/api/readings?feed=eco2mix&limit=10000")["readings"][-1]
    at = datetime.fromisoformat(last["at"].replace("Z", "+00:00")) + timedelta(minutes=15)
    server.push("eco2mix", {"key": "france", "at": fx.iso(at), "values": last["values"]})
    wait_for(lambda: driver.execute_script(stats)["incremental"] == before["incremental"] + 1, 5, "an incremental draw")
    after = driver.execute_script(stats)
    assert after["full"] == before["full"], "appending a point inside the domain redrew the chart from scratch"
    assert after["staticDraws"] == before["staticDraws"]


DECIMATION = """
const done = arguments[arguments.length - 1];
import('/charts.js').then(({ TimeChart }) => {
  const box = document.createElement('div');
  box.style.width = '800px';
  document.body.prepend(box);
  const chart = new TimeChart(box, { series: [{ id: 'v', label: 'v', color: '#000' }] });
  const t0 = Date.now() - 50000 * 1000;
  const rows = [];
  for (let i = 0; i < 50000; i++) rows.push({ t: t0 + i * 1000, values: { v: Math.sin(i / 50) * 100 + (i % 7) } });
  requestAnimationFrame(() => requestAnimationFrame(() => {
    chart.setData(rows);
    const vertices = chart.decimated((i) => chart.series[0].v[i]).length;
    const xs = new Set(chart.decimated((i) => chart.series[0].v[i]).map((p) => Math.floor(p[0])));
    done({ vertices, columns: xs.size, width: chart.width, points: chart.t.length, full: chart.stats.full });
  }));
}).catch((e) => done({ error: String(e) }));
"""


def test_fifty_thousand_points_are_decimated_per_pixel_column(server, browser_factory):
    driver = browser_factory()
    open_page(driver, server)
    driver.set_script_timeout(30)
    result = driver.execute_async_script(DECIMATION)
    assert "error" not in result, result
    assert result["points"] == 50000
    assert result["width"] > 0 and result["full"] >= 1
    assert result["vertices"] <= 4 * result["columns"] + 4, result
    assert result["columns"] <= result["width"] + 1, result


def test_chart_hover_shows_crosshair_tooltip(server, browser_factory):
    from selenium.webdriver.common.action_chains import ActionChains
    driver = browser_factory()
    open_page(driver, server, "eco2mix")
    wrap = driver.find_elements("css selector", "#panel-eco2mix .chart-canvas")[0]
    ActionChains(driver).move_to_element_with_offset(wrap, wrap.size["width"] // 4, 0).perform()
    tooltip = driver.find_element("css selector", "#panel-eco2mix .tooltip")
    wait_for(tooltip.is_displayed, 3, "the tooltip")
    assert "MW" in tooltip.text and ("Consumption" in tooltip.text or "Consommation" in tooltip.text), tooltip.text
    overlay = driver.execute_script(CANVAS_INK.replace(":not(.layer-overlay)", ".layer-overlay"), "#panel-eco2mix .chart")
    assert overlay[0] > 0, "no crosshair drawn on the overlay"


def test_charts_follow_resize_and_device_pixel_ratio(server, browser_factory):
    driver = browser_factory(width=1200, scale=2)
    open_page(driver, server, "eco2mix")
    size = "const c = document.querySelector('#panel-eco2mix .layer-data'); return [c.width, c.clientWidth];"
    wait_for(lambda: driver.execute_script(size)[1] > 0, 5, "a sized chart")
    backing, css = driver.execute_script(size)
    assert backing == 2 * css, (backing, css)
    driver.set_window_size(800, 900)
    wait_for(lambda: driver.execute_script(size)[1] != css, 5, "the chart to follow the new width")
    backing2, css2 = driver.execute_script(size)
    assert backing2 == 2 * css2
    assert min(ink(driver, "#panel-eco2mix")) > 0


TICKS = """
const done = arguments[arguments.length - 1];
import('/axes.js').then(({ timeTicks, niceDomain }) => {
  const span = (from, hours, width) => {
    const t0 = new Date(from).getTime();
    return timeTicks(t0, t0 + hours * 3600e3, width).map((tk) => {
      const d = new Date(tk.t);
      return { h: d.getHours(), m: d.getMinutes(), s: d.getSeconds(), major: tk.major, label: tk.label };
    });
  };
  done({
    dst: span('2026-03-28T12:00:00Z', 36, 700),       // Europe/Paris springs forward on 2026-03-29
    minutes: span('2026-06-01T10:07:00Z', 1, 800),
    y: niceDomain(31234, 47890, 200).ticks.map((t) => t.v),
  });
}).catch((e) => done({ error: String(e) }));
"""


def test_time_axis_ticks_are_aligned_on_local_time(server, browser_factory):
    driver = browser_factory()
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Europe/Paris"})
    open_page(driver, server)
    driver.set_script_timeout(10)
    result = driver.execute_async_script(TICKS)
    assert "error" not in result, result
    dst = result["dst"]
    assert 4 <= len(dst) <= 700 // 60
    assert all(t["m"] == 0 and t["s"] == 0 for t in dst), dst
    steps = {t["h"] % 6 for t in dst}
    assert steps == {0}, f"ticks are not on local multiples of the step across the DST change: {dst}"
    midnight = [t for t in dst if t["h"] == 0]
    assert [t["label"] for t in midnight] == ["Mar 29", "Mar 30"] and all(t["major"] for t in midnight), midnight
    assert all(":" in t["label"] for t in dst if t["h"]), dst
    minutes = result["minutes"]
    assert all(t["m"] % 5 == 0 and t["s"] == 0 for t in minutes) and len(minutes) >= 6, minutes
    y = result["y"]
    assert y[0] <= 31234 and y[-1] >= 47890
    step = y[1] - y[0]
    assert step in (2000, 2500, 5000) and all(abs((b - a) - step) < 1e-6 for a, b in zip(y, y[1:])), y
