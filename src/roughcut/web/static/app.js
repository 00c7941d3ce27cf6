// roughcut editing room: plain JavaScript, no build step.
"use strict";

const $ = (id) => document.getElementById(id);
const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f"];
const FORMAT_LABELS = {
  otio: "OTIO", fcp7: "FCP7 XML", fcpx: "FCPXML", edl: "EDL", aaf: "AAF", ale: "ALE",
  kdenlive: "Kdenlive", srt: "SRT", vtt: "WebVTT", html: "Report", mp4: "Preview MP4",
};
const PACE_SCALES = { tight: 0.5, normal: 1.0, relaxed: 1.5 };
// Takes the player keeps loaded at once (?videos=N in the address changes it).
const MAX_VIDEOS = Math.max(2, Number(new URLSearchParams(location.search).get("videos")) || 4);

let state = null;       // the server's snapshot
let busy = false;       // a change is in flight
let pending = null;     // settings waiting to be sent
let pendingTimer = null;

// ------------------------------------------------------------------------------------------
// Talking to the server

async function api(method, url, body) {
  const options = { method, headers: {} };
  if (method !== "GET") {
    // The room accepts changes only as JSON from its own page (see web/app.py).
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body === undefined ? {} : body);
  }
  const response = await fetch(url, options);
  let data;
  try {
    data = await response.json();
  } catch {
    data = { error: `HTTP ${response.status}` };
  }
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

function toast(message) {
  const box = $("toast");
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 6000);
}

async function refresh() {
  const next = await api("GET", "/api/state");
  show(next);
}

async function change(url, body) {
  const started = performance.now();
  busy = true;
  document.body.classList.add("solving");
  try {
    const next = await api("POST", url, body);
    show(next);
    const ms = performance.now() - started;
    $("facts").dataset.solveMs = ms.toFixed(0);
    renderFacts();
  } catch (error) {
    toast(error.message);
    await refresh().catch(() => {});
  } finally {
    busy = false;
    document.body.classList.remove("solving");
  }
}

function queueSettings(patch, delay = 120) {
  pending = pending || {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === "weights" || key === "params") pending[key] = { ...(pending[key] || {}), ...value };
    else pending[key] = value;
  }
  clearTimeout(pendingTimer);
  pendingTimer = setTimeout(flushSettings, delay);
}

async function flushSettings() {
  if (!pending) return;
  if (busy) { pendingTimer = setTimeout(flushSettings, 30); return; }
  const body = pending;
  pending = null;
  await change("/api/settings", body);
}

// ------------------------------------------------------------------------------------------
// Loading progress, then polling so every tab shows the same state

async function waitUntilReady() {
  for (;;) {
    let status;
    try {
      status = await api("GET", "/api/status");
    } catch (error) {
      $("loading-stage").textContent = "Waiting for the server…";
      await sleep(1000);
      continue;
    }
    $("loading-stage").textContent = status.total ? `${status.stage} (${status.done}/${status.total})` : status.stage;
    $("loading-bar").max = Math.max(1, status.total);
    $("loading-bar").value = status.done;
    if (status.state === "error") {
      $("loading-error").textContent = status.error;
      await sleep(2000);
      continue;
    }
    if (status.state === "ready") return;
    await sleep(300);
  }
}

