// The studio's small scripts: no inline code (the CSP forbids it), no CDN.
"use strict";
