// newsevents dashboard: the URL query is the state; every view fetches its /api twin with it.
// Article text goes into the page with textContent only (never innerHTML): it is untrusted.
"use strict";

(() => {
  const form = document.getElementById("filters");
  const views = ["summary", "timeseries", "map", "places", "network", "events"];
  const panels = { timeseries: "timeseries-panel", map: "map-panel", network: "network-panel", events: "table-panel" };
  const DEFAULTS = { count: "cluster", per: "auto", shade: "events", nodes: "country" };
  let generation = 0;
  let retry = null;

  function currentParams() {
    return new URLSearchParams(window.location.search);
  }

  function formParams() {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (String(value).trim()) params.set(name, String(value).trim());
    }
    const now = currentParams();
    for (const name of ["sort", "order", "size"]) {
      if (now.get(name)) params.set(name, now.get(name));
    }
    return params;
  }

  function fillForm(params) {
    for (const field of form.elements) {
      if (field.name) field.value = params.get(field.name) || DEFAULTS[field.name] || "";
    }
    document.getElementById("shade").value = params.get("shade") || DEFAULTS.shade;
    document.getElementById("nodes").value = params.get("nodes") || DEFAULTS.nodes;
  }

  function navigate(params) {
    const query = params.toString();
    history.pushState(null, "", query ? `/?${query}` : "/");
    refresh();
  }

  function setStatus(view, message) {
    const node = document.querySelector(`.status[data-for="${view}"]`);
    if (node) node.textContent = message || "";
  }

  function setState(view, state) {
    const panel = document.getElementById(panels[view]);
    if (panel) panel.dataset.state = state;
  }

  async function load(view, params) {
    const response = await fetch(`/api/${view}?${params}`, { headers: { Accept: "application/json" } });
    const data = await response.json();
    if (!response.ok) {
      const error = new Error(data.message || `HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  async function refresh() {
    const mine = ++generation;
    const params = currentParams();
    clearTimeout(retry);
    for (const link of document.querySelectorAll("a.json-link[data-api]")) {
      link.href = `${link.dataset.api}?${params}`;
    }
    document.getElementById("twin").href = `/api/summary?${params}`;
    views.forEach((v) => setState(v, "loading"));
    const results = await Promise.allSettled(views.map((view) => load(view, params)));
    if (mine !== generation) return;  // the filters changed while these were on their way
    const problems = [];
    const [map, places] = [results[views.indexOf("map")], results[views.indexOf("places")]];
    if (map.status === "fulfilled") {  // one drawing: countries from /api/map, dots from /api/places
      if (places.status === "fulfilled") map.value.points = places.value.points; else results[views.indexOf("map")] = places;
    }
    for (let i = 0; i < views.length; i++) {
      const view = views[i], result = results[i];
      if (view === "places") continue;
      if (result.status === "fulfilled") {
        try {
          await draw(view, result.value, params);
          setStatus(view, "");
          setState(view, "ready");
        } catch (error) {
          setStatus(view, `Could not draw this view: ${error.message}`);
          setState(view, "error");
        }
      } else {
        problems.push(result.reason);
        setStatus(view, result.reason.message);
        setState(view, "error");
      }
    }
    showMessage(problems.length ? problems[0].message : "");
    if (problems.some((p) => p.status === 503)) retry = setTimeout(refresh, 4000);
    document.body.dataset.generation = String(mine);
  }

  function showMessage(message) {
    const node = document.getElementById("message");
    node.textContent = message;
    node.hidden = !message;
  }

  async function draw(view, data, params) {
    if (view === "summary") return drawCounts(data);
    if (view === "timeseries") return NewsCharts.timeseries(document.getElementById("timeseries"), data);
    if (view === "map") return NewsCharts.map(document.getElementById("map"), data);
    if (view === "network") return NewsCharts.network(document.getElementById("network"), data);
    return drawTable(data, params);
  }

  function number(n) {
    return Number(n).toLocaleString("en-US");
  }

  function drawCounts(data) {
    const node = document.getElementById("counts");
    node.textContent = "";
    const strong = (value) => {
      const b = document.createElement("strong");
      b.textContent = number(value);
      return b;
    };
    node.append(strong(data.events), " events from ", strong(data.articles), " articles");
    if (data.first_date) node.append(`, ${data.first_date} to ${data.last_date}`);
    if (data.stored.events !== data.events) node.append(` (of ${number(data.stored.events)} stored)`);
    node.append(".");
  }

  function articleLink(row, params) {
    const filters = new URLSearchParams();
    for (const name of ["from", "to", "actor", "dyad", "root", "quad", "modality"]) {
      if (params.get(name)) filters.set(name, params.get(name));
    }
    filters.set("event", row.id);
    return `/articles/${encodeURIComponent(row.article_id)}?${filters}#evidence`;
  }

  function cell(tr, content, title) {
    const td = document.createElement("td");
    td.textContent = content === null || content === undefined ? "" : String(content);
    if (title) td.title = title;
    tr.appendChild(td);
    return td;
  }

  function actorLabel(name, code) {
    if (!name) return "";
    return code ? `${name} (${code})` : name;
  }

  function drawTable(data, params) {
    const body = document.querySelector("#events tbody");
    body.textContent = "";
    for (const row of data.rows) {
      const tr = document.createElement("tr");
      tr.dataset.event = row.id;
      tr.dataset.href = articleLink(row, params);
      cell(tr, row.date);
      cell(tr, actorLabel(row.source_name, row.source_code));
      cell(tr, `${row.cameo} ${row.cameo_name}`, row.sentence);
      cell(tr, actorLabel(row.target_name, row.target_code));
      cell(tr, row.modality);
      cell(tr, row.goldstein);
      cell(tr, row.location_name ? `${row.location_name}${row.location_country ? ", " + row.location_country : ""}` : "");
      const td = cell(tr, "");
      const link = document.createElement("a");
      link.href = tr.dataset.href;
      link.textContent = row.title || "(no title)";
      link.className = "article-link";
      td.appendChild(link);
      body.appendChild(tr);
    }
    if (!data.rows.length) {
      const tr = document.createElement("tr");
      cell(tr, "No events match these filters.").colSpan = 8;
      body.appendChild(tr);
    }
    for (const th of document.querySelectorAll("#events th[data-sort]")) {
      th.classList.toggle("sorted", th.dataset.sort === data.sort);
      th.dataset.order = th.dataset.sort === data.sort ? data.order : "";
    }
    const first = data.total ? (data.page - 1) * data.size + 1 : 0;
    const last = Math.min(data.total, data.page * data.size);
    document.getElementById("page-info").textContent = `${number(first)}–${number(last)} of ${number(data.total)}`;
    document.getElementById("prev").disabled = data.page <= 1;
    document.getElementById("next").disabled = last >= data.total;
  }

  function changeParam(changes) {
    const params = currentParams();
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) params.delete(name); else params.set(name, value);
    }
    navigate(params);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    navigate(formParams());
  });
  for (const select of form.querySelectorAll("select")) {
    select.addEventListener("change", () => navigate(formParams()));
  }
  for (const name of ["shade", "nodes"]) {  // view options outside the form, kept in the URL
    document.getElementById(name).addEventListener("change", (event) => {
      form.elements[name].value = event.target.value;
      changeParam({ [name]: event.target.value });
    });
  }
  for (const th of document.querySelectorAll("#events th[data-sort]")) {
    th.addEventListener("click", () => {
      const now = currentParams(), same = (now.get("sort") || "date") === th.dataset.sort;
      const order = same && (now.get("order") || "asc") === "asc" ? "desc" : "asc";
      changeParam({ sort: th.dataset.sort, order, page: null });
    });
  }
  document.getElementById("prev").addEventListener("click", () => {
    changeParam({ page: String(Math.max(1, Number(currentParams().get("page") || 1) - 1)) });
  });
  document.getElementById("next").addEventListener("click", () => {
    changeParam({ page: String(Number(currentParams().get("page") || 1) + 1) });
  });
  document.querySelector("#events tbody").addEventListener("click", (event) => {
    const tr = event.target.closest("tr[data-href]");
    if (tr && !event.target.closest("a")) window.location.href = tr.dataset.href;
  });
  window.addEventListener("popstate", () => {
    fillForm(currentParams());
    refresh();
  });
  refresh();
})();
