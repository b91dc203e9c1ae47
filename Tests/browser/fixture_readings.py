"""Readings derived from the real recorded payloads in Tests/Fixtures, shaped as API.md says.

Values, keys, places and coordinates are the payloads' own. Observation times are shifted so that
each series ends close to `now` (the page shows the last 24 hours); spacing inside a payload is kept.
"""
import json
import os
import secrets
from datetime import datetime, timedelta, timezone

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures")


def iso(dt):
    """ISO-8601 UTC with milliseconds, as the server renders dates."""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def object_id():
    return secrets.token_hex(12)


def _load(feed, name):
    with open(os.path.join(FIXTURES, feed, name), encoding="utf-8") as f:
        return json.load(f)


def _reading(feed, key, at, values, tags=None, geo=None, fetched=None):
    doc = {"_id": object_id(), "feed": feed, "key": key, "at": iso(at),
           "fetchedAt": iso(fetched or at + timedelta(seconds=5)), "values": values}
    if tags:
        doc["tags"] = tags
    if geo:
        doc["geo"] = geo
    return doc


def usgs_reading(feature, shift):
    p = feature["properties"]
    lon, lat, depth = feature["geometry"]["coordinates"][:3]
    at = datetime.fromtimestamp(p["time"] / 1000, timezone.utc) + shift
    values = {"mag": p["mag"], "depth": depth}
    for name in ("sig", "felt", "tsunami"):
        if isinstance(p.get(name), (int, float)):
            values[name] = p[name]
    tags = {k: p[k] for k in ("place", "magType", "status", "alert", "net", "title", "url") if p.get(k) is not None}
    return _reading("usgs", feature["id"], at, values, tags, {"lon": lon, "lat": lat})


def usgs(now):
    payload = _load("usgs", "all_day_2022-09-29.geojson")
    shift = now - timedelta(minutes=2) - datetime.fromtimestamp(payload["metadata"]["generated"] / 1000, timezone.utc)
    return [usgs_reading(f, shift) for f in payload["features"] if isinstance(f["properties"].get("mag"), (int, float))]


def usgs_live_features():
    """Features of another recorded payload, for readings pushed after the page loaded."""
    return _load("usgs", "all_hour_2024-07-27.geojson")["features"]


def _hourly(payload, fields, place, geo, now, hours=25):
    hourly = payload["hourly"]
    offset = timedelta(seconds=payload.get("utc_offset_seconds", 0))
    times = [datetime.fromisoformat(t).replace(tzinfo=timezone.utc) - offset for t in hourly["time"][:hours]]
    shift = now.replace(minute=0, second=0, microsecond=0) - times[-1]
    out = []
    for i, t in enumerate(times):
        values = {}
        for name, source in fields.items():
            parts = [hourly[s][i] for s in source if hourly.get(s) and hourly[s][i] is not None]
            if parts:
                values[name] = round(sum(parts), 2)
        out.append(_reading("openmeteo", place, t + shift, values, geo=geo))
    return out


