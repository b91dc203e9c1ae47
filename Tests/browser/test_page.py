"""The dashboard page in headless Chromium against the server under test (see conftest.py)."""
import os
from datetime import datetime, timedelta, timezone

import pytest

import fixture_readings as fx
from conftest import SCREENSHOTS, severe_console_errors, wait_for

TABS = ["overview", "usgs", "openmeteo", "velib", "eco2mix", "health"]

# Counts non-transparent pixels of every canvas in the element (overlays, which hold only the hover
# crosshair and flashes, excepted), so "the chart drew something" is checkable.
CANVAS_INK = """
const root = document.querySelector(arguments[0]);
return [...root.querySelectorAll('canvas:not(.layer-overlay)')].map(c => {
  if (!c.width || !c.height) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
  return n;
});
"""


def open_page(driver, server, tab="overview"):
    driver.get(f"{server.base_url}#{tab}")
    wait_for(lambda: driver.execute_script("return document.body.dataset.loaded === 'true'"), 15, "the REST window to load")
    wait_for(lambda: driver.find_element("id", "conn").get_attribute("data-state") == "live", 10, "the live connection")


def show(driver, tab):
    driver.execute_script("location.hash = arguments[0]", tab)
    wait_for(lambda: driver.find_element("id", f"panel-{tab}").is_displayed(), 5, f"tab {tab}")


def text_of(driver, css):
    return driver.find_element("css selector", css).text


def ink(driver, css):
    return driver.execute_script(CANVAS_INK, css)


