// Behaviour that the pages share. Loaded last; no inline scripts anywhere (CSP).
(function () {
  "use strict";

  // Charts: a <div class="chart" data-chart="ID"> reads its data from <script type="application/json" id="ID">.
  function renderCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.rendered) return;
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      var data = JSON.parse(source.textContent);
      var kind = window.AppCharts[el.dataset.chartKind];
      if (kind.height) el.style.height = kind.height(data) + "px";  // CSSOM, allowed by the CSP
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(kind(data));
      el.dataset.rendered = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  // Tooltips as elements (static/js/chart_tooltips.js): the CSP refuses ECharts' own styled HTML.
  var axisTooltip = window.ChartTooltips.axis(function (p) { return p.value == null ? "-" : String(p.value); });
  var TOOLTIP = { trigger: "axis", axisPointer: { type: "shadow" }, className: "chart-tooltip", formatter: axisTooltip };

  // Horizontal bars per township, two parts stacked (the alarming one first, in red), the
  // townships ordered by `order`. parts: [{ key, name, color }, …] naming keys of each row.
  function townshipBars(rows, parts, order) {
    rows.sort(order);
    return {
      tooltip: TOOLTIP,
      legend: { top: 0 },
      grid: { left: 8, right: 24, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }) },
      series: parts.map(function (part) {
        return { name: part.name, type: "bar", stack: "s", color: part.color,
                 data: rows.map(function (r) { return r[part.key]; }) };
      }),
    };
  }
  function townshipHeight(d) { return Math.max(240, 60 + d.townships.length * 26); }

  // Pages may add their own kinds (static/js/<room>.js, loaded before this file).
  window.AppCharts = Object.assign(window.AppCharts || {}, {
    // Monitoring objects per township, unresolved risk stacked on eliminated, most first.
    townships: Object.assign(function (d) {
      var rows = d.townships.map(function (name, i) {
        return { name: name, unresolved: d.unresolved[i], eliminated: d.monitored[i] - d.unresolved[i] };
      });
      return townshipBars(rows, [
        { key: "unresolved", name: "风险未消除", color: "#dc3545" },
        { key: "eliminated", name: "风险已消除", color: "#94a3b8" },
      ], function (a, b) { return (b.unresolved + b.eliminated) - (a.unresolved + a.eliminated); });
    }, { height: townshipHeight }),

    // Unclosed tickets per township, the overdue part in red, most overdue first.
    ticketTownships: Object.assign(function (d) {
      var rows = d.townships.map(function (name, i) {
        return { name: name, overdue: d.overdue[i], onTime: d.open[i] - d.overdue[i] };
      });
      return townshipBars(rows, [
        { key: "overdue", name: "审核超时", color: "#dc3545" },
        { key: "onTime", name: "未超时", color: "#0d6efd" },
      ], function (a, b) { return (b.overdue - a.overdue) || ((b.overdue + b.onTime) - (a.overdue + a.onTime)); });
    }, { height: townshipHeight }),
  });

  // A select with data-autosubmit sends its form as soon as it changes.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) {
      if (el.dataset.clears) {
        var dependent = el.form.elements[el.dataset.clears];
        if (dependent) dependent.value = "";
      }
      el.form.requestSubmit();
    }
  });

  // A button with data-print prints the page (the print stylesheet drops menus and buttons).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) window.print();
  });

  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { renderCharts(event.target); });
})();
