"""Live behaviour: pushed readings, two viewers, reconnect with `since`, reset, database status, fetch events, token."""
import pytest

from conftest import make_target, wait_for
from pagehelpers import fresh_quake, open_page, show, text_of


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


def test_token_from_page_url_is_passed_to_rest_and_ws(browser_factory):
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


BACKOFF = """
const done = arguments[arguments.length - 1];
import('/ws.js').then(({ LiveConnection }) => {
  const delays = [], states = [];
  const realTimeout = window.setTimeout;
  window.setTimeout = (fn, ms) => { if (ms >= 250) { delays.push(ms); if (delays.length >= 9) { conn.stop(); window.setTimeout = realTimeout; done({ delays, states }); return 0; } ms = 0; } return realTimeout(fn, ms); };
  const conn = new LiveConnection({ url: 'ws://127.0.0.1:9/ws', onState: (s) => states.push(s) });
  conn.start();
}).catch((e) => done({ error: String(e) }));
"""


def test_reconnect_backoff_is_exponential_with_jitter(server, browser_factory):
    driver = browser_factory()
    open_page(driver, server)
    driver.set_script_timeout(20)
    result = driver.execute_async_script(BACKOFF)
    assert "error" not in result, result
    delays = result["delays"]
    ceilings = [min(15000, 500 * 2 ** i) for i in range(len(delays))]
    for delay, ceiling in zip(delays, ceilings):
        assert ceiling / 2 <= delay <= ceiling, (delays, ceilings)
    assert len({round(d / c, 6) for d, c in zip(delays, ceilings)}) > 1, f"no jitter: {delays}"
    assert result["states"][:2] == ["connecting", "reconnecting"], result["states"]
