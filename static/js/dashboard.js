// 数据看板's chart kinds (loaded before app.js, which merges its own kinds into window.AppCharts).
// Tooltips are built as elements with classes: ECharts' own tooltip HTML carries style="…",
// which the CSP refuses.
(function () {
  "use strict";

  var RISK_COLOURS = { red: "#dc3545", amber: "#f59e0b", green: "#198754", none: "#cbd5e1" };
  var PALETTE = ["#0d6efd", "#7c3aed", "#0ea5e9", "#f59e0b", "#64748b", "#198754"];

  var tooltipBox = window.ChartTooltips.box;  // static/js/chart_tooltips.js

  function axisTooltip(params) {
    return tooltipBox(params.length ? params[0].name : "", params.map(function (p) {
      return { color: p.color, name: p.seriesName, value: Array.isArray(p.value) ? p.value[1] : p.value };
    }));
  }
  function itemTooltip(p) {
    return tooltipBox(p.name, [{ color: p.color, name: p.seriesName, value: p.value + "（" + p.percent + "%）" }]);
  }
  var AXIS = { trigger: "axis", axisPointer: { type: "shadow" }, className: "chart-tooltip", formatter: axisTooltip };
  var ITEM = { trigger: "item", className: "chart-tooltip", formatter: itemTooltip };

  function pie(d, colours) {
    return {
      tooltip: ITEM,
      legend: { bottom: 0, type: "scroll" },
      series: [{
        name: "数量", type: "pie", radius: ["38%", "68%"], center: ["50%", "44%"],
        stillShowZeroSum: false,
        label: { position: "inside", color: "#fff", fontWeight: "bold",
                 formatter: function (p) { return p.value ? String(p.value) : ""; } },
        data: d.labels.map(function (label, i) {
          var item = { name: label, value: d.values[i] };
          if (colours) item.itemStyle = { color: colours[i] };
          return item;
        }),
      }],
    };
  }

  function horizontalBars(d, name, color) {
    return {
      tooltip: AXIS,
      grid: { left: 8, right: 32, bottom: 8, top: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: d.labels },
      series: [{ name: name, type: "bar", color: color, label: { show: true, position: "right" }, data: d.values }],
    };
  }
  function barsHeight(d) { return Math.max(192, 24 + d.labels.length * 24); }

  window.AppCharts = window.AppCharts || {};
  Object.assign(window.AppCharts, {
    dashPie: function (d) { return pie(d, null); },

    dashBars: Object.assign(function (d) { return horizontalBars(d, "数量", "#0d6efd"); }, { height: barsHeight }),

    // Unclosed tickets per township (or village), the overdue part in red.
    dashAreas: Object.assign(function (d) {
      return {
        tooltip: AXIS,
        legend: { top: 0 },
        grid: { left: 8, right: 24, bottom: 8, top: 32, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: d.labels },
        series: [
          { name: "审核超时", type: "bar", stack: "s", color: "#dc3545", data: d.overdue },
          { name: "未超时", type: "bar", stack: "s", color: "#0d6efd",
            data: d.values.map(function (v, i) { return v - d.overdue[i]; }) },
        ],
      };
    }, { height: function (d) { return Math.max(240, 60 + d.labels.length * 26); } }),

    // Tickets raised and closed per month (bars) and the rate closed / raised (line, right axis).
    dashMonths: function (d) {
      return {
        tooltip: AXIS,
        legend: { bottom: 0 },
        grid: { left: 8, right: 8, bottom: 32, top: 36, containLabel: true },
        xAxis: { type: "category", data: d.labels, axisLabel: { hideOverlap: true } },
        yAxis: [
          { type: "value", minInterval: 1, name: "条" },
          { type: "value", name: "整改率 %", min: 0, splitLine: { show: false } },
        ],
        series: [
          { name: "发现", type: "bar", color: PALETTE[0], data: d.raised },
          { name: "销号", type: "bar", color: PALETTE[5], data: d.closed },
          { name: "整改率 %", type: "line", yAxisIndex: 1, color: "#7c3aed", connectNulls: false, data: d.rate },
        ],
      };
    },

    // Households per 0.05-wide bin of the risk coefficient, with the township and county lines.
    dashHistogram: function (d) {
      var line = function (value, name, color) {
        return { xAxis: value, name: name, lineStyle: { color: color, type: "dashed", width: 2 },
                 label: { formatter: name + " " + value, color: color, position: "insideEndTop" } };
      };
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, className: "chart-tooltip",
                   formatter: function (params) {
                     var p = params[0];
                     return tooltipBox(d.labels[p.dataIndex], [{ color: p.color, name: "户数", value: p.value[1] }]);
                   } },
        grid: { left: 8, right: 16, bottom: 8, top: 40, containLabel: true },
        xAxis: { type: "value", min: 0, max: 1, interval: 0.1, name: "风险系数" },
        yAxis: { type: "value", minInterval: 1, name: "户" },
        series: [{
          name: "户数", type: "bar", color: "#0ea5e9", barWidth: "85%",
          data: d.bins.map(function (x, i) { return [x, d.values[i]]; }),
          markLine: { symbol: "none", silent: true, data: [
            line(d.township_line, "乡镇审核线", "#b45309"),
            line(d.county_line, "县级复核线", "#dc3545"),
          ] },
        }],
      };
    },

    // Households per risk colour: each bar in its colour, always with its words on the axis.
    dashColours: function (d) {
      return {
        tooltip: AXIS,
        grid: { left: 8, right: 32, bottom: 8, top: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: d.labels },
        series: [{ name: "户数", type: "bar", label: { show: true, position: "right" },
                   data: d.values.map(function (v, i) { return { value: v, itemStyle: { color: RISK_COLOURS[d.colours[i]] } }; }) }],
      };
    },
  });
})();
