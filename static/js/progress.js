// Background work (a protocol, an export, a reminder mailing) shows its progress while the page
// is open: an element with data-progress-url is refreshed from that JSON status every 2 s, and
// the page reloads once the work is done or failed, to offer the download or "try again".
// Without JavaScript the status is as of the page load, and a reload shows where it got to.
(() => {
  // Included by each section that lists background work; one poller per page is enough.
  if (document.documentElement.dataset.progressPolling) return;
  document.documentElement.dataset.progressPolling = "on";
  const FINISHED = new Set(["done", "failed"]);
  const poll = async (element) => {
    try {
      const response = await fetch(element.dataset.progressUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const job = await response.json();
      element.textContent = `${job.label} (${job.progress}%)`;
      if (FINISHED.has(job.status)) {
        window.location.reload();
        return;
      }
    } catch (error) {
      // A dropped connection: try again on the next tick.
    }
    window.setTimeout(() => poll(element), 2000);
  };
  document.querySelectorAll("[data-progress-url]").forEach((element) => {
    if (!FINISHED.has(element.dataset.progressStatus)) {
      window.setTimeout(() => poll(element), 2000);
    }
  });
})();
