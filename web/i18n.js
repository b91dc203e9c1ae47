// French and English strings, the current language, and locale-aware formatting.

const STRINGS = {
  en: {
    "app.title": "Vigie — live dashboard",
    "tab.overview": "Overview", "tab.usgs": "Earthquakes", "tab.openmeteo": "Weather",
    "tab.velib": "Vélib'", "tab.eco2mix": "Electricity", "tab.health": "Feed health",
    "conn.connecting": "connecting…", "conn.live": "live", "conn.reconnecting": "reconnecting…",
    "conn.dbdown": "database down",
    "lang.toggle": "Français",
    "source": "Source:", "licence": "Licence:",
    "fresh": "fresh", "stale": "stale", "ago": "{d} ago", "never": "never", "updated": "updated {d}",
    "nodata": "No data in the last 24 hours.",
    "kpi.usgs": "Strongest earthquake, 24 h", "kpi.usgs.count": "{n} earthquakes in 24 h",
    "kpi.openmeteo": "Temperature, {place}", "kpi.velib": "Vélib' bikes available",
    "kpi.velib.sub": "{e} e-bikes · {d} free docks", "kpi.eco2mix": "French consumption",
    "kpi.eco2mix.sub": "CO₂ {c} g/kWh", "kpi.trend.per": "vs previous",
    "activity": "Live activity", "activity.empty": "Waiting for readings…",
    "op.insert": "new", "op.update": "revised", "op.delete": "deleted",
    "quakes.map": "Earthquakes of the last 24 hours", "quakes.strongest": "Strongest",
    "quakes.hist": "Magnitude distribution", "quakes.depth": "depth {d} km", "quakes.count": "count",
    "quakes.legend": "Circle size: magnitude · colour: depth (shallow → deep)",
    "weather.temperature": "Temperature (°C)", "weather.wind": "Wind (km/h)",
    "weather.precipitation": "Precipitation (mm)", "weather.now": "Now", "weather.place": "Place",
    "weather.humidity": "Humidity",
    "velib.network": "Network availability through the day", "velib.share": "E-bike share of available bikes",
    "velib.busiest": "Busiest stations", "velib.map": "Stations", "velib.station": "Station",
    "velib.bikes": "Bikes", "velib.ebikes": "E-bikes", "velib.mechanical": "Mechanical", "velib.docks": "Free docks",
    "velib.moves": "Moves", "velib.stations": "{n} stations in service",
    "velib.maplegend": "Colour: share of docks holding a bike (empty → full) · size: capacity",
    "eco.consumption": "Consumption vs forecast (MW)", "eco.mix": "Production mix (MW)",
    "eco.co2": "CO₂ intensity (g/kWh)", "eco.consommation": "Consumption", "eco.prevision_j": "Forecast D",
    "eco.prevision_j1": "Forecast D-1", "eco.nucleaire": "Nuclear", "eco.eolien": "Wind", "eco.solaire": "Solar",
    "eco.hydraulique": "Hydro", "eco.gaz": "Gas", "eco.charbon": "Coal", "eco.fioul": "Oil",
    "eco.bioenergies": "Bioenergy", "eco.taux_co2": "CO₂ rate",
    "health.feed": "Feed", "health.last": "Last fetch", "health.status": "Status", "health.error": "Error",
    "health.staleness": "Staleness", "health.records": "Records per run", "health.period": "every {p}",
    "health.ok": "OK", "health.failed": "failed", "health.lastok": "last success {d}",
    "health.run": "{r} records · {i} new · {u} revised",
    "world.equator": "Equator",
  },
  fr: {
    "app.title": "Vigie — tableau de bord en direct",
    "tab.overview": "Vue d'ensemble", "tab.usgs": "Séismes", "tab.openmeteo": "Météo",
    "tab.velib": "Vélib'", "tab.eco2mix": "Électricité", "tab.health": "État des flux",
    "conn.connecting": "connexion…", "conn.live": "en direct", "conn.reconnecting": "reconnexion…",
    "conn.dbdown": "base de données indisponible",
    "lang.toggle": "English",
    "source": "Source :", "licence": "Licence :",
    "fresh": "à jour", "stale": "en retard", "ago": "il y a {d}", "never": "jamais", "updated": "mis à jour {d}",
    "nodata": "Aucune donnée sur les dernières 24 heures.",
    "kpi.usgs": "Séisme le plus fort, 24 h", "kpi.usgs.count": "{n} séismes en 24 h",
    "kpi.openmeteo": "Température, {place}", "kpi.velib": "Vélib' disponibles",
    "kpi.velib.sub": "{e} électriques · {d} bornes libres", "kpi.eco2mix": "Consommation française",
    "kpi.eco2mix.sub": "CO₂ {c} g/kWh", "kpi.trend.per": "par rapport au précédent",
    "activity": "Activité en direct", "activity.empty": "En attente de relevés…",
    "op.insert": "nouveau", "op.update": "révisé", "op.delete": "supprimé",
    "quakes.map": "Séismes des dernières 24 heures", "quakes.strongest": "Les plus forts",
    "quakes.hist": "Répartition des magnitudes", "quakes.depth": "profondeur {d} km", "quakes.count": "nombre",
    "quakes.legend": "Taille : magnitude · couleur : profondeur (superficiel → profond)",
    "weather.temperature": "Température (°C)", "weather.wind": "Vent (km/h)",
    "weather.precipitation": "Précipitations (mm)", "weather.now": "Maintenant", "weather.place": "Lieu",
    "weather.humidity": "Humidité",
    "velib.network": "Disponibilité du réseau au fil de la journée", "velib.share": "Part des vélos électriques",
    "velib.busiest": "Stations les plus actives", "velib.map": "Stations", "velib.station": "Station",
    "velib.bikes": "Vélos", "velib.ebikes": "Électriques", "velib.mechanical": "Mécaniques", "velib.docks": "Bornes libres",
    "velib.moves": "Mouvements", "velib.stations": "{n} stations en service",
    "velib.maplegend": "Couleur : part des bornes occupées (vide → pleine) · taille : capacité",
    "eco.consumption": "Consommation et prévision (MW)", "eco.mix": "Mix de production (MW)",
    "eco.co2": "Intensité CO₂ (g/kWh)", "eco.consommation": "Consommation", "eco.prevision_j": "Prévision J",
    "eco.prevision_j1": "Prévision J-1", "eco.nucleaire": "Nucléaire", "eco.eolien": "Éolien", "eco.solaire": "Solaire",
    "eco.hydraulique": "Hydraulique", "eco.gaz": "Gaz", "eco.charbon": "Charbon", "eco.fioul": "Fioul",
    "eco.bioenergies": "Bioénergies", "eco.taux_co2": "Taux de CO₂",
    "health.feed": "Flux", "health.last": "Dernière collecte", "health.status": "État", "health.error": "Erreur",
    "health.staleness": "Fraîcheur", "health.records": "Relevés par collecte", "health.period": "toutes les {p}",
    "health.ok": "OK", "health.failed": "échec", "health.lastok": "dernier succès {d}",
    "health.run": "{r} relevés · {i} nouveaux · {u} révisés",
    "world.equator": "Équateur",
  },
};

