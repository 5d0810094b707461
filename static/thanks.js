// Poll the request's status and start the download by itself when the PDF is ready.
(function () {
  const card = document.querySelector("[data-status-url]");
  if (!card) return;
  const bar = card.querySelector(".bar");
  const state = card.querySelector(".state");
  const link = document.getElementById("download");
  const widths = { queued: 10, rendering: 45, ready: 100, failed: 100 };
  let started = false;

  // Once the download has started: the reader's result, the newsletter to confirm, jobs for their role.
  function reveal(next) {
    const after = document.getElementById("after");
    if (!after) return;
    const headline = document.getElementById("headline");
    if (next.headline) { headline.querySelector("strong").textContent = next.headline; headline.hidden = false; }
    document.getElementById("confirm").hidden = !next.confirm_newsletter;
    after.hidden = false;
  }

  function show(data) {
    bar.className = "bar w" + (widths[data.status] || 10);
    card.dataset.status = data.status;
    if (data.download_url) {
      state.textContent = data.status === "failed"
        ? "Sorry: " + data.error + ". The download has started."
        : "Your guide is ready. The download has started.";
      link.hidden = false;
      if (!started) { started = true; window.location.assign(data.download_url); }
      if (data.next) reveal(data.next);
      return true;
    }
    if (data.status === "failed") {
      state.textContent = "We could not prepare your guide: " + (data.error || "the render failed") + ".";
      return true;
    }
    state.textContent = data.status === "rendering" ? "Rendering your guide…" : "Your guide is in the queue…";
    return false;
  }

  async function poll(delay) {
    try {
      const response = await fetch(card.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok && show(await response.json())) return;
    } catch (e) { /* a network blip: try again */ }
    setTimeout(() => poll(Math.min(delay * 1.3, 2000)), delay);
  }
  poll(100);  // a personal guide is usually ready within a few hundred milliseconds
})();
