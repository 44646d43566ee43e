/* The indicator chart: one series per organisation over time, qualifiers visible.
   Data comes from a json_script element; no inline script or style (strict CSP). The table
   beside it holds the same figures, so the page makes sense without this script. */
(function () {
  "use strict";
  var dataElement = document.getElementById("indicator-chart-data");
  var canvas = document.getElementById("indicator-chart-canvas");
  var figure = document.getElementById("indicator-chart");
  if (!dataElement || !canvas || !figure || typeof window.Chart === "undefined") {
    return;
  }
  var series = JSON.parse(dataElement.textContent);
  var lang = document.documentElement.lang || undefined;
  var dateFormat = new Intl.DateTimeFormat(lang, { year: "numeric", month: "short" });
  var numberFormat = new Intl.NumberFormat(lang);
  // Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
  var colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
  var markers = {
    exact: { style: "circle", rotation: 0 },
    at_least: { style: "triangle", rotation: 0 },
    more_than: { style: "triangle", rotation: 0 },
    at_most: { style: "triangle", rotation: 180 },
    approximately: { style: "rectRot", rotation: 0 },
    range: { style: "line", rotation: 90 }
  };

  function time(iso) {
    return new Date(iso + "T00:00:00Z").getTime();
  }

  var datasets = series.map(function (entry, index) {
    var colour = colours[index % colours.length];
    var points = entry.points.map(function (point) {
      var isRange = point.qualifier === "range" && point.high !== null;
      return {
        x: time(point.x),
        y: isRange ? (point.y + point.high) / 2 : point.y,
        low: isRange ? point.y : null,
        high: isRange ? point.high : null,
        text: point.text,
        date: point.date,
        qualifier: point.qualifier
      };
    });
    function marker(context) {
      var point = context.raw || {};
      return markers[point.qualifier] || markers.exact;
    }
    return {
      label: entry.label,
      data: points,
      borderColor: colour,
      backgroundColor: colour,
      borderWidth: 2,
      pointRadius: 7,
      pointHoverRadius: 9,
      pointStyle: function (context) { return marker(context).style; },
      rotation: function (context) { return marker(context).rotation; },
      pointBorderWidth: function (context) {
        return (context.raw || {}).qualifier === "range" ? 0 : 1;
      },
      tension: 0
    };
  });

  // The register's own count, cumulative by date of death: a dashed step line beside the
  // figures reported (its table is on the page too).
  var registerElement = document.getElementById("indicator-register-data");
  if (registerElement) {
    var register = JSON.parse(registerElement.textContent);
    datasets.push({
      label: register.label,
      data: register.points.map(function (point) {
        return { x: time(point.x), y: point.y, low: null, high: null, text: point.text,
                 date: point.date, qualifier: "exact" };
      }),
      borderColor: "#444444",
      backgroundColor: "#444444",
      borderWidth: 2,
      borderDash: [6, 4],
      stepped: "after",
      pointRadius: function (context) { return (context.raw || {}).extended ? 0 : 3; },
      pointHoverRadius: function (context) { return (context.raw || {}).extended ? 0 : 6; },
      pointStyle: "rect",
      tension: 0
    });
  }

  // Ranges: a vertical bar with end caps from the low to the high value of the figure.
  var rangeBars = {
    id: "rangeBars",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var yScale = chart.scales.y;
      chart.data.datasets.forEach(function (dataset, datasetIndex) {
        var meta = chart.getDatasetMeta(datasetIndex);
        if (meta.hidden) { return; }
        dataset.data.forEach(function (point, index) {
          if (point.low === null || point.high === null) { return; }
          var x = meta.data[index].x;
          var top = yScale.getPixelForValue(point.high);
          var bottom = yScale.getPixelForValue(point.low);
          ctx.save();
          ctx.strokeStyle = dataset.borderColor;
          ctx.lineWidth = 4;
          ctx.beginPath();
          ctx.moveTo(x, top); ctx.lineTo(x, bottom);
          ctx.moveTo(x - 7, top); ctx.lineTo(x + 7, top);
          ctx.moveTo(x - 7, bottom); ctx.lineTo(x + 7, bottom);
          ctx.stroke();
          ctx.restore();
        });
      });
    }
  };

  // Half a month of room either side, so that the first and last figures are not on the edge.
  var times = [];
  datasets.forEach(function (dataset) {
    dataset.data.forEach(function (point) { times.push(point.x); });
  });
  var margin = 15 * 24 * 3600 * 1000;

  // The register's count holds until the latest date drawn: its line goes on to there.
  if (registerElement && datasets.length) {
    var registerData = datasets[datasets.length - 1].data;
    var last = registerData[registerData.length - 1];
    var latest = Math.max.apply(null, times);
    if (last && latest > last.x) {
      registerData.push({ x: latest, y: last.y, low: null, high: null, text: last.text,
                          date: last.date, qualifier: "exact", extended: true });
    }
  }

  figure.hidden = false;
  new window.Chart(canvas, {
    type: "line",
    data: { datasets: datasets },
    plugins: [rangeBars],
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      interaction: { mode: "nearest", intersect: true },
      scales: {
        x: {
          type: "linear",
          min: Math.min.apply(null, times) - margin,
          max: Math.max.apply(null, times) + margin,
          ticks: {
            maxTicksLimit: canvas.clientWidth < 480 ? 4 : 8,
            maxRotation: 0,
            callback: function (value) { return dateFormat.format(new Date(value)); }
          }
        },
        y: {
          beginAtZero: true,
          title: { display: true, text: canvas.dataset.unit || "" },
          ticks: { callback: function (value) { return numberFormat.format(value); } }
        }
      },
      plugins: {
        legend: { position: "bottom", labels: { usePointStyle: true, pointStyle: "circle" } },
        tooltip: {
          callbacks: {
            title: function (items) { return items.length ? items[0].raw.date : ""; },
            label: function (item) { return item.dataset.label + ": " + item.raw.text; }
          }
        }
      }
    }
  });
})();
