import type * as Asn1Schema from '@peculiar/asn1-schema'
import type * as Asn1X509 from '@peculiar/asn1-x509'
import { requireOnFirstUse } from './load-on-first-use.js'

// The ASN.1 stack (@peculiar/asn1-schema, -x509, about 86 module files) is loaded with its first
// use, not at start-up: the Gateway's CMS signatures and the offline bundle's RSA-PSS key reader.
// Their callers are synchronous, so the packages are required: CommonJS without an `exports` map,
// the one instance an `import` of them would load too, shared by every caller through these.

/** @peculiar/asn1-schema, loaded on first call. */
export const asn1Schema = requireOnFirstUse<typeof Asn1Schema>(
  'the ASN.1 reader (@peculiar/asn1-schema)',
  '@peculiar/asn1-schema',
  import.meta.url,
)

/** @peculiar/asn1-x509, loaded on first call. */
export const asn1X509 = requireOnFirstUse<typeof Asn1X509>(
  'the ASN.1 reader (@peculiar/asn1-x509)',
  '@peculiar/asn1-x509',
  import.meta.url,
)
