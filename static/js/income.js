// The income form: net and per-capita income as the clerk types (progressive enhancement).
// Which amounts add and which subtract comes from the page (data-income-sign, set by the server
// from households.expressions); the household size from data-size. The server's own values
// are shown on the review page.
(function () {
  "use strict";

  function cents(input) {
    var text = (input.value || "").trim().replace(/,/g, "");
    if (text === "") return 0;
    var value = Number(text);
    return isFinite(value) ? Math.round(value * 100) : NaN;
  }

  function yuan(centsValue) {
    return (centsValue / 100).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function update(form) {
    var net = 0;
    form.querySelectorAll("[data-income-sign]").forEach(function (input) {
      net += (input.dataset.incomeSign === "-" ? -1 : 1) * cents(input);
    });
    var size = parseInt(form.dataset.size, 10) || 0;
    var netOut = form.querySelector("[data-income-net]");
    var perOut = form.querySelector("[data-income-per-capita]");
    if (isNaN(net)) {
      netOut.textContent = "—";
      perOut.textContent = "—";
      return;
    }
    netOut.textContent = yuan(net);
    perOut.textContent = size > 0 ? yuan(Math.round(net / size)) : "—";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-js-hidden]").forEach(function (el) { el.hidden = true; });
    document.querySelectorAll("form[data-income-form]").forEach(function (form) {
      form.addEventListener("input", function () { update(form); });
      update(form);
    });
  });
})();
