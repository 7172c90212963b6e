// Irreversible steps ask first: a form or its submit button carries data-confirm="question".
// Without JavaScript the form still submits, and the server still applies every rule.
document.addEventListener("submit", (event) => {
  const question = event.submitter?.dataset.confirm || event.target.dataset?.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
