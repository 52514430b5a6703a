// 防贫监测一张图: households (or, above the page's limit, villages) on a plain longitude/latitude
// plane, one series per risk colour so the legend names each colour in words. No tiles, no
// outlines downloaded: the plane is drawn with equal kilometres per pixel on both axes.
(function () {
  "use strict";

  var COLOURS = { red: "#dc3545", amber: "#f59e0b", green: "#198754", none: "#94a3b8" };
  var GRID = { left: 64, right: 16, top: 40, bottom: 44 };
  var KM_PER_DEGREE_LAT = 110.57;

  function chartElement() { return document.querySelector("[data-chart-kind='householdMap']"); }

  function extent(points) {
    var lon = points.map(function (p) { return p[0]; });
    var lat = points.map(function (p) { return p[1]; });
    return { minLon: Math.min.apply(null, lon), maxLon: Math.max.apply(null, lon),
             minLat: Math.min.apply(null, lat), maxLat: Math.max.apply(null, lat) };
  }

  function kmPerDegreeLon(lat) { return 111.32 * Math.cos(lat * Math.PI / 180); }

  // Height from the width, so that the area's shape decides the chart's (within 320–640 px).
  function height(data) {
    var el = chartElement();
    var width = el ? el.clientWidth : 600;
    var e = extent(data.points);
    var midLat = (e.minLat + e.maxLat) / 2;
    var wide = Math.max((e.maxLon - e.minLon) * kmPerDegreeLon(midLat), 0.5);
    var tall = Math.max((e.maxLat - e.minLat) * KM_PER_DEGREE_LAT, 0.5);
    var plot = (width - GRID.left - GRID.right) * tall / wide;
    return Math.round(Math.min(640, Math.max(320, plot + GRID.top + GRID.bottom)));
  }

  // Axis ranges with the same kilometres per pixel both ways, the points centred.
  function ranges(data) {
    var el = chartElement();
    var w = (el ? el.clientWidth : 600) - GRID.left - GRID.right;
    var h = height(data) - GRID.top - GRID.bottom;
    var e = extent(data.points);
    var midLat = (e.minLat + e.maxLat) / 2;
    var kx = kmPerDegreeLon(midLat);
    var wide = Math.max((e.maxLon - e.minLon) * kx, 0.5);
    var tall = Math.max((e.maxLat - e.minLat) * KM_PER_DEGREE_LAT, 0.5);
    var kmPerPx = Math.max(wide / w, tall / h) * 1.1;
    var midLon = (e.minLon + e.maxLon) / 2;
    var halfLon = kmPerPx * w / 2 / kx;
    var halfLat = kmPerPx * h / 2 / KM_PER_DEGREE_LAT;
    return { x: [midLon - halfLon, midLon + halfLon], y: [midLat - halfLat, midLat + halfLat] };
  }

  function line(box, className, text, colour) {
    var row = document.createElement("div");
    row.className = className;
    if (colour) {
      var marker = document.createElement("span");
      marker.className = "chart-tooltip-marker";
      marker.style.backgroundColor = colour;  // CSSOM, allowed by the CSP
      row.appendChild(marker);
    }
    var span = document.createElement("span");
    span.textContent = text;
    row.appendChild(span);
    box.appendChild(row);
  }

  // Built as elements (no HTML strings with style attributes: the CSP refuses them).
  function tooltip(data) {
    var labels = {};
    data.colours.forEach(function (c) { labels[c.key] = c.label; });
    return function (p) {
      var box = document.createElement("div");
      var d = p.data;
      if (data.mode === "households") {
        line(box, "chart-tooltip-title", d.number + (d.head ? " " + d.head : ""));
        line(box, "chart-tooltip-row", "风险颜色：" + labels[d.colour], COLOURS[d.colour]);
        line(box, "chart-tooltip-row small", "点击查看农户");
      } else {
        line(box, "chart-tooltip-title", d.name + "（已采集位置 " + d.located + " 户）");
        data.colours.forEach(function (c) {
          line(box, "chart-tooltip-row", c.label + " " + d.counts[c.key] + " 户", COLOURS[c.key]);
        });
        line(box, "chart-tooltip-row small", "点击查看本村每一户");
      }
      return box;
    };
  }

  function series(data) {
    if (data.mode === "households") {
      return data.colours.map(function (c) {
        return {
          name: c.label, type: "scatter", symbolSize: 7, color: COLOURS[c.key],
          data: data.points.filter(function (p) { return p[4] === c.key; }).map(function (p) {
            return { value: [p[0], p[1]], number: p[2], head: p[3], colour: p[4] };
          }),
        };
      });
    }
    var most = Math.max.apply(null, data.points.map(function (p) { return p[4]; }).concat([1]));
    return data.bands.map(function (band) {
      return {
        name: band.label, type: "scatter", color: COLOURS[band.key],
        symbolSize: function (value, p) { return 8 + 22 * Math.sqrt(p.data.located / most); },
        data: data.points.filter(function (p) { return p[9] === band.key; }).map(function (p) {
          var counts = {};
          data.colours.forEach(function (c, i) { counts[c.key] = p[5 + i]; });
          return { value: [p[0], p[1]], code: p[2], name: p[3], located: p[4], counts: counts };
        }),
      };
    });
  }

  function degrees(value) { return value.toFixed(2) + "°"; }

  window.AppCharts = window.AppCharts || {};
  window.AppCharts.householdMap = Object.assign(function (data) {
    var range = ranges(data);
    var el = chartElement();
    var ticks = el && el.clientWidth < 576 ? 3 : 5;
    return {
      animation: false,
      legend: { top: 0, type: "scroll" },
      grid: GRID,
      tooltip: { trigger: "item", className: "chart-tooltip", formatter: tooltip(data) },
      xAxis: { type: "value", name: "经度", nameLocation: "middle", nameGap: 26, scale: true,
               min: range.x[0], max: range.x[1], splitNumber: ticks, axisLabel: { formatter: degrees } },
      yAxis: { type: "value", name: "纬度", nameLocation: "middle", nameGap: 48, scale: true,
               min: range.y[0], max: range.y[1], splitNumber: ticks, axisLabel: { formatter: degrees } },
      series: series(data),
    };
  }, { height: height });

  // A point opens its household (or its village's map). app.js draws the chart when the DOM is
  // ready; "load" comes after that.
  window.addEventListener("load", function () {
    var el = chartElement();
    if (!el || !window.echarts) return;
    var chart = window.echarts.getInstanceByDom(el);
    var data = JSON.parse(document.getElementById(el.dataset.chart).textContent);
    if (!chart) return;
    chart.on("click", function (p) {
      if (!p.data) return;
      window.location.href = data.mode === "households"
        ? data.householdUrl.replace("NUMBER", encodeURIComponent(p.data.number))
        : data.villageUrl + "village=" + encodeURIComponent(p.data.code);
    });
    el.classList.add("map-clickable");
  });
})();
