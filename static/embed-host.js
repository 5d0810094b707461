// On the embedding page (docs/embedding.md): size every iframe of this service to the height its content
// reports (static/embed.js). Messages from any other origin, or for an iframe not on the page, are ignored.
(function () {
  const origin = new URL(document.currentScript.src).origin;
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !event.data || event.data.salaryguide !== "height") return;
    const height = Number(event.data.height);
    if (!Number.isFinite(height) || height <= 0 || height > 10000) return;
    for (const frame of document.querySelectorAll("iframe")) {
      if (frame.contentWindow === event.source) frame.style.height = height + "px";
    }
  });
})();
