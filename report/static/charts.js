// Draw every chart of the page from the Vega-Lite spec beside it (vegaEmbed from assets/vega.js).
// window.baogaoCharts[id] holds each chart's Vega view once drawn (tests and the console use it).
(function () {
  window.baogaoCharts = {};
  var blocks = document.querySelectorAll(".chart[data-chart]");
  var pending = [];
  blocks.forEach(function (el) {
    var id = el.dataset.chart;
    var spec = JSON.parse(document.getElementById("spec-" + id).textContent);
    pending.push(
      vegaEmbed(el, spec, { renderer: "svg", actions: false }).then(function (result) {
        window.baogaoCharts[id] = result.view;
      }).catch(function (error) {
        el.textContent = "图表无法绘制：" + error;
        console.error("chart " + id + ": " + error);
      })
    );
  });
  window.baogaoChartsReady = Promise.all(pending);
})();
