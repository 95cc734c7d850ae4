// The staff dashboard (a Telegram Mini App). Plain JavaScript, no framework, no CDN.
// Every text comes from the bot's catalogues (api/session); every rule is checked on the
// server. Texts from people are always set with textContent, never parsed as HTML.
"use strict";
(() => {
  // -- Telegram: sign-in data, theme, back button -------------------------------------------
  // Telegram passes initData and the theme in the page address (#tgWebAppData=…); they are
  // kept for this tab so a reload still works. Events go through the client's bridge.
  const hash = new URLSearchParams(location.hash.slice(1));
  const initData = hash.get("tgWebAppData") || sessionStorage.getItem("dash:initData") || "";
  if (hash.get("tgWebAppData")) sessionStorage.setItem("dash:initData", initData);
  if (hash.get("tgWebAppThemeParams")) sessionStorage.setItem("dash:theme", hash.get("tgWebAppThemeParams"));
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  const userId = (() => {
    try { return String(JSON.parse(new URLSearchParams(initData).get("user")).id); } catch (e) { return ""; }
  })();
  const embedded = Boolean(window.TelegramWebviewProxy) || window.parent !== window;

  function postEvent(type, data) {
    try {
      if (window.TelegramWebviewProxy) window.TelegramWebviewProxy.postEvent(type, JSON.stringify(data || {}));
      else if (window.parent !== window) window.parent.postMessage(JSON.stringify({eventType: type, eventData: data || {}}), "*");
    } catch (e) { /* not inside Telegram: nothing to tell */ }
  }
  const listeners = {};
  function receiveEvent(type, data) { (listeners[type] || []).forEach((listener) => listener(data || {})); }
  window.Telegram = Object.assign(window.Telegram || {}, {WebView: {receiveEvent}});
  window.TelegramGameProxy_receiveEvent = receiveEvent;
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent) return;
    try { const message = JSON.parse(event.data); if (message.eventType) receiveEvent(message.eventType, message.eventData); } catch (e) { /* not ours */ }
  });
  function applyTheme(params) {
    for (const [key, value] of Object.entries(params || {})) {
      if (typeof value === "string" && /^#[0-9a-f]{3,8}$/i.test(value)) {
        document.documentElement.style.setProperty("--tg-theme-" + key.replace(/_/g, "-"), value);
      }
    }
  }
  try { applyTheme(JSON.parse(sessionStorage.getItem("dash:theme") || "{}")); } catch (e) { /* default colours */ }
  (listeners.theme_changed = []).push((data) => applyTheme(data.theme_params));
  (listeners.back_button_pressed = []).push(() => goBack());

  // -- small helpers -------------------------------------------------------------------------
  const $ = (selector) => document.querySelector(selector);
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value === false || value === null || value === undefined) continue;
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "class") node.className = value;
      // Through the CSSOM: the page's Content-Security-Policy allows no inline style attribute.
      else if (key === "style") Object.assign(node.style, value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  let S = {};
  function t(key, values) {
    let text = S[key] || key;
    for (const [name, value] of Object.entries(values || {})) text = text.split("{" + name + "}").join(value);
    return text;
  }
  function notice(text, bad) {
    const box = $("#notice");
    box.textContent = text || "";
    box.hidden = !text;
    box.className = bad ? "bad" : "";
  }
  const number = (value) => new Intl.NumberFormat(state.language || "vi").format(value);

  // -- the API and the offline copy ------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, code) { super(code || "error"); this.status = status; this.code = code; }
  }
  async function api(path, options) {
    options = options || {};
    const headers = {Authorization: "tma " + initData};
    if (options.body) headers["Content-Type"] = "application/json";
    const response = await fetch("api/" + path, {method: options.method || "GET", headers, body: options.body, cache: "no-store"});
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) throw new ApiError(response.status, body && body.error);
    return body;
  }
  // Lists and figures hold no personal data (codes, wards, steps): they are kept for offline
  // use. Case pages are never stored on the phone.
  const cacheKey = (name) => "dash:v1:" + userId + ":" + name;
  function remember(name, data) {
    try { localStorage.setItem(cacheKey(name), JSON.stringify({at: Date.now(), data})); } catch (e) { /* full: fine */ }
  }
  function recall(name) {
    try { return JSON.parse(localStorage.getItem(cacheKey(name))); } catch (e) { return null; }
  }
  function forgetAll() {
    for (const key of Object.keys(localStorage)) if (key.startsWith("dash:")) localStorage.removeItem(key);
  }
  async function load(name, path) {
    try {
      const data = await api(path);
      remember(name, data);
      return {data, offline: false};
    } catch (error) {
      const kept = error.status === undefined ? recall(name) : null;
      if (!kept) throw error;
      const when = new Date(kept.at).toLocaleString(state.language || "vi");
      return {data: kept.data, offline: t("offline", {when})};
    }
  }
  function explain(error) {
    if (error.status === 401) return t("signin");
    if (error.status === 403) return t("denied");
    if (error.status === 409) return t("moved_on");
    if (error.status === 400) return t("invalid");
    if (error.status === undefined) return t("offline_case");
    return t("error");
  }

  // -- state and navigation --------------------------------------------------------------------
  const state = {
    language: "vi", session: null, tab: "cases", caseId: null,
    filters: {status: "open", unit: "", risk: "", mine: false, overdue: false, q: ""},
    page: 0, cases: [], figures: {period: "this_month", group: ""},
  };
  function setBack(visible) {
    postEvent("web_app_setup_back_button", {is_visible: visible});
    $("#back").hidden = !visible || embedded;
  }
  function goBack() {
    if (state.caseId === null) return;
    state.caseId = null;
    setBack(false);
    showTab(state.tab);
  }
  function showTab(tab) {
    state.tab = tab;
    state.caseId = null;
    setBack(false);
    for (const button of document.querySelectorAll(".tab")) button.classList.toggle("on", button.dataset.tab === tab);
    notice("");
    $("#view").replaceChildren();
    return tab === "figures" ? showFigures() : showList(true);
  }

  // -- the case list -----------------------------------------------------------------------------
  function listQuery() {
    const f = state.filters;
    const params = new URLSearchParams({status: f.status, page: String(state.page)});
    if (f.unit) params.set("unit", f.unit);
    if (f.risk) params.set("risk", f.risk);
    if (f.mine) params.set("mine", "1");
    if (f.overdue) params.set("overdue", "1");
    if (f.q) params.set("q", f.q);
    return params.toString();
  }
  // Choices may come in groups ({label, options}: the units of one programme area).
  function select(name, options, value, onchange, first) {
    const option = (item) => el("option", {value: item.value, selected: item.value === value}, item.label);
    return el("select", {name, "aria-label": t(name), onchange},
      first ? el("option", {value: ""}, first) : null,
      options.map((item) => item.options ? el("optgroup", {label: item.label}, item.options.map(option)) : option(item)));
  }
  function filtersForm() {
    const f = state.filters;
    const choices = state.session.filters;
    const refresh = () => { state.page = 0; showList(true); };
    let typing = null;
    return el("form", {class: "filters", onsubmit: (event) => { event.preventDefault(); refresh(); }},
      el("input", {type: "search", name: "q", value: f.q, placeholder: t("search"), "aria-label": t("search"),
        autocomplete: "off", oninput: (event) => {
          f.q = event.target.value; clearTimeout(typing); typing = setTimeout(refresh, 350);
        }}),
      select("status", choices.status, f.status, (event) => { f.status = event.target.value; refresh(); }),
      select("unit", choices.unit, f.unit, (event) => { f.unit = event.target.value; refresh(); }, t("all_units")),
      select("risk", choices.risk, f.risk, (event) => { f.risk = event.target.value; refresh(); },
        t("risk") + ": " + t("any_risk")),
      el("div", {class: "checks"},
        el("label", {}, el("input", {type: "checkbox", name: "mine", checked: f.mine,
          onchange: (event) => { f.mine = event.target.checked; refresh(); }}), t("mine")),
        el("label", {}, el("input", {type: "checkbox", name: "overdue", checked: f.overdue,
          onchange: (event) => { f.overdue = event.target.checked; refresh(); }}), t("overdue"))));
  }
  function caseRow(item) {
    const colour = item.clock ? item.clock.colour : "done";
    return el("li", {},
      el("button", {type: "button", class: "case " + colour, "data-code": item.code, onclick: () => showCase(item.id)},
        el("div", {class: "row1"}, el("span", {}, item.code),
          item.clock ? el("span", {class: "left " + colour}, item.clock.text) : null),
        el("div", {class: "row2"}, item.place + " · " + item.status_label),
        el("div", {class: "row3"},
          item.urgent ? el("span", {class: "pill high"}, t("urgent")) : null,
          item.risk ? el("span", {class: "pill " + item.risk}, t("risk_word", {level: item.risk_label})) : null,
          item.mine ? el("span", {class: "pill"}, t("mine")) : null,
          el("span", {class: "when"}, item.received))));
  }
  let listRequest = 0;
  async function showList(fresh) {
    const view = $("#view");
    const mine = ++listRequest;
    // The filters stay in place while the results change (typing in the search box keeps focus).
    let results = $("#results");
    if (!results) {
      results = el("div", {id: "results"});
      view.replaceChildren(filtersForm(), results);
    }
    if (fresh) results.replaceChildren(el("p", {class: "hint"}, t("loading")));
    let result;
    try {
      result = await load("list:" + listQuery(), "cases?" + listQuery());
    } catch (error) {
      if (mine === listRequest) notice(explain(error), true);
      return;
    }
    if (mine !== listRequest || state.caseId !== null || state.tab !== "cases") return;
    notice(result.offline || "");
    state.cases = state.page === 0 ? result.data.cases : state.cases.concat(result.data.cases);
    const list = el("ul", {class: "cases"}, state.cases.map(caseRow));
    results.replaceChildren(state.cases.length ? list : el("p", {class: "empty"}, t("no_cases")));
    if (result.data.has_next) {
      results.append(el("button", {type: "button", class: "more secondary",
        onclick: () => { state.page += 1; showList(false); }}, t("more")));
    }
  }

  // -- a case ------------------------------------------------------------------------------------
  function section(title, ...content) { return el("section", {}, el("h2", {}, title), ...content); }
  function historyList(entries) {
    if (!entries.length) return el("p", {class: "empty"}, t("nothing"));
    return el("ol", {class: "history"}, entries.map((entry) =>
      el("li", {}, el("span", {class: "when"},
        entry.when + " — " + (entry.who ? entry.who + ": " : "")), entry.text)));
  }
  function clockLine(clock) {
    return el("div", {class: "clock"}, el("span", {}, clock.name),
      el("span", {class: "left " + clock.colour}, clock.text));
  }
  function actionForm(page, action, box) {
    const values = {};
    const rows = action.fields.map((field) => {
      let input;
      if (field.kind === "choice") {
        input = el("select", {name: field.name, required: true},
          el("option", {value: ""}, t("choose")),
          field.choices.map((choice) => el("option", {value: choice.value}, choice.label)));
      } else {
        // Times and dates are typed as in the chat ("8:30", "15/6") and read by the bot's parser.
        input = el("textarea", {name: field.name, rows: field.kind === "text" ? 3 : 1, maxlength: field.max_length, required: field.required !== false});
      }
      input.addEventListener("input", () => { values[field.name] = input.value; update(); });
      input.addEventListener("change", () => { values[field.name] = input.value; update(); });
      const row = el("div", {"data-field": field.name}, el("label", {}, field.label), input);
      return {field, row, input};
    });
    function update() {
      for (const {field, row, input} of rows) {
        const shown = !field.when || values[field.when.field] === field.when.value;
        row.hidden = !shown;
        input.required = shown && field.required !== false;
      }
    }
    update();
    const form = el("form", {class: "form", "data-action": action.key, onsubmit: async (event) => {
      event.preventDefault();
      const body = {};
      for (const {field, row, input} of rows) if (!row.hidden) body[field.name] = input.value;
      await act(page, action.key, body);
    }},
      rows.map((item) => item.row),
      action.danger ? el("p", {class: "hint"}, t("confirm")) : null,
      el("button", {type: "submit", class: "primary" + (action.danger ? " danger" : "")}, action.label),
      el("button", {type: "button", class: "secondary", onclick: () => box.replaceChildren()}, t("cancel")));
    return form;
  }
  async function act(page, key, body) {
    try {
      const result = await api("cases/" + page.id + "/actions/" + key, {method: "POST", body: JSON.stringify(body)});
      renderCase(result.case);
      notice(result.message);
    } catch (error) {
      notice(explain(error), true);
      if (error.status === 409) showCase(page.id, true);
    }
  }
  function renderCase(page) {
    const box = el("div", {id: "action-form"});
    const buttons = page.actions.map((action) => el("button", {type: "button", "data-action": action.key,
      class: action.danger ? "secondary" : "primary", onclick: () => {
        if (!action.fields.length && !action.danger) return act(page, action.key, {});
        box.replaceChildren(actionForm(page, action, box));
        const first = box.querySelector("select, textarea");
        if (first) first.focus();
      }}, action.label));
    const facts = [["received", page.received], ["assigned", page.assignee], ["place", page.place],
      ["child", page.child], ["groups", page.groups], ["description", page.description],
      ["caregiver", page.caregiver], ["actions_done", page.actions_done], ["reporter", page.reporter],
      ["photos", String(page.photos)]];
    const plan = page.plan;
    $("#view").replaceChildren(el("article", {class: "casepage", "data-code": page.code},
      el("h2", {class: "code"}, page.code + " — " + page.status_label),
      el("p", {}, page.urgent ? el("span", {class: "pill high"}, t("urgent")) : null,
        el("span", {class: "pill " + (page.risk || "")}, t("risk_word", {level: page.risk_label}))),
      page.actions.length ? section(t("actions"), el("div", {class: "actions"}, buttons), box) : null,
      section(t("clocks"), page.clocks.length ? page.clocks.map(clockLine) : el("p", {class: "empty"}, t("nothing"))),
      el("dl", {}, facts.map(([key, value]) => [el("dt", {}, t(key)), el("dd", {}, value)])),
      section(t("plan"), el("p", {}, plan.current ? t("plan_current") : plan.done ? t("plan_done") : t("plan_later")),
        plan.state ? el("p", {class: "hint"}, plan.state) : null,
        plan.goals ? el("p", {}, plan.goals) : null,
        plan.actions.length ? el("ol", {class: "history"}, plan.actions.map((line) => el("li", {}, line))) : null,
        plan.clock ? clockLine(plan.clock) : null),
      section(t("notes"), historyList(page.notes)),
      section(t("referrals"), historyList(page.referrals)),
      section(t("history"), historyList(page.history))));
  }
  async function showCase(id, keepNotice) {
    state.caseId = id;
    setBack(true);
    if (!keepNotice) notice("");
    $("#view").replaceChildren(el("p", {class: "hint"}, t("loading")));
    try {
      const page = await api("cases/" + id);
      if (state.caseId === id) renderCase(page);
    } catch (error) {
      notice(explain(error), true);
      $("#view").replaceChildren();
    }
    window.scrollTo(0, 0);
  }

  // -- figures -----------------------------------------------------------------------------------
  const COLOURS = ["#1F4E79", "#E07B39", "#4C9A2A", "#8E5EA2", "#C0392B", "#7F8C8D"];
  function svg(tag, attributes, ...children) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  }
  function monthChart(data) {
    const months = data.months, series = data.series;
    const top = Math.max(1, ...months.flatMap((month) => month.counts));
    const width = 320, height = 160, base = 140, slot = width / Math.max(1, months.length);
    const bar = Math.min(36, (slot * 0.8) / Math.max(1, series.length));
    const inset = (slot - bar * series.length) / 2;
    const chart = svg("svg", {class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": t("by_month")});
    months.forEach((month, m) => {
      month.counts.forEach((count, s) => {
        const h = (count / top) * (base - 16);
        const x = m * slot + inset + s * bar;
        chart.append(svg("rect", {x, y: base - h, width: Math.max(1, bar - 1), height: h, fill: COLOURS[s % COLOURS.length]},
          svg("title", {}, `${series[s].label} ${month.label}: ${count}`)));
        if (count) chart.append(svg("text", {x: x + bar / 2, y: base - h - 2, "text-anchor": "middle"}, count));
      });
      chart.append(svg("text", {x: m * slot + slot / 2, y: height - 6, "text-anchor": "middle"}, month.label));
    });
    const legend = el("div", {class: "legend"}, series.map((item, s) =>
      el("span", {}, el("i", {style: {background: COLOURS[s % COLOURS.length]}}), item.label)));
    return [chart, legend];
  }
  function bars(items) {
    if (!items.length) return el("p", {class: "empty"}, t("nothing"));
    const top = Math.max(1, ...items.map((item) => item.value));
    return el("div", {class: "bars"}, items.map((item) => el("div", {class: "bar"},
      el("span", {}, item.label), el("div", {class: "fill", style: {width: `${(100 * item.value) / top}%`}}),
      el("b", {}, number(item.value)))));
  }
  async function showFigures() {
    const f = state.figures;
    const params = new URLSearchParams({period: f.period});
    if (f.group) params.set("group", f.group);
    const controls = el("form", {class: "filters", onsubmit: (event) => event.preventDefault()},
      select("period", state.session.periods, f.period, (event) => { f.period = event.target.value; showFigures(); }),
      state.session.groups.length ? select("group", state.session.groups, f.group,
        (event) => { f.group = event.target.value; showFigures(); }) : null);
    $("#view").replaceChildren(controls, el("p", {class: "hint"}, t("loading")));
    let result;
    try { result = await load("figures:" + params, "figures?" + params); } catch (error) { notice(explain(error), true); return; }
    if (state.tab !== "figures" || state.caseId !== null) return;
    notice(result.offline || "");
    const data = result.data;
    $("#view").replaceChildren(controls,
      el("p", {class: "hint"}, data.period + " · " + data.scope + " · " + t("as_of", {when: data.as_of})),
      el("div", {class: "totals"}, data.totals.map((item) => el("div", {class: "total"}, el("b", {}, number(item.value)), item.label))),
      el("ul", {class: "sentences"}, data.sentences.map((text) => el("li", {}, text))),
      section(t("by_month"), ...monthChart(data.by_month)),
      data.by_area.length ? section(t("by_area"), bars(data.by_area)) : null,
      section(t("by_group"), bars(data.by_group)),
      section(t("by_risk"), bars(data.by_risk)),
      section(t("by_ward"), bars(data.by_ward)),
      section(t("by_outcome"), bars(data.by_outcome)));
  }

  // -- start -------------------------------------------------------------------------------------
  async function start() {
    postEvent("web_app_ready");
    postEvent("web_app_expand");
    $("#back").addEventListener("click", goBack);
    for (const button of document.querySelectorAll(".tab")) button.addEventListener("click", () => showTab(button.dataset.tab));
    let result;
    try {
      result = await load("session", "session");
    } catch (error) {
      if (error.status === 401 || error.status === 403) forgetAll();
      $("#view").replaceChildren(el("p", {class: "empty"}, error.status === 403
        // Without a sign-in there is no catalogue to read from: both languages, as the
        // sandbox banner does.
        ? "Xin lỗi, bảng hồ sơ chỉ dành cho cán bộ dự án. / Sorry, the dashboard is for programme staff."
        : "Hãy mở bảng hồ sơ từ bot trong Telegram. / Please open the dashboard from the bot in Telegram."));
      return;
    }
    state.session = result.data;
    state.language = result.data.language;
    S = result.data.strings;
    document.documentElement.lang = state.language;
    document.title = t("title");
    $("#title").textContent = t("title") + " — " + result.data.person.scope;
    for (const button of document.querySelectorAll(".tab")) {
      button.textContent = t("tab_" + button.dataset.tab);
      // Figures only for those /stats answers (staff of one programme area, administrators).
      if (button.dataset.tab === "figures") button.hidden = !result.data.figures;
    }
    $("#tabs").hidden = false;
    showTab("cases");
    if ("serviceWorker" in navigator) navigator.serviceWorker.register("sw.js").catch(() => { /* offline copy is optional */ });
  }
  start();
})();
