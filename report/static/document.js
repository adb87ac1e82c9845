// A click on a marked metric or entity shows what the warehouse holds about it (the same text as
// its hover title) in a panel that stays until the next click.
(function () {
  var panel = document.getElementById("detail");
  document.getElementById("doc-text").addEventListener("click", function (event) {
    var mark = event.target.closest("[data-metric], .ent");
    if (!mark) { panel.hidden = true; return; }
    panel.textContent = "";
    var head = document.createElement("strong");
    head.textContent = mark.textContent;
    panel.appendChild(head);
    mark.title.split("；").forEach(function (line) {
      var div = document.createElement("div");
      div.textContent = line;
      panel.appendChild(div);
    });
    panel.hidden = false;
  });
})();
