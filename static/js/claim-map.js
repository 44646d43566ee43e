/* The claim map (and a place's small map): markers from a json_script block, a basemap of the
   country outlines shipped with the app (or a tile server's, when MAP_TILE_URL is set).
   No inline script or style (strict CSP): sizes are classes, popups are built as elements.
   The table beside the map holds the same counts, so the page makes sense without this script. */
(function () {
  "use strict";
  if (typeof window.L === "undefined") {
    return;
  }
  var L = window.L;

  function sizeClass(count) {
    if (count >= 1000) { return "map-marker-xl"; }
    if (count >= 100) { return "map-marker-l"; }
    if (count >= 10) { return "map-marker-m"; }
    return "map-marker-s";
  }

  function countIcon(count, extraClass) {
    var size = { "map-marker-s": 30, "map-marker-m": 38, "map-marker-l": 46, "map-marker-xl": 54 };
    var name = sizeClass(count);
    var label = document.createElement("span");
    label.className = "map-marker-count";
    label.textContent = new Intl.NumberFormat(document.documentElement.lang || undefined).format(count);
    return L.divIcon({
      className: "map-marker " + name + (extraClass ? " " + extraClass : ""),
      html: label,
      iconSize: [size[name], size[name]]
    });
  }

  function link(href, text) {
    var anchor = document.createElement("a");
    anchor.href = href;
    anchor.textContent = text;
    return anchor;
  }

  function popup(marker, box) {
    var body = document.createElement("div");
    body.className = "map-popup";
    var title = document.createElement("p");
    title.className = "map-popup-title";
    title.textContent = marker.name;
    body.appendChild(title);
    var count = document.createElement("p");
    count.textContent = marker.count_text + " · " + box.dataset.labelLocated + " " + marker.located_by;
    body.appendChild(count);
    var links = document.createElement("p");
    if (!box.dataset.single) {
      links.appendChild(link(marker.list_url, box.dataset.labelList));
    }
    if (marker.page_url && !box.dataset.single) {
      links.appendChild(document.createTextNode(" · "));
      links.appendChild(link(marker.page_url, box.dataset.labelPage));
    }
    if (links.childNodes.length) {
      body.appendChild(links);
    }
    return body;
  }

  function drawOutlines(map, box) {
    var request = new XMLHttpRequest();
    request.open("GET", box.dataset.outlines);
    request.responseType = "json";
    request.onload = function () {
      if (request.status !== 200 || !request.response || typeof window.topojson === "undefined") {
        return;
      }
      var topology = request.response;
      var land = window.topojson.feature(topology, topology.objects.countries);
      L.geoJSON(land, {
        interactive: false,
        style: { color: "#7a8699", weight: 1, fillColor: "#e9edf1", fillOpacity: 1 }
      }).addTo(map).bringToBack();
      box.dataset.outlinesDrawn = "true";
    };
    request.send();
  }

  function draw(box) {
    var dataElement = document.getElementById(box.dataset.markers);
    var figure = box.closest("figure");
    if (!dataElement || !figure) {
      return;
    }
    var markers = JSON.parse(dataElement.textContent);
    figure.hidden = false;
    var map = L.map(box, { scrollWheelZoom: false, worldCopyJump: true, maxZoom: 14 });
    box.classList.add("map-ready");
    if (box.dataset.tileUrl) {
      L.tileLayer(box.dataset.tileUrl, {
        attribution: box.dataset.tileAttribution,
        maxZoom: 18
      }).addTo(map);
    } else {
      map.attributionControl.addAttribution(box.dataset.outlinesAttribution);
      drawOutlines(map, box);
    }
    var clusters = typeof L.markerClusterGroup === "function" && !box.dataset.single
      ? L.markerClusterGroup({
        maxClusterRadius: 40,
        showCoverageOnHover: false,
        // A group is labelled with the claims it holds, not with its number of markers.
        iconCreateFunction: function (cluster) {
          var total = 0;
          cluster.getAllChildMarkers().forEach(function (child) { total += child.options.claimCount; });
          return countIcon(total, "map-cluster");
        }
      })
      : L.featureGroup();
    var bounds = [];
    markers.forEach(function (marker) {
      var layer = L.marker([marker.lat, marker.lng], {
        icon: countIcon(marker.count),
        claimCount: marker.count,
        title: marker.name + ": " + marker.count_text,
        alt: marker.name,
        keyboard: true
      });
      layer.bindPopup(popup(marker, box), { autoPanPaddingTopLeft: [50, 10] });
      layer.on("add", function () {
        var element = layer.getElement();
        if (element) {
          element.dataset.feature = marker.id;
          element.dataset.lat = marker.lat;
          element.dataset.lng = marker.lng;
          element.dataset.count = marker.count;
        }
      });
      clusters.addLayer(layer);
      bounds.push([marker.lat, marker.lng]);
    });
    clusters.addTo(map);
    if (bounds.length === 1) {
      map.setView(bounds[0], box.dataset.single ? 8 : 9);
    } else {
      // More room at the bottom, where the attribution is.
      map.fitBounds(bounds, { paddingTopLeft: [40, 40], paddingBottomRight: [40, 60], maxZoom: 10 });
    }
    box.dataset.markerCount = String(markers.length);
  }

  Array.prototype.forEach.call(document.querySelectorAll(".map-box[data-markers]"), draw);
})();