def save_screenshot(driver, name):
    """Saves a full-height PNG of the current page to docs/screenshots/<name>.png."""
    os.makedirs(SCREENSHOTS, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.execute_script("return window.innerWidth")
    driver.set_window_size(width, max(700, height + 90))
    wait_for(lambda: driver.execute_script("return document.documentElement.scrollHeight") <= height + 5, 2, "layout")
    path = os.path.join(SCREENSHOTS, f"{name}.png")
    assert driver.save_screenshot(path), f"screenshot {path} not written"
    return path


def fresh_quake(mag, place):
    """A reading built from a real recorded USGS feature, moved to now, with a recognisable place."""
    feature = fx.usgs_live_features()[0]
    shift = datetime.now(timezone.utc) - datetime.fromtimestamp(feature["properties"]["time"] / 1000, timezone.utc)
    doc = fx.usgs_reading(feature, shift)
    doc.pop("_id")
    doc["key"] = f"test{datetime.now().timestamp():.0f}{mag}"
    doc["values"]["mag"] = mag
    doc["tags"]["place"] = place
    return doc


def test_every_tab_renders_with_data_and_screenshots(server, browser_factory):
    driver = browser_factory()
    open_page(driver, server)

    tiles = driver.find_elements("css selector", ".kpi")
    assert len(tiles) == 4
    for tile in tiles:
        value = tile.find_element("css selector", ".kpi-value").text
        assert value and value != "–", f"KPI tile {tile.get_attribute('data-feed')} has no value"
    assert all(n > 50 for n in ink(driver, "#panel-overview")), "a KPI sparkline is empty"
    save_screenshot(driver, "overview")

    show(driver, "usgs")
    assert len(driver.find_elements("css selector", "#panel-usgs .quake-list li")) == 10
    assert "M" not in text_of(driver, "#panel-usgs .quake-list li .mag")  # a number badge, then the place
    assert "South Sandwich" in text_of(driver, "#panel-usgs .quake-list")
    assert all(n > 500 for n in ink(driver, "#panel-usgs")), "world map or histogram canvas empty"
    assert "US public domain" in text_of(driver, "#panel-usgs .attribution")
    save_screenshot(driver, "usgs")

    show(driver, "openmeteo")
    rows = text_of(driver, "#panel-openmeteo tbody")
    for place in ("Paris", "Novosibirsk", "Darwin"):
        assert place in rows
    assert "CC BY 4.0" in text_of(driver, "#panel-openmeteo .attribution")
    assert min(ink(driver, "#panel-openmeteo")) > 0
    save_screenshot(driver, "openmeteo")

    show(driver, "velib")
    assert len(driver.find_elements("css selector", "#panel-velib tbody tr")) == 12
    assert "%" in text_of(driver, "#panel-velib .big")
    assert "Etalab" in text_of(driver, "#panel-velib .attribution")
    assert min(ink(driver, "#panel-velib")) > 0
    save_screenshot(driver, "velib")

    show(driver, "eco2mix")
    assert "MW" in text_of(driver, "#panel-eco2mix .big")
    assert min(ink(driver, "#panel-eco2mix")) > 0
    assert "Etalab" in text_of(driver, "#panel-eco2mix .attribution")
    save_screenshot(driver, "eco2mix")

    show(driver, "health")
    rows = driver.find_elements("css selector", "#panel-health tbody tr")
    assert len(rows) == 4
    eco = driver.find_element("css selector", "#panel-health tr[data-feed=eco2mix]").text
    assert "503" in eco and "stale" in eco
    save_screenshot(driver, "health")
    assert severe_console_errors(driver) == []


def test_dark_mode_and_french_screenshots(server, browser_factory):
    driver = browser_factory(dark=True, lang="fr-FR")
    open_page(driver, server)
    assert driver.execute_script("return matchMedia('(prefers-color-scheme: dark)').matches")
    background = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(15, 18, 23)", background
    assert text_of(driver, "#tab-usgs") == "Séismes"
    assert "à jour" in text_of(driver, "#panel-overview") or "en retard" in text_of(driver, "#panel-overview")
    for tab in TABS:
        show(driver, tab)
        save_screenshot(driver, f"{tab}-dark")
    assert severe_console_errors(driver) == []


def test_language_toggle_is_remembered(server, browser_factory):
    driver = browser_factory(lang="en-US")
    open_page(driver, server)
    assert text_of(driver, "#tab-eco2mix") == "Electricity"
    driver.find_element("id", "lang").click()
    assert text_of(driver, "#tab-eco2mix") == "Électricité"
    assert driver.execute_script("return document.documentElement.lang") == "fr"
    open_page(driver, server)
    assert text_of(driver, "#tab-eco2mix") == "Électricité"
    driver.find_element("id", "lang").click()
    assert text_of(driver, "#tab-eco2mix") == "Electricity"


def test_pushed_reading_reaches_two_viewers_without_reload(server, browser_factory):
    viewers = [browser_factory(), browser_factory()]
    for driver in viewers:
        open_page(driver, server, "usgs")
        driver.execute_script("window.__noReload = 'still here'")
    place = "Test quake pushed after load"
    server.push("usgs", fresh_quake(7.3, place))
    for driver in viewers:
        wait_for(lambda d=driver: place in text_of(d, "#panel-usgs .quake-list li:first-child"), 5, "the quake in the list")
        assert driver.execute_script("return window.__noReload") == "still here", "the page reloaded"
        items = driver.find_elements("css selector", ".quake-list li:first-child.flash")
        assert items, "the new reading did not flash"
        show(driver, "overview")
        wait_for(lambda d=driver: place in text_of(d, "#panel-overview .activity"), 5, "the activity line")
        assert "M 7.3" in text_of(driver, ".kpi[data-feed=usgs] .kpi-value")


def test_reading_update_and_delete_apply_live(server, browser_factory):
    driver = browser_factory()
    open_page(driver, server, "usgs")
    doc = server.push("usgs", fresh_quake(7.6, "Quake to be revised"))["doc"]
    wait_for(lambda: "Quake to be revised" in text_of(driver, ".quake-list li:first-child"), 5, "insert")
    server.push("usgs", {"_id": doc["_id"], "values": {"mag": 7.7, "depth": 12.0}}, op="update")
    wait_for(lambda: text_of(driver, ".quake-list li:first-child .mag") == "7.7", 5, "the revised magnitude")
    server.push("usgs", {"_id": doc["_id"]}, op="delete")
    wait_for(lambda: "Quake to be revised" not in text_of(driver, ".quake-list"), 5, "the deletion")


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


def test_reconnect_resubscribes_with_since_and_gets_missed_reading(server, browser_factory):
    driver = browser_factory()
    open_page(driver, server, "usgs")
    offset = server.push("usgs", fresh_quake(6.9, "Before the drop"))["offset"]
    wait_for(lambda: "Before the drop" in text_of(driver, "#panel-usgs .quake-list"), 5, "the first reading")
    subscriptions_before = len(server.subscriptions())
    assert server.drop_connections() >= 1
    # Published while the viewer is away: the server's history must replay it after the resubscribe.
    missed = server.push("usgs", fresh_quake(7.9, "While disconnected"))["offset"]
    wait_for(lambda: len(server.subscriptions()) > subscriptions_before, 10, "a new subscribe")
    sub = server.subscriptions()[-1]
    assert sub["since"] is not None and sub["since"]["offset"] == offset, sub
    assert sub["feeds"] == ["*"]
    wait_for(lambda: "While disconnected" in text_of(driver, "#panel-usgs .quake-list"), 10, "the missed reading")
    wait_for(lambda: driver.find_element("id", "conn").get_attribute("data-state") == "live", 5, "live again")
    show(driver, "overview")
    lines = [li.text for li in driver.find_elements("css selector", ".activity li") if "While disconnected" in li.text]
    assert len(lines) == 1, f"missed reading applied {len(lines)} times"
    assert missed == offset + 1


def test_connection_indicator_shows_database_down(server, browser_factory):
    driver = browser_factory()
    open_page(driver, server)
    server.set_db("down")
    try:
        wait_for(lambda: driver.find_element("id", "conn").get_attribute("data-state") == "dbdown", 5, "db down")
        assert "database" in text_of(driver, "#conn")
    finally:
        server.set_db("up")
    wait_for(lambda: driver.find_element("id", "conn").get_attribute("data-state") == "live", 5, "db up")


def test_fetch_event_updates_health_row(server, browser_factory):
    driver = browser_factory()
    open_page(driver, server, "health")
    server.push_fetch("velib", ok=False, error="velib: HTTP 502 from the GBFS host", records=0)
    wait_for(lambda: "HTTP 502" in text_of(driver, "#panel-health tr[data-feed=velib]"), 5, "the failed fetch")
    server.push_fetch("velib", ok=True, records=1495)
    wait_for(lambda: "1,495" in text_of(driver, "#panel-health tr[data-feed=velib]"), 5, "the next fetch")


@pytest.mark.parametrize("width", [390])
def test_phone_width_has_no_horizontal_overflow(server, browser_factory, width):
    driver = browser_factory(width=width, height=844)
    open_page(driver, server)
    for tab in TABS:
        show(driver, tab)
        overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"tab {tab} overflows a {width}px screen by {overflow}px"
    show(driver, "velib")
    save_screenshot(driver, "velib-phone")


def test_token_from_page_url_is_passed_to_rest_and_ws(browser_factory):
    from conftest import make_target
    target = make_target(token="s3cret")
    try:
        driver = browser_factory()
        driver.get(f"{target.base_url}?token=s3cret#usgs")
        wait_for(lambda: driver.execute_script("return document.body.dataset.loaded === 'true'"), 15, "load with token")
        wait_for(lambda: driver.find_element("id", "conn").get_attribute("data-state") == "live", 10, "live with token")
        assert len(driver.find_elements("css selector", ".quake-list li")) == 10
        assert target.subscriptions(), "the WebSocket with the token never subscribed"
    finally:
        target.close()


@pytest.mark.parametrize("seen_event", [True, False], ids=["after-an-event", "before-any-event"])
def test_reset_after_server_restart_reloads_the_window_over_rest(server, browser_factory, seen_event):
    driver = browser_factory()
    open_page(driver, server, "usgs")
    if seen_event:  # the page then holds a `since` of the old epoch, and the server answers `reset`
        server.push("usgs", fresh_quake(6.1, "Seen before the restart"))
        wait_for(lambda: "Seen before the restart" in text_of(driver, "#panel-usgs .quake-list"), 5, "first event")
    loads = driver.execute_script("return window.__vigie.loads")
    hidden, later = f"Only visible through REST ({seen_event})", f"After the restart ({seen_event})"
    server.store_silently("usgs", fresh_quake(9.1, hidden))
    subscriptions = len(server.subscriptions())
    server.restart()
    wait_for(lambda: driver.execute_script("return window.__vigie.loads") == loads + 1, 10, "the reload after reset")
    sub = server.subscriptions()[subscriptions]
    assert (sub["since"] is not None) == seen_event, sub
    wait_for(lambda: hidden in text_of(driver, "#panel-usgs .quake-list"), 5, "reloaded list")
    wait_for(lambda: driver.find_element("id", "conn").get_attribute("data-state") == "live", 5, "live again")
    server.push("usgs", fresh_quake(9.2, later))
    wait_for(lambda: later in text_of(driver, "#panel-usgs .quake-list"), 5, "live after reset")


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
