/* Swagger UI draws markup that fails WCAG rules, and redraws it as the reader opens operations, so it is mended
   whenever the page changes:
   - each operation's summary is a button holding a link to the operation (nested interactive controls); the
     button opens it already, and Swagger UI keeps the address bar's link itself;
   - the operation groups are headed h3 right under the title's h1, and an operation's parts h4 (skipped levels);
   - examples scroll sideways without being reachable by the keyboard;
   - a parameter's input and the request body are labelled only by the text beside them;
   - every operation's table of responses is a region named like all the others;
   - the copy buttons of a request's curl line and address have no name. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root) {
    return;
  }
  function each(selector, mendOne) {
    root.querySelectorAll(selector).forEach(mendOne);
  }
  function mend() {
    each(".opblock-summary-control a[href]", function (link) {
      link.removeAttribute("href");
    });
    each("h3.opblock-tag, section.models > h4", function (heading) {
      heading.setAttribute("aria-level", "2");
    });
    each(".opblock h4, .opblock h5", function (heading) {
      heading.setAttribute("aria-level", heading.tagName === "H4" ? "3" : "4");
    });
    each("pre", function (block) {
      block.setAttribute("tabindex", "0");
    });
    each("tr[data-param-name]", function (row) {
      row.querySelectorAll("select, input, textarea").forEach(function (control) {
        if (!control.labels || control.labels.length === 0) {
          control.setAttribute("aria-label", row.getAttribute("data-param-name"));
        }
      });
    });
    each(".copy-to-clipboard > button", function (button) {
      button.setAttribute("aria-label", "Copy to clipboard");
    });
    each("textarea.body-param__text", function (body) {
      body.setAttribute("aria-label", "Request body");
    });
    each("table.responses-table", function (table) {
      var block = table.closest(".opblock");
      var method = block && block.querySelector(".opblock-summary-method");
      var path = block && block.querySelector(".opblock-summary-path");
      table.setAttribute(
        "aria-label",
        "Responses" + (method && path ? " of " + method.textContent + " " + path.textContent : "")
      );
    });
  }
  new MutationObserver(mend).observe(root, { childList: true, subtree: true });
  mend();
})();
