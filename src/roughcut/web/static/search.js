// roughcut editing room: the search box (GET /api/search, see web/search.py).
"use strict";

(() => {
  const form = document.getElementById("search-form");
  const box = document.getElementById("search-box");
  const list = document.getElementById("search-hits");
  const status = document.getElementById("search-status");
  const clock = (s) => `${String(Math.floor(s / 60)).padStart(2, "0")}:${(s % 60).toFixed(2).padStart(5, "0")}`;

  async function run() {
    const query = box.value.trim();
    list.replaceChildren();
    if (!query) { status.textContent = ""; return; }
    status.textContent = "Searching…";
    const response = await fetch(`/api/search?${new URLSearchParams({ q: query })}`);
    const data = await response.json();
    if (!response.ok) { status.textContent = data.error || `HTTP ${response.status}`; return; }
    const widened = Object.entries(data.widened).map(([w, v]) => `${w} → ${v.join(", ")}`).join("; ");
    status.textContent = `${data.hits.length} hits` + (widened ? ` (also: ${widened})` : "");
    for (const hit of data.hits) {
      const item = document.createElement("li");
      const picture = document.createElement("img");
      picture.src = hit.thumb;
      picture.alt = "";
      picture.loading = "lazy";
      picture.width = 96;
      const text = document.createElement("span");
      const words = hit.kind === "line" ? `${hit.character}: ${hit.script}` : `(said) ${hit.said}`;
      text.textContent = `${hit.take} ${clock(hit.start_s)}–${clock(hit.end_s)} · ${hit.shot_size || "?"} · ${hit.emotion} · ${words}`;
      item.append(picture, text);
      list.append(item);
    }
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); run().catch((e) => (status.textContent = e.message)); });
})();
