"""Every tab renders with data, in both languages, light and dark, on a phone; screenshots to docs/screenshots."""
import os
from datetime import datetime, timezone

import pytest

import fixture_readings as fx
from conftest import SCREENSHOTS, severe_console_errors, wait_for
from pagehelpers import ink, open_page, save_screenshot, show, text_of


TABS = ["overview", "usgs", "openmeteo", "velib", "eco2mix", "health"]

# Counts non-transparent pixels of every canvas in the element (overlays, which hold only the hover
# crosshair and flashes, excepted), so "the chart drew something" is checkable.


def test_every_tab_renders_with_data_and_screenshots(server, browser_factory):
    driver = browser_factory()
    open_page(driver, server)
    now = datetime.now(timezone.utc)
    features = fx.usgs_live_features()
    newest = max(f["properties"]["time"] for f in features)
    shift = now - datetime.fromtimestamp(newest / 1000, timezone.utc)
    for feature in sorted(features, key=lambda f: f["properties"]["time"]):  # real events, as if just fetched
        server.push("usgs", {k: v for k, v in fx.usgs_reading(feature, shift).items() if k != "_id"})
    wait_for(lambda: len(driver.find_elements("css selector", ".activity li[data-feed=usgs]")) == 4, 5, "4 live events")
    assert "Willow, Alaska" in text_of(driver, ".activity")

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


@pytest.mark.parametrize("width", [390])
def test_phone_width_has_no_horizontal_overflow(server, browser_factory, width):
    driver = browser_factory(width=width, height=844)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    open_page(driver, server)
    assert driver.execute_script("return innerWidth") == width
    for tab in TABS:
        show(driver, tab)
        overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"tab {tab} overflows a {width}px screen by {overflow}px"
    show(driver, "velib")
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})
    wait_for(lambda: driver.execute_script("return innerHeight") == height, 3, "the tall viewport")
    driver.save_screenshot(os.path.join(SCREENSHOTS, "velib-phone.png"))


def test_recorded_data_older_than_a_day_is_still_shown(browser_factory):
    """A demo replaying recorded payloads keeps their dates: the page shows the latest day it has."""
    from conftest import make_target
    target = make_target(age_days=400)
    try:
        driver = browser_factory()
        open_page(driver, target, "usgs")
        assert len(driver.find_elements("css selector", "#panel-usgs .quake-list li")) == 10
        assert "South Sandwich" in text_of(driver, "#panel-usgs .quake-list")
        assert all(n > 500 for n in ink(driver, "#panel-usgs"))
        for tab in ("openmeteo", "velib", "eco2mix"):
            show(driver, tab)
            assert min(ink(driver, f"#panel-{tab}")) > 0, f"{tab} is empty"
        assert len(driver.find_elements("css selector", "#panel-velib tbody tr")) == 12
        show(driver, "overview")
        for tile in driver.find_elements("css selector", ".kpi"):
            assert tile.find_element("css selector", ".kpi-value").text != "–"
    finally:
        target.close()
