/* The entry form: Enter in the source search box runs the search. Everywhere else in the form
   Enter saves (the form's first submit button is "Save"); without this script Enter in the
   search box saves too, and the Search button still searches. No inline script (strict CSP). */
(function () {
  "use strict";
  var box = document.getElementById("source-query");
  var button = box && box.form && box.form.querySelector('button[name="search_sources"]');
  if (!button) {
    return;
  }
  box.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      button.click();
    }
  });
})();
