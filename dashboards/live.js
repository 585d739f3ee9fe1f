// The Shoal live page: connects to /ws on the same origin and draws what the ops server sends
// (ops/live_update.ts: a hello, the backlog, then live updates) with uPlot. Each chart element
// carries `data-points`: how many points (for guard blocks: how many blocks) its uPlot instance
// was last given to draw, so a test or an operator can tell that it received data. Inlined into
// GET / by the ops server.
(() => {
  "use strict";

  const REASONS = [
    "CONF",
    "SPREAD",
    "VOL",
    "STALE",
    "DATA",
    "BUDGET",
    "NOTIONAL",
    "COOLDOWN",
    "COOLDOWN_GLOBAL",
    "DD",
    "CORR",
    "KILL",
    "LEARNER",
  ];
  const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"];
  const MAX_POINTS = 5000;
  const MAX_EVENTS = 30;

  const $ = (id) => document.getElementById(id);

  /** Time-aligned columns for uPlot: xs in seconds, one array per series, null where absent. */
  class Columns {
    constructor(seriesCount) {
      this.xs = [];
      this.ys = Array.from({ length: seriesCount }, () => []);
    }
    /** Adds values at x (ms); a row at the same x is merged, an older x is inserted in order. */
    put(tsMs, values) {
      const x = tsMs / 1000;
      const n = this.xs.length;
      let at = n;
      if (n > 0 && x <= this.xs[n - 1]) {
        let lo = 0;
        let hi = n;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (this.xs[mid] < x) lo = mid + 1;
          else hi = mid;
        }
        at = lo;
      }
      if (at < n && this.xs[at] === x) {
        values.forEach((v, i) => {
          if (v !== null && v !== undefined) this.ys[i][at] = v;
        });
        return;
      }
      this.xs.splice(at, 0, x);
      this.ys.forEach((col, i) => col.splice(at, 0, values[i] ?? null));
      if (this.xs.length > MAX_POINTS) {
        this.xs.shift();
        this.ys.forEach((col) => col.shift());
      }
    }
    data() {
      return [this.xs, ...this.ys];
    }
  }

  /** One uPlot chart in an element, redrawn at most every 200 ms. */
  class Chart {
    constructor(elementId, makeOptions, data, countPoints) {
      this.el = $(elementId);
      this.el.textContent = "";
      this.data = data;
      this.countPoints = countPoints;
      this.plot = new uPlot(makeOptions(this.width()), data(), this.el);
      this.dirty = false;
      this.el.dataset.points = "0";
    }
    width() {
      return Math.max(320, this.el.clientWidth || 560);
    }
    /** Schedules a redraw; data-points is set from the data uPlot then holds. */
    touch() {
      if (this.dirty) return;
      this.dirty = true;
      setTimeout(() => {
        this.dirty = false;
        this.plot.setData(this.data());
        const points = this.countPoints(this.plot.data);
        this.el.dataset.points = String(points);
        shoalLive.points[this.el.id] = points;
      }, 200);
    }
    resize() {
      this.plot.setSize({ width: this.width(), height: 240 });
    }
    destroy() {
      this.plot.destroy();
    }
  }

  const timeOptions = (width, series, scales, axes) => ({
    width,
    height: 240,
    series: [{}, ...series],
    scales: { x: { time: true }, ...scales },
    axes: [{}, ...axes],
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
    legend: { live: true },
  });

  const shoalLive = {
    /** Points per chart element id, mirrored into each element's data-points. */
    points: {},
    /** Messages received over /ws since the page loaded. */
    messages: 0,
    /** The last hello. */
    hello: null,
  };
  globalThis.shoalLive = shoalLive;

  let charts = [];
  let view = null;

  function newView(hello) {
    for (const chart of charts) chart.destroy();
    const symbols = hello.symbols;
    const index = new Map(symbols.map((s, i) => [s, i]));
    const equity = new Columns(2);
    const positions = new Columns(symbols.length);
    const states = new Columns(symbols.length * 2);
    const drift = new Columns(symbols.length);
    const guardCounts = REASONS.map((r) => hello.guardTotals[r] ?? 0);
    const color = (i) => COLORS[i % COLORS.length];
    const perSymbol = (extra) =>
      symbols.map((s, i) => ({ label: s, stroke: color(i), spanGaps: true, ...extra(i) }));

    const equityChart = new Chart(
      "chart-equity",
      (w) =>
        timeOptions(
          w,
          [
            { label: "equity", stroke: COLORS[0], scale: "q", width: 2 },
            {
              label: "drawdown %",
              stroke: COLORS[3],
              scale: "dd",
              value: (_u, v) => (v === null ? "" : v.toFixed(2) + "%"),
            },
          ],
          { q: {}, dd: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
          [
            { scale: "q", size: 70 },
            { scale: "dd", side: 1, grid: { show: false } },
          ],
        ),
      () => equity.data(),
      (data) => data[0].length,
    );
    const positionsChart = new Chart(
      "chart-positions",
      (w) => timeOptions(w, perSymbol(() => ({})), {}, [{ size: 70 }]),
      () => positions.data(),
      (data) => data[0].length,
    );
    const statesChart = new Chart(
      "chart-states",
      (w) =>
        timeOptions(
          w,
          [
            ...perSymbol(() => ({ paths: uPlot.paths.stepped({ align: 1 }) })),
            ...perSymbol((i) => ({
              label: symbols[i] + " macro",
              dash: [6, 4],
              paths: uPlot.paths.stepped({ align: 1 }),
            })),
          ],
          { y: { range: (_u, _min, max) => [-0.5, Math.max(3, max) + 0.5] } },
          [{ values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : "")) }],
        ),
      () => states.data(),
      (data) => data[0].length,
    );
    const guardsChart = new Chart(
      "chart-guards",
      (w) => ({
        width: w,
        height: 240,
        scales: {
          x: { time: false, range: [-0.5, REASONS.length - 0.5] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
        },
        series: [
          { label: "reason", value: (_u, v) => (v === null ? "" : REASONS[v] ?? "") },
          {
            label: "blocks",
            stroke: COLORS[3],
            fill: "#d6272866",
            paths: uPlot.paths.bars({ size: [0.7, 60] }),
            points: { show: false },
          },
        ],
        axes: [
          {
            splits: () => REASONS.map((_r, i) => i),
            values: (_u, splits) => splits.map((i) => REASONS[i] ?? ""),
            rotate: -45,
            size: 80,
          },
          {},
        ],
        legend: { live: true },
      }),
      () => [REASONS.map((_r, i) => i), guardCounts],
      (data) => data[1].reduce((a, b) => a + b, 0),
    );
    const driftChart = new Chart(
      "chart-drift",
      (w) => timeOptions(w, perSymbol(() => ({})), {}, []),
      () => drift.data(),
      (data) => data[0].length,
    );
    charts = [equityChart, positionsChart, statesChart, guardsChart, driftChart];
    guardsChart.touch();
    return {
      hello,
      symbols,
      index,
      equity,
      positions,
      states,
      drift,
      guardCounts,
      driftFlags: new Map(),
      seen: 0,
      equityChart,
      positionsChart,
      statesChart,
      guardsChart,
      driftChart,
    };
  }

  /** A number with at most 8 significant digits, without trailing zeros. */
  function num(x) {
    return String(Number(x.toPrecision(8)));
  }

  function fmtTime(ts) {
    return new Date(ts).toISOString().replace("T", " ").slice(0, 19);
  }

  function addEvent(ts, type, symbol, what) {
    const row = document.createElement("tr");
    for (const text of [fmtTime(ts), type, symbol, what]) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    const body = $("events");
    body.prepend(row);
    while (body.rows.length > MAX_EVENTS) body.deleteRow(body.rows.length - 1);
  }

  function setKill(active, reason) {
    const el = $("kill");
    el.textContent = active ? `KILLED${reason ? ": " + reason : ""}` : "kill switch off";
    el.className = active ? "pill alert" : "pill ok";
  }

  function onHello(msg) {
    shoalLive.hello = msg;
    $("run").textContent = `${msg.mode} run ${msg.runId} · ${msg.symbols.join(", ")}`;
    $("demo-banner").hidden = msg.mode !== "demo";
    $("events").textContent = "";
    setKill(false);
    view = newView(msg);
  }

  function onUpdate(msg, inBacklog) {
    const v = view;
    const at = (symbol, value, width, offset = 0) => {
      const row = new Array(width).fill(null);
      const i = v.index.get(symbol);
      if (i === undefined) return null;
      row[i + offset] = value;
      return row;
    };
    switch (msg.type) {
      case "equity": {
        v.equity.put(msg.ts, [msg.equity, msg.drawdown * 100]);
        v.equityChart.touch();
        const row = new Array(v.symbols.length).fill(null);
        for (const p of msg.positions) {
          const i = v.index.get(p.symbol);
          if (i !== undefined) row[i] = p.value;
        }
        v.symbols.forEach((_s, i) => {
          if (row[i] === null) row[i] = 0;
        });
        v.positions.put(msg.ts, row);
        v.positionsChart.touch();
        break;
      }
      case "state": {
        const n = v.symbols.length;
        const row = at(msg.symbol, msg.state, 2 * n);
        if (row === null) break;
        if (msg.macroState !== null) row[v.index.get(msg.symbol) + n] = msg.macroState;
        v.states.put(msg.ts, row);
        v.statesChart.touch();
        break;
      }
      case "drift": {
        const row = at(msg.symbol, msg.klNats, v.symbols.length);
        if (row === null) break;
        v.drift.put(msg.ts, row);
        v.driftChart.touch();
        v.driftFlags.set(msg.symbol, msg.drift);
        $("drift-flags").textContent = [...v.driftFlags]
          .map(([s, d]) => `${s}: ${d ? "DRIFT" : "ok"}`)
          .join(" · ");
        break;
      }
      case "guard": {
        if (msg.action === "block" && !inBacklog) {
          for (const reason of msg.reasons) {
            const i = REASONS.indexOf(reason);
            if (i >= 0) v.guardCounts[i]++;
          }
          v.guardsChart.touch();
        }
        addEvent(
          msg.ts,
          `guard ${msg.action}`,
          msg.symbol,
          `${msg.reasons.join("|")} ${msg.detail}`,
        );
        break;
      }
      case "decision":
        addEvent(
          msg.ts,
          "decision",
          msg.symbol,
          `${msg.action} target ${msg.targetQuote.toFixed(2)} conf ${msg.conf.toFixed(2)}`,
        );
        break;
      case "fill":
        addEvent(
          msg.ts,
          "fill",
          msg.symbol,
          `${msg.side} ${num(msg.qty)} @ ${num(msg.price)} (${msg.liquidity}, ${
            msg.slippageBp.toFixed(1)
          } bp)`,
        );
        break;
      case "kill":
        setKill(msg.active, msg.reason);
        break;
      default:
        break;
    }
  }

  let retryMs = 1000;
  function connect() {
    const url = new URL("/ws", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url);
    const status = $("connection");
    ws.onopen = () => {
      retryMs = 1000;
      status.textContent = "live";
      status.className = "pill ok";
    };
    ws.onmessage = (event) => {
      shoalLive.messages++;
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        return;
      }
      if (msg.type === "hello") return onHello(msg);
      if (view === null) return;
      const inBacklog = view.seen < view.hello.backlog;
      view.seen++;
      onUpdate(msg, inBacklog);
    };
    ws.onclose = () => {
      status.textContent = "offline, reconnecting";
      status.className = "pill off";
      setTimeout(connect, retryMs);
      retryMs = Math.min(10000, retryMs * 2);
    };
  }

  async function post(path, body) {
    const result = $("kill-result");
    try {
      const response = await fetch(path, {
        method: "POST",
        headers: {
          "authorization": `Bearer ${$("token").value.trim()}`,
          "content-type": "application/json",
        },
        body: JSON.stringify(body),
      });
      const answer = await response.json();
      result.textContent = response.ok
        ? `${path}: done, kill switch ${answer.kill.active ? "on" : "off"}`
        : `${path}: ${response.status} ${answer.error}`;
    } catch (error) {
      result.textContent = `${path}: ${error}`;
    }
  }

  $("kill-button").addEventListener("click", () => {
    const reason = $("kill-reason").value.trim();
    post("/kill", reason === "" ? {} : { reason });
  });
  $("resume-button").addEventListener("click", () => post("/resume", {}));
  new ResizeObserver(() => charts.forEach((c) => c.resize())).observe(document.body);
  connect();
})();
