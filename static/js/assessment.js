// 数据质量月考评 charts: each township's score (bars) and the scores over months (lines).
// Loaded before app.js, which renders every [data-chart] with window.AppCharts[kind].
(function () {
  "use strict";

  // Tooltips as elements (static/js/chart_tooltips.js): the CSP refuses ECharts' own styled HTML.
  var tooltip = window.ChartTooltips.axis(function (p) { return p.value == null ? null : String(p.value) + " 分"; });

  function number(text) { return text == null ? null : Number(text); }

  window.AppCharts = window.AppCharts || {};

  // Scores per township, best first, the score written at the end of each bar.
  window.AppCharts.assessmentScores = Object.assign(function (d) {
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, className: "chart-tooltip", formatter: tooltip },
      grid: { left: 8, right: 48, bottom: 8, top: 8, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100 },
      yAxis: { type: "category", inverse: true, data: d.townships },
      series: [{ name: "得分", type: "bar", color: "#0d6efd", data: d.scores.map(number),
                 label: { show: true, position: "right", formatter: function (p) { return p.value.toFixed(2); } } }],
    };
  }, { height: function (d) { return Math.max(220, 40 + d.townships.length * 28); } });

  // Each township's score over the months computed (a gap where a month was not computed). With
  // many townships: the county's average and the three lowest last month are drawn, the others
  // are one click away in the legend.
  window.AppCharts.assessmentTrend = Object.assign(function (d) {
    var many = d.series.length > 1;
    var lines = d.series.map(function (line) {
      return { name: line.name, type: "line", connectNulls: false, symbolSize: 6, data: line.scores.map(number),
               label: { show: !many, position: "top" } };
    });
    var selected;
    if (many) {
      var latest = function (line) {
        for (var i = line.scores.length - 1; i >= 0; i--) if (line.scores[i] != null) return Number(line.scores[i]);
        return 101;
      };
      var lowest = d.series.slice().sort(function (a, b) { return latest(a) - latest(b); }).slice(0, 3)
        .map(function (line) { return line.name; });
      selected = {};
      d.series.forEach(function (line) { selected[line.name] = lowest.indexOf(line.name) >= 0; });
      lines.unshift({ name: "全县平均", type: "line", symbolSize: 6, color: "#212529", data: d.average.map(number),
                      lineStyle: { width: 3, type: "dashed" } });
      selected["全县平均"] = true;
    }
    return {
      tooltip: { trigger: "axis", className: "chart-tooltip", formatter: tooltip },
      legend: many ? { type: "scroll", top: 0, selected: selected } : undefined,
      grid: { left: 8, right: 24, bottom: 8, top: many ? 36 : 24, containLabel: true },
      xAxis: { type: "category", data: d.months, boundaryGap: false },
      yAxis: { type: "value", min: 0, max: 100 },
      series: lines,
    };
  }, { height: function () { return 300; } });
})();
