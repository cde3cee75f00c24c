/* steppe charts: draws every chart fragment on the page and wires its download buttons.
   Needs plotly.js loaded first (steppe.charts.page.head() inlines both, once per page).
   Public (for the web app's front end, which gets payloads as JSON from Chart.to_payload()):
     steppeCharts.mount(container, payload)  builds the plot and its download buttons in container;
     steppeCharts.plot(div, payload)         draws or redraws (Plotly.react) a payload into a div;
     steppeCharts.render(figure)             draws one server-rendered fragment (Chart.to_html());
     steppeCharts.renderAll(root)            draws every fragment under root (done on page load);
     steppeCharts.download(name, type, text) saves text as a file, client-side. */
(function () {
  "use strict";
  function payloadOf(el) {
    var node = el.querySelector("script.steppe-chart-payload");
    return node ? JSON.parse(node.textContent) : null;
  }
  function download(name, type, text) {
    var blob = new Blob([text], { type: type });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }
  function plot(target, payload) {
    var spec = payload.spec;
    return Plotly.react(target, spec.data, spec.layout, spec.config);
  }
  function saveImage(target, payload, format) {
    return Plotly.downloadImage(target, {
      format: format,
      filename: payload.id,
      width: target.offsetWidth,
      height: target.offsetHeight,
      scale: format === "png" ? 2 : 1
    });
  }
  function wire(el, target, payload) {
    el.querySelectorAll("[data-download]").forEach(function (button) {
      button.addEventListener("click", function () {
        var kind = button.getAttribute("data-download");
        if (kind === "csv") { download(payload.id + ".csv", "text/csv;charset=utf-8", payload.csv); }
        else if (kind === "json") { download(payload.id + ".json", "application/json", payload.json); }
        else { saveImage(target, payload, kind); }
      });
    });
  }
  function render(el) {
    if (el.getAttribute("data-steppe-rendered")) { return null; }
    var payload = payloadOf(el);
    var target = el.querySelector(".steppe-plot");
    if (!payload || !target) { return null; }
    el.setAttribute("data-steppe-rendered", "1");
    wire(el, target, payload);
    return plot(target, payload);
  }
  function mount(container, payload) {
    container.textContent = "";
    var fig = document.createElement("figure");
    fig.className = "steppe-chart";
    fig.id = payload.id;
    var target = document.createElement("div");
    target.className = "steppe-plot";
    target.style.height = payload.height + "px";
    target.setAttribute("role", "img");
    target.setAttribute("aria-label", payload.title);
    var bar = document.createElement("div");
    bar.className = "steppe-downloads";
    bar.appendChild(document.createTextNode("Download "));
    ["png", "svg", "csv", "json"].forEach(function (kind) {
      var b = document.createElement("button");
      b.type = "button";
      b.setAttribute("data-download", kind);
      b.textContent = kind.toUpperCase();
      bar.appendChild(b);
      bar.appendChild(document.createTextNode(" "));
    });
    fig.appendChild(target);
    fig.appendChild(bar);
    container.appendChild(fig);
    fig.setAttribute("data-steppe-rendered", "1");
    wire(fig, target, payload);
    return plot(target, payload);
  }
  function renderAll(root) {
    var done = [];
    (root || document).querySelectorAll("[data-steppe-chart]").forEach(function (el) {
      var p = render(el);
      if (p) { done.push(p); }
    });
    return Promise.all(done);
  }
  function resizeAll() {
    document.querySelectorAll(".steppe-plot.js-plotly-plot").forEach(function (div) {
      Plotly.Plots.resize(div);
    });
  }
  window.steppeCharts = {
    plot: plot, mount: mount, render: render, renderAll: renderAll, download: download, resizeAll: resizeAll
  };
  function start() {
    window.steppeCharts.ready = renderAll().then(function () { document.documentElement.setAttribute("data-steppe-charts", "ready"); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  window.addEventListener("beforeprint", resizeAll);
})();
