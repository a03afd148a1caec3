// thaad view: plays an engagement from its CZML on a CesiumJS globe, offline.
// Imagery: Natural Earth II shipped inside CesiumJS (no Cesium ion token, nothing fetched
// from outside 127.0.0.1). Query parameters: ?t=SECONDS sets the clock (seconds after
// threat launch) and pauses it; ?paused=1 pauses at the start.
"use strict";

(async function main() {
  const params = new URLSearchParams(window.location.search);
  const panelSel = document.getElementById("selected");
  try {
    const viewer = new Cesium.Viewer("globe", {
      baseLayer: Cesium.ImageryLayer.fromProviderAsync(
        Cesium.TileMapServiceImageryProvider.fromUrl(
          Cesium.buildModuleUrl("Assets/Textures/NaturalEarthII"))),
      terrainProvider: new Cesium.EllipsoidTerrainProvider(),
      baseLayerPicker: false,
      geocoder: false,
      homeButton: false,
      sceneModePicker: true,
      navigationHelpButton: false,
      fullscreenButton: false,
      infoBox: false,
      selectionIndicator: true,
      animation: true,
      timeline: true,
      contextOptions: { webgl: { preserveDrawingBuffer: true } },
    });
    window.thaadViewer = viewer;
    viewer.scene.globe.enableLighting = false;

    // Natural Earth coastlines and borders (served from the package's own data): the
    // imagery has none. One PolylineCollection keeps a few thousand lines cheap.
    window.thaadBoundaries = 0;
    fetch("geo/boundaries.geojson").then((r) => r.json()).then((gj) => {
      const lines = viewer.scene.primitives.add(new Cesium.PolylineCollection());
      const style = {
        coast: { color: Cesium.Color.fromCssColorString("#d6eaf8").withAlpha(0.9), width: 1.2 },
        border: { color: Cesium.Color.fromCssColorString("#f9e79f").withAlpha(0.9), width: 1.0 },
      };
      for (const f of gj.features) {
        const st = style[f.properties.kind] || style.coast;
        const material = Cesium.Material.fromType("Color", { color: st.color });
        for (const line of f.geometry.coordinates) {
          if (line.length < 2) continue;
          lines.add({ positions: Cesium.Cartesian3.fromDegreesArray(line.flat()),
            width: st.width, material });
          window.thaadBoundaries += 1;
        }
      }
    }).catch((err) => console.warn(`coastlines and borders not shown: ${err}`));

    const ds = await Cesium.CzmlDataSource.load("run/engagement.czml");
    await viewer.dataSources.add(ds);
    document.getElementById("title").textContent = ds.name || "thaad view";
    const clock = viewer.clock;
    const t0 = clock.startTime;
    const tplus = (jd) => Cesium.JulianDate.secondsDifference(jd, t0);
    viewer.timeline.makeLabel = (jd) => `T+${tplus(jd).toFixed(0)} s`;
    viewer.animation.viewModel.dateFormatter = () => "after launch";
    viewer.animation.viewModel.timeFormatter = (jd) => `T+${tplus(jd).toFixed(1)} s`;
    viewer.timeline.zoomTo(clock.startTime, clock.stopTime);

    // camera: side-on to the threat's flight, so the trajectories show their heights
    const at = (id) => { const e = ds.entities.getById(id); return e && e.position.getValue(t0); };
    // a battle run names its points per threat entry and per battery (launch-point-1, ...)
    const battle = ds.entities.values.some((e) => e.id.startsWith("battery-"));
    const firstBattery = ds.entities.values.find((e) => e.id.startsWith("battery-"));
    const launch = at("launch-point") || at("launch-point-1");
    const aim = at("aim-point") || at("aim-point-1");
    const battery = at("battery") || (firstBattery && firstBattery.position.getValue(t0));
    const pts = [launch, aim, battery].filter((p) => p);
    const sphere = Cesium.BoundingSphere.fromPoints(pts);
    let heading = 0.0;
    let span = 2 * sphere.radius;
    if (launch && aim) {
      const g = new Cesium.EllipsoidGeodesic(Cesium.Cartographic.fromCartesian(launch),
        Cesium.Cartographic.fromCartesian(aim));
      heading = g.startHeading - Cesium.Math.PI_OVER_TWO;
      span = Math.max(g.surfaceDistance, span);
    }
    const c = Cesium.Cartographic.fromCartesian(sphere.center);
    const center = Cesium.Cartesian3.fromRadians(c.longitude, c.latitude, 0.1 * span);
    viewer.camera.lookAt(center, new Cesium.HeadingPitchRange(
      heading, Cesium.Math.toRadians(-20), Math.max(span * 1.15, 4e5)));
    viewer.camera.lookAtTransform(Cesium.Matrix4.IDENTITY);

    const flying = ds.entities.values.filter((e) => e.properties && e.properties.hasProperty("speed_mps"));
    const colors = { threat: "#c0392b" };
    const tbody = document.querySelector("#objects tbody");
    const rows = new Map();
    for (const e of flying) {
      const tr = document.createElement("tr");
      tr.innerHTML = `<td></td><td></td><td></td>`;
      tr.cells[0].textContent = e.name;
      tr.addEventListener("click", () => { viewer.selectedEntity = e; });
      tbody.appendChild(tr);
      rows.set(e.id, tr);
    }
    const legend = document.getElementById("legend");
    const swatch = (c, text) => `<span><i style="background:${c}"></i>${text}</span>`;
    legend.innerHTML = swatch(colors.threat, battle ? "threats" : "threat") +
      swatch("#3498db", battle ? "interceptors: planned (kinematic battle model)" : "interceptors") +
      swatch("#1e8449", battle ? "batteries" : "radar field of view") + swatch("#f1c40f", "intercept") +
      swatch("#f9e79f", "borders") + swatch("#d6eaf8", "coastlines");

    const scratch = new Cesium.Cartographic();
    function stateOf(e, time) {
      if (!e.isAvailable(time) || !e.position) return null;
      const p = e.position.getValue(time);
      if (!p) return null;
      const c = Cesium.Cartographic.fromCartesian(p, Cesium.Ellipsoid.WGS84, scratch);
      const sp = e.properties && e.properties.hasProperty("speed_mps")
        ? e.properties.speed_mps.getValue(time) : undefined;
      return { alt: c.height, lat: Cesium.Math.toDegrees(c.latitude),
        lon: Cesium.Math.toDegrees(c.longitude), speed: sp };
    }
    function update(time) {
      document.getElementById("clock").textContent = `T+ ${tplus(time).toFixed(1)} s`;
      const sel = viewer.selectedEntity;
      for (const e of flying) {
        const tr = rows.get(e.id);
        const s = stateOf(e, time);
        tr.cells[1].textContent = s ? (s.alt / 1e3).toFixed(1) : "–";
        tr.cells[2].textContent = s && s.speed !== undefined ? s.speed.toFixed(0) : "–";
        tr.className = (sel === e ? "sel " : "") + (s ? "" : "gone");
      }
      if (sel) {
        const s = stateOf(sel, time);
        let html = `<b></b>`;
        if (s) {
          html += `<br>altitude ${(s.alt / 1e3).toFixed(2)} km, ${s.lat.toFixed(3)}°, ${s.lon.toFixed(3)}°`;
          if (s.speed !== undefined) html += `<br>speed ${s.speed.toFixed(0)} m/s (Earth-fixed)`;
        } else {
          html += "<br>not present at this time";
        }
        panelSel.innerHTML = html;
        panelSel.querySelector("b").textContent = sel.name || sel.id;
      }
    }
    clock.onTick.addEventListener((c) => update(c.currentTime));

    if (params.has("t") && Number.isFinite(Number(params.get("t")))) {
      clock.currentTime = Cesium.JulianDate.addSeconds(t0, Number(params.get("t")), new Cesium.JulianDate());
      clock.shouldAnimate = false;
    } else {
      clock.shouldAnimate = !params.has("paused");
    }
    if (params.has("select")) viewer.selectedEntity = ds.entities.getById(params.get("select"));
    update(clock.currentTime);
    window.thaadReady = true;
  } catch (err) {
    panelSel.innerHTML = `<span class="error"></span>`;
    panelSel.firstChild.textContent = `Could not show the engagement: ${err}`;
    console.error(err);
  }
})();
