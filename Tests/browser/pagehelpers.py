"""Helpers shared by the browser tests: open the page, switch tabs, read text and canvas ink, screenshots."""
import os
from datetime import datetime, timezone

import fixture_readings as fx
from conftest import SCREENSHOTS, wait_for


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
