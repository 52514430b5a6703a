// Chart tooltips as elements with classes, shared by every page's charts: ECharts' own tooltip
// HTML carries style="…" attributes, which the CSP (no 'unsafe-inline') refuses. The marker's
// colour is set through the CSSOM, which the CSP allows.
(function () {
  "use strict";

  // A title and rows of { color, name, value } (a value of null or undefined reads "-").
  function box(title, rows) {
    var element = document.createElement("div");
    var head = document.createElement("div");
    head.className = "chart-tooltip-title";
    head.textContent = title;
    element.appendChild(head);
    rows.forEach(function (r) {
      var row = document.createElement("div");
      row.className = "chart-tooltip-row";
      var marker = document.createElement("span");
      marker.className = "chart-tooltip-marker";
      marker.style.backgroundColor = r.color;
      var name = document.createElement("span");
      name.className = "chart-tooltip-name";
      name.textContent = r.name;
      var value = document.createElement("span");
      value.className = "chart-tooltip-value";
      value.textContent = r.value == null ? "-" : String(r.value);
      row.appendChild(marker);
      row.appendChild(name);
      row.appendChild(value);
      element.appendChild(row);
    });
    return element;
  }

  // A formatter for axis tooltips: the category as the title, a row per series whose
  // valueText(p) is not null.
  function axis(valueText) {
    return function (params) {
      var list = Array.isArray(params) ? params : [params];
      var rows = [];
      list.forEach(function (p) {
        var text = valueText(p);
        if (text !== null) rows.push({ color: p.color, name: p.seriesName, value: text });
      });
      return box(list.length ? list[0].name : "", rows);
    };
  }

  window.ChartTooltips = { box: box, axis: axis };
})();
