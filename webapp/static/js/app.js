// The studio's small scripts: no inline code (the CSP forbids it), no CDN.
"use strict";

// A table wider than its box scrolls sideways inside it: keyboard users must be able to
// reach that scroll too (WCAG 2.1.1), so such a box takes the focus, named by its table.
function focusableScrollers() {
  for (const box of document.querySelectorAll(".table-responsive")) {
    const scrolls = box.scrollWidth > box.clientWidth;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      const caption = box.querySelector("caption");
      const heading = box.closest("section")?.querySelector("h1, h2, h3");
      const name = (caption || heading)?.textContent.trim();
      if (name) box.setAttribute("aria-label", name);
    } else if (!scrolls && box.getAttribute("tabindex") === "0" && box.getAttribute("role") === "region") {
      box.removeAttribute("tabindex");
    }
  }
}
document.addEventListener("DOMContentLoaded", focusableScrollers);
window.addEventListener("resize", focusableScrollers);
