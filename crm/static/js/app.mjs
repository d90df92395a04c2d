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

// A question that applies only to one choice of a radio group (the user
// form's organisation, for partners): hidden and left out of the form while
// another choice is made. Without JavaScript it stays, and the server says
// when it does not apply.
for (const question of document.querySelectorAll('[data-partner-only]')) {
  const form = question.closest('form')
  const radios = form.querySelectorAll('input[type="radio"][name="role"]')
  const fields = question.querySelectorAll('select, input')
  const sync = () => {
    const chosen = form.querySelector('input[type="radio"][name="role"]:checked')
    const applies = chosen?.value === 'partner'
    question.hidden = !applies
    for (const field of fields) {
      field.disabled = !applies
    }
  }
  for (const radio of radios) {
    radio.addEventListener('change', sync)
  }
  sync()
}
