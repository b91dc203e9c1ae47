#!/usr/bin/env python3
"""Draws docs/figures/daily-cycles.svg from the recorded payloads in Tests/Fixtures.

Standard library only. Run from anywhere:  python3 docs/figures/make_figures.py
It also prints the numbers the report quotes (means, extremes, network totals), so they can be checked.

The recordings come from different dates (2022 to 2025): the figure compares daily cycles on a common
0-24 h axis of Paris local time, never values of the same day.
"""
import json
import os
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")
OUTPUT = os.path.join(HERE, "daily-cycles.svg")
PARIS = ZoneInfo("Europe/Paris")


def load(relative):
    with open(os.path.join(FIXTURES, relative), encoding="utf-8") as f:
        return json.load(f)


def number(value):
    """éCO2mix sends some numbers as strings of digits; None stays None."""
    if value is None:
        return None
    return float(value)


def local_hour(moment):
    """Hour of the day, as a float, in Paris local time."""
    local = moment.astimezone(PARIS)
    return local.hour + local.minute / 60


# --- data -------------------------------------------------------------------------------------------

def paris_temperature(relative):
    """Mean temperature by local hour over the 7 days of an Open-Meteo hourly file (times are local)."""
    payload = load(relative)
    by_hour = {}
    for time, value in zip(payload["hourly"]["time"], payload["hourly"]["temperature_2m"]):
        if value is not None:
            by_hour.setdefault(int(time[11:13]), []).append(value)
    days = (payload["hourly"]["time"][0][:10], payload["hourly"]["time"][-1][:10])
    return [(hour, sum(v) / len(v)) for hour, v in sorted(by_hour.items())], days


def eco2mix(relative):
    """(local hour, consumption MW, solar MW, UTC time) of every record with a consumption, in time order."""
    rows = []
    for record in load(relative):
        moment = datetime.fromisoformat(record["date_heure"])
        consumption = number(record.get("consommation"))
        if consumption is not None:
            rows.append((local_hour(moment), consumption, number(record.get("solaire")), moment))
    return sorted(rows, key=lambda row: row[3])


def velib_network(relative):
    """Network totals of one station_status snapshot, summed as the velib feed sums them."""
    payload = load(relative)
    totals = {"bikes": 0, "mechanical": 0, "ebikes": 0, "docks": 0, "stationsInService": 0}
    stations = payload["data"]["stations"]
    for station in stations:
        totals["bikes"] += station["num_bikes_available"]
        totals["docks"] += station["num_docks_available"]
        types = {}
        for part in station.get("num_bikes_available_types") or []:
            types.update(part)
        totals["mechanical"] += types.get("mechanical", 0)
        totals["ebikes"] += types.get("ebike", 0)
        if station.get("is_installed", 1) and station.get("is_renting", 1):
            totals["stationsInService"] += 1
    totals["stations"] = len(stations)
    moment = datetime.fromtimestamp(payload["lastUpdatedOther"], timezone.utc)
    return totals, moment


# --- drawing ----------------------------------------------------------------------------------------