const STORAGE_KEY = "vigie.lang";
let current = pickInitial();
const listeners = [];

function pickInitial() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && STRINGS[saved]) return saved;
  } catch (_) { /* storage may be disabled: fall back to the browser language */ }
  return (navigator.language || "en").toLowerCase().startsWith("fr") ? "fr" : "en";
}

export function lang() { return current; }

export function t(key, vars = {}) {
  const text = STRINGS[current][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? vars[name] : `{${name}}`));
}

export function setLang(next) {
  if (!STRINGS[next] || next === current) return;
  current = next;
  try { localStorage.setItem(STORAGE_KEY, next); } catch (_) { /* not remembered, still applied */ }
  applyStatic(document);
  for (const fn of listeners) fn(next);
}

export function onLangChange(fn) { listeners.push(fn); }

/** Fills every element carrying data-i18n with its string. */
export function applyStatic(root) {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  document.title = t("app.title");
}

export function fmtNumber(value, digits = 0) {
  if (value == null || Number.isNaN(value)) return "–";
  return new Intl.NumberFormat(current, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}

export function fmtTime(date, withSeconds = false) {
  return new Intl.DateTimeFormat(current, { hour: "numeric", minute: "2-digit", ...(withSeconds ? { second: "2-digit" } : {}) }).format(date);
}

export function fmtDateTime(date) {
  return new Intl.DateTimeFormat(current, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(date);
}

export function fmtDay(date) {
  return new Intl.DateTimeFormat(current, { day: "numeric", month: "short" }).format(date);
}

/** "3 min", "2 h", "5 s": a compact duration for freshness labels. */
export function fmtDuration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} ${current === "fr" ? "j" : "d"}`;
}

export function fmtAgo(date) {
  return date ? t("ago", { d: fmtDuration(Date.now() - date.getTime()) }) : t("never");
}
