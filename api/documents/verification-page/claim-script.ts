/**
 * The verification page's only script (served as /verify/claim.js, so the page's Content-Security-Policy
 * needs no inline script). On the buyer's copy the QR code's address carries the claim code in its fragment
 * (`#claim=<64 hex digits>`), which browsers never send to a server. The script shows the claim form, and only
 * when the person presses Claim sends the code, in the body of POST /v1/claims, through a console session
 * (the session cookie and its CSRF token): a person already signed in to the console claims as that party; one
 * who is not types an API key, which opens a session (POST /v1/sessions) and is then forgotten. The key never
 * goes anywhere else and is never stored. Once claimed the script drops the fragment from the address bar and
 * history and offers the console.
 */
export const CLAIM_SCRIPT = `"use strict";
(function () {
  var form = document.getElementById("claim");
  if (!form) return;
  var code = new URLSearchParams(location.hash.slice(1)).get("claim");
  if (!code || !/^(0x)?[0-9a-fA-F]{64}$/.test(code)) return;
  form.hidden = false;
  var outcome = form.querySelector(".outcome");
  var button = form.querySelector("button");
  var keyField = form.querySelector(".key-field");
  var keyInput = form.elements.namedItem("apiKey");
  var csrfToken = null;
  var language = form.dataset.language;

  function answerOf(response) {
    return response.json().then(function (body) { return { ok: response.ok, body: body }; }, function () { return { ok: false, body: null }; });
  }
  function failed(answer) {
    var error = answer.body && answer.body.error ? answer.body.error : { code: "UNKNOWN", message: "" };
    outcome.textContent = form.dataset.failed + error.message + " (" + error.code + ")";
    outcome.dataset.result = error.code;
    button.disabled = false;
  }
  function signedIn(session) {
    csrfToken = session.csrfToken;
    keyField.hidden = true;
    keyInput.required = false;
    var shown = form.querySelector(".signed-in");
    shown.textContent = form.dataset.signedInAs + session.party.name;
    shown.hidden = false;
  }

  // Signed in to the console already (the cookie is this site's): claim as that party, no key to type.
  fetch("/v1/sessions/current", { headers: { "accept-language": language } })
    .then(answerOf)
    .then(function (answer) {
      if (answer.ok && (answer.body.party.role === "individual" || answer.body.party.role === "enterprise")) signedIn(answer.body);
    })
    .catch(function () {});

  function openSession() {
    if (csrfToken !== null) return Promise.resolve({ ok: true });
    return fetch("/v1/sessions", {
      method: "POST",
      headers: { "content-type": "application/json", "accept-language": language },
      body: JSON.stringify({ apiKey: keyInput.value.trim() })
    })
      .then(answerOf)
      .then(function (answer) {
        if (answer.ok) {
          keyInput.value = "";
          signedIn(answer.body);
        }
        return answer;
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    outcome.textContent = form.dataset.working;
    openSession()
      .then(function (session) {
        if (!session.ok) return failed(session);
        return fetch("/v1/claims", {
          method: "POST",
          headers: { "content-type": "application/json", "x-csrf-token": csrfToken, "accept-language": language },
          body: JSON.stringify({ number: form.dataset.number, checkCode: form.dataset.checkCode, claimCode: code })
        })
          .then(answerOf)
          .then(function (answer) {
            if (!answer.ok) return failed(answer);
            var states = JSON.parse(form.dataset.states || "{}");
            outcome.textContent = form.dataset.claimed + (states[answer.body.state] || answer.body.state);
            outcome.dataset.result = "claimed";
            history.replaceState(null, "", location.pathname + location.search);
            form.querySelector(".to-console").hidden = false;
          });
      })
      .catch(function (error) {
        outcome.textContent = form.dataset.failed + String(error);
        outcome.dataset.result = "NETWORK";
        button.disabled = false;
      });
  });
})();
`;