WIDTH, LEFT, RIGHT = 860, 78, 200
PANEL_HEIGHT, PANEL_GAP, TOP = 150, 62, 40
PLOT_WIDTH = WIDTH - LEFT - RIGHT
COLORS = {"winter": "#2f7ed8", "summer": "#e4572e", "solar": "#f0a202", "grid": "#d9dde3", "text": "#1f2933"}


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Panel:
    """One chart: local hour 0-24 on x, a linear y range."""

    def __init__(self, out, index, title, unit, low, high, step):
        self.out, self.low, self.high = out, low, high
        self.top = TOP + index * (PANEL_HEIGHT + PANEL_GAP)
        out.append(f'<text x="{LEFT}" y="{self.top - 12}" class="title">{esc(title)}</text>')
        value = low
        while value <= high + 1e-9:
            y = self.y(value)
            out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + PLOT_WIDTH}" y2="{y:.1f}" class="grid"/>')
            label = f"{value:,.0f}".replace(",", "\u202f")
            out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" class="tick" text-anchor="end">{label}</text>')
            value += step
        for hour in range(0, 25, 3):
            x = self.x(hour)
            out.append(f'<line x1="{x:.1f}" y1="{self.top}" x2="{x:.1f}" y2="{self.top + PANEL_HEIGHT}" class="grid"/>')
            out.append(f'<text x="{x:.1f}" y="{self.top + PANEL_HEIGHT + 15}" class="tick" text-anchor="middle">{hour} h</text>')
        out.append(f'<text x="{LEFT - 56}" y="{self.top + PANEL_HEIGHT / 2:.1f}" class="tick" text-anchor="middle" '
                   f'transform="rotate(-90 {LEFT - 56} {self.top + PANEL_HEIGHT / 2:.1f})">{esc(unit)}</text>')
        self.legend_y = self.top + 8

    def x(self, hour):
        return LEFT + hour / 24 * PLOT_WIDTH

    def y(self, value):
        return self.top + PANEL_HEIGHT - (value - self.low) / (self.high - self.low) * PANEL_HEIGHT

    def line(self, points, color, dashed=False):
        path = " ".join(f"{'M' if i == 0 else 'L'}{self.x(h):.1f},{self.y(v):.1f}" for i, (h, v) in enumerate(points))
        dash = ' stroke-dasharray="5 4"' if dashed else ""
        self.out.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')

    def dots(self, points, color, radius=2.6):
        for h, v in points:
            self.out.append(f'<circle cx="{self.x(h):.1f}" cy="{self.y(v):.1f}" r="{radius}" fill="{color}"/>')

    def legend(self, text, color, kind="line"):
        x = LEFT + PLOT_WIDTH + 12
        y = self.legend_y
        if kind == "line":
            self.out.append(f'<line x1="{x}" y1="{y}" x2="{x + 16}" y2="{y}" stroke="{color}" stroke-width="2"/>')
        elif kind == "dashed":
            self.out.append(f'<line x1="{x}" y1="{y}" x2="{x + 16}" y2="{y}" stroke="{color}" stroke-width="2" stroke-dasharray="5 4"/>')
        else:
            self.out.append(f'<circle cx="{x + 8}" cy="{y}" r="3.5" fill="{color}"/>')
        for i, part in enumerate(text.split("\n")):
            self.out.append(f'<text x="{x + 22}" y="{y + 4 + i * 13}" class="legend">{esc(part)}</text>')
        self.legend_y += 16 + 13 * text.count("\n") + 6


