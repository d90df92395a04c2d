// Builds the front end into crm/static/dist (git-ignored): Sass to CSS, and
// copies of the packages' JavaScript and assets. No CDN: everything served
// comes from the npm registry at set-up and from this repository.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const modules = join(root, 'node_modules')
const dist = join(root, 'crm', 'static', 'dist')

rmSync(dist, { recursive: true, force: true })
mkdirSync(join(dist, 'css'), { recursive: true })
mkdirSync(join(dist, 'js'), { recursive: true })

const css = sass.compile(join(root, 'crm', 'static', 'scss', 'app.scss'), {
  loadPaths: [root, modules],
  style: 'compressed',
  quietDeps: true,
  silenceDeprecations: ['import'],
  // Warnings raised inside the GOV.UK and MoJ packages are theirs to fix;
  // ours still print.
  logger: {
    warn (message, { span, stack }) {
      if (!(span?.url?.pathname ?? '').includes('/node_modules/') && !(stack ?? '').includes('node_modules/')) {
        console.warn(`Warning: ${message}`)
      }
    }
  }
})
writeFileSync(join(dist, 'css', 'app.css'), css.css)

const govuk = join(modules, 'govuk-frontend', 'dist', 'govuk')
cpSync(join(govuk, 'govuk-frontend.min.js'), join(dist, 'govuk', 'govuk-frontend.min.js'))
// One assets folder for both: MoJ Frontend points GOV.UK Frontend's paths at it.
cpSync(join(govuk, 'assets'), join(dist, 'assets'), { recursive: true })
const moj = join(modules, '@ministryofjustice', 'frontend', 'moj')
cpSync(join(moj, 'assets'), join(dist, 'assets'), { recursive: true })
cpSync(join(modules, 'htmx.org', 'dist', 'htmx.min.js'), join(dist, 'js', 'htmx.min.js'))
cpSync(
  join(modules, 'accessible-autocomplete', 'dist', 'accessible-autocomplete.min.js'),
  join(dist, 'js', 'accessible-autocomplete.min.js')
)

// Arimo (metrically compatible with Arial, the GOV.UK typeface) for the PDFs
// WeasyPrint prints: only the Latin subsets of the four faces a document
// uses, as WOFF rather than WOFF2: WeasyPrint decodes either with fontTools,
// WOFF in 20 ms for all eight files, WOFF2 in about 500 ms. And the font's
// licence, which must travel with it.
const arimo = join(modules, '@fontsource', 'arimo')
mkdirSync(join(dist, 'fonts'), { recursive: true })
for (const subset of ['latin', 'latin-ext']) {
  for (const face of ['400-normal', '400-italic', '700-normal', '700-italic']) {
    const file = `arimo-${subset}-${face}.woff`
    cpSync(join(arimo, 'files', file), join(dist, 'fonts', file))
  }
}
cpSync(join(arimo, 'LICENSE'), join(dist, 'fonts', 'arimo-LICENSE.txt'))

console.log(`Built front-end assets into ${dist}`)
