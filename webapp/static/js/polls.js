// The vote page: how many dots are left, counted as they are placed (the server checks
// the vote again; this only helps at a glance on a phone).
(function () {
  "use strict";
  var form = document.getElementById("vote-form");
  var left = document.getElementById("dots-left");
  if (!form || !left || form.getAttribute("data-kind") !== "dot") return;
  var total = parseInt(form.getAttribute("data-dots"), 10) || 0;
  var template = left.getAttribute("data-template");
  function update() {
    var used = 0;
    form.querySelectorAll(".dots-input").forEach(function (input) {
      var n = parseInt(input.value, 10);
      if (n > 0) used += n;
    });
    left.textContent = template.replace("__N__", String(total - used));
    left.classList.toggle("text-danger", used > total);
  }
  form.addEventListener("input", update);
  update();
})();
