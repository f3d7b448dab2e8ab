// AutoResearch console, analysis page: zoom on the server-drawn charts (drag a rectangle; double-click or "reset zoom" to go
// back) and the contour pair selector. Charts carry data-zoom="left top right bottom" (their plot area in view-box units) and
// data-zoom-x / data-zoom-y ("linear lo hi", "log lo hi" in log10, or "choice"); their marks sit in <g class="marks">.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  function label(v) { return Number(Number(v).toPrecision(4)).toString(); }

  // Nice ticks (1, 2, 5 × 10^k) between lo and hi.
  function nice(lo, hi) {
    var span = hi - lo;
    if (!(span > 0)) return [lo];
    var raw = span / 5, mag = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / mag;
    var step = (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
    var ticks = [];
    for (var v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
    return ticks;
  }

  // Ticks of an axis over the visible part [a, b] of its original range: [{t (0..1 of the original), text}].
  function axisTicks(axis, a, b) {
    var lo = axis.lo + a * (axis.hi - axis.lo), hi = axis.lo + b * (axis.hi - axis.lo), out = [];
    function t(v) { return (v - axis.lo) / (axis.hi - axis.lo); }
    if (axis.kind === "log") {
      if (hi - lo >= 1) {
        nice(lo, hi).filter(function (e) { return Math.abs(e - Math.round(e)) < 1e-9; })
          .forEach(function (e) { out.push({ t: t(e), text: label(Math.pow(10, e)) }); });
      }
      if (out.length < 2) {
        out = nice(Math.pow(10, lo), Math.pow(10, hi)).filter(function (v) { return v > 0; })
          .map(function (v) { return { t: t(Math.log10(v)), text: label(v) }; });
      }
      return out;
    }
    return nice(lo, hi).map(function (v) { return { t: t(v), text: label(v) }; });
  }

  function parseAxis(text) {
    var parts = (text || "choice").split(" ");
    return parts[0] === "choice" ? { kind: "choice" } : { kind: parts[0], lo: Number(parts[1]), hi: Number(parts[2]) };
  }

  function zoomable(chart) {
    var box = chart.getAttribute("data-zoom").split(" ").map(Number);
    var L = box[0], T = box[1], R = box[2], B = box[3], W = R - L, H = B - T;
    var ax = parseAxis(chart.getAttribute("data-zoom-x")), ay = parseAxis(chart.getAttribute("data-zoom-y"));
    var view = { x0: 0, x1: 1, y0: 0, y1: 1 };
    var marks = [];
    chart.querySelectorAll("g.marks circle, g.marks rect").forEach(function (m) {
      var o = {};
      ["cx", "cy", "x", "y", "width", "height"].forEach(function (k) { if (m.hasAttribute(k)) o[k] = Number(m.getAttribute(k)); });
      marks.push({ node: m, o: o });
    });
    var original = Array.prototype.slice.call(chart.querySelectorAll("text.x-tick, text.y-tick, line.grid-x, line.grid-y"));
    var xTickY = original.filter(function (n) { return n.matches("text.x-tick"); }).map(function (n) { return n.getAttribute("y"); })[0] || String(B + 16);
    var yTickX = original.filter(function (n) { return n.matches("text.y-tick"); }).map(function (n) { return n.getAttribute("x"); })[0] || String(L - 6);
    var choiceTicks = original.filter(function (n) { return n.matches("text.x-tick") && ax.kind === "choice" || n.matches("text.y-tick") && ay.kind === "choice"; })
      .map(function (n) { return { node: n, x: Number(n.getAttribute("x")), y: Number(n.getAttribute("y")) }; });
    var added = [];

    function mapX(x) { return L + (((x - L) / W) - view.x0) / (view.x1 - view.x0) * W; }
    function mapY(y) { return B - (((B - y) / H) - view.y0) / (view.y1 - view.y0) * H; }

    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "zoom-reset";
    reset.textContent = "reset zoom";
    reset.hidden = true;
    chart.parentNode.insertBefore(reset, chart.nextSibling);

    function apply() {
      var zoomed = view.x0 !== 0 || view.x1 !== 1 || view.y0 !== 0 || view.y1 !== 1;
      chart.setAttribute("data-zoomed", zoomed ? "true" : "false");
      reset.hidden = !zoomed;
      marks.forEach(function (m) {
        var o = m.o, n = m.node;
        if ("cx" in o) { n.setAttribute("cx", mapX(o.cx).toFixed(1)); n.setAttribute("cy", mapY(o.cy).toFixed(1)); }
        if ("x" in o) {
          var x0 = mapX(o.x), x1 = mapX(o.x + o.width), y0 = mapY(o.y), y1 = mapY(o.y + o.height);
          n.setAttribute("x", x0.toFixed(1)); n.setAttribute("width", (x1 - x0).toFixed(1));
          n.setAttribute("y", y0.toFixed(1)); n.setAttribute("height", (y1 - y0).toFixed(1));
        }
      });
      added.forEach(function (n) { n.remove(); });
      added = [];
      original.forEach(function (n) {
        var numeric = (n.matches(".x-tick, .grid-x") && ax.kind !== "choice") || (n.matches(".y-tick, .grid-y") && ay.kind !== "choice");
        n.setAttribute("visibility", zoomed && numeric ? "hidden" : "visible");
      });
      choiceTicks.forEach(function (c) {
        var horizontal = c.node.matches(".x-tick");
        var p = horizontal ? mapX(c.x) : mapY(c.y);
        c.node.setAttribute(horizontal ? "x" : "y", p.toFixed(1));
        if (horizontal ? p < L - 1 || p > R + 1 : p < T - 1 || p > B + 1) c.node.setAttribute("visibility", "hidden");
      });
      if (!zoomed) return;
      if (ax.kind !== "choice") axisTicks(ax, view.x0, view.x1).forEach(function (k) {
        var x = L + (k.t - view.x0) / (view.x1 - view.x0) * W;
        if (x < L - 0.5 || x > R + 0.5) return;
        added.push(chart.appendChild(svg("text", { x: x.toFixed(1), y: xTickY, "text-anchor": "middle", "class": "axis x-tick zoom-tick" }, k.text)));
      });
      if (ay.kind !== "choice") axisTicks(ay, view.y0, view.y1).forEach(function (k) {
        var y = B - (k.t - view.y0) / (view.y1 - view.y0) * H;
        if (y < T - 0.5 || y > B + 0.5) return;
        // Grid lines under the marks (as the server draws them), labels on top.
        added.push(chart.insertBefore(svg("line", { x1: L, y1: y.toFixed(1), x2: R, y2: y.toFixed(1), stroke: "#f1f5f9", "class": "grid-y zoom-tick" }), chart.querySelector("g.marks")));
        added.push(chart.appendChild(svg("text", { x: yTickX, y: y.toFixed(1), "text-anchor": "end", "dominant-baseline": "middle", "class": "axis y-tick zoom-tick" }, k.text)));
      });
    }

    function point(e) {
      var p = chart.createSVGPoint();
      p.x = e.clientX; p.y = e.clientY;
      return p.matrixTransform(chart.getScreenCTM().inverse());
    }
    var start = null, band = null;
    chart.addEventListener("mousedown", function (e) {
      if (e.button !== 0) return;
      var p = point(e);
      if (p.x < L || p.x > R || p.y < T || p.y > B) return;
      e.preventDefault();
      start = p;
      band = chart.appendChild(svg("rect", { x: p.x, y: p.y, width: 0, height: 0, fill: "#2563eb", "fill-opacity": "0.15", stroke: "#2563eb", "class": "zoom-band" }));
    });
    document.addEventListener("mousemove", function (e) {
      if (!start) return;
      var p = point(e);
      var x = Math.max(L, Math.min(R, p.x)), y = Math.max(T, Math.min(B, p.y));
      band.setAttribute("x", Math.min(start.x, x)); band.setAttribute("width", Math.abs(x - start.x));
      band.setAttribute("y", Math.min(start.y, y)); band.setAttribute("height", Math.abs(y - start.y));
    });
    document.addEventListener("mouseup", function (e) {
      if (!start) return;
      var p = point(e), s = start;
      start = null;
      band.remove();
      var x0 = Math.max(L, Math.min(s.x, p.x)), x1 = Math.min(R, Math.max(s.x, p.x));
      var y0 = Math.max(T, Math.min(s.y, p.y)), y1 = Math.min(B, Math.max(s.y, p.y));
      var wide = x1 - x0 > 4, tall = y1 - y0 > 4;
      if (!wide && !tall) return;
      // The dragged rectangle in the original axes' 0..1 (a thin drag zooms one axis only).
      function tx(x) { return view.x0 + (x - L) / W * (view.x1 - view.x0); }
      function ty(y) { return view.y0 + (B - y) / H * (view.y1 - view.y0); }
      var next = { x0: view.x0, x1: view.x1, y0: view.y0, y1: view.y1 };
      if (wide) { next.x0 = tx(x0); next.x1 = tx(x1); }
      if (tall) { next.y0 = ty(y1); next.y1 = ty(y0); }
      view = next;
      apply();
    });
    function back() { view = { x0: 0, x1: 1, y0: 0, y1: 1 }; apply(); }
    chart.addEventListener("dblclick", back);
    reset.addEventListener("click", back);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("svg[data-zoom]").forEach(zoomable);
    document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
      s.addEventListener("change", function () { s.form.submit(); });
    });
  });
})();
