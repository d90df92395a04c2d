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

// A question that applies only to one choice of a radio group, marked
// data-shown-for="name=value" (the user form's organisation, for partners;
// the items a guest came for, on the attendance form): hidden and left out of
// the form while another choice is made. Without JavaScript it stays, and the
// server says when it does not apply. Not GOV.UK's conditional reveal: that
// puts aria-expanded on a radio, which ARIA does not allow (govuk-frontend #979).
for (const question of document.querySelectorAll('[data-shown-for]')) {
  const [name, value] = question.dataset.shownFor.split('=')
  const form = question.closest('form')
  const radios = [...form.querySelectorAll('input[type="radio"]')].filter((radio) => radio.name === name)
  const fields = question.querySelectorAll('select, input, textarea')
  const sync = () => {
    const applies = radios.some((radio) => radio.checked && radio.value === value)
    question.hidden = !applies
    for (const field of fields) {
      field.disabled = !applies
    }
  }
  for (const radio of radios) {
    radio.addEventListener('change', sync)
  }
  // Coming back to the page (the back button) can bring another choice back.
  window.addEventListener('pageshow', sync)
  sync()
}

// Long selects become a type-ahead (accessible-autocomplete, from the npm
// registry), which reads the options from the select and writes the choice
// back to it, so the form posts exactly as it does without JavaScript.
if (window.accessibleAutocomplete) {
  for (const select of document.querySelectorAll('select[data-type-ahead]')) {
    // The type-ahead takes the select's id for its own input.
    const inputId = select.id
    window.accessibleAutocomplete.enhanceSelectElement({
      selectElement: select,
      defaultValue: '',
      showAllValues: true,
      // No ghost-text hint: it is a second, unlabelled input, which axe rightly flags.
      autoselect: false,
      dropdownArrow: () => '',
      tNoResults: () => 'No organisation has that name',
      // On leaving the field nothing is confirmed (text is undefined): read
      // what is typed. A name that matches no option leaves nothing chosen,
      // rather than quietly keeping the last choice.
      onConfirm: (text) => {
        const typed = (text ?? document.getElementById(inputId)?.value ?? '').trim()
        const match = [...select.options].find((option) => option.value && option.textContent.trim() === typed)
        select.value = match ? match.value : ''
      }
    })
  }
}

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

// On a phone, a list's filter panel starts folded while nothing is filtered,
// so that the results are the first thing under the heading.
if (window.matchMedia('(max-width: 40.0525em)').matches) {
  for (const panel of document.querySelectorAll('[data-filter-toggle]:not([data-filter-active])')) {
    panel.open = false
  }
}

// A PDF download is a plain link (templates/_macros/pdf.html). Making the PDF
// takes a few seconds, so on a click the link says "Preparing PDF…", also in
// its live region for screen readers, until the answer sets the cookie named
// by a fresh token put in the link's address (crm.pdf.pdf_response), or for
// 30 seconds at most. A click with a modifier key (a new tab or window) is
// left alone: this page would not see that answer.
const PDF_WAIT_MS = 30000
const PDF_POLL_MS = 250

function pdfToken () {
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

function hasCookie (name) {
  return document.cookie.split('; ').some((cookie) => cookie.startsWith(`${name}=`))
}

document.body.addEventListener('click', (event) => {
  const link = event.target.closest('a[data-pdf-download]')
  if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
    return
  }
  if (link.getAttribute('aria-disabled') === 'true') {
    event.preventDefault() // already preparing: one PDF per click is enough
    return
  }
  const token = pdfToken()
  const cookie = `pdf-ready-${token}`
  const href = link.getAttribute('href')
  const address = new URL(href, document.baseURI)
  address.searchParams.set('download_token', token)
  link.href = address.href // read by the browser after this handler, for this click

  const status = link.parentElement.querySelector('[data-pdf-status]')
  const text = link.textContent
  link.textContent = 'Preparing PDF…'
  link.setAttribute('aria-disabled', 'true')
  if (status) {
    status.textContent = 'Preparing PDF…'
  }
  const started = Date.now()
  const timer = window.setInterval(() => {
    const ready = hasCookie(cookie)
    if (!ready && Date.now() - started < PDF_WAIT_MS) {
      return
    }
    window.clearInterval(timer)
    document.cookie = `${cookie}=; Max-Age=0; Path=/; SameSite=Strict`
    link.textContent = text
    link.setAttribute('href', href)
    link.removeAttribute('aria-disabled')
    if (status) {
      status.textContent = ready ? 'PDF ready' : ''
    }
  }, PDF_POLL_MS)
})
