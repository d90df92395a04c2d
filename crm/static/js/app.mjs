import { initAll } from '/static/dist/govuk/govuk-frontend.min.js'

initAll()

// Every htmx request carries the CSRF token, as every form post does.
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content
document.body.addEventListener('htmx:configRequest', (event) => {
  if (csrfToken) {
    event.detail.headers['X-CSRFToken'] = csrfToken
  }
})

// After htmx replaces a list of results, say the new count in the page's
// live region, which stays put (a region swapped in already filled is not
// reliably announced).
document.body.addEventListener('htmx:afterSettle', (event) => {
  const count = event.detail.target.querySelector('[data-result-count]')
  const status = document.getElementById('search-status')
  if (count && status) {
    status.textContent = count.textContent.replace(/\s+/g, ' ').trim()
  }
})