def openmeteo(now):
    paris = _load("openmeteo", "forecast_paris_hourly_2023-08-05.json")
    novo = _load("openmeteo", "forecast_novosibirsk_hourly_2025-07-25.json")
    darwin = _load("openmeteo", "forecast_current_weather_darwin_2023-10-25.json")
    out = _hourly(paris, {"temperature": ["temperature_2m"]}, "Paris",
                  {"lon": paris["longitude"], "lat": paris["latitude"]}, now)
    out += _hourly(novo, {"temperature": ["temperature_2m"], "humidity": ["relative_humidity_2m"],
                          "precipitation": ["rain", "showers"], "wind": ["wind_speed_10m"]},
                   "Novosibirsk", {"lon": novo["longitude"], "lat": novo["latitude"]}, now)
    cw = darwin["current_weather"]
    out.append(_reading("openmeteo", "Darwin", now.replace(minute=(now.minute // 15) * 15, second=0, microsecond=0),
                        {"temperature": cw["temperature"], "wind": cw["windspeed"]},
                        geo={"lon": darwin["longitude"], "lat": darwin["latitude"]}))
    return out


def _types(station):
    mech = ebike = 0
    for item in station.get("num_bikes_available_types") or []:
        mech += item.get("mechanical", 0) or 0
        ebike += item.get("ebike", 0) or 0
    return mech, ebike


def _network(status, at):
    stations = status["data"]["stations"]
    mech = sum(_types(s)[0] for s in stations)
    ebike = sum(_types(s)[1] for s in stations)
    values = {"bikes": sum(s["num_bikes_available"] for s in stations), "ebikes": ebike, "mechanical": mech,
              "docks": sum(s["num_docks_available"] for s in stations),
              "stationsInService": sum(1 for s in stations if s.get("is_installed") and s.get("is_renting")),
              "stations": len(stations)}
    return _reading("velib", "_network", at, values)


def velib(now):
    status = _load("velib", "velib_station_status_2025-10-18.json")
    info = {s["station_id"]: s for s in _load("velib", "velib_station_information_2025-10-18.json")["data"]["stations"]}
    older = _load("velib", "velib_station_status_2022-02-23.json")
    shift = now - timedelta(seconds=30) - datetime.fromtimestamp(status["lastUpdatedOther"], timezone.utc)
    out = [_network(older, now - timedelta(hours=8)), _network(status, now - timedelta(seconds=30))]
    for s in status["data"]["stations"]:
        meta = info.get(s["station_id"])
        at = datetime.fromtimestamp(s["last_reported"], timezone.utc) + shift
        if meta is None or at < now - timedelta(hours=1):
            continue
        mech, ebike = _types(s)
        values = {"bikes": s["num_bikes_available"], "mechanical": mech, "ebikes": ebike,
                  "docks": s["num_docks_available"], "capacity": meta.get("capacity", 0)}
        out.append(_reading("velib", str(s["station_id"]), at, values, {"name": meta["name"]},
                            {"lon": meta["lon"], "lat": meta["lat"]}))
    return out


ECO2MIX_FIELDS = ("consommation", "prevision_j", "prevision_j1", "nucleaire", "eolien", "solaire", "hydraulique",
                  "gaz", "charbon", "fioul", "bioenergies", "taux_co2", "ech_physiques", "pompage")


def eco2mix(now):
    records = sorted(_load("eco2mix", "eco2mix_national_tr_results_2025-08-22.json"), key=lambda r: r["date_heure"])
    last = datetime.fromisoformat(records[-1]["date_heure"])
    shift = now.replace(minute=(now.minute // 15) * 15, second=0, microsecond=0) - last
    out = []
    for r in records:
        values = {}
        for name in ECO2MIX_FIELDS:
            v = r.get(name)
            if isinstance(v, str):
                v = float(v) if v.strip() else None
            if isinstance(v, (int, float)):
                values[name] = v
        out.append(_reading("eco2mix", "france", datetime.fromisoformat(r["date_heure"]) + shift, values))
    return out


def all_readings(now):
    return {"usgs": usgs(now), "openmeteo": openmeteo(now), "velib": velib(now), "eco2mix": eco2mix(now)}


FEEDS = [
    {"id": "usgs", "title": "Earthquakes (USGS)", "description": "All earthquakes of the past hour, worldwide",
     "zone": "World", "periodSeconds": 60, "licence": "US public domain", "attribution": "U.S. Geological Survey",
     "sourceUrl": "https://earthquake.usgs.gov/earthquakes/feed/v1.0/geojson.php",
     "fields": {"mag": "", "depth": "km", "sig": "", "felt": "", "tsunami": ""}},
    {"id": "openmeteo", "title": "Weather (Open-Meteo)", "description": "Current weather per place",
     "zone": "Places", "periodSeconds": 900, "licence": "CC BY 4.0", "attribution": "Weather data by Open-Meteo.com",
     "sourceUrl": "https://open-meteo.com/",
     "fields": {"temperature": "°C", "humidity": "%", "precipitation": "mm", "wind": "km/h"}},
    {"id": "velib", "title": "Vélib' Métropole", "description": "Bike-sharing stations of Paris (GBFS)",
     "zone": "Paris", "periodSeconds": 60, "licence": "Licence Ouverte / Etalab 2.0",
     "attribution": "Vélib' Métropole", "sourceUrl": "https://www.velib-metropole.fr/donnees-open-data-gbfs-du-service-velib-metropole",
     "fields": {"bikes": "", "mechanical": "", "ebikes": "", "docks": ""}},
    {"id": "eco2mix", "title": "Electricity (RTE éCO2mix)", "description": "French national consumption and production",
     "zone": "France", "periodSeconds": 900, "licence": "Licence Ouverte / Etalab 2.0", "attribution": "RTE éCO2mix via ODRÉ",
     "sourceUrl": "https://odre.opendatasoft.com/explore/dataset/eco2mix-national-tr/",
     "fields": {"consommation": "MW", "prevision_j": "MW", "prevision_j1": "MW", "nucleaire": "MW", "taux_co2": "g/kWh"}},
]


def fetch_runs(now, readings):
    """Run records for the health tab: regular successful runs, and failures for eco2mix (so it shows stale)."""
    runs = []
    for feed in FEEDS:
        period = feed["periodSeconds"]
        count = len(readings[feed["id"]])
        for i in range(12):
            started = now - timedelta(seconds=period * i + 20)
            failing = feed["id"] == "eco2mix" and i < 3
            runs.append({"feed": feed["id"], "startedAt": iso(started), "finishedAt": iso(started + timedelta(seconds=1)),
                         "ok": not failing, "httpStatus": 503 if failing else 200, "bytes": 0 if failing else 4000 + 37 * i,
                         "records": 0 if failing else max(1, count // 12 + (i * 7) % 5),
                         "inserted": 0 if failing else (i * 3) % 7, "updated": 0 if failing else i % 2,
                         "unchanged": 0, "rejected": 0,
                         "error": "eco2mix: HTTP 503 Service Unavailable from the ODRÉ API" if failing else None,
                         "rawPath": None})
    return runs
