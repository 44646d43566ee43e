/* The admin's place form: a small map under the latitude and longitude fields. A click (or
   dragging the marker) fills both fields, rounded to five decimals (about a metre); typing in
   them moves the marker. No inline script or style (strict CSP); without this script the
   fields are typed as before. */
(function () {
  "use strict";
  // The admin loads its media in the head: wait for the form, but read this tag's data now.
  var script = document.currentScript;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(script); });
  } else {
    draw(script);
  }
})();

function draw(script) {
  "use strict";
  var latitude = document.getElementById("id_latitude");
  var longitude = document.getElementById("id_longitude");
  if (!latitude || !longitude || typeof window.L === "undefined") {
    return;
  }
  var L = window.L;
  var row = longitude.closest(".form-row") || longitude.parentNode;
  var box = document.createElement("div");
  box.className = "place-picker";
  box.id = "place-picker";
  box.setAttribute("role", "application");
  box.setAttribute("aria-label", script.dataset.label);
  row.parentNode.insertBefore(box, row.nextSibling);

  function current() {
    var lat = parseFloat(latitude.value);
    var lng = parseFloat(longitude.value);
    return isFinite(lat) && isFinite(lng) ? [lat, lng] : null;
  }

  var start = current();
  var map = L.map(box, { worldCopyJump: true }).setView(start || [13.7, -88.9], start ? 10 : 7);
  var outlines = script.dataset.outlines;
  if (outlines) {
    var request = new XMLHttpRequest();
    request.open("GET", outlines);
    request.responseType = "json";
    request.onload = function () {
      if (request.status === 200 && request.response && window.topojson) {
        var topology = request.response;
        L.geoJSON(window.topojson.feature(topology, topology.objects.countries), {
          interactive: false,
          style: { color: "#7a8699", weight: 1, fillColor: "#e9edf1", fillOpacity: 1 }
        }).addTo(map).bringToBack();
      }
    };
    request.send();
  }
  var marker = null;

  function place(latlng) {
    if (marker) {
      marker.setLatLng(latlng);
      return;
    }
    marker = L.circleMarker(latlng, { radius: 8, color: "#1d2430", fillColor: "#D55E00", fillOpacity: 1 });
    marker.addTo(map);
  }

  function fill(latlng) {
    var wrapped = latlng.wrap();
    latitude.value = wrapped.lat.toFixed(5);
    longitude.value = wrapped.lng.toFixed(5);
    place(wrapped);
  }

  if (start) {
    place(start);
  }
  map.on("click", function (event) { fill(event.latlng); });
  [latitude, longitude].forEach(function (input) {
    input.addEventListener("change", function () {
      var point = current();
      if (point && Math.abs(point[0]) <= 90 && Math.abs(point[1]) <= 180) {
        place(point);
        map.panTo(point);
      }
    });
  });
}
