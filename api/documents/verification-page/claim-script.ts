/**
 * The verification page's only script (served as /verify/claim.js, so the page's Content-Security-Policy
 * needs no inline script). On the buyer's copy the QR code's address carries the claim code in its fragment
 * (`#claim=<64 hex digits>`), which browsers never send to a server. The script shows the claim form, and only
 * when the person presses Claim sends the code, with their API key, in the body of POST /v1/claims; once
 * claimed it drops the fragment from the address bar and history. The key is never stored.
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
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var key = form.elements.namedItem("apiKey").value.trim();
    button.disabled = true;
    outcome.textContent = form.dataset.working;
    fetch("/v1/claims", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer " + key, "accept-language": form.dataset.language },
      body: JSON.stringify({ number: form.dataset.number, checkCode: form.dataset.checkCode, claimCode: code })
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (answer.ok) {
          var states = JSON.parse(form.dataset.states || "{}");
          outcome.textContent = form.dataset.claimed + (states[answer.body.state] || answer.body.state);
          outcome.dataset.result = "claimed";
          history.replaceState(null, "", location.pathname + location.search);
          form.elements.namedItem("apiKey").value = "";
        } else {
          var error = answer.body && answer.body.error ? answer.body.error : { code: "UNKNOWN", message: "" };
          outcome.textContent = form.dataset.failed + error.message + " (" + error.code + ")";
          outcome.dataset.result = error.code;
          button.disabled = false;
        }
      })
      .catch(function (error) {
        outcome.textContent = form.dataset.failed + String(error);
        outcome.dataset.result = "NETWORK";
        button.disabled = false;
      });
  });
})();
`;
