// AutoResearch console: live campaign view (server-sent events), local times, and small form helpers. No dependencies.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var PALETTE = ["#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2", "#be185d", "#4d7c0f"];

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  function num(v) { return v === null || v === undefined ? "–" : Number(v).toPrecision(5).replace(/\.?0+$/, "").replace(/\.?0+e/, "e"); }
  function dur(s) {
    if (s === null || s === undefined) return "–";
    if (s < 60) return s.toFixed(1) + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + Math.floor(s % 60) + " s";
    return (s / 3600).toFixed(1) + " h";
  }
  function localTime(iso) {
    var d = new Date(iso);
    return isNaN(d) ? "–" : d.toLocaleString(undefined, { weekday: "short", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  }

  // Times the system writes into journal texts (UTC, ISO 8601: 2026-12-04 23:47:25Z, 2026-12-04T23:47Z, 2026-12-04 23:47 UTC)
  // become <time> elements in the viewer's zone like every other time on the page; the text itself is not changed.
  var UTC_STAMP = /(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(?:Z|\+00:00| UTC)/g;
  function textWithTimes(node, text) {
    node.textContent = "";
    var last = 0, m;
    UTC_STAMP.lastIndex = 0;
    while ((m = UTC_STAMP.exec(text)) !== null) {
      if (m.index > last) node.appendChild(document.createTextNode(text.slice(last, m.index)));
      var iso = m[1] + "T" + m[2] + (m[2].length === 5 ? ":00" : "") + "Z";
      var t = el("time", { datetime: iso, title: m[0] }, localTime(iso));
      node.appendChild(t);
      last = m.index + m[0].length;
    }
    if (last < text.length) node.appendChild(document.createTextNode(text.slice(last)));
    return node;
  }

  // Times: UTC on the server, the viewer's own zone here.
  function localiseTimes(root) {
    (root || document).querySelectorAll("ol.journal .text:not([data-times])").forEach(function (p) {
      p.dataset.times = "1";
      UTC_STAMP.lastIndex = 0;
      if (UTC_STAMP.test(p.textContent)) textWithTimes(p, p.textContent);
    });
    (root || document).querySelectorAll("time[datetime]").forEach(function (t) {
      if (t.getAttribute("datetime")) { t.title = t.getAttribute("datetime"); t.textContent = localTime(t.getAttribute("datetime")); }
    });
  }

  // Budget bar: used against limit (no limit: just the amount used).
  function bar(label, used, limit, format) {
    var wrap = el("div", { "class": "bar", "data-budget": label });
    var caption = el("div", { "class": "caption" });
    caption.appendChild(el("span", null, label));
    caption.appendChild(el("span", null, limit > 0 ? format(used) + " / " + format(limit) : format(used) + " (no limit)"));
    wrap.appendChild(caption);
    var track = el("div", { "class": "track" });
    var fill = el("div", { "class": "fill" });
    var share = limit > 0 ? Math.min(1, used / limit) : 0;
    fill.style.width = (share * 100).toFixed(1) + "%";
    if (share >= 1) fill.classList.add("full"); else if (share >= 0.8) fill.classList.add("high");
    track.appendChild(fill);
    wrap.appendChild(track);
    return wrap;
  }
  function hours(s) { return (s / 3600).toFixed(2) + " h"; }
  function tokens(t) { return t >= 10000 ? (t / 1000).toFixed(0) + "k" : String(t); }

  function fillRows(tbody, rows, build) {
    tbody.textContent = "";
    rows.forEach(function (r) { tbody.appendChild(build(r)); });
    if (rows.length === 0) {
      var tr = el("tr"); var td = el("td", { colspan: "12", "class": "muted" }, "None.");
      tr.appendChild(td); tbody.appendChild(tr);
    }
  }
  function cell(tr, text, cls) { var td = el("td", cls ? { "class": cls } : null, text); tr.appendChild(td); return td; }
  function link(href, text) { return el("a", { href: href }, text); }
  // Approve / Reject of an experiment awaiting approval: a post to the live page's Decide handler with the page's antiforgery token.
  function approvalForm(id, sequence) {
    var form = el("form", { method: "post", action: "/campaigns/" + encodeURIComponent(id) + "?handler=Decide", "class": "approval-form", "data-approval": String(sequence) });
    var token = document.querySelector('#approval-token input[name="__RequestVerificationToken"]');
    if (token) form.appendChild(el("input", { type: "hidden", name: "__RequestVerificationToken", value: token.value }));
    form.appendChild(el("input", { type: "hidden", name: "sequence", value: String(sequence) }));
    form.appendChild(el("input", { name: "reason", placeholder: "reason (optional)", "aria-label": "Reason for #" + sequence }));
    form.appendChild(el("button", { type: "submit", name: "decision", value: "approve", "class": "secondary" }, "Approve"));
    form.appendChild(el("button", { type: "submit", name: "decision", value: "reject", "class": "danger" }, "Reject"));
    return form;
  }
  function stateBadge(state) { return el("span", { "class": "state state-" + String(state).toLowerCase() }, state); }

  // A y axis with round ticks (1, 2, 2.5 or 5 × 10^n apart) that covers [lo, hi]; never below zero when no value is.
  function niceAxis(lo, hi) {
    var nonNegative = lo >= 0;
    if (hi - lo < 1e-12) { var half = Math.abs(hi) > 1e-12 ? Math.abs(hi) * 0.05 : 1; lo -= half; hi += half; }
    var pad = (hi - lo) * 0.06; lo -= pad; hi += pad;
    if (nonNegative && lo < 0) lo = 0;
    var raw = (hi - lo) / 4, power = Math.pow(10, Math.floor(Math.log10(raw))), step = power * 10;
    [1, 2, 2.5, 5, 10].some(function (m) { if (m * power >= raw) { step = m * power; return true; } return false; });
    var min = Math.floor(lo / step + 1e-9) * step, max = Math.ceil(hi / step - 1e-9) * step;
    if (nonNegative && min < 0) min = 0;
    var ticks = [];
    for (var v = min; v <= max + step * 1e-6; v += step) ticks.push(Number(v.toPrecision(12)));
    return { min: min, max: max, ticks: ticks };
  }

  function drawChart(node, d) {
    node.textContent = "";
    var W = 640, H = 260, L = 58, R = 12, T = 14, B = 30;
    var pts = d.points || [], bests = d.bests || [];
    var values = pts.map(function (p) { return p.value; }).concat(bests.map(function (b) { return b.value; }));
    if (values.length === 0) {
      node.appendChild(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", "class": "axis" }, "No finished experiment yet"));
      return;
    }
    var latest = Math.max.apply(null, pts.map(function (p) { return p.minutes; }).concat(bests.map(function (b) { return b.minutes; })));
    var xmax = Math.max(latest * 1.04, 0.05);
    var axis = niceAxis(Math.min.apply(null, values), Math.max.apply(null, values));
    var ymin = axis.min, ymax = axis.max;
    function X(m) { return L + m / xmax * (W - L - R); }
    function Y(v) { return T + (1 - (v - ymin) / (ymax - ymin)) * (H - T - B); }
    node.dataset.ymin = String(ymin); node.dataset.ymax = String(ymax);
    node.appendChild(svg("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#cbd5e1" }));
    node.appendChild(svg("line", { x1: L, y1: T, x2: L, y2: H - B, stroke: "#cbd5e1" }));
    axis.ticks.forEach(function (v) {
      node.appendChild(svg("text", { x: L - 6, y: Y(v) + 4, "text-anchor": "end", "class": "axis y-tick", "data-value": String(v) }, num(v)));
      node.appendChild(svg("line", { x1: L, y1: Y(v), x2: W - R, y2: Y(v), stroke: "#f1f5f9" }));
    });
    node.appendChild(svg("text", { x: W - R, y: H - 8, "text-anchor": "end", "class": "axis" }, xmax < 2 ? (xmax * 60).toFixed(0) + " s" : xmax.toFixed(1) + " min"));
    node.appendChild(svg("text", { x: L, y: H - 8, "class": "axis" }, "0"));
    var agents = (d.agents || []).map(function (a) { return a.id; });
    pts.forEach(function (p) {
      var colour = PALETTE[Math.max(0, agents.indexOf(p.agent)) % PALETTE.length];
      var c = svg("circle", { cx: X(p.minutes), cy: Y(p.value), r: 3.5, fill: colour, "fill-opacity": "0.55", "data-sequence": p.sequence });
      c.appendChild(svg("title", {}, "#" + p.sequence + " " + p.agent + ": " + num(p.value)));
      node.appendChild(c);
    });
    if (bests.length > 0) {
      var path = "", last = null;
      bests.forEach(function (b) {
        path += (last === null ? "M" : " H" + X(b.minutes).toFixed(1) + " V") + (last === null ? X(b.minutes).toFixed(1) + "," + Y(b.value).toFixed(1) : Y(b.value).toFixed(1));
        last = b;
      });
      var endX = X(Math.max(last.minutes, pts.length ? pts[pts.length - 1].minutes : last.minutes));
      path += " H" + endX.toFixed(1);
      node.appendChild(svg("path", { d: path, fill: "none", stroke: "#111827", "stroke-width": 2, "class": "best-line" }));
    }
    agents.forEach(function (a, i) {
      node.appendChild(svg("circle", { cx: L + 10 + i * 110, cy: T + 2, r: 4, fill: PALETTE[i % PALETTE.length] }));
      node.appendChild(svg("text", { x: L + 18 + i * 110, y: T + 6, "class": "legend" }, a));
    });
  }

  // The noise line: σ, or (identical repeats / no measurement) the minimum improvement new bests need; no confidence claimed then.
  function noiseText(d) {
    var n = d.noise, m = n && n.minImprovement;
    var minimum = m ? (m.relative ? (+(m.value * 100).toFixed(4)) + " %" : num(m.value)) + (m.stated ? "" : " (default)") : "";
    if (n && n.identicalRepeats) return "identical repeats: the benchmark ignores AR_SEED; no confidence, new bests need ≥ " + minimum;
    if (d.noiseStdDev !== null && d.noiseStdDev !== undefined) return "noise ± " + num(d.noiseStdDev);
    return n ? "noise not measured; new bests need ≥ " + minimum : "";
  }

  // "Why it ended": a few words from the typed outcome; the full reason (often a log excerpt) behind a disclosure.
  function endedCell(td, e) {
    var label = e.endedBecause || (e.reason && e.reason.length <= 80 ? e.reason : "");
    if (label) td.appendChild(el("span", { "class": "because" }, label));
    if (e.reason && e.reason !== label) {
      var more = el("details", { "class": "reason-log" });
      more.appendChild(el("summary", null, label ? "details" : "why"));
      more.appendChild(el("pre", { "class": "log" }, e.reason));
      td.appendChild(more);
    }
  }

  function render(root, d) {
    var c = d.campaign, id = c.id;
    function bind(name, value) { root.querySelectorAll('[data-bind="' + name + '"]').forEach(function (n) { n.textContent = value; }); }
    var stateNode = root.querySelector('[data-bind="state"]');
    if (stateNode) { stateNode.textContent = c.state; stateNode.className = "state state-" + c.state.toLowerCase(); }
    bind("best", num(c.best));
    bind("bestInfo", c.bestSequence ? "#" + c.bestSequence + (d.bestRuns > 1 ? " · mean of " + d.bestRuns + " runs" : "") + (d.bestConfidence !== null && d.bestConfidence !== undefined ? " · confidence " + Math.round(d.bestConfidence * 100) + "%" : "") : "");
    bind("baseline", num(c.baseline));
    bind("noise", noiseText(d));
    bind("progress", c.finished + "/" + c.maxExperiments);
    bind("outcomes", d.succeeded + " ok · " + d.failed + " failed · " + d.pruned + " stopped early");
    bind("reason", d.reason || "");
    // Running never counts the queued ones (they wait for a slot): "(2 running, 1 queued)".
    bind("runningCount", d.runningCount || d.queuedCount
      ? "(" + d.runningCount + " running" + (d.queuedCount ? ", " + d.queuedCount + " queued" : "") + ")" : "");
    // Experiments over the approval thresholds wait for a person without a slot: never silently.
    var awaiting = root.querySelector("#awaiting-approval");
    if (awaiting) {
      awaiting.hidden = !d.awaitingApprovalCount;
      bind("awaitingApproval", d.awaitingApprovalCount
        ? d.awaitingApprovalCount + " experiment(s) awaiting approval" + (d.awaitingApprovalSince ? " since " + localTime(d.awaitingApprovalSince) : "") : "");
    }
    var deadline = root.querySelector('[data-bind="deadline"]');
    if (deadline && c.deadline) deadline.textContent = localTime(c.deadline);
    root.dataset.deadline = c.deadline || "";
    root.dataset.live = (c.state === "Running" || c.state === "Paused") ? "1" : "";
    // Nothing is left to control once a campaign has ended.
    document.querySelectorAll(".controls").forEach(function (n) { n.hidden = !root.dataset.live && c.state !== "Created"; });

    var budget = root.querySelector("#campaign-budget");
    if (budget) {
      budget.textContent = "";
      var b = d.budget;
      budget.appendChild(bar("GPU", b.gpuSecondsUsed, b.gpuSeconds, hours));
      budget.appendChild(bar("CPU", b.cpuSecondsUsed, b.cpuSeconds, hours));
      budget.appendChild(bar("Tokens", b.tokensUsed, b.tokens, tokens));
    }

    fillRows(root.querySelector("#agents tbody"), d.agents, function (a) {
      var tr = el("tr", { "data-agent": a.id });
      var name = cell(tr, a.id); name.appendChild(el("div", { "class": "muted" }, a.role + " · " + (a.model || a.proposer)));
      cell(tr, "").appendChild(stateBadge(a.state));
      var doing = cell(tr, a.activity || "");
      if (a.modelProblem) doing.appendChild(el("div", { "class": "field-error" }, a.modelProblem));
      if (a.rejections) doing.appendChild(el("div", { "class": "muted" }, a.rejections + " proposal(s) rejected before running" + (a.maxRejections ? " (allowance " + a.maxRejections + ")" : "") + (a.backOffTurnsLeft ? "; backing off " + a.backOffTurnsLeft + " more turn(s)" : "")));
      cell(tr, a.experiments + (a.inFlight ? " (+" + a.inFlight + ")" : ""), "num");
      cell(tr, num(a.best), "num");
      var budgets = cell(tr, "");
      budgets.appendChild(bar("GPU", a.gpuSecondsUsed, a.gpuBudgetSeconds, hours));
      budgets.appendChild(bar("CPU", a.cpuSecondsUsed, a.cpuBudgetSeconds, hours));
      if (a.tokenBudget > 0 || a.tokensUsed > 0) budgets.appendChild(bar("Tokens", a.tokensUsed, a.tokenBudget, tokens));
      return tr;
    });

    var now = Date.parse(d.now);
    // Rows are rebuilt on every update: keep a reason being typed into an approval form (and its focus) across it.
    var runningBody = root.querySelector("#running tbody"), typed = {}, focused = null;
    Array.prototype.forEach.call(runningBody.querySelectorAll("form.approval-form"), function (f) {
      var r = f.querySelector('input[name="reason"]');
      if (r && r.value) typed[f.dataset.approval] = r.value;
      if (r && document.activeElement === r) focused = f.dataset.approval;
    });
    fillRows(runningBody, d.running, function (e) {
      var tr = el("tr", { "data-sequence": e.sequence });
      cell(tr, "").appendChild(link("/campaigns/" + encodeURIComponent(id) + "/experiments/" + e.sequence, "#" + e.sequence));
      cell(tr, e.agent); cell(tr, e.kind); cell(tr, "").appendChild(stateBadge(e.status));
      var awaitingThis = e.status === "AwaitingApproval";
      var elapsed = cell(tr, e.startedAt ? dur((now - Date.parse(e.startedAt)) / 1000) : awaitingThis ? "awaiting approval" : "waiting for a slot", "num");
      if (e.startedAt) { elapsed.dataset.since = e.startedAt; elapsed.dataset.offset = String(Date.now() - now); }
      var what = cell(tr, e.hypothesis || Object.keys(e.parameters || {}).map(function (k) { return k + "=" + e.parameters[k]; }).join(", "));
      if (awaitingThis && root.dataset.canSteer) {
        var form = what.appendChild(approvalForm(id, e.sequence)), reason = form.querySelector('input[name="reason"]');
        if (typed[String(e.sequence)]) reason.value = typed[String(e.sequence)];
        if (focused === String(e.sequence)) reason.focus();
      }
      return tr;
    });

    fillRows(root.querySelector("#recent tbody"), d.recent, function (e) {
      var tr = el("tr", { "data-sequence": e.sequence });
      cell(tr, "").appendChild(link("/campaigns/" + encodeURIComponent(id) + "/experiments/" + e.sequence, "#" + e.sequence));
      cell(tr, e.agent); cell(tr, e.kind); cell(tr, "").appendChild(stateBadge(e.status));
      cell(tr, num(e.objective), "num" + (e.sequence === c.bestSequence ? " best" : ""));
      cell(tr, e.verdict === "None" ? "" : e.verdict);
      cell(tr, dur(e.seconds), "num");
      endedCell(cell(tr, "", "ended"), e);
      return tr;
    });

    var warnings = root.querySelector("#warnings");
    if (warnings) {
      warnings.textContent = "";
      (d.warnings || []).forEach(function (w) {
        warnings.appendChild(el("p", { "class": "banner banner-warn", role: "alert", "data-warning": w.kind }, w.text));
      });
    }

    var journal = root.querySelector("#latest-journal");
    if (journal) {
      journal.textContent = "";
      (d.latestJournal || []).forEach(function (j) {
        var li = el("li", { "class": "entry kind-" + j.kind, "data-entry": j.id });
        var meta = el("div", { "class": "meta" });
        meta.appendChild(el("time", { datetime: j.at }, localTime(j.at)));
        meta.appendChild(document.createTextNode(" · " + j.author + " · " + j.kind));
        if (j.experimentSequence !== null && j.experimentSequence !== undefined) {
          meta.appendChild(document.createTextNode(" · "));
          meta.appendChild(link("/campaigns/" + encodeURIComponent(id) + "/experiments/" + j.experimentSequence, "#" + j.experimentSequence));
        }
        li.appendChild(meta);
        li.appendChild(textWithTimes(el("p", { "class": "text" }), j.text));
        journal.appendChild(li);
      });
    }

    var chart = root.querySelector("#best-chart");
    if (chart) drawChart(chart, d);
  }

  function tick(root) {
    root.querySelectorAll("[data-since]").forEach(function (n) {
      n.textContent = dur((Date.now() - Number(n.dataset.offset || 0) - Date.parse(n.dataset.since)) / 1000);
    });
    var remaining = root.querySelector('[data-bind="remaining"]');
    if (remaining && root.dataset.deadline) {
      var left = (Date.parse(root.dataset.deadline) - Date.now()) / 1000;
      remaining.textContent = root.dataset.live ? (left > 0 ? dur(left) + " left" : "deadline passed") : "";
    }
  }

  function live(root) {
    var initial = document.getElementById("initial-state");
    if (initial) render(root, JSON.parse(initial.textContent));
    setInterval(function () { tick(root); }, 1000);
    tick(root);
    if (!window.EventSource) return;
    // When the server goes away: a banner says so (the numbers are as of the last update), and the page reconnects by itself,
    // the browser's own retry first and a fresh connection with a growing pause when the browser gives up.
    var banner = document.getElementById("disconnected"), lastUpdate = new Date(), retry = null, delay = 1000;
    function lost() {
      root.classList.add("disconnected");
      if (banner) {
        banner.hidden = false;
        var since = banner.querySelector("[data-since-update]");
        if (since) since.textContent = lastUpdate.toLocaleTimeString();
      }
    }
    function connect() {
      retry = null;
      var source = new EventSource(root.dataset.events);
      source.addEventListener("status", function (message) {
        lastUpdate = new Date();
        render(root, JSON.parse(message.data));
        root.dataset.updates = String(Number(root.dataset.updates || 0) + 1);
        tick(root);
      });
      source.onopen = function () {
        delay = 1000;
        if (root.classList.contains("disconnected")) root.dataset.reconnects = String(Number(root.dataset.reconnects || 0) + 1);
        root.classList.remove("disconnected");
        if (banner) banner.hidden = true;
      };
      source.onerror = function () {
        lost();
        if (source.readyState === EventSource.CLOSED && retry === null) {
          source.close();
          retry = setTimeout(connect, delay);
          delay = Math.min(delay * 2, 15000);
        }
      };
    }
    connect();
  }

  // The campaigns list: rendered from the API's answer and refreshed every few seconds.
  function campaignList(root) {
    function show(list) {
      var table = root.querySelector("#campaigns"), empty = root.querySelector("[data-empty]");
      table.hidden = list.length === 0; empty.hidden = list.length !== 0;
      fillRows(table.querySelector("tbody"), list, function (c) {
        var tr = el("tr", { "data-campaign": c.id });
        var name = cell(tr, ""); name.appendChild(link("/campaigns/" + encodeURIComponent(c.id), c.id));
        if (!c.hostedHere && (c.state === "Running" || c.state === "Paused"))
          name.appendChild(el("span", { "class": "tag", title: "Not run by this server: another process runs it, or it was interrupted" }, "elsewhere"));
        cell(tr, "").appendChild(stateBadge(c.state));
        var bench = cell(tr, c.benchmark + " "); bench.appendChild(el("span", { "class": "muted" }, c.metric + " (" + c.direction + ")"));
        var progress = cell(tr, "", "num");
        progress.appendChild(el("meter", { min: "0", max: String(c.maxExperiments), value: String(c.finished) }));
        progress.appendChild(document.createTextNode(" " + c.finished + "/" + c.maxExperiments));
        cell(tr, num(c.baseline), "num");
        var best = cell(tr, num(c.best), "num best");
        if (c.bestSequence !== null && c.bestSequence !== undefined)
          best.appendChild(link("/campaigns/" + encodeURIComponent(c.id) + "/experiments/" + c.bestSequence, " #" + c.bestSequence));
        cell(tr, "").appendChild(el("time", { datetime: c.startedAt || "" }, c.startedAt ? localTime(c.startedAt) : "–"));
        cell(tr, "").appendChild(el("time", { datetime: c.deadline || "" }, c.deadline ? localTime(c.deadline) : "–"));
        return tr;
      });
    }
    show(JSON.parse(document.getElementById("initial-campaigns").textContent));
    var banner = document.getElementById("disconnected"), lastUpdate = new Date();
    function lost() {
      if (!banner) return;
      banner.hidden = false;
      var since = banner.querySelector("[data-since-update]");
      if (since) since.textContent = lastUpdate.toLocaleTimeString();
    }
    setInterval(function () {
      fetch(root.dataset.source, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (list) {
          if (!list) { lost(); return; }
          lastUpdate = new Date();
          if (banner) banner.hidden = true;
          show(list);
          root.dataset.refreshes = String(Number(root.dataset.refreshes || 0) + 1);
        })
        .catch(function () { lost(); /* the next round tries again */ });
    }, 3000);
  }

  function newCampaignForm(form) {
    var zone = form.querySelector("[data-timezone]");
    if (zone && !zone.value && window.Intl) zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    var select = form.querySelector("[data-benchmark]"), info = document.getElementById("benchmark-info");
    function describe() {
      var o = select && select.selectedOptions[0];
      if (!o || !info) return;
      info.textContent = (o.dataset.direction ? o.dataset.direction + " " + o.dataset.metric : "") +
        (o.dataset.limit ? " · " + dur(Number(o.dataset.limit)) + " per run" : "") + (o.dataset.description ? " · " + o.dataset.description : "");
    }
    if (select) { select.addEventListener("change", describe); describe(); }
    var add = form.querySelector("[data-add-agent]"), body = form.querySelector("[data-agent-rows]");
    if (add && body) add.addEventListener("click", function () {
      var rows = body.querySelectorAll("[data-agent-row]"), last = rows[rows.length - 1], index = rows.length;
      var copy = last.cloneNode(true);
      copy.querySelectorAll(".field-error").forEach(function (n) { n.remove(); });
      copy.querySelectorAll("input, select").forEach(function (input) {
        input.name = input.name.replace(/Agents\[\d+\]/, "Agents[" + index + "]");
        if (input.tagName === "SELECT") input.selectedIndex = 0; else input.value = "";
        if (input.getAttribute("aria-label")) input.setAttribute("aria-label", input.getAttribute("aria-label").replace(/\d+$/, String(index + 1)));
      });
      body.appendChild(copy);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-confirm]").forEach(function (b) {
      b.addEventListener("click", function (e) { if (!window.confirm(b.dataset.confirm)) e.preventDefault(); });
    });
    var root = document.getElementById("live");
    if (root) live(root);
    var list = document.getElementById("campaign-list");
    if (list) campaignList(list);
    var form = document.getElementById("new-campaign");
    if (form) newCampaignForm(form);
    // Steering forms read deadlines in the browser's zone, as the new-campaign form does.
    document.querySelectorAll("input[data-timezone]").forEach(function (zone) {
      if (!zone.value && window.Intl) zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    });
    localiseTimes(document);
  });
})();
