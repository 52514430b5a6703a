// 收入分析研判's chart kinds, merged into window.AppCharts (app.js renders every [data-chart]).
(function () {
  "use strict";

  // Tooltips as elements (static/js/chart_tooltips.js): the CSP refuses ECharts' own styled HTML.
  var tooltip = window.ChartTooltips.axis(function (p) { return p.value == null ? "无数据" : String(p.value); });
  var TOOLTIP = { trigger: "axis", axisPointer: { type: "shadow" }, className: "chart-tooltip", formatter: tooltip };
  var GRID = { left: 8, right: 24, bottom: 8, top: 40, containLabel: true };

  window.AppCharts = window.AppCharts || {};

  // Per-capita income by component, this year against last: a missing bar shows 漏采.
  window.AppCharts.incomeComponents = function (d) {
    return {
      tooltip: TOOLTIP,
      legend: { top: 0 },
      grid: GRID,
      xAxis: { type: "value", name: "元" },
      yAxis: { type: "category", inverse: true, data: d.components.map(function (c) { return c.replace("人均", ""); }) },
      series: [
        { name: "本年", type: "bar", color: "#0d6efd", data: d.thisYear },
        { name: "上年", type: "bar", color: "#adb5bd", data: d.lastYear },
      ],
    };
  };
  window.AppCharts.incomeComponents.height = function () { return 300; };

  // Decline and growth counts per area, grouped bars.
  var COUNT_COLOURS = ["#dc3545", "#b02a37", "#58151c", "#20c997", "#198754", "#0f5132"];
  window.AppCharts.incomeCounts = function (d) {
    return {
      tooltip: TOOLTIP,
      legend: { top: 0, type: "scroll" },
      grid: GRID,
      xAxis: { type: "value", minInterval: 1, name: "户" },
      yAxis: { type: "category", inverse: true, data: d.areas },
      series: d.series.map(function (s, i) {
        return { name: s.name.replace("户数", ""), type: "bar", color: COUNT_COLOURS[i], data: s.data,
                 barMaxWidth: 10, barGap: "10%" };
      }),
    };
  };
  window.AppCharts.incomeCounts.height = function (d) { return Math.max(260, 70 + d.areas.length * 44); };

  // Monthly snapshots, with the same month of the year before as dashed lines.
  window.AppCharts.incomeTrend = function (d) {
    return {
      tooltip: Object.assign({}, TOOLTIP, { axisPointer: { type: "line" } }),
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 8, bottom: 8, top: 64, containLabel: true },
      xAxis: { type: "category", data: d.months },
      yAxis: [{ type: "value", name: "元" }, { type: "value", name: "户", minInterval: 1 }],
      series: [
        { name: "人均纯收入", type: "line", color: "#0d6efd", data: d.income, connectNulls: true },
        { name: "上年同月人均纯收入", type: "line", color: "#0d6efd", lineStyle: { type: "dashed" }, data: d.incomeLastYear, connectNulls: true },
        { name: "下降户数", type: "line", yAxisIndex: 1, color: "#dc3545", data: d.declined, connectNulls: true },
        { name: "上年同月下降户数", type: "line", yAxisIndex: 1, color: "#dc3545", lineStyle: { type: "dashed" }, data: d.declinedLastYear, connectNulls: true },
      ],
    };
  };
  window.AppCharts.incomeTrend.height = function () { return 320; };
})();
