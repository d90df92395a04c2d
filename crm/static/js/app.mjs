import { initAll } from '/static/dist/govuk/govuk-frontend.min.js'

initAll()

// Every htmx request carries the CSRF token, as every form post does.
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content
document.body.addEventListener('htmx:configRequest', (event) => {
  if (csrfToken) {
    event.detail.headers['X-CSRFToken'] = csrfToken
  }
})
