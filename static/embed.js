// Inside an embed's iframe: tell the embedding page how tall the content is, whenever it changes, so that
// static/embed-host.js can size the iframe. Only a height is sent, to whichever page frames us.
(function () {
  if (window.parent === window) return;
  let last = 0;
  function report() {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ salaryguide: "height", height: height }, "*");
  }
  new ResizeObserver(report).observe(document.documentElement);
  window.addEventListener("load", report);
  report();
})();
