// The juror's score sheet, enhanced: the weighted total follows the scores as they are picked,
// and a draft saves itself a moment after each change ("Zapisano o 14:32"). Without
// JavaScript the sheet is a plain form: the buttons save or submit it, the total is the saved one.
(() => {
  const form = document.querySelector("form.score-sheet");
  if (!form) return;
  const total = document.getElementById("running-total");
  const status = document.getElementById("autosave-status");
  const version = form.querySelector("input[name=version]");
  const sheetStatus = document.getElementById("sheet-status");
  const criteria = [...form.querySelectorAll("fieldset[data-weight]")];
  const number = new Intl.NumberFormat(document.documentElement.lang || "pl", {
    maximumFractionDigits: 2,
  });

  const recount = () => {
    const data = new FormData(form);
    let sum = 0;
    for (const fieldset of criteria) {
      const value = String(data.get(fieldset.dataset.field) || "").replace(",", ".");
      const score = Number.parseFloat(value);
      if (!Number.isNaN(score)) sum += Number.parseFloat(fieldset.dataset.weight) * score;
    }
    total.textContent = number.format(sum);
  };

  const url = form.dataset.autosaveUrl;
  let timer = null;
  let inFlight = null;
  let again = false;
  // After a conflict (the sheet changed in another tab) nothing is saved automatically: the
  // juror's next button press meets the server's own refusal, with the newest values.
  let stopped = false;

  const say = (message, error) => {
    status.textContent = message;
    status.classList.toggle("is-error", Boolean(error));
  };

  const save = async () => {
    timer = null;
    if (stopped) return;
    if (inFlight) {
      again = true;
      return;
    }
    const body = new FormData(form);
    inFlight = fetch(url, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": body.get("csrfmiddlewaretoken") },
    })
      .then(async (response) => {
        const answer = await response.json().catch(() => ({}));
        if (response.ok) {
          version.value = answer.version;
          if (sheetStatus) sheetStatus.textContent = answer.status;
          say(answer.message, false);
        } else {
          if (response.status === 409 || response.status === 403) stopped = true;
          // The first refusal in words ("Enter a value from 0 to 10…"): the buttons show them all.
          const first = Object.values(answer.errors || {}).flat()[0];
          say([answer.message || status.dataset.failed, first].filter(Boolean).join(" "), true);
        }
      })
      .catch(() => {
        // Offline for a moment: the next change tries again, the buttons still work.
      })
      .finally(() => {
        inFlight = null;
        if (again) {
          again = false;
          schedule(0);
        }
      });
  };

  const schedule = (delay) => {
    if (!url) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  };

  form.addEventListener("change", (event) => {
    recount();
    if (event.target.matches("input[type=radio], select, input[type=number]")) schedule(800);
  });
  form.addEventListener("input", (event) => {
    if (event.target.matches("input[type=number]")) recount();
    if (event.target.matches("textarea")) schedule(2000);
  });

  // A button press while a draft is on its way waits for it, so it carries the new version.
  // Registered after confirm.js (both on the document): a cancelled confirmation stops here.
  document.addEventListener("submit", (event) => {
    if (event.target !== form || event.defaultPrevented) return;
    stopped = true;
    window.clearTimeout(timer);
    timer = null;
    if (!inFlight) return;
    event.preventDefault();
    const button = event.submitter;
    inFlight.finally(() => {
      if (button?.name) {
        const pressed = document.createElement("input");
        pressed.type = "hidden";
        pressed.name = button.name;
        pressed.value = button.value || "1";
        form.append(pressed);
      }
      form.submit();
    });
  });
})();
