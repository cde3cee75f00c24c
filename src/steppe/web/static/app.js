/* steppe serve: keeps each page's state in its URL and fills its chart slots from /api/charts.
   A slot (<section class="slot" data-src="/api/charts/..." data-params="as_of ...">) is drawn with
   steppeCharts.mount(); its sources are listed under it as links. When a control moves, the URL
   is updated (so the view can be shared) and the slots are fetched again. <html> carries
   data-web-state="loading" | "ready" and data-web-loads (a counter) for tests. */
(function () {
  "use strict";
  var loads = 0;
  var pending = 0;
  var serial = new WeakMap();

  function state(value) {
    document.documentElement.setAttribute("data-web-state", value);
  }

  function slotUrl(slot) {
    var url = new URL(slot.getAttribute("data-src"), window.location.origin);
    var here = new URLSearchParams(window.location.search);
    (slot.getAttribute("data-params") || "").split(/\s+/).filter(Boolean).forEach(function (key) {
      here.getAll(key).forEach(function (value) { url.searchParams.append(key, value); });
    });
    return url;
  }

  function show(node, text) {
    node.textContent = text || "";
    node.hidden = !text;
  }

  function link(s) {
    var a = document.createElement("a");
    a.href = s.href;
    a.textContent = s.label;
    return a;
  }

  function sources(node, list) {
    node.textContent = "";
    node.hidden = !list || !list.length;
    if (node.hidden) { return; }
    var shown = list.length > 6 ? list.slice(0, 4) : list;
    node.appendChild(document.createTextNode(list.length === 1 ? "Source: " : "Sources: "));
    shown.forEach(function (s, i) {
      node.appendChild(link(s));
      if (i < shown.length - 1) { node.appendChild(document.createTextNode("; ")); }
    });
    if (shown.length < list.length) {
      node.appendChild(document.createTextNode(" "));
      var more = document.createElement("details");
      var summary = document.createElement("summary");
      summary.textContent = "and " + (list.length - shown.length) + " more";
      more.appendChild(summary);
      list.slice(shown.length).forEach(function (s, i, rest) {
        more.appendChild(link(s));
        if (i < rest.length - 1) { more.appendChild(document.createTextNode("; ")); }
      });
      node.appendChild(more);
    }
  }

  function draw(slot, body) {
    var box = slot.querySelector(".slot-chart");
    var empty = slot.querySelector(".slot-empty");
    if (body.chart) {
      show(empty, "");
      box.hidden = false;
      slot.setAttribute("data-rows", String((JSON.parse(body.chart.json).rows || []).length));
      var done = window.steppeCharts.mount(box, body.chart);
      if (body.caption) {
        var cap = document.createElement("figcaption");
        cap.textContent = body.caption;
        box.querySelector("figure").appendChild(cap);
      }
      return done;
    }
    box.textContent = "";
    box.hidden = true;
    slot.setAttribute("data-rows", "0");
    show(empty, body.empty || body.detail || "No data.");
    return Promise.resolve();
  }

  function load(slot) {
    var n = (serial.get(slot) || 0) + 1;
    serial.set(slot, n);
    slot.setAttribute("aria-busy", "true");
    return fetch(slotUrl(slot), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (serial.get(slot) !== n) { return null; }
        var body = res.ok ? res.body : { empty: res.body.detail || "The server could not draw this chart." };
        show(slot.querySelector(".slot-note"), body.note || "");
        sources(slot.querySelector(".slot-sources"), body.sources || []);
        slot.setAttribute("data-state", body.chart ? "chart" : "empty");
        return draw(slot, body);
      })
      .catch(function (err) {
        show(slot.querySelector(".slot-empty"), "Could not load this chart (" + err + ").");
        slot.setAttribute("data-state", "error");
      })
      .then(function () { slot.removeAttribute("aria-busy"); });
  }

  function refresh() {
    var slots = Array.prototype.slice.call(document.querySelectorAll("section.slot[data-src]"));
    pending += 1;
    state("loading");
    return Promise.all(slots.map(load)).then(function () {
      pending -= 1;
      if (pending === 0) {
        loads += 1;
        document.documentElement.setAttribute("data-web-loads", String(loads));
        state("ready");
      }
    });
  }

  function weights(form) {
    var parts = [];
    var changed = false;
    form.querySelectorAll("[data-dimension]").forEach(function (input) {
      var v = parseFloat(input.value);
      if (isNaN(v) || v < 0) { v = 0; }
      if (v !== parseFloat(input.getAttribute("data-declared"))) { changed = true; }
      parts.push(input.getAttribute("data-dimension") + ":" + v);
    });
    return changed ? parts.join(",") : "";
  }

  function paramsOf(form) {
    var out = new URLSearchParams();
    var data = new FormData(form);
    var peers = [];
    data.forEach(function (value, key) {
      if (key === "year") { return; }
      if (key === "peers") { if (value) { peers.push(value); } return; }
      if (key === "weights") { return; }
      if (value !== "") { out.append(key, value); }
    });
    if (form.querySelector("[name=peers]")) {
      if (peers.length) { peers.forEach(function (p) { out.append("peers", p); }); } else { out.append("peers", ""); }
    }
    if (form.hasAttribute("data-weights")) {
      var w = weights(form);
      if (w) { out.set("weights", w); }
    }
    return out;
  }

  function wire(form) {
    var timer = null;
    function apply() {
      var qs = paramsOf(form).toString();
      window.history.replaceState(null, "", window.location.pathname + (qs ? "?" + qs : ""));
      refresh();
    }
    function later() {
      clearTimeout(timer);
      timer = setTimeout(apply, 200);
    }
    var slider = form.querySelector("[data-asof-slider]");
    var date = form.querySelector("input[name=as_of]");
    var label = document.getElementById("asof-label");
    if (slider && date) {
      slider.addEventListener("input", function () {
        var rest = (date.value || "2000-01-01").slice(4);
        date.value = slider.value + rest;
        if (label) { label.textContent = date.value; }
        later();
      });
      date.addEventListener("change", function () {
        if (date.value) { slider.value = date.value.slice(0, 4); if (label) { label.textContent = date.value; } }
      });
    }
    form.addEventListener("change", function (e) {
      if (e.target === slider) { return; }
      if (e.target.name === "region") {
        form.querySelectorAll("input[name=peers]").forEach(function (box) {
          box.closest("label") && (box.closest("label").hidden = box.value === e.target.value);
        });
      }
      apply();
    });
    form.addEventListener("submit", function (e) {
      if (form.querySelector("section.slot") || document.querySelector("section.slot[data-src]")) {
        e.preventDefault();
        apply();
      }
    });
  }

  function sortable(table) {
    table.querySelectorAll("thead th").forEach(function (th, col) {
      th.tabIndex = 0;
      th.title = "Sort by this column";
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        table.querySelectorAll("thead th").forEach(function (o) { o.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var x = a.cells[col].textContent.trim(), y = b.cells[col].textContent.trim();
          var nx = parseFloat(x.replace(/,/g, "")), ny = parseFloat(y.replace(/,/g, ""));
          if (!isNaN(nx) && !isNaN(ny) && /^[-\d.,]+$/.test(x) && /^[-\d.,]+$/.test(y)) { return dir * (nx - ny); }
          return dir * x.localeCompare(y);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  function start() {
    document.querySelectorAll("form.controls").forEach(function (form) {
      if (document.querySelector("section.slot[data-src]")) { wire(form); }
    });
    document.querySelectorAll("table.sortable").forEach(sortable);
    refresh();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
