/* The progress of an import job: polls the job's JSON status and moves the <progress> bar.
   When the job reaches another state the page reloads, to show the dry run or the result.
   No inline script (strict CSP); without JavaScript the page has a "Refresh" link. */
(function () {
  "use strict";
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-progress-text");
  if (!bar || !window.fetch) {
    return;
  }
  var url = bar.getAttribute("data-status-url");
  var state = bar.getAttribute("data-state");

  function show(status) {
    if (status.rows_total && status.state !== "queued") {
      bar.max = status.rows_total;
      bar.value = status.rows_done;
    }
    if (text && text.textContent !== status.progress_text) {
      text.textContent = status.progress_text;
    }
  }

  function poll() {
    window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (status) {
        if (status.state !== state) {
          window.location.reload();
          return;
        }
        show(status);
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1000);
})();
