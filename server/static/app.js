/* The press room's search page: talks to prsearch serve's JSON API
 * (/api/search, /api/suggest; docs/API.md) and keeps its whole state in the
 * URL, so back/forward, reloads and shared links show the same results.
 *
 * Safety rule for everything below: data from the index (titles,
 * organisations, URLs, snippets) is untrusted. Text goes in through
 * textContent only; the snippet, which is HTML, is rebuilt node by node
 * keeping nothing but text and <mark> (see snippetFragment). No innerHTML
 * anywhere in this file. */
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  var SUGGEST_DELAY_MS = 120;
  var FACET_SHOWN = 8;          /* values per facet before "Visa fler" */
  var MAX_DEPTH = 10000;        /* the server serves page * size <= this */
  var SUGGEST_MAX_CHARS = 120;
  var SUGGEST_SIZE = 6;         /* completions; the server adds size/2+1 titles */  /* the server takes 256 bytes of UTF-8 */
  var FACETS = [
    { key: "year", label: "År" },
    { key: "org", label: "Organisation" },
    { key: "type", label: "Typ" }
  ];
  /* URL parameters the page understands, in the order they are written. */
  var PARAMS = ["q", "page", "sort", "year", "org", "type", "from", "to"];
  /* Display names for the type slugs of regeringen.se's sections; other
   * slugs are shown with spaces and a capital, other values as they are.
   * The filter always sends the value itself. */
  var TYPE_LABELS = {
    "arendeforteckningar": "Ärendeförteckningar",
    "artiklar": "Artiklar",
    "debattartiklar": "Debattartiklar",
    "faktapromemoria": "Faktapromemorior",
    "informationsmaterial": "Informationsmaterial",
    "internationella-mr-granskningar-av-sverige": "Internationella MR-granskningar av Sverige",
    "kommenterade-dagordningar": "Kommenterade dagordningar",
    "overenskommelser-och-avtal": "Överenskommelser och avtal",
    "pressmeddelanden": "Pressmeddelanden",
    "rapporter": "Rapporter",
    "rattsliga-dokument": "Rättsliga dokument",
    "regeringens-politik": "Regeringens politik",
    "regeringsuppdrag": "Regeringsuppdrag",
    "remisser": "Remisser",
    "sakrad": "Sakråd",
    "strategier-for-internationellt-bistand": "Strategier för internationellt bistånd",
    "tal": "Tal",
    "uttalanden": "Uttalanden"
  };
  var MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli",
    "augusti", "september", "oktober", "november", "december"];

  /* An embedding page may point the script at another origin with
   * <meta name="prsearch-api" content="https://sok.example.se">. */
  var apiMeta = document.querySelector('meta[name="prsearch-api"]');
  var API = apiMeta ? apiMeta.content.replace(/\/+$/, "") : "";

  var el = {};
  ["search-form", "q", "suggestions", "loading-bar", "filters-toggle",
    "filters-count", "filters", "facets", "clear-filters", "results-heading",
    "results-bar", "result-count", "sort", "status", "did-you-mean",
    "message", "hits", "pagination", "intro"].forEach(function (id) {
    el[id.replace(/-([a-z])/g, function (m, c) { return c.toUpperCase(); })] =
      document.getElementById(id);
  });

  var state = readUrl();
  var searchSeq = 0;            /* newer searches win over late answers */
  var searchAbort = null;
  var lastResult = null;
  var expandedFacets = {};      /* facet key -> showing all values */
  var filtersOpen = false;      /* small screens: the filter panel */

  /* ---------- helpers ---------- */

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "text") node.textContent = v;
        else if (k === "className") node.className = v;
        else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, v === true ? "" : String(v));
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function formatNumber(n) {
    /* Swedish groups thousands with a (narrow) space: 8 489. */
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
  }

  /* "2026-01-20" -> "20 januari 2026"; "2026-01" -> "januari 2026". */
  function formatDate(s) {
    var m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(s || "");
    if (!m) return s || "";
    var month = m[2] ? MONTHS[parseInt(m[2], 10) - 1] : null;
    if (!month) return m[1];
    if (!m[3]) return month + " " + m[1];
    return parseInt(m[3], 10) + " " + month + " " + m[1];
  }

  function typeLabel(value) {
    var v = String(value);
    if (Object.prototype.hasOwnProperty.call(TYPE_LABELS, v)) return TYPE_LABELS[v];
    if (/^[a-z0-9]+(-[a-z0-9]+)+$/.test(v)) {
      v = v.replace(/-/g, " ");
      return v.charAt(0).toUpperCase() + v.slice(1);
    }
    return v;
  }

  function facetLabel(key, value) {
    return key === "type" ? typeLabel(value) : String(value);
  }

  /* Only http(s) links from the index become hrefs: a release whose url is
   * "javascript:…" must not run anything when clicked. */
  function safeHref(url) {
    if (typeof url !== "string" || !url) return null;
    try {
      var u = new URL(url, window.location.href);
      return (u.protocol === "https:" || u.protocol === "http:") ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  /* The server's snippet is HTML with everything escaped except <mark>.
   * We still trust nothing: DOMParser builds an inert document (no scripts
   * run, nothing loads), and we copy out only its text and <mark> elements
   * as fresh nodes. Any other element contributes just its text. */
  function snippetFragment(html) {
    var frag = document.createDocumentFragment();
    if (typeof html !== "string" || !html) return frag;
    var doc = new DOMParser().parseFromString(
      "<!DOCTYPE html><body>" + html, "text/html");
    (function copy(from, to, inMark) {
      for (var n = from.firstChild; n; n = n.nextSibling) {
        if (n.nodeType === 3) {
          to.appendChild(document.createTextNode(n.nodeValue));
        } else if (n.nodeType === 1) {
          if (n.nodeName === "MARK" && !inMark) {
            var mark = document.createElement("mark");
            copy(n, mark, true);
            to.appendChild(mark);
          } else if (n.nodeName !== "SCRIPT" && n.nodeName !== "STYLE" &&
                     n.nodeName !== "TEMPLATE") {
            copy(n, to, inMark);
          }
        }
      }
    })(doc.body, frag, false);
    return frag;
  }

  /* ---------- state <-> URL ---------- */

  function emptyState() {
    return { q: "", page: 1, sort: "relevance", year: "", org: "", type: "",
      from: "", to: "" };
  }

  function readUrl() {
    var p = new URLSearchParams(window.location.search);
    var s = emptyState();
    PARAMS.forEach(function (k) {
      var v = p.get(k);
      if (v !== null) s[k] = v;
    });
    s.q = s.q.trim();
    var page = parseInt(s.page, 10);
    s.page = page > 0 && page < 100000 ? page : 1;
    if (s.sort !== "date") s.sort = "relevance";
    return s;
  }

  function queryString(s, forApi) {
    var p = new URLSearchParams();
    PARAMS.forEach(function (k) {
      var v = s[k];
      if (k === "page" && v === 1 && !forApi) return;
      if (k === "sort" && v === "relevance" && !forApi) return;
      if (v !== "" && v !== null && v !== undefined) p.set(k, String(v));
    });
    if (forApi) p.set("size", String(PAGE_SIZE));
    return p.toString();
  }

  function pageUrl(s) {
    var qs = queryString(s, false);
    return window.location.pathname + (qs ? "?" + qs : "");
  }

  /* Applies a change, records it in the history and searches. */
  function navigate(changes, opts) {
    var next = Object.assign({}, state, changes);
    if (!("page" in changes)) next.page = 1;
    state = next;
    var url = pageUrl(state);
    if (url !== window.location.pathname + window.location.search) {
      window.history.pushState(null, "", url);
    }
    runSearch(opts || {});
  }

  function activeFilterCount() {
    return FACETS.reduce(function (n, f) { return n + (state[f.key] ? 1 : 0); }, 0) +
      (state.from ? 1 : 0) + (state.to ? 1 : 0);
  }

  /* ---------- search ---------- */

  function setLoading(on) {
    el.loadingBar.hidden = !on;
    el.hits.setAttribute("aria-busy", on ? "true" : "false");
    document.body.classList.toggle("is-loading", on);
  }

  function announce(text) {
    /* Rewriting the same text would not be announced again; clear first. */
    el.status.textContent = "";
    window.setTimeout(function () { el.status.textContent = text; }, 30);
  }

  function runSearch(opts) {
    el.q.value = state.q;
    el.sort.value = state.sort;
    document.title = state.q ? "”" + state.q + "” – Sök pressmeddelanden" :
      "Sök pressmeddelanden";
    if (searchAbort) searchAbort.abort();
    closeSuggestions();
    if (!state.q) {
      searchAbort = null;
      lastResult = null;
      renderIntro();
      return;
    }
    var seq = ++searchSeq;
    var ctrl = typeof AbortController === "function" ? new AbortController() : null;
    searchAbort = ctrl;
    setLoading(true);
    fetchJson(API + "/api/search?" + queryString(state, true), ctrl)
      .then(function (data) {
        if (seq !== searchSeq) return;
        lastResult = data;
        renderResults(data, opts);
      }, function (err) {
        if (seq !== searchSeq || (err && err.name === "AbortError")) return;
        lastResult = null;
        renderError(err, opts);
      })
      .then(function () {
        if (seq === searchSeq) setLoading(false);
      });
  }

  /* Resolves with the parsed JSON body; rejects with an Error whose
   * .apiError holds the server's {code, message, parameter} if it sent one. */
  function fetchJson(url, ctrl) {
    return fetch(url, {
      headers: { "Accept": "application/json" },
      signal: ctrl ? ctrl.signal : undefined
    }).then(function (res) {
      return res.text().then(function (body) {
        var data = null;
        try { data = body ? JSON.parse(body) : null; } catch (e) { data = null; }
        if (!res.ok || !data || typeof data !== "object") {
          var err = new Error("HTTP " + res.status);
          err.status = res.status;
          err.apiError = data && data.error ? data.error : null;
          throw err;
        }
        return data;
      });
    });
  }

  /* ---------- rendering ---------- */

  function resetResultArea() {
    el.intro.hidden = true;
    el.message.hidden = true;
    el.message.removeAttribute("role");
    clear(el.message);
    el.didYouMean.hidden = true;
    clear(el.didYouMean);
    clear(el.hits);
    el.pagination.hidden = true;
    clear(el.pagination);
  }

  function renderIntro() {
    resetResultArea();
    el.intro.hidden = false;
    el.resultsBar.hidden = true;
    el.resultsHeading.textContent = "Sökresultat";
    el.resultsHeading.classList.add("visually-hidden");
    renderFacets(null);
    setLoading(false);
    announce("");
  }

  function renderResults(data, opts) {
    resetResultArea();
    var hits = Array.isArray(data.hits) ? data.hits : [];
    var total = typeof data.total === "number" ? data.total : hits.length;
    var page = typeof data.page === "number" ? data.page : state.page;
    var size = typeof data.size === "number" && data.size > 0 ? data.size : PAGE_SIZE;
    var first = (page - 1) * size + 1;
    var last = first + hits.length - 1;

    el.resultsHeading.classList.remove("visually-hidden");
    el.resultsHeading.textContent = "Sökresultat för ”" + state.q + "”";
    if (typeof data.corrected === "string" && data.corrected) {
      renderCorrected(data.corrected);
    } else {
      renderSuggestion(data.suggestion);
    }
    renderFacets(data.facets || {});

    if (!hits.length) {
      el.resultsBar.hidden = true;
      renderEmpty(total, page);
    } else {
      el.resultsBar.hidden = false;
      var countText = total === 1 ? "1 träff" :
        "Visar " + formatNumber(first) + "–" + formatNumber(last) + " av " +
        formatNumber(total) + " träffar";
      el.resultCount.textContent = countText;
      el.resultCount.setAttribute("data-total", String(total));
      if (typeof data.took_ms === "number") {
        el.resultCount.appendChild(h("span", { className: "took",
          text: " (" + (data.took_ms / 1000).toFixed(2).replace(".", ",") + " s)" }));
      }
      hits.forEach(function (hit, i) { el.hits.appendChild(renderHit(hit, first + i)); });
      renderPagination(page, size, total);
      announce(formatNumber(total) + (total === 1 ? " träff" : " träffar") +
        " för ”" + state.q + "”" + (page > 1 ? ", sida " + page : "") +
        (data.suggestion ? ". Menade du " + data.suggestion + "?" : ""));
    }
    focusAfter(opts);
  }

  function renderHit(hit, n) {
    var href = safeHref(hit.url);
    var title = typeof hit.title === "string" && hit.title ? hit.title : "(Utan rubrik)";
    var heading = h("h3", { className: "hit-title" }, [
      href ? h("a", { href: href, text: title }) : h("span", { text: title })
    ]);
    var meta = h("p", { className: "hit-meta" });
    if (hit.date) {
      meta.appendChild(h("time", { datetime: String(hit.date), text: formatDate(String(hit.date)) }));
    }
    if (hit.org) meta.appendChild(h("span", { className: "hit-org", text: String(hit.org) }));
    if (hit.type) meta.appendChild(h("span", { className: "hit-type", text: typeLabel(hit.type) }));
    var snippet = h("p", { className: "hit-snippet" });
    snippet.appendChild(snippetFragment(hit.snippet));
    return h("li", { className: "hit", "data-id": hit.id }, [heading, meta, snippet]);
  }

  /* The query found nothing; the server searched its correction. */
  function renderCorrected(corrected) {
    el.didYouMean.appendChild(document.createTextNode("Visar resultat för "));
    el.didYouMean.appendChild(h("strong", { text: corrected }));
    el.didYouMean.hidden = false;
  }

  function renderSuggestion(suggestion) {
    if (typeof suggestion !== "string" || !suggestion ||
        suggestion === state.q) return;
    var s = Object.assign({}, state, { q: suggestion, page: 1 });
    var link = h("a", { href: pageUrl(s), text: suggestion, onclick: function (e) {
      e.preventDefault();
      navigate({ q: suggestion }, { focus: "results" });
    } });
    el.didYouMean.appendChild(document.createTextNode("Menade du "));
    el.didYouMean.appendChild(link);
    el.didYouMean.appendChild(document.createTextNode("?"));
    el.didYouMean.hidden = false;
  }

  function renderEmpty(total, page) {
    var box = el.message;
    box.className = "message message-empty";
    if (total > 0 && page > 1) {
      box.appendChild(h("p", { className: "message-title", text: "Sidan finns inte." }));
      box.appendChild(h("p", {}, [
        "Sökningen gav " + formatNumber(total) + " träffar, men inte så många sidor. ",
        h("button", { type: "button", className: "link-button", text: "Gå till första sidan",
          onclick: function () { navigate({ page: 1 }, { focus: "results" }); } })
      ]));
      announce("Sidan finns inte.");
    } else {
      box.appendChild(h("p", { className: "message-title",
        text: "Inga träffar för ”" + state.q + "”." }));
      var tips = h("ul", {}, [
        h("li", { text: "Kontrollera stavningen." }),
        h("li", { text: "Prova färre eller mer allmänna ord." })
      ]);
      if (activeFilterCount()) {
        tips.appendChild(h("li", {}, [
          h("button", { type: "button", className: "link-button",
            text: "Sök utan filter", onclick: clearFilters })
        ]));
      }
      box.appendChild(tips);
      announce("Inga träffar för ”" + state.q + "”.");
    }
    box.hidden = false;
  }

  function renderError(err, opts) {
    resetResultArea();
    el.resultsBar.hidden = true;
    el.resultsHeading.classList.remove("visually-hidden");
    el.resultsHeading.textContent = "Sökresultat för ”" + state.q + "”";
    var box = el.message;
    box.className = "message message-error";
    var api = err && err.apiError;
    var title, detail, action;
    var retry = h("button", { type: "button", className: "button-secondary",
      text: "Försök igen", onclick: function () { runSearch({ focus: "results" }); } });
    if (api && err.status >= 400 && err.status < 500) {
      /* Retrying will not help: say what to change. The server's own
       * message (English, technical) follows in small print. */
      if (api.code === "bad_query" || api.parameter === "q") {
        title = "Sökfrågan kunde inte tolkas.";
        detail = "Kontrollera citattecken, parenteser och ord som AND, OR och NOT.";
        action = null;
      } else {
        title = "Ett av sökvillkoren är ogiltigt.";
        detail = "Ändra sökningen eller sök utan filter.";
        action = activeFilterCount() ? h("button", { type: "button",
          className: "button-secondary", text: "Sök utan filter",
          onclick: clearFilters }) : null;
      }
    } else if (err && err.status) {
      title = "Sökningen fungerar inte just nu.";
      detail = "Servern svarade med ett fel (" + err.status + "). Försök igen om en stund.";
      action = retry;
    } else {
      title = "Det gick inte att nå söktjänsten.";
      detail = "Kontrollera anslutningen och försök igen.";
      action = retry;
    }
    box.setAttribute("role", "alert");
    box.appendChild(h("p", { className: "message-title", text: title }));
    box.appendChild(h("p", { className: "message-detail", text: detail }));
    if (api && typeof api.message === "string" && api.message) {
      box.appendChild(h("p", { className: "message-tech", lang: "en",
        text: "Felkod " + (api.code || err.status) + ": " + api.message }));
    }
    if (action) box.appendChild(h("p", {}, [action]));
    box.hidden = false;
    renderFacets(null);
    focusAfter(opts);
  }

  function renderPagination(page, size, total) {
    var pages = Math.min(Math.max(1, Math.ceil(total / size)),
      Math.floor(MAX_DEPTH / size));
    if (pages <= 1) return;
    var nav = el.pagination;
    var list = h("ul", {});
    function item(p, label, opts) {
      opts = opts || {};
      var li = h("li", { className: opts.className });
      if (opts.disabled) {
        li.appendChild(h("span", { className: "page-link is-disabled", "aria-hidden": "true",
          text: label }));
      } else if (p === page && !opts.className) {
        li.appendChild(h("a", { className: "page-link is-current", href: pageUrl(
          Object.assign({}, state, { page: p })), "aria-current": "page",
          "aria-label": "Sida " + p + ", aktuell sida", text: label }));
      } else {
        li.appendChild(h("a", { className: "page-link", href: pageUrl(
          Object.assign({}, state, { page: p })), "aria-label": opts.aria || "Sida " + p,
          rel: opts.rel, text: label, "data-page": p, onclick: function (e) {
            if (e.ctrlKey || e.metaKey || e.shiftKey || e.button) return;
            e.preventDefault();
            navigate({ page: p }, { focus: "results", scroll: true });
          } }));
      }
      list.appendChild(li);
    }
    item(page - 1, "‹ Föregående", { className: "page-prev", disabled: page <= 1,
      rel: "prev", aria: "Föregående sida" });
    /* 1 … p-1 p p+1 … last */
    var shown = [];
    for (var p = 1; p <= pages; p++) {
      if (p === 1 || p === pages || Math.abs(p - page) <= 1 || (page <= 3 && p <= 4) ||
          (page >= pages - 2 && p >= pages - 3)) shown.push(p);
    }
    var prev = 0;
    shown.forEach(function (p) {
      if (p - prev > 1) list.appendChild(h("li", { className: "page-gap", "aria-hidden": "true",
        text: "…" }));
      item(p, String(p));
      prev = p;
    });
    item(page + 1, "Nästa ›", { className: "page-next", disabled: page >= pages,
      rel: "next", aria: "Nästa sida" });
    nav.appendChild(list);
    nav.hidden = false;
  }

  function renderFacets(facets) {
    var box = el.facets;
    var focusedValue = null, focusedKey = null;
    var active = document.activeElement;
    if (active && box.contains(active) && active.dataset) {
      focusedKey = active.dataset.facet;
      focusedValue = active.dataset.value;
    }
    clear(box);
    var any = false;
    if (facets) {
      FACETS.forEach(function (f) {
        var values = Array.isArray(facets[f.key]) ? facets[f.key].slice() : [];
        var selected = state[f.key];
        /* A selected value the server no longer lists still shows, so it
         * can be unchecked. */
        if (selected && !values.some(function (v) { return String(v.value) === selected; })) {
          values.unshift({ value: selected, count: 0 });
        }
        values = values.filter(function (v) {
          return v && v.value !== null && v.value !== undefined && String(v.value) !== "";
        });
        if (!values.length) return;
        if (f.key === "year") {
          values.sort(function (a, b) { return String(b.value).localeCompare(String(a.value)); });
        }
        any = true;
        var legendId = "facet-" + f.key + "-legend";
        var group = h("fieldset", { className: "facet" }, [
          h("legend", { id: legendId, text: f.label })
        ]);
        var list = h("ul", { className: "facet-values" });
        var expanded = !!expandedFacets[f.key];
        values.forEach(function (v, i) {
          var value = String(v.value);
          var id = "facet-" + f.key + "-" + i;
          var checked = selected === value;
          var input = h("input", { type: "checkbox", id: id, name: f.key, value: value,
            checked: checked, "data-facet": f.key, "data-value": value,
            onchange: function () {
              var c = {};
              c[f.key] = input.checked ? value : "";
              navigate(c, { focus: "facet" });
            } });
          var count = typeof v.count === "number" ? v.count : null;
          var label = h("label", { "for": id }, [
            h("span", { className: "facet-label", text: facetLabel(f.key, value) }),
            count !== null && !checked ? h("span", { className: "facet-count" }, [
              formatNumber(count),
              h("span", { className: "visually-hidden",
                text: count === 1 ? " träff" : " träffar" })
            ]) : null
          ]);
          var li = h("li", { className: "facet-value" + (checked ? " is-checked" : "") },
            [input, label]);
          if (i >= FACET_SHOWN && !expanded && !checked) li.hidden = true;
          list.appendChild(li);
        });
        group.appendChild(list);
        if (values.length > FACET_SHOWN) {
          group.appendChild(h("button", { type: "button", className: "link-button facet-more",
            "aria-expanded": expanded ? "true" : "false",
            text: expanded ? "Visa färre" : "Visa alla " + values.length,
            onclick: function () {
              expandedFacets[f.key] = !expanded;
              renderFacets(lastResult ? lastResult.facets || {} : null);
              var again = box.querySelector('.facet-more[data-facet="' + f.key + '"]');
              if (again) again.focus();
            }, "data-facet": f.key }));
        }
        box.appendChild(group);
      });
    }
    var n = activeFilterCount();
    el.clearFilters.hidden = n === 0;
    el.filters.hidden = !any && n === 0;
    el.filtersToggle.hidden = el.filters.hidden;
    el.filtersCount.textContent = n ? "(" + n + ")" : "";
    el.filters.classList.toggle("is-open", filtersOpen);
    el.filtersToggle.setAttribute("aria-expanded", filtersOpen ? "true" : "false");
    if (focusedKey !== null) {
      var again = box.querySelector('input[data-facet="' + focusedKey + '"][data-value="' +
        cssEscape(focusedValue) + '"]');
      if (again) again.focus();
    }
  }

  function cssEscape(s) {
    return window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/["\\]/g, "\\$&");
  }

  function clearFilters() {
    navigate({ year: "", org: "", type: "", from: "", to: "" }, { focus: "results" });
  }

  /* After a search the user asked for, move focus where a keyboard or
   * screen-reader user expects it: the results heading after paging or a
   * "Menade du" link; the search box and facets keep it themselves. */
  function focusAfter(opts) {
    if (!opts) return;
    if (opts.focus === "results") {
      el.resultsHeading.focus({ preventScroll: !opts.scroll });
    }
    if (opts.scroll) {
      el.resultsHeading.scrollIntoView({ block: "start" });
    }
  }

  /* ---------- suggestions (ARIA 1.2 combobox with a listbox popup) ---------- */

  var suggestTimer = 0;
  var suggestSeq = 0;
  var suggestAbort = null;
  var options = [];             /* [{kind, text, query, href}] */
  var activeIndex = -1;

  function onInput() {
    window.clearTimeout(suggestTimer);
    var value = el.q.value;
    if (!value.trim() || value.length > SUGGEST_MAX_CHARS) {
      closeSuggestions();
      return;
    }
    suggestTimer = window.setTimeout(function () { fetchSuggestions(value); },
      SUGGEST_DELAY_MS);
  }

  function fetchSuggestions(value) {
    if (suggestAbort) suggestAbort.abort();
    var seq = ++suggestSeq;
    var ctrl = typeof AbortController === "function" ? new AbortController() : null;
    suggestAbort = ctrl;
    fetchJson(API + "/api/suggest?size=" + SUGGEST_SIZE + "&q=" +
      encodeURIComponent(value), ctrl)
      .then(function (data) {
        if (seq !== suggestSeq || el.q.value !== value ||
            document.activeElement !== el.q) return;
        showSuggestions(value, data);
      }, function () {
        /* Suggestions are a convenience: a failure just shows none. */
        if (seq === suggestSeq) closeSuggestions();
      });
  }

  /* The server completes the last, partial word and returns the whole
   * text completed ("regeringen sä" -> "regeringen sänker"). Should it
   * return just the word, put it in place of the partial word. */
  function withCompletion(value, completion) {
    var c = String(completion);
    var m = /^(.*?)(\S*)$/.exec(value);
    var head = m ? m[1] : "";
    if (!head.trim() || c.toLowerCase().indexOf(head.trim().toLowerCase()) === 0) {
      return c;
    }
    return head + c;
  }

  function showSuggestions(value, data) {
    options = [];
    var completions = Array.isArray(data.completions) ? data.completions : [];
    completions.forEach(function (c) {
      var text = typeof c === "string" ? c : (c && (c.text || c.term || c.value));
      if (!text) return;
      var query = withCompletion(value, text);
      if (query.trim() === value.trim()) return;
      options.push({ kind: "completion", text: query, query: query });
    });
    var titles = Array.isArray(data.titles) ? data.titles : [];
    titles.forEach(function (t) {
      var title = typeof t === "string" ? t : (t && t.title);
      if (!title) return;
      options.push({ kind: "title", text: String(title), id: t && t.id,
        href: safeHref(t && t.url),
        query: "\"" + String(title).replace(/["]/g, " ").replace(/\s+/g, " ").trim() + "\"" });
    });
    /* Which text this list completes: a list for an earlier keystroke
     * stays open until the newer answer arrives. */
    el.suggestions.setAttribute("data-for", value);
    renderSuggestions();
  }

  function renderSuggestions() {
    var list = el.suggestions;
    clear(list);
    activeIndex = -1;
    el.q.removeAttribute("aria-activedescendant");
    if (!options.length) {
      closeSuggestions();
      return;
    }
    var lastKind = null;
    options.forEach(function (o, i) {
      if (o.kind !== lastKind && o.kind === "title") {
        list.appendChild(h("li", { className: "suggestion-group", role: "presentation",
          text: "Pressmeddelanden" }));
      }
      lastKind = o.kind;
      var li = h("li", { id: "suggestion-" + i, role: "option", "aria-selected": "false",
        className: "suggestion suggestion-" + o.kind, "data-index": i });
      li.appendChild(h("span", { className: "suggestion-text", text: o.text }));
      /* mousedown, not click: keep focus in the input until we act. */
      li.addEventListener("mousedown", function (e) { e.preventDefault(); });
      li.addEventListener("click", function () { choose(i); });
      list.appendChild(li);
    });
    list.hidden = false;
    el.q.setAttribute("aria-expanded", "true");
  }

  function closeSuggestions() {
    window.clearTimeout(suggestTimer);
    suggestSeq++;
    if (suggestAbort) { suggestAbort.abort(); suggestAbort = null; }
    options = [];
    activeIndex = -1;
    el.suggestions.hidden = true;
    clear(el.suggestions);
    el.q.setAttribute("aria-expanded", "false");
    el.q.removeAttribute("aria-activedescendant");
  }

  function setActive(i) {
    var items = el.suggestions.querySelectorAll('[role="option"]');
    if (!items.length) return;
    if (i < -1) i = items.length - 1;
    if (i >= items.length) i = -1;
    activeIndex = i;
    for (var k = 0; k < items.length; k++) {
      items[k].setAttribute("aria-selected", k === i ? "true" : "false");
      items[k].classList.toggle("is-active", k === i);
    }
    if (i >= 0) {
      el.q.setAttribute("aria-activedescendant", items[i].id);
      items[i].scrollIntoView({ block: "nearest" });
    } else {
      el.q.removeAttribute("aria-activedescendant");
    }
  }

  function choose(i) {
    var o = options[i];
    if (!o) return;
    closeSuggestions();
    if (o.kind === "title" && o.href) {
      window.location.href = o.href;
      return;
    }
    el.q.value = o.query;
    navigate({ q: o.query.trim() }, {});
  }

  function onKeyDown(e) {
    var open = !el.suggestions.hidden;
    switch (e.key) {
      case "ArrowDown":
        if (open) { setActive(activeIndex + 1); e.preventDefault(); }
        else if (el.q.value.trim()) { fetchSuggestions(el.q.value); e.preventDefault(); }
        break;
      case "ArrowUp":
        if (open) { setActive(activeIndex - 1); e.preventDefault(); }
        break;
      case "Enter":
        if (open && activeIndex >= 0) { e.preventDefault(); choose(activeIndex); }
        break;
      case "Escape":
        if (open) { closeSuggestions(); e.preventDefault(); }
        else if (el.q.value) { el.q.value = ""; e.preventDefault(); }
        break;
      case "Tab":
        closeSuggestions();
        break;
    }
  }

  /* ---------- wiring ---------- */

  el.searchForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = el.q.value.trim();
    closeSuggestions();
    if (!q) {
      el.q.focus();
      return;
    }
    /* A new query starts on page 1 with the same sort and filters. */
    navigate({ q: q }, {});
  });
  el.q.addEventListener("input", onInput);
  el.q.addEventListener("keydown", onKeyDown);
  el.q.addEventListener("blur", function () {
    /* Let a click on an option land before the list goes away. */
    window.setTimeout(function () {
      if (document.activeElement !== el.q) closeSuggestions();
    }, 150);
  });
  el.sort.addEventListener("change", function () {
    navigate({ sort: el.sort.value === "date" ? "date" : "relevance" }, {});
  });
  el.clearFilters.addEventListener("click", clearFilters);
  el.filtersToggle.addEventListener("click", function () {
    filtersOpen = !filtersOpen;
    el.filters.classList.toggle("is-open", filtersOpen);
    el.filtersToggle.setAttribute("aria-expanded", filtersOpen ? "true" : "false");
  });
  document.addEventListener("keydown", function (e) {
    /* "/" jumps to the search box, as on many search sites. */
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.nodeName))) return;
    e.preventDefault();
    el.q.focus();
    el.q.select();
  });
  window.addEventListener("popstate", function () {
    state = readUrl();
    runSearch({});
  });

  el.q.value = state.q;
  runSearch({});
  if (!state.q) el.q.focus();
})();
