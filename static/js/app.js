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
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(window.AppCharts[el.dataset.chartKind](data));
      el.dataset.rendered = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  window.AppCharts = {
    // Households, monitoring objects and unresolved risk per township.
    townships: function (d) {
      return {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
        xAxis: { type: "value" },
        yAxis: { type: "category", data: d.townships, inverse: true },
        series: [
          { name: "农户", type: "bar", data: d.households },
          { name: "监测对象", type: "bar", data: d.monitored },
          { name: "风险未消除", type: "bar", data: d.unresolved },
        ],
      };
    },
  };

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

  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { renderCharts(event.target); });
})();