async function poll() {
  for (;;) {
    await sleep(1000);
    if (busy || pending) continue;
    try {
      const status = await api("GET", "/api/status");
      if (state && status.version !== state.version && !busy && !pending) await refresh();
    } catch {
      // the server is gone for a moment; try again
    }
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ------------------------------------------------------------------------------------------
// Rendering

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function takeColour(index) {
  return PALETTE[index % PALETTE.length];
}

function seconds(frames) {
  return frames / state.cut.fps;
}

function clock(t) {
  const minutes = Math.floor(t / 60);
  return `${String(minutes).padStart(2, "0")}:${(t - minutes * 60).toFixed(2).padStart(5, "0")}`;
}

function margin(value) {
  return `+${Math.max(0, value).toFixed(2)}`;
}

function human(name) {
  return name.replace(/_/g, " ");
}

function show(next) {
  const sceneChanged = state !== null && state.scene !== next.scene;
  state = next;
  if (sceneChanged) player.clear();  // take numbers are the scene's
  document.body.dataset.version = String(state.version);
  $("project").textContent = state.project;
  renderScenes();
  renderFacts();
  renderControls();
  renderScript();
  renderTakes();
  renderTimeline();
  renderExports();
  player.setCut(state.cut);
}

function renderScenes() {
  // Every dialogue scene of the screenplay; a scene no take covers is listed, and cannot be chosen.
  const scenes = state.scenes && state.scenes.length ? state.scenes : [{ number: state.scene, heading: "", covered: true }];
  const menu = $("scene");
  menu.replaceChildren(...scenes.map((scene) => el("option", {
    value: scene.number,
    text: `scene ${scene.number}` + (scene.heading ? ` · ${scene.heading}` : "") + (scene.covered ? "" : " (no coverage)"),
    disabled: !scene.covered,
    ...(scene.note ? { title: scene.note } : {}),
  })));
  menu.value = state.scene;
}

function renderFacts() {
  if (!state) return;
  const cut = state.cut;
  const ms = $("facts").dataset.solveMs;
  $("facts").textContent =
    `${clock(cut.duration_seconds)} · ${cut.shots} shots · mean shot ${cut.mean_shot_seconds.toFixed(1)} s · ` +
    `cost ${cut.cost === null ? "∞" : cut.cost.toFixed(2)}` + (ms ? ` · re-solved in ${ms} ms` : "");
}

function renderControls() {
  const settings = state.settings;
  const style = $("style");
  if (style.options.length !== state.styles.length) {
    style.replaceChildren(...state.styles.map((name) => el("option", { value: name, text: name })));
  }
  style.value = settings.style;

  const box = $("idioms");
  if (!box.children.length) {
    for (const idiom of state.idioms) {
      const slider = el("input", {
        type: "range", min: "0", max: "5", step: "0.1", "data-idiom": idiom.name, "aria-label": human(idiom.name),
      });
      const value = el("output", { "data-idiom-value": idiom.name });
      slider.addEventListener("input", () => {
        value.textContent = Number(slider.value).toFixed(1);
        queueSettings({ weights: { [idiom.name]: Number(slider.value) } });
      });
      slider.addEventListener("change", () => {
        queueSettings({ weights: { [idiom.name]: Number(slider.value) } }, 0);
      });
      const row = el("label", { class: `row slider kind-${idiom.kind}`, title: idiom.description },
        el("span", { class: "name", text: human(idiom.name) }), slider, value);
      box.append(row);
      if (idiom.name === "emphasize_character") {
        const select = el("select", { id: "emphasize-character", "aria-label": "character to emphasize" },
          el("option", { value: "", text: "(nobody)" }),
          ...state.characters.map((c) => el("option", { value: c, text: c })));
        select.addEventListener("change", () => {
          const patch = { params: { emphasize_character: { character: select.value } } };
          if (select.value && Number(slider.value) === 0) patch.weights = { emphasize_character: 2 };
          queueSettings(patch, 0);
        });
        box.append(el("label", { class: "row sub" }, el("span", { text: "character" }), select));
      }
    }
  }
  for (const idiom of state.idioms) {
    const slider = box.querySelector(`input[data-idiom="${idiom.name}"]`);
    if (pending && pending.weights && idiom.name in pending.weights) continue;
    if (document.activeElement === slider && busy) continue;
    slider.value = String(idiom.weight);
    box.querySelector(`output[data-idiom-value="${idiom.name}"]`).textContent = idiom.weight.toFixed(1);
    if (idiom.name === "emphasize_character") $("emphasize-character").value = idiom.params.character || "";
  }

  const paceName = $("pace-name");
  if (!paceName.options.length) {
    paceName.replaceChildren(
      ...state.paces.map((name) => el("option", { value: name, text: name })),
      el("option", { value: "custom", text: "custom scale" }));
  }
  const pace = settings.pace;
  paceName.value = typeof pace === "string" ? pace : "custom";
  const scale = typeof pace === "string" ? (PACE_SCALES[pace] ?? state.cut.pace.pause_scale) : pace;
  $("pace-scale").value = String(scale);
  $("pace-scale-value").textContent = `×${Number(scale).toFixed(2)}`;
  $("j-cut").value = String(settings.j_cut_frames);
  $("l-cut").value = String(settings.l_cut_frames);
}

function renderScript() {
  const list = $("script");
  const rows = state.cut.lines.map((line) => {
    const chosen = line.take === null
      ? el("div", { class: "chosen missing", text: "no take holds this line" })
      : el("button", {
        type: "button", class: "chosen", title: `${line.take}: play from this line`,
        "data-take": line.take, onclick: () => player.seek(seconds(line.record_in)),
      },
      el("img", { src: line.thumb, alt: `${line.take} at line ${line.id}`, loading: "lazy" }),
      el("span", { class: "tag", style: `background:${takeColour(line.take_index)}`, text: `${line.shot_size} · ${line.take}` }));
    const options = line.options.map((option) => el("button", {
      type: "button", class: "option", "data-take": option.take,
      title: `Pin ${option.take} on line ${line.id}` +
        (option.margin === null ? "" : ` (cut cost ${margin(option.margin)}, mostly ${human(option.idiom)})`),
      onclick: () => change("/api/pin", { line: line.id, take: option.take }),
    },
    el("img", { src: option.thumb, alt: `${option.take} at line ${line.id}`, loading: "lazy" }),
    el("span", { class: "tag", style: `background:${takeColour(option.take_index)}`, text: option.shot_size }),
    el("span", { class: "margin", text: option.margin === null ? "" : margin(option.margin) })));
    const why = line.pinned
      ? el("span", { class: "why" }, el("span", { class: "pin", text: "pinned" }), " ",
        el("button", { type: "button", class: "unpin", onclick: () => change("/api/pin", { line: line.id, take: null }), text: "unpin" }))
      : el("span", { class: "why", text: line.idiom === "tie" ? "a tie" : `by ${human(line.idiom)}` });
    return el("li", { class: `line${line.pinned ? " pinned" : ""}${line.take === null ? " gap" : ""}`, "data-line": line.id, "data-take": line.take ?? "" },
      el("div", { class: "words" },
        el("div", { class: "who" }, el("span", { class: "id", text: line.id }), " ", el("strong", { text: line.character }), " ", why),
        el("p", { text: line.text })),
      chosen,
      el("div", { class: "options" }, options));
  });
  list.replaceChildren(...rows);
  player.highlight();
}

function renderTakes() {
  const box = $("takes");
  box.replaceChildren(...state.takes.map((take) => el("div", { class: "take", "data-take": take.name },
    el("img", { src: take.thumb, alt: take.name, loading: "lazy" }),
    el("div", { class: "about" },
      el("div", { class: "name" }, el("span", { class: "swatch", style: `background:${takeColour(take.index)}` }), take.name),
      el("div", { text: `${take.shot_size} · ${take.people.map((p) => p.position ? `${p.character} (${p.position})` : p.character).join(", ") || "nobody"}` }),
      el("div", { class: "muted", text: `lines ${take.lines.join(" ") || "none"}` }),
      el("div", { class: "muted", text: `in the cut: ${take.used_for.join(" ") || "—"} · ${(take.frames / take.fps).toFixed(1)} s` +
        (take.proxy ? " · plays from a browser proxy" : "") })))));
}

function renderTimeline() {
  const total = Math.max(1, state.cut.duration_frames);
  const pct = (frames) => `${(100 * frames / total).toFixed(4)}%`;
  $("shots").replaceChildren(...state.cut.video.map((clip) => el("div", {
    class: `shot${clip.take === null ? " gap" : ""}`,
    style: `left:${pct(clip.record_in)};width:${pct(clip.record_out - clip.record_in)};` +
      (clip.take === null ? "" : `background:${takeColour(clip.take_index)}`),
    title: clip.take === null ? "gap" : `${clip.take} ${clip.role}`,
    text: clip.take === null ? "" : clip.take.replace(/\.[^.]+$/, ""),
  })));
  $("marks").replaceChildren(...state.cut.lines.map((line) => el("div", {
    class: "mark", "data-line": line.id,
    style: `left:${pct(line.speech_in)};width:${pct(Math.max(1, line.speech_out - line.speech_in))}`,
    text: line.id,
  })));
}

function renderExports() {
  const box = $("export-buttons");
  if (!box.children.length) {
    for (const format of state.formats) {
      box.append(el("button", { type: "button", "data-format": format, onclick: () => exportFormats([format]), text: FORMAT_LABELS[format] || format }));
    }
    box.append(el("button", { type: "button", class: "all", onclick: () => exportFormats(state.formats.filter((f) => f !== "mp4")), text: "All timelines" }));
  }
  $("export-files").replaceChildren(...state.exports.map((file) => el("li", {},
    el("a", {
      href: file.url, "data-format": file.format, text: file.name,
      ...(["html", "mp4"].includes(file.format) ? { target: "_blank", rel: "noopener" } : { download: file.name.split("/").pop() }),
    }))));
}

async function exportFormats(formats) {
  const labels = formats.map((f) => FORMAT_LABELS[f] || f).join(", ");
  $("export-status").textContent = `Writing ${labels}…`;
  try {
    const result = await api("POST", "/api/export", { formats });
    $("export-status").textContent = `Wrote ${result.files.map((f) => f.name).join(", ")} into the project's output folder`;
    state.exports = mergeExports(state.exports, result.files);
    renderExports();
  } catch (error) {
    $("export-status").textContent = "";
    toast(error.message);
  }
}

function mergeExports(old, added) {
  const byFormat = new Map(old.map((f) => [f.format, f]));
  for (const file of added) byFormat.set(file.format, file);
  return [...byFormat.values()];
}

// ------------------------------------------------------------------------------------------
// The player: one <video> per take; it follows the cut's picture track clip by clip

const player = {
  videos: new Map(),   // take index → <video>
  clips: [],
  fps: 24,
  t: 0,                // position on the record timeline, seconds
  active: -1,
  playing: false,
  lastTick: 0,

  // A <video> per take, made when a clip needs it and for the clip after it; at most MAX_VIDEOS
  // are kept (a browser opens only a few connections per server, and the API needs one).
  video(index) {
    let video = this.videos.get(index);
    if (!video) {
      const take = state.takes[index];
      video = el("video", { preload: "auto", playsinline: true, "data-take": take.name, src: take.url });
      video.addEventListener("error", () => {
        if (video.getAttribute("src")) toast(`${take.name}: the browser cannot play this file`);
      });
      $("screen").prepend(video);
    }
    this.videos.delete(index);
    this.videos.set(index, video);  // most recently used last
    return video;
  },

  clear() {
    for (const video of this.videos.values()) {
      video.pause();
      video.removeAttribute("src");
      video.load();
      video.remove();
    }
    this.videos.clear();
    this.active = -1;
    this.t = 0;
  },

  trim(keep) {
    for (const [index, video] of this.videos) {
      if (this.videos.size <= MAX_VIDEOS) break;
      if (keep.has(index)) continue;
      video.pause();
      video.removeAttribute("src");
      video.load();  // lets go of its connection
      video.remove();
      this.videos.delete(index);
    }
  },

  setCut(cut) {
    this.clips = cut.video;
    this.fps = cut.fps;
    this.duration = cut.duration_frames / cut.fps;
    if (this.t >= this.duration) this.t = 0;
    this.show(this.clipAt(this.t), this.t);
  },

  clipAt(t) {
    const frame = t * this.fps;
    for (let k = 0; k < this.clips.length; k++) if (frame < this.clips[k].record_out) return k;
    return this.clips.length - 1;
  },

  takeFps(clip) {
    const take = state.takes[clip.take_index];
    return take ? take.fps : this.fps;
  },

  show(k, t) {
    this.active = k;
    this.t = t;
    const clip = this.clips[k];
    if (!clip) return;
    const next = this.clips.slice(k + 1).find((c) => c.take !== null && c.take_index !== clip.take_index);
    if (next) this.video(next.take_index);
    const current = clip.take !== null ? this.video(clip.take_index) : null;
    this.trim(new Set([clip.take_index, next ? next.take_index : null]));
    $("gap-card").hidden = clip.take !== null;
    for (const video of this.videos.values()) {
      const on = video === current;
      video.classList.toggle("on", on);
      if (!on && !video.paused) video.pause();
    }
    if (current) {
      const sourceFps = this.takeFps(clip);
      const target = (clip.source_in + (t * this.fps - clip.record_in)) / sourceFps + 0.001;
      if (Math.abs(current.currentTime - target) > 0.5 / sourceFps) current.currentTime = target;
      if (this.playing) current.play().catch(() => {});
    }
    this.paint();
  },

  seek(t) {
    this.show(this.clipAt(Math.max(0, Math.min(t, this.duration - 1e-6))), Math.max(0, Math.min(t, this.duration)));
  },

  play() {
    if (this.t >= this.duration - 1 / this.fps) this.t = 0;
    this.playing = true;
    $("play").textContent = "❚❚";
    $("play").setAttribute("aria-label", "Pause");
    this.lastTick = performance.now();
    this.show(this.clipAt(this.t), this.t);
    requestAnimationFrame((now) => this.tick(now));
  },

  pause() {
    this.playing = false;
    $("play").textContent = "▶";
    $("play").setAttribute("aria-label", "Play");
    for (const video of this.videos.values()) video.pause();
    this.paint();
  },

  tick(now) {
    if (!this.playing) return;
    const clip = this.clips[this.active];
    if (clip.take === null) {
      this.t += (now - this.lastTick) / 1000;
    } else {
      const video = this.video(clip.take_index);
      this.t = (clip.record_in + (video.currentTime * this.takeFps(clip) - clip.source_in)) / this.fps;
    }
    this.lastTick = now;
    if (this.t * this.fps >= clip.record_out - 0.25) {
      const next = this.clips[this.active + 1];
      if (!next) {
        this.t = this.duration;
        this.pause();
        return;
      }
      if (next.take !== null && next.take === clip.take && next.source_in === clip.source_out) {
        this.active += 1;  // the same shot goes on
      } else {
        this.show(this.active + 1, next.record_in / this.fps);
      }
    }
    this.paint();
    requestAnimationFrame((n) => this.tick(n));
  },

  currentLine() {
    const frame = this.t * this.fps;
    const lines = state.cut.lines;
    return lines.find((line) => frame >= line.record_in && frame < line.record_out) || lines[lines.length - 1];
  },

  paint() {
    $("clock").textContent = `${clock(this.t)} / ${clock(this.duration || 0)}`;
    $("playhead").style.left = `${(100 * this.t / Math.max(this.duration, 1e-6)).toFixed(3)}%`;
    const clip = this.clips[this.active];
    const line = this.currentLine();
    $("overlay").textContent = clip ? `${line ? line.id : ""} · ${clip.take ?? "gap"}` : "";
    $("now-line").textContent = line ? `${line.character}: ${line.text}` : "";
    this.highlight();
  },

  highlight() {
    if (!state) return;
    const line = this.currentLine();
    const id = line ? line.id : null;
    for (const row of document.querySelectorAll("#script li.line, #marks .mark")) {
      const on = row.dataset.line === id;
      if (on && !row.classList.contains("current") && this.playing && row.tagName === "LI") {
        row.scrollIntoView({ block: "nearest", behavior: "smooth" });
      }
      row.classList.toggle("current", on);
    }
    document.body.dataset.currentLine = id ?? "";
  },
};

// ------------------------------------------------------------------------------------------
// Controls

function wireControls() {
  $("style").addEventListener("change", (event) => queueSettings({ style: event.target.value }, 0));
  $("pace-name").addEventListener("change", (event) => {
    const value = event.target.value;
    queueSettings({ pace: value === "custom" ? Number($("pace-scale").value) : value }, 0);
  });
  $("pace-scale").addEventListener("input", (event) => {
    $("pace-scale-value").textContent = `×${Number(event.target.value).toFixed(2)}`;
    $("pace-name").value = "custom";
    queueSettings({ pace: Number(event.target.value) });
  });
  $("pace-scale").addEventListener("change", (event) => queueSettings({ pace: Number(event.target.value) }, 0));
  for (const key of ["j-cut", "l-cut"]) {
    $(key).addEventListener("change", (event) => {
      const frames = Math.max(0, Math.round(Number(event.target.value) || 0));
      const other = key === "j-cut" ? "l_cut_frames" : "j_cut_frames";
      queueSettings({ [key === "j-cut" ? "j_cut_frames" : "l_cut_frames"]: frames, ...(frames ? { [other]: 0 } : {}) }, 0);
    });
  }
  $("reset").addEventListener("click", () => change("/api/reset", {}));
  $("scene").addEventListener("change", (event) => change("/api/scene", { scene: event.target.value }));
  $("play").addEventListener("click", () => (player.playing ? player.pause() : player.play()));
  $("timeline").addEventListener("click", (event) => {
    const box = $("timeline").getBoundingClientRect();
    player.seek(((event.clientX - box.left) / box.width) * player.duration);
  });
  document.addEventListener("keydown", (event) => {
    if (event.code === "Space" && !["INPUT", "SELECT", "BUTTON"].includes(document.activeElement.tagName)) {
      event.preventDefault();
      player.playing ? player.pause() : player.play();
    }
  });
}

async function main() {
  wireControls();
  await waitUntilReady();
  await refresh();
  $("loading").hidden = true;
  $("room").hidden = false;
  document.body.classList.add("ready");
  poll();
}

main().catch((error) => toast(error.message));
