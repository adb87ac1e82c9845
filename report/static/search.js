// Keyword in context over every sentence of the site (assets/sentences.js). Chinese has no spaces
// between words, so the query is matched as a substring of each sentence: exact for any length.
(function () {
  var data = window.BAOGAO_SENTENCES;
  var q = document.getElementById("q");
  var yearInput = document.getElementById("year");
  var hits = document.getElementById("hits");
  var status = document.getElementById("search-status");
  var LIMIT = 500, CONTEXT = 30;

  function params() {
    var out = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) out[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1));
    });
    return out;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function run() {
    var term = q.value.trim();
    var year = yearInput.value ? parseInt(yearInput.value, 10) : null;
    hits.textContent = "";
    if (!term) { status.textContent = "输入词语开始搜索。"; return; }
    var found = 0, docs = {};
    for (var i = 0; i < data.text.length; i++) {
      var text = data.text[i];
      var at = text.indexOf(term);
      if (at < 0) continue;
      var doc = data.docs[data.doc[i]];
      if (year !== null && doc[2] !== year) continue;
      found++;
      docs[doc[0]] = true;
      if (found > LIMIT) continue;
      var li = el("li", "hit");
      li.dataset.doc = doc[0];
      li.dataset.sentence = data.sid[i];
      var a = el("a", "kwic");
      a.href = "docs/" + doc[0] + ".html#s-" + data.sid[i];
      a.appendChild(el("span", "left", text.slice(Math.max(0, at - CONTEXT), at)));
      a.appendChild(el("mark", "kw", term));
      a.appendChild(el("span", "right", text.slice(at + term.length, at + term.length + CONTEXT)));
      li.appendChild(a);
      li.appendChild(el("span", "src", doc[1]));
      hits.appendChild(li);
    }
    status.textContent = "“" + term + "”" + (year !== null ? "（" + year + "年）" : "") + "：" + found + " 句，" +
      Object.keys(docs).length + " 份报告" + (found > LIMIT ? "（显示前 " + LIMIT + " 句）" : "");
  }

  var timer = null;
  function later() { clearTimeout(timer); timer = setTimeout(run, 150); }
  q.addEventListener("input", later);
  yearInput.addEventListener("input", later);
  function fromHash() {
    var p = params();
    if (p.q !== undefined) q.value = p.q;
    if (p.year !== undefined) yearInput.value = p.year;
    run();
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
