// Runs first in <body>: lets GOV.UK Frontend style for JavaScript before the
// modules load, without an inline script (our CSP forbids those).
document.body.classList.add('js-enabled')
if ('noModule' in HTMLScriptElement.prototype) {
  document.body.classList.add('govuk-frontend-supported')
}
