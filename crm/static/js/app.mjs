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

// A table wider than its scroll box says so in words as well as with the
// shadows at its edges (templates/_macros/tables.html). Checked again
// whenever the box or the table changes size, and for tables htmx brings in.
const overflowing = new ResizeObserver((entries) => {
  for (const { target } of entries) {
    const wrapper = target.closest('[data-app-table-scroll]')
    if (!target.isConnected) {
      overflowing.unobserve(target)
    } else if (wrapper) {
      const region = wrapper.querySelector('.app-table-scroll__region')
      wrapper.classList.toggle('app-table-scroll--overflowing', region.scrollWidth > region.clientWidth)
    }
  }
})

function watchTables (root) {
  for (const region of root.querySelectorAll('[data-app-table-scroll] .app-table-scroll__region')) {
    overflowing.observe(region)
    overflowing.observe(region.firstElementChild)
  }
}

watchTables(document)
document.body.addEventListener('htmx:load', (event) => watchTables(event.detail.elt))
