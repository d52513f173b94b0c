// The Directory's map: schools and hubs from the page's data-points URL,
// clustered where dense, on the tile server named by data-tiles or, with
// none, on a plain outline of England (data-outline). Every school on the
// map is also in the list on the page, which works without this script.
(function () {
  'use strict';
  var el = document.getElementById('ne-map');
  if (!el || !window.L) {
    return;
  }
  var status = document.getElementById('ne-map-status');
  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }
  function get(url, fn) {
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) {
        if (!r.ok) {
          throw new Error('HTTP ' + r.status);
        }
        return r.json();
      })
      .then(fn)
      .catch(function (e) {
        el.setAttribute('data-state', 'failed');
        el.setAttribute('data-error', String(e && e.message ? e.message : e));
        say('The map could not be loaded; the list below has every school.');
      });
  }
  var map = L.map(el, { zoomSnap: 0.5, scrollWheelZoom: false, minZoom: 5, maxZoom: 18 }).setView([52.9, -1.7], 6);
  map.attributionControl.setPrefix(false);
  var tiles = el.getAttribute('data-tiles');
  if (tiles) {
    L.tileLayer(tiles, { attribution: el.getAttribute('data-credit') || '', maxZoom: 18 }).addTo(map);
  } else {
    get(el.getAttribute('data-outline'), function (g) {
      L.geoJSON(g, { interactive: false, style: { color: '#5b6470', weight: 1, fillColor: '#eef1f4', fillOpacity: 1 } }).addTo(map);
    });
  }
  get(el.getAttribute('data-points'), function (d) {
    var card = el.getAttribute('data-card');
    var cluster = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 40,
      iconCreateFunction: function (c) {
        return L.divIcon({ html: '<span>' + c.getChildCount() + '</span>', className: 'ne-cluster', iconSize: [36, 36] });
      }
    });
    d.schools.forEach(function (s) {
      var host = s[5] === 1;
      var m = L.circleMarker([s[0], s[1]], {
        radius: host ? 8 : 6, color: '#ffffff', weight: 1.5, fillOpacity: 1,
        fillColor: host ? '#8a4500' : '#0b5394'
      });
      var a = document.createElement('a');
      a.href = card + s[2];
      a.textContent = s[3] + (host ? ' (hosts Leadership Development Days)' : '');
      m.bindPopup(a);
      cluster.addLayer(m);
    });
    map.addLayer(cluster);
    d.hubs.forEach(function (h) {
      L.circleMarker([h[0], h[1]], { radius: 4, color: '#1b1f24', weight: 2, fill: false, interactive: false }).addTo(map);
    });
    el.setAttribute('data-count', String(d.schools.length));
    el.setAttribute('data-state', 'ready');
    say(d.schools.length + ' schools on the map.');
  });
}());
