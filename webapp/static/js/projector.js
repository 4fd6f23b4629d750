// The projector page asks for the live count every few seconds and redraws it: no reload,
// no personal data (the JSON holds counts and option labels only).
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-live-url");
  var changed = body.getAttribute("data-changed");
  var PERIOD = 3000;

  function text(id, value) {
    var el = document.getElementById(id);
    if (el) el.textContent = value;
  }

  function render(data) {
    text("voted", String(data.turnout.voted));
    text("eligible", String(data.turnout.eligible));
    text("state", data.state_label);
    var chart = document.getElementById("chart");
    chart.textContent = "";
    if (data.chart) {
      var img = document.createElement("img");
      img.src = data.chart;
      img.alt = "";
      chart.appendChild(img);
    }
    var list = document.getElementById("totals");
    list.textContent = "";
    data.options.forEach(function (o) {
      var li = document.createElement("li");
      var label = document.createElement("span");
      label.className = "label";
      label.textContent = o.label + " ";
      var total = document.createElement("strong");
      total.textContent = String(o.total);
      li.appendChild(label);
      li.appendChild(total);
      list.appendChild(li);
    });
    var note = document.getElementById("hidden-note");
    if (note && data.shown) note.remove();
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.changed_at !== changed) {
          changed = data.changed_at;
          body.setAttribute("data-changed", changed);
          render(data);
        }
        if (!data || data.state !== "closed") window.setTimeout(poll, PERIOD);
        else render(data);
      })
      .catch(function () { window.setTimeout(poll, PERIOD * 2); });
  }
  window.setTimeout(poll, PERIOD);
})();
