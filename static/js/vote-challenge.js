// The vote's anti-bot check (ALTCHA's proof of work, cms/vote/challenge.py): fetch a signed
// challenge from this site, find the number whose SHA-256 with the salt is the challenge, and
// put the signed answer in the form's hidden field. No third-party script or request.
(() => {
  const form = document.getElementById("vote-form");
  if (!form || !window.crypto?.subtle) return;
  const field = form.querySelector('input[name="altcha"]');
  const status = document.getElementById("challenge-status");
  const say = (key) => { status.textContent = status.dataset[key]; };

  const hex = (buffer) =>
    Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");

  async function solve(challenge) {
    const encoder = new TextEncoder();
    for (let number = 0; number <= challenge.maxNumber; number += 1) {
      const digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge.salt + number));
      if (hex(digest) === challenge.challenge) return number;
    }
    return null;
  }

  let ready = null;
  async function run() {
    say("working");
    const response = await fetch(form.dataset.challengeUrl, { credentials: "same-origin" });
    if (!response.ok) throw new Error("challenge");
    const challenge = await response.json();
    const number = await solve(challenge);
    if (number === null) throw new Error("unsolved");
    field.value = btoa(JSON.stringify({
      algorithm: challenge.algorithm,
      challenge: challenge.challenge,
      number,
      salt: challenge.salt,
      signature: challenge.signature,
    }));
    say("done");
  }
  const start = () => {
    ready = run().catch(() => say("failed"));
    return ready;
  };
  // A challenge is used once: a form sent back with errors needs a new one.
  start();
  form.addEventListener("submit", (event) => {
    if (field.value) return;
    event.preventDefault();
    (ready || start()).then(() => { if (field.value) form.requestSubmit(); });
  });
})();
