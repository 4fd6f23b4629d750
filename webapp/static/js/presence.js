// "Also here": a heartbeat every 5 s while the page is visible; the answer names the
// other people who have the section open and its newest revision (editor.js listens).
"use strict";

(function () {
  const box = document.getElementById("presence");
  if (!box) return;
  const url = box.dataset.url;
  const token = box.dataset.csrf;
  const names = box.querySelector(".presence-names");
  const EVERY_MS = 5000;

  async function beat() {
    if (document.visibilityState === "hidden") return;
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
        body: "{}",
      });
      if (!response.ok) return;
      const data = await response.json();
      const others = Array.isArray(data.others) ? data.others : [];
      names.textContent = others.join(", ");
      // Its line stays reserved: someone arriving must not move the page under the
      // reader's pointer (a click meant for a button would land elsewhere).
      box.classList.toggle("invisible", others.length === 0);
      document.dispatchEvent(new CustomEvent("section:revision", { detail: { revision: data.revision } }));
    } catch (error) {
      /* offline for a moment: the next beat tries again */
    }
  }

  function leave() {
    // keepalive lets the request outlive the page; others stop seeing us at once.
    fetch(url, { method: "DELETE", credentials: "same-origin", keepalive: true, headers: { "X-CSRFToken": token } }).catch(
      () => {}
    );
  }

  beat();
  setInterval(beat, EVERY_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") beat();
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) beat();
  });
  window.addEventListener("pagehide", leave);
})();