def draw(winter, summer, january, august, velib_2022, velib_2025):
    out = []
    temperature = Panel(out, 0, "Température à Paris, moyenne par heure locale sur 7 jours (Open-Meteo)", "°C", 0, 30, 5)
    temperature.line(winter[0], COLORS["winter"])
    temperature.legend(f"{winter[1][0][8:10]}–{winter[1][1][8:10]}/03/2023", COLORS["winter"])
    temperature.line(summer[0], COLORS["summer"])
    temperature.legend(f"{summer[1][0][8:10]}–{summer[1][1][8:10]}/08/2023", COLORS["summer"])

    power = Panel(out, 1, "Électricité en France (RTE éCO2mix) : consommation et production solaire", "MW", 0, 80000, 20000)
    power.dots([(h, c) for h, c, _, _ in january], COLORS["winter"])
    power.legend("consommation\n01–06/01/2025\n(96 points épars)", COLORS["winter"], "dots")
    # One UTC day: sorted by local hour so the line runs 00:00-24:00 (Paris time) without wrapping back.
    august = sorted(august, key=lambda row: row[0])
    power.line([(h, c) for h, c, _, _ in august], COLORS["summer"])
    power.legend("consommation\n22/08/2025", COLORS["summer"])
    power.line([(h, s) for h, _, s, _ in august if s is not None], COLORS["solar"], dashed=True)
    power.legend("solaire\n22/08/2025", COLORS["solar"], "dashed")

    bikes = Panel(out, 2, "Vélib' : vélos disponibles en station sur tout le réseau (deux instantanés)", "vélos", 0, 40000, 10000)
    for (totals, moment), color in ((velib_2022, COLORS["winter"]), (velib_2025, COLORS["summer"])):
        hour = local_hour(moment)
        bikes.dots([(hour, totals["bikes"])], color, radius=5)
        bikes.dots([(hour, totals["docks"])], color, radius=3)
        local = moment.astimezone(PARIS)
        bikes.legend(f"{local:%d/%m/%Y %H:%M}\n{totals['bikes']:,} vélos (gros point)\n{totals['docks']:,} bornes libres".replace(",", "\u202f"),
                     color, "dots")

    height = TOP + 3 * PANEL_HEIGHT + 2 * PANEL_GAP + 52
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
            f'font-family="DejaVu Sans, Arial, sans-serif">\n'
            '<style>.title{font-size:13px;font-weight:bold;fill:#1f2933}.tick{font-size:11px;fill:#52606d}'
            '.legend{font-size:11px;fill:#1f2933}.grid{stroke:#d9dde3;stroke-width:1}.note{font-size:10.5px;fill:#52606d}</style>\n'
            f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>\n')
    note = (f'<text x="{LEFT}" y="{height - 22}" class="note">Heure locale de Paris. Enregistrements réels de dates différentes '
            '(Tests/Fixtures) : on compare des cycles</text>\n'
            f'<text x="{LEFT}" y="{height - 8}" class="note">journaliers, pas une même journée. '
            'Généré par docs/figures/make_figures.py.</text>\n')
    return head + "\n".join(out) + "\n" + note + "</svg>\n"


def main():
    winter = paris_temperature("openmeteo/forecast_paris_hourly_2023-03-09.json")
    summer = paris_temperature("openmeteo/forecast_paris_hourly_2023-08-05.json")
    january = eco2mix("eco2mix/eco2mix_national_tr_results_2025-01-01_to_06.json")
    august = eco2mix("eco2mix/eco2mix_national_tr_results_2025-08-22.json")
    velib_2022 = velib_network("velib/velib_station_status_2022-02-23.json")
    velib_2025 = velib_network("velib/velib_station_status_2025-10-18.json")
    with open(OUTPUT, "w", encoding="utf-8") as f:
        f.write(draw(winter, summer, january, august, velib_2022, velib_2025))

    def mean(values):
        return sum(values) / len(values)

    print(f"wrote {os.path.relpath(OUTPUT, ROOT)}")
    for name, (points, days) in (("paris temperature", winter), ("paris temperature", summer)):
        values = [v for _, v in points]
        print(f"{name} {days[0]}..{days[1]}: mean {mean(values):.1f} °C, hourly means {min(values):.1f}..{max(values):.1f}")
    for name, rows in (("consumption 2025-01-01..06", january), ("consumption 2025-08-22", august)):
        values = [c for _, c, _, _ in rows]
        low = min(rows, key=lambda row: row[1])
        high = max(rows, key=lambda row: row[1])
        print(f"{name}: {len(rows)} records, mean {mean(values):.0f} MW, min {low[1]:.0f} at {low[0]:.2f} h, "
              f"max {high[1]:.0f} at {high[0]:.2f} h local")
    solar = max(august, key=lambda row: row[2] or 0)
    print(f"solar 2025-08-22: max {solar[2]:.0f} MW at {solar[0]:.2f} h local")
    for totals, moment in (velib_2022, velib_2025):
        print(f"velib {moment.astimezone(PARIS):%Y-%m-%d %H:%M %Z}: {totals}")


if __name__ == "__main__":
    main()
